"""Batch conversion of whole trees: the library (convert_tree) and `agentconv convert PATH... -o OUT`."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED
from helpers import make_tree

import agentconv
from agentconv.batch import FAILING, STATUSES, convert_tree, iter_convert_tree
from agentconv.cli import cli

CORPUS_CLAUDE = SHARED / "corpus" / "claude"


def agent(name: str, description: str = "Reviews code.", body: str = "You review code.\n", **keys: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n{body}"


def run(*args: str):
    return CliRunner().invoke(cli, ["convert", *args], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under root with its mtime and bytes: what a run must not touch."""
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def by_source(result) -> dict[str, object]:
    return {Path(f.source).name: f for f in result.files}


MESSY = {
    ".claude/agents/reviewer.md": agent("reviewer", tools="Read, Grep"),
    ".claude/agents/writer.md": agent("writer", model="sonnet", effort="high"),
    ".claude/agents/README.md": "# Our agents\n\nOne file per agent.\n",
    ".claude/agents/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    ".claude/agents/.DS_Store": b"\x00\x00\x00\x01Bud1",
    ".claude/agents/blob.md": b"\x7fELF\x02\x01\x01\x00\x00\x00" * 8,
    ".claude/agents/broken.md": "---\nname: broken\ndescription: Breaks.\nname: again\n---\nBody.\n",
    ".claude/agents/evil.md": agent("../../../evil"),
    "LICENSE": "MIT License\n",
}


# ------------------------------------------------------------------------------ the messy tree

def test_a_messy_tree_converts_everything_else_writes_only_inside_out_and_exits_1(tmp_path):
    case = tmp_path / "case"            # the folder above it is this test's own, so it is looked at too
    src = make_tree(case / "src", MESSY)
    before = snapshot(case)
    result = run(str(src), "--to", "opencode", "-o", str(case / "out"))
    assert result.exit_code == 1
    written = {p for p in snapshot(case) if p not in before}
    assert written == {"out/.opencode/agent/reviewer.md", "out/.opencode/agent/writer.md"}
    assert not any("evil" in p for p in snapshot(tmp_path) if not p.startswith("case/src"))
    assert "broken.md:4:1: key 'name' appears twice" in result.stderr and "hint:" in result.stderr
    assert "outside the output folder" in result.stderr
    assert "2 converted" in result.stderr and "2 failed" in result.stderr


def test_each_non_agent_file_is_skipped_with_its_reason(tmp_path):
    src = make_tree(tmp_path / "src", MESSY)
    files = by_source(convert_tree(src, tmp_path / "out", to="opencode"))
    assert {n for n, f in files.items() if f.status == "skipped"} == {"README.md", "logo.png", "blob.md",
                                                                       ".DS_Store", "LICENSE"}
    assert "documentation" in files["README.md"].reason
    assert files["logo.png"].reason == "not a .md or .txt file"
    assert files["blob.md"].reason == "binary file"
    assert files[".DS_Store"].reason == "hidden file"
    assert (files["broken.md"].error.line, files["broken.md"].error.column) == (4, 1)
    assert files["broken.md"].error.hint
    assert files["evil.md"].status == "failed" and files["evil.md"].target is None


def test_skipped_files_do_not_change_the_exit_code(tmp_path):
    src = make_tree(tmp_path / "src", {k: v for k, v in MESSY.items() if "broken" not in k and "evil" not in k})
    result = run(str(src), "--to", "opencode", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert "5 skipped" in result.stderr


def test_a_folder_of_prose_briefs_converts_under_from_prose_but_its_readme_and_a_docs_page_do_not(tmp_path):
    src = make_tree(tmp_path / "briefs", {
        "triage.md": "Triages new issues.\n\nWHEN TO USE:\n- A new issue arrived\n",
        "notes.txt": "You are a rubber duck.\n",
        "README.md": "These are our briefs.\n",
        "docs/page.md": "---\ntitle: Guide\nlayout: default\n---\n# Guide\n",
    })
    files = by_source(convert_tree(src, tmp_path / "out", to="claude", read="prose"))
    assert files["triage.md"].status == files["notes.txt"].status == "converted"
    assert files["README.md"].status == files["page.md"].status == "skipped"
    assert (tmp_path / "out/.claude/agents/triage.md").exists()
    unasked = by_source(convert_tree(src, tmp_path / "out2", to="claude"))
    assert {f.status for f in unasked.values()} == {"skipped"} and "--from prose" in unasked["notes.txt"].reason
    [named] = convert_tree([src / "notes.txt", src / "triage.md"], tmp_path / "out3", to="claude").files[:1]
    assert named.status == "converted"


def test_no_front_matter_in_a_claude_folder_is_not_an_agent(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/notes.md": "Remember to add a tester.\n"})
    [only] = convert_tree(src, tmp_path / "out", to="opencode").files
    assert only.status == "skipped" and "front matter" in only.reason


# ----------------------------------------------------------------------------------- safety

def test_a_second_run_without_force_overwrites_nothing(tmp_path):
    src = make_tree(tmp_path / "src", {k: v for k, v in MESSY.items() if k.endswith(("reviewer.md", "writer.md"))})
    out = tmp_path / "out"
    assert run(str(src), "--to", "opencode", "-o", str(out)).exit_code == 0
    first = snapshot(out)
    time.sleep(0.01)
    again = run(str(src), "--to", "opencode", "-o", str(out))
    assert again.exit_code == 0 and "2 unchanged" in again.stderr
    assert snapshot(out) == first

    (src / ".claude/agents/writer.md").write_text(agent("writer", model="opus"))
    refused = run(str(src), "--to", "opencode", "-o", str(out))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert snapshot(out) == first

    forced = run(str(src), "--to", "opencode", "-o", str(out), "--force")
    assert forced.exit_code == 0 and "1 converted, 1 unchanged" in forced.stderr
    assert snapshot(out)[".opencode/agent/reviewer.md"] == first[".opencode/agent/reviewer.md"]
    assert "opus" in (out / ".opencode/agent/writer.md").read_text()


def test_dry_run_writes_nothing_and_says_what_it_would_write(tmp_path):
    src = make_tree(tmp_path / "src", MESSY)
    before = snapshot(tmp_path)
    result = convert_tree(src, tmp_path / "out", to="opencode", dry_run=True)
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()
    planned = sorted(Path(f.target).relative_to(tmp_path).as_posix() for f in result.files
                     if f.status == "would-write")
    assert planned == ["out/.opencode/agent/reviewer.md", "out/.opencode/agent/writer.md"]


def test_check_passes_right_after_a_conversion_and_fails_after_a_source_changes(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/reviewer.md": agent("reviewer"),
                                       ".claude/agents/README.md": "Agents.\n"})
    out = str(tmp_path / "out")
    assert run(str(src), "--to", "opencode", "-o", out, "--check").exit_code == 1   # nothing there yet
    assert run(str(src), "--to", "opencode", "-o", out).exit_code == 0
    assert run(str(src), "--to", "opencode", "-o", out, "--check").exit_code == 0
    (src / ".claude/agents/reviewer.md").write_text(agent("reviewer", "Reviews code, strictly."))
    before = snapshot(tmp_path / "out")
    stale = run(str(src), "--to", "opencode", "-o", out, "--check")
    assert stale.exit_code == 1 and "would change" in stale.stderr
    assert snapshot(tmp_path / "out") == before


def test_diff_prints_what_would_change_and_writes_nothing(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/reviewer.md": agent("reviewer")})
    out = tmp_path / "out"
    run(str(src), "--to", "opencode", "-o", str(out))
    (src / ".claude/agents/reviewer.md").write_text(agent("reviewer", "Reviews diffs."))
    result = run(str(src), "--to", "opencode", "-o", str(out), "--diff")
    assert "-description: Reviews code.\n+description: Reviews diffs.\n" in result.stdout
    assert "Reviews code." in (out / ".opencode/agent/reviewer.md").read_text()


def test_two_agents_with_one_output_path_are_a_conflict_and_the_first_in_walk_order_wins(tmp_path):
    src = make_tree(tmp_path / "src", {"a/reviewer.md": agent("reviewer", "First."),
                                       "b/reviewer.md": agent("reviewer", "Second."),
                                       "c/other.md": agent("Reviewer", "Same name but for case.")})
    result = convert_tree(src, tmp_path / "out", to="opencode")
    assert [f.status for f in result.files] == ["converted", "conflict", "conflict"]
    assert "a/reviewer.md" in result.files[1].reason and result.exit_code == 1
    assert "First." in (tmp_path / "out/.opencode/agent/reviewer.md").read_text()


def test_unsafe_names_are_made_safe_and_reported(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/x.md": agent('"con"')})
    [only] = convert_tree(src, tmp_path / "out", to="claude").files
    assert only.status == "converted" and Path(only.target).name == "con_.md"
    assert "not a safe file name" in only.warnings[0].message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_end_and_links_out_of_the_tree_are_skipped(tmp_path):
    outside = make_tree(tmp_path / "elsewhere", {"secret.md": agent("secret")})
    src = make_tree(tmp_path / "src", {".claude/agents/reviewer.md": agent("reviewer")})
    os.symlink(src, src / ".claude/agents/loop")
    os.symlink(src / ".claude/agents/self", src / ".claude/agents/self")
    os.symlink(outside / "secret.md", src / ".claude/agents/secret.md")
    os.symlink(outside, src / "linked")
    files = by_source(convert_tree(src, tmp_path / "out", to="opencode"))
    assert files["reviewer.md"].status == "converted"
    assert {n: f.status for n, f in files.items() if n != "reviewer.md"} == dict.fromkeys(
        ["loop", "self", "secret.md", "linked"], "skipped")
    assert "outside the source tree" in files["secret.md"].reason
    assert not (tmp_path / "out/.opencode/agent/secret.md").exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlinked_output_folder_cannot_lead_outside_out(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/reviewer.md": agent("reviewer")})
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "out/.opencode")
    [only] = convert_tree(src, tmp_path / "out", to="opencode").files
    assert only.status == "failed" and "outside" in only.error.message
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_the_output_folder_inside_the_source_tree_is_not_read_back(tmp_path):
    repo = make_tree(tmp_path / "repo", {".claude/agents/reviewer.md": agent("reviewer")})
    assert convert_tree(repo, repo, to="opencode").exit_code == 0
    again = convert_tree(repo, repo, to="opencode")
    assert again.exit_code == 0 and again.totals["unchanged"] == 1 and again.totals["conflict"] == 0


def test_strict_fails_lossy_files_and_writes_nothing_for_them(tmp_path):
    src = make_tree(tmp_path / "src", {".claude/agents/a.md": agent("a", effort="high"),
                                       ".claude/agents/b.md": agent("b")})
    files = by_source(convert_tree(src, tmp_path / "out", to="opencode", strict=True))
    assert files["a.md"].status == "failed" and files["a.md"].error.type == "LossError"
    assert files["b.md"].status == "converted"
    assert not (tmp_path / "out/.opencode/agent/a.md").exists()


# ------------------------------------------------------------------------------- round trips

def test_opencode_sub_folders_name_the_agent_and_are_kept(tmp_path):
    result = convert_tree(FIXTURES / "opencode", tmp_path / "out", to="claude")
    [security] = [f for f in result.files if f.source.endswith("review/security.md")]
    assert Path(security.target) == tmp_path / "out/.claude/agents/review/security.md"
    assert not any(l.field == "name" for l in security.losses)
    back = convert_tree(tmp_path / "out", tmp_path / "back", to="opencode")
    assert (tmp_path / "back/.opencode/agent/review/security.md").exists() and back.exit_code == 0


def _round_trip(src: Path, work: Path) -> list[tuple[object, Path]]:
    # your own files, and byte-exact trips asked for: formatting hints ride along, trusted back
    there = convert_tree(src, work / "there", to="opencode", carry="style")
    back = {f.source: f for f in convert_tree(work / "there", work / "back", to="claude", carry="style",
                                              trust_carry=True).files}
    return [(f, Path(back[f.target].target)) for f in there.files if f.status == "converted"]


def test_claude_to_opencode_and_back_gives_the_same_model_for_every_file(tmp_path):
    trips = _round_trip(FIXTURES / "claude", tmp_path)
    assert len(trips) == len(list((FIXTURES / "claude").glob("*.md")))
    for there, back in trips:
        assert agentconv.load(back).agents == agentconv.load(there.source).agents, there.source


def _exact_trips(trips):
    """Trips where nothing had to be carried: no loss and no warning about the source. A
    front matter closed by a longer rule ('-----') is written back with '---' on purpose
    (style._rule: the real tools would read '--' into the prompt), so it is left out."""
    return [(t, b) for t, b in trips if not t.losses and not t.warnings and not _odd_rule(t.source)]


def _odd_rule(source: str) -> bool:
    lines = Path(source).read_text(encoding="utf-8", errors="replace").splitlines()
    rules = [line for line in lines if line.startswith("---")][:2]
    return any(line.rstrip() != "---" for line in rules)


def test_claude_to_opencode_and_back_is_byte_identical_where_nothing_was_carried(tmp_path):
    trips = _round_trip(FIXTURES / "claude", tmp_path)
    exact = _exact_trips(trips)
    assert exact
    for there, back in exact:
        assert back.read_bytes() == Path(there.source).read_bytes(), there.source


@pytest.mark.skipif(not CORPUS_CLAUDE.is_dir(), reason="../shared/corpus is absent")
def test_corpus_trips_are_byte_identical_where_nothing_was_carried(tmp_path):
    # formatting the other dialect cannot hold (tool order, quoting, model: inherit) rides
    # along as carried style hints, so hand-written files come back byte for byte
    exact = _exact_trips(_round_trip(CORPUS_CLAUDE, tmp_path))
    assert len(exact) > 50
    differ = [t.source for t, b in exact if b.read_bytes() != Path(t.source).read_bytes()]
    assert len(differ) <= len(exact) // 20, differ      # long one-line descriptions are not carried


@pytest.mark.skipif(not CORPUS_CLAUDE.is_dir(), reason="../shared/corpus is absent")
def test_the_claude_corpus_converts_to_opencode_without_a_failure(tmp_path):
    started = time.perf_counter()
    result = convert_tree(CORPUS_CLAUDE, tmp_path / "out", to="opencode")
    elapsed = time.perf_counter() - started
    assert result.totals["failed"] == 0, [str(f.error) for f in result.files if f.error][:3]
    assert result.totals["converted"] + result.totals["conflict"] == result.totals["files"] > 200
    assert elapsed < 30


# ---------------------------------------------------------------------------------- in place

def test_in_place_rewrites_only_files_whose_bytes_change_and_keeps_their_meaning(tmp_path):
    claude = tmp_path / ".claude/agents"
    claude.mkdir(parents=True)
    for name in ("unquoted-colon.md", "minimal.md", "maximal.md"):
        shutil.copy(FIXTURES / "claude" / name, claude / name)
    make_tree(tmp_path, {".opencode/agent/helper.md": (FIXTURES / "opencode/tools-map.md").read_text()})
    before = snapshot(tmp_path)
    meaning = agentconv.load(claude / "unquoted-colon.md").agents
    files = by_source(convert_tree(tmp_path, None, to="claude", in_place=True))
    assert files["unquoted-colon.md"].status == "converted"
    assert files["minimal.md"].status == files["maximal.md"].status == "unchanged"
    assert files["helper.md"].status == "skipped" and "opencode" in files["helper.md"].reason
    after = snapshot(tmp_path)
    assert {k for k in after if after[k] != before[k]} == {".claude/agents/unquoted-colon.md"}
    assert "description: 'Use this agent when: a query" in (claude / "unquoted-colon.md").read_text()
    assert agentconv.load(claude / "unquoted-colon.md").agents == meaning
    assert run(str(tmp_path), "--to", "claude", "--in-place", "--check").exit_code == 0


# ------------------------------------------------------------------------------ reports, CLI

def test_the_json_report_is_one_document_with_an_entry_per_file_and_the_totals(tmp_path):
    src = make_tree(tmp_path / "src", MESSY)
    result = run(str(src), "--to", "opencode", "-o", str(tmp_path / "out"), "--report", "json")
    report = json.loads(result.stdout)
    assert set(report) == {"files", "totals", "losses", "unknown_models"}
    assert set(report["totals"]) == {"files", *STATUSES} and report["totals"]["files"] == len(MESSY)
    entry = {Path(f["source"]).name: f for f in report["files"]}
    assert set(entry["reviewer.md"]) == {"source", "target", "from", "to", "status", "reason", "error",
                                         "losses", "warnings", "restored", "diff"}
    assert entry["reviewer.md"]["from"] == "claude" and entry["reviewer.md"]["to"] == "opencode"
    assert {"field", "kind"} <= set(entry["writer.md"]["losses"][0])
    assert set(entry["broken.md"]["error"]) == {"type", "message", "path", "line", "column", "hint"}
    assert entry["README.md"]["status"] == "skipped" and entry["README.md"]["reason"]
    assert "file(s)" in result.stderr


def test_quiet_prints_only_failures_and_verbose_lists_every_file(tmp_path):
    src = make_tree(tmp_path / "src", MESSY)
    quiet = run(str(src), "--to", "opencode", "-o", str(tmp_path / "q"), "-q")
    assert "broken.md" in quiet.stderr and "file(s)" not in quiet.stderr and "README" not in quiet.stderr
    verbose = run(str(src), "--to", "opencode", "-o", str(tmp_path / "v"), "-v")
    assert "skipped: " in verbose.stderr and "README.md is documentation" in verbose.stderr
    assert "converted: " in verbose.stderr and "  reasoning_effort: carried" in verbose.stderr


def test_the_readme_quick_start_converts_the_claude_fixtures_into_the_opencode_layout(tmp_path):
    result = run(str(FIXTURES / "claude"), "--to", "opencode", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out/.opencode/agent").iterdir())
    assert len(written) == len(list((FIXTURES / "claude").glob("*.md"))) and "code-reviewer.md" in written


def test_in_place_diff_shows_the_normalisation_and_writes_nothing(tmp_path):
    src = make_tree(tmp_path / ".claude/agents", {
        "sql.md": (FIXTURES / "claude/unquoted-colon.md").read_text(encoding="utf-8")})
    before = snapshot(tmp_path)
    result = run(str(src), "--to", "claude", "--in-place", "--diff")
    assert result.exit_code == 0 and snapshot(tmp_path) == before
    assert f"+++ {src / 'sql.md'}\n" in result.stdout
    assert "\n+description: 'Use this agent when: a query" in result.stdout


def test_a_tree_needs_an_output_folder(tmp_path):
    src = make_tree(tmp_path / "src", MESSY)
    result = CliRunner().invoke(cli, ["convert", str(src), "--to", "opencode"])
    assert result.exit_code == 2 and "-o OUT" in result.stderr


def test_one_file_still_goes_to_stdout_and_into_an_existing_folder_s_layout(tmp_path):
    one = FIXTURES / "claude/minimal.md"
    printed = run(str(one), "--to", "opencode")
    assert printed.exit_code == 0 and printed.stdout.startswith("---\ndescription:")
    assert "agentconv" not in printed.stdout and printed.stderr == ""   # named as opencode would file it
    (tmp_path / "out").mkdir()
    written = run(str(one), "--to", "opencode", "-o", str(tmp_path / "out"))
    assert written.exit_code == 0 and "wrote " in written.stderr
    text = (tmp_path / "out/.opencode/agent/code-reviewer.md").read_text()
    assert text == printed.stdout.replace('# agentconv-carry: {"name":"code-reviewer"}\n', "")


def test_the_library_streams_results_one_file_at_a_time(tmp_path):
    src = make_tree(tmp_path / "src", {f"agents/a{i}.md": agent(f"a{i}") for i in range(3)})
    results = iter_convert_tree([src], tmp_path / "out", to="opencode")
    first = next(results)
    assert first.status == "converted"
    assert len(list((tmp_path / "out/.opencode/agent").iterdir())) == 1   # the rest not yet done
    assert [r.status for r in results] == ["converted", "converted"]
    assert not FAILING & {"converted", "skipped"}
