"""Migrating whole repositories (issue 10): only what the source tool loads is converted,
agentconv's own outputs never come back as sources, and names the target tool keeps for
itself are refused with a way out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import make_tree

from agentconv.batch import convert_tree
from agentconv.cli import cli


def agent(name: str, description: str = "Reviews code.", body: str = "You review code.\n", **keys: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n{body}"


def run(*args: str):
    return CliRunner().invoke(cli, ["convert", *args], catch_exceptions=False)


def statuses(result) -> dict[str, str]:
    return {Path(f.source).as_posix(): f.status for f in result.files}


#: a public agent repository as found: agents, and everything else a repository holds
REPO = {
    ".claude/agents/reviewer.md": agent("reviewer", tools="Read, Grep"),
    ".claude/agents/build.md": agent("build", "Builds the project."),
    ".claude/agents/plan.md": agent("plan", "Plans the work."),
    ".claude/agents/lang/python-pro.md": agent("python-pro", "Writes Python."),        # Claude recurses
    ".claude/agents/README.md": "# Our agents\n",
    ".claude/commands/deploy.md": "---\ndescription: Deploy it\nallowed-tools: Bash\n---\nDeploy $ARGUMENTS\n",
    ".claude/skills/pdf/SKILL.md": "---\nname: pdf\ndescription: Reads PDFs.\n---\nUse pdftotext.\n",
    ".claude/skills/pdf/reference.md": "---\nname: pdf-ref\ndescription: Reference.\n---\nFlags.\n",
    "skills/review/SKILL.md": "---\nname: review\ndescription: Reviews.\n---\nSteps.\n",
    "skills/review/checklist.md": "---\nname: checklist\ndescription: A checklist.\n---\n- one\n",
    "memory/decisions.md": "---\nname: decisions\ndescription: What we decided.\ntype: project\n---\nUse uv.\n",
    "CLAUDE.md": "---\nname: project\ndescription: How to work here.\n---\nRun the tests.\n",
    "AGENTS.md": "# Agents\n\nRun `make test`.\n",
    "GEMINI.md": "Use the tests.\n",
    "CHANGELOG.md": "## 1.0\n- first\n",
    "docs/spec.md": "---\ntitle: Spec\ntags: [a, b]\ndescription: The spec page.\n---\n# Spec\n",
    "docs/agents/example.md": agent("example", "An example in the docs."),
    "notes/todo.md": "Remember the tests.\n",
    "pages/about.md": "---\ntitle: About\ndescription: About us.\nlayout: page\n---\nHi.\n",
    "templates/agent.md": agent("{{AGENT_NAME}}", "{{DESCRIPTION}}"),
    "tests/README.md": "How to run the tests.\n",
    "tests/fixtures/.claude/agents/fixture.md": agent("fixture", "A test input."),
    "collection/engineering/backend.md": agent("backend", "Builds APIs."),            # a category folder
    ".opencode/agent/helper.md": "---\ndescription: Helps.\nmode: subagent\n---\nHelp.\n",
    ".opencode/agent/bare.md": "You are a bare opencode agent: the whole file is the prompt.\n",
}
AGENTS = {".claude/agents/reviewer.md", ".claude/agents/build.md", ".claude/agents/plan.md",
          ".claude/agents/lang/python-pro.md", "collection/engineering/backend.md",
          ".opencode/agent/helper.md", ".opencode/agent/bare.md"}
RENAMES = {"build": "builder", "plan": "planner"}


def _relative(result, root: Path) -> dict[str, object]:
    return {Path(os.path.relpath(f.source, root)).as_posix(): f for f in result.files}


LAYOUT = {"prose": "agents", "opencode": ".opencode/agent", "claude": ".claude/agents"}


@pytest.mark.parametrize("to", ["prose", "opencode", "claude"])
def test_a_repository_run_converts_exactly_the_agents_with_no_conflict(tmp_path, to):
    repo = make_tree(tmp_path / "repo", REPO)
    result = convert_tree(repo, repo / "out", to=to, renames=RENAMES)
    files = _relative(result, repo)
    converted = {p for p, f in files.items() if f.status == "converted"}
    assert converted == AGENTS, {p: (f.status, f.reason, f.error) for p, f in files.items() if p in AGENTS}
    assert result.totals["conflict"] == result.totals["failed"] == 0
    assert {p for p, f in files.items() if f.status == "skipped"} == set(REPO) - AGENTS
    assert all(f.reason for f in files.values() if f.status == "skipped")
    assert sorted(p.name for p in (repo / "out" / LAYOUT[to]).rglob("*")) == [
        "backend.md", "bare.md", "builder.md", "helper.md", "planner.md", "python-pro.md", "reviewer.md"]


@pytest.mark.parametrize("to", ["prose", "opencode", "claude"])
def test_a_second_run_with_out_inside_the_tree_converts_nothing_new(tmp_path, to):
    repo = make_tree(tmp_path / "repo", REPO)
    first = convert_tree(repo, repo / "out", to="prose", renames=RENAMES)
    again = convert_tree(repo, repo / "out", to=to, renames=RENAMES)
    assert again.totals["conflict"] == again.totals["failed"] == 0, [f.reason for f in again.files]
    done = {f.source for f in again.files if f.status in ("converted", "unchanged")}
    assert done == {f.source for f in first.files if f.status == "converted"}
    if to == "prose":
        assert again.totals["unchanged"] == len(AGENTS) and again.totals["converted"] == 0


def test_in_a_repository_only_failures_are_printed_under_q(tmp_path):
    repo = make_tree(tmp_path / "repo", REPO)
    result = run(str(repo), "--to", "opencode", "-o", str(tmp_path / "out"), "-q",
                 "--rename", "build=builder", "--rename", "plan=planner")
    assert result.exit_code == 0 and result.stderr == ""


def test_skips_are_counted_listed_with_their_reason_under_v_and_in_json(tmp_path):
    repo = make_tree(tmp_path / "repo", REPO)
    args = [str(repo), "--to", "prose", "-o", str(tmp_path / "out"), "--rename", "build=builder",
            "--rename", "plan=planner"]
    plain = run(*args)
    assert f"{len(REPO) - len(AGENTS)} skipped" in plain.stderr
    verbose = run(*args, "-v", "--force")
    assert "skipped: " + str(repo / "CLAUDE.md") + " (CLAUDE.md is Claude Code's project instructions" in verbose.stderr
    assert "in skills/, which holds skills" in verbose.stderr and "a template: {{AGENT_NAME}}" in verbose.stderr
    report = json.loads(run(*args, "--report", "json", "-q").stdout)
    reasons = {Path(f["source"]).name: f["reason"] for f in report["files"] if f["status"] == "skipped"}
    assert "test fixtures" in reasons["fixture.md"] and "documentation" in reasons["spec.md"]
    assert report["totals"]["skipped"] == len(REPO) - len(AGENTS)


@pytest.mark.parametrize("path, text, why", [pytest.param(*case, id=case[0]) for case in [
    ("SKILL.md", agent("s"), "a skill"),
    ("x/skills/a/b.md", agent("s"), "skills"),
    ("tool/SKILL.md", "Steps.\n", "a skill"),
    ("tool/ref/more.md", agent("s"), "skill folder"),
    ("commands/deploy.md", agent("d"), "commands"),
    ("AGENTS.md", agent("a"), "project instructions"),
    ("GEMINI.md", agent("g"), "Gemini"),
    ("README.md", agent("r"), "documentation"),
    ("LICENSE.md", agent("l"), "licence"),
    ("docs/page.md", "---\ntitle: T\ntags: [x]\ndescription: D\n---\nBody.\n", "documentation"),
    ("site/page.md", "---\ntitle: T\ntags: [x]\ndescription: D\n---\nBody.\n", "not an agent's"),
    ("site/tpl.md", agent("{{ name }}"), "template"),
    ("fixtures/a.md", agent("f"), "test fixtures"),
    ("testdata/.claude/agents/a.md", agent("f"), "test fixtures"),
    (".claude/output-styles/terse.md", agent("terse"), "output styles"),
    (".github/prompts/review.prompt.md", "---\nmode: agent\ndescription: D\ntools: [a]\n---\nGo.\n", "prompt"),
    ("x/review.prompt.md", "---\nmode: agent\ndescription: D\ntools: [a]\n---\nGo.\n", "Copilot prompt file"),
    ("brief.md", "You review code.\n", "--from prose"),
    (".claude/agents/notes.txt", agent("n"), "Claude Code loads only"),
    (".claude/agents/nameless.md", "---\ndescription: No name.\n---\nBody.\n", "Claude Code skips the file silently"),
]])
def test_what_is_never_an_agent(tmp_path, path, text, why):
    if path == "tool/ref/more.md":
        make_tree(tmp_path / "src", {"tool/SKILL.md": agent("tool")})
    make_tree(tmp_path / "src", {path: text})
    result = convert_tree(tmp_path / "src", tmp_path / "out", to="opencode")
    mine = [f for f in result.files if f.source.endswith(path)]
    assert [f.status for f in mine] == ["skipped"] and why in mine[0].reason, mine[0].reason


def test_an_agent_folder_inside_a_never_folder_of_the_tree_is_still_one_when_given_itself(tmp_path):
    src = make_tree(tmp_path / "src", {"tests/fixtures/.claude/agents/a.md": agent("a")})
    [only] = convert_tree(src / "tests/fixtures", tmp_path / "out", to="opencode").files
    assert only.status == "converted"


def test_include_and_exclude_globs_change_what_is_walked(tmp_path):
    src = make_tree(tmp_path / "src", {"docs/agents/a.md": agent("a"), "lib/b.md": agent("b"),
                                       "lib/old/c.md": agent("c")})
    result = convert_tree(src, tmp_path / "out", to="opencode", include=["docs/agents/*.md"], exclude=["lib/old/**"])
    assert {Path(f.source).name: f.status for f in result.files} == {
        "a.md": "converted", "b.md": "converted", "c.md": "skipped"}
    assert "--exclude" in next(f.reason for f in result.files if f.source.endswith("c.md"))


# ----------------------------------------------------------------------- outputs are not inputs

def test_outputs_of_a_run_with_another_to_are_not_read_back(tmp_path):
    repo = make_tree(tmp_path / "repo", {".claude/agents/a.md": agent("a"), ".claude/agents/b.md": agent("b")})
    assert convert_tree(repo, repo / "out", to="opencode").exit_code == 0
    again = convert_tree(repo, repo / "out", to="prose")
    assert again.exit_code == 0 and again.totals["converted"] == 2 and again.totals["conflict"] == 0
    assert sorted(p.name for p in (repo / "out/agents").iterdir()) == ["a.md", "b.md"]


def test_agents_already_in_the_target_layout_are_reported_not_none_found(tmp_path):
    repo = make_tree(tmp_path / "repo", {"agents/a.md": agent("a"), "agents/b.md": agent("b")})
    before = {p: p.read_bytes() for p in (repo / "agents").iterdir()}
    result = run(str(repo), "--to", "prose", "-o", str(repo))
    assert "none found" not in result.stderr and "2 skipped" in result.stderr
    verbose = run(str(repo), "--to", "prose", "-o", str(repo), "-v")
    assert "output folder's layout" in verbose.stderr
    assert {p: p.read_bytes() for p in (repo / "agents").iterdir()} == before


@pytest.mark.parametrize("force", [False, True])
def test_a_source_is_never_replaced_by_its_conversion(tmp_path, force):
    repo = make_tree(tmp_path / "repo", {"agents/a.md": agent("a"), "agents/b.md": agent("zed")})
    before = {p.name: p.read_bytes() for p in (repo / "agents").iterdir()}
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        result = run("agents", "--to", "prose", "-o", ".", *(["--force"] if force else []))
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1 and "would replace a file this run reads as a source" in result.stderr
    assert {p.name: p.read_bytes() for p in (repo / "agents").iterdir() if p.name in before} == before
    # b.md became agents/zed.md, new in the walked folder: not read back as a source
    assert "zed.md" in {p.name for p in (repo / "agents").iterdir()} and result.stderr.count("conflict") == 0


def test_an_output_agentconv_wrote_beside_its_source_is_not_converted_again(tmp_path):
    repo = make_tree(tmp_path / "repo", {".claude/agents/a.md": agent("a", effort="high")})
    assert convert_tree(repo, repo, to="opencode").exit_code == 0
    carried = (repo / ".opencode/agent/a.md").read_text()
    assert "# agentconv" in carried
    again = convert_tree(repo, repo, to="prose")
    files = _relative(again, repo)
    assert files[".claude/agents/a.md"].status == "converted"
    assert files[".opencode/agent/a.md"].status == "skipped" and "own output" in files[".opencode/agent/a.md"].reason
    assert again.exit_code == 0


# ----------------------------------------------------------------------------- reserved names

@pytest.mark.parametrize("name", ["build", "plan", "general", "explore", "compaction", "summary", "title"])
def test_opencode_built_in_agent_names_are_refused_with_a_way_out(tmp_path, name):
    src = make_tree(tmp_path / "src", {f".claude/agents/{name}.md": agent(name)})
    [refused] = convert_tree(src, tmp_path / "out", to="opencode").files
    assert refused.status == "failed" and "built-in" in refused.error.message
    assert f"--rename '{name}=" in refused.error.hint
    assert not (tmp_path / "out/.opencode/agent" / f"{name}.md").exists()
    [renamed] = convert_tree(src, tmp_path / "out", to="opencode", renames={name: f"my-{name}"}).files
    assert renamed.status == "converted" and Path(renamed.target).name == f"my-{name}.md"
    # an opencode file of that name overrides the built-in on purpose: kept as it is
    own = make_tree(tmp_path / "own", {f".opencode/agent/{name}.md": "---\ndescription: d\nmode: primary\n---\nHi.\n"})
    assert [f.status for f in convert_tree(own, tmp_path / "out2", to="opencode").files] == ["converted"]


@pytest.mark.parametrize("name, why", [("team:reviewer", "':'"), ("team\uff1areviewer", "':'"),
                                       ("-dash", "'-'"), ("x" * 257, "longer than 256"),
                                       ("Explore", "built-in"), ("general-purpose", "built-in"),
                                       ("claude", "built-in"), ("Plan", "built-in")])
def test_names_claude_code_refuses_are_refused(tmp_path, name, why):
    src = make_tree(tmp_path / "src", {".opencode/agent/x.md": "---\ndescription: d\nmode: subagent\n---\nHi.\n"})
    [result] = convert_tree(src, tmp_path / "out", to="claude", renames={"x": name}).files
    assert result.status == "failed" and why in result.error.message


def test_the_cli_refuses_a_reserved_name_for_one_file_into_a_folder_and_renames_it(tmp_path):
    source = make_tree(tmp_path, {"build.md": agent("build")}) / "build.md"
    (tmp_path / "out").mkdir()
    refused = run(str(source), "--to", "opencode", "-o", str(tmp_path / "out"))
    assert refused.exit_code == 1 and "built-in" in refused.stderr and "--rename" in refused.stderr
    done = run(str(source), "--to", "opencode", "-o", str(tmp_path / "out"), "--rename", "build=builder")
    assert done.exit_code == 0 and (tmp_path / "out/.opencode/agent/builder.md").exists()
    bad = CliRunner().invoke(cli, ["convert", str(source), "--to", "opencode", "--rename", "build"])
    assert bad.exit_code == 2 and "OLD=NEW" in bad.stderr


@pytest.mark.parametrize("first_to", ["opencode", "claude"])
def test_outputs_an_earlier_run_left_beside_their_sources_are_no_conflict(tmp_path, first_to):
    """In-place migrations leave outputs beside the sources (-o .), often with no comment at
    all; a later run into another folder sees both and converts each agent once."""
    repo = make_tree(tmp_path / "repo", {".claude/agents/a.md": agent("a"),
                                         ".opencode/agent/b.md":
                                             "---\ndescription: Helps.\nmode: subagent\n---\nHelp.\n",
                                         "team/c.md": agent("c", "Third.")})
    assert convert_tree(repo, repo, to=first_to).exit_code == 0
    later = convert_tree(repo, tmp_path / "out", to="prose")
    assert later.totals["conflict"] == 0 and later.exit_code == 0, [f.reason for f in later.files]
    assert sorted(p.name for p in (tmp_path / "out/agents").iterdir()) == ["a.md", "b.md", "c.md"]
    assert all("converts to exactly this file" in f.reason for f in later.files if f.status == "skipped"
               and f.source_dialect)


def test_virtual_environments_and_caches_are_not_walked(tmp_path):
    tooling = (".venv", "venv", ".tox", ".pytest_cache")
    src = make_tree(tmp_path / "src", {f"{d}/pkg/agent.md": agent("dep") for d in tooling})
    make_tree(src, {".claude/agents/a.md": agent("a")})
    assert [Path(f.source).name for f in convert_tree(src, tmp_path / "out", to="opencode").files] == ["a.md"]


def test_agents_of_tools_agentconv_does_not_read_are_skipped_by_name_not_guessed(tmp_path):
    gemini = "---\nname: api-designer\ndescription: Designs APIs.\nkind: local\ntools:\n  - read_file\n" \
             "temperature: 0.3\n---\nDesign.\n"
    mixed = "---\nname: api-designer\ndescription: Designs APIs.\nmode: subagent\npermissionMode: plan\n---\nDesign.\n"
    src = make_tree(tmp_path / "repo", {
        ".windsurf/agents/api-designer.md": gemini,         # a tool agentconv does not read
        ".gemini/agents/api-designer.md": gemini,           # Gemini CLI's own folder: a dialect now
        "collection/agents/api-designer.md": mixed,         # walked into, of no one dialect
        ".claude/agents/reviewer.md": "---\nname: reviewer\ndescription: Reviews.\n---\nGo.\n",
    })
    result = convert_tree([src], tmp_path / "out", to="opencode")
    status = {Path(f.source).relative_to(src).as_posix(): (f.status, f.reason or "") for f in result.files}
    assert status[".claude/agents/reviewer.md"][0] == "converted"
    assert status[".gemini/agents/api-designer.md"][0] == "converted"
    windsurf, collection = status[".windsurf/agents/api-designer.md"], status["collection/agents/api-designer.md"]
    assert windsurf[0] == "skipped" and "Windsurf" in windsurf[1]
    assert collection[0] == "skipped" and "--from" in collection[1]
    assert result.exit_code == 0
    named = convert_tree([src / "collection/agents/api-designer.md"], tmp_path / "o2", to="opencode")
    assert named.files[0].status == "failed"          # named explicitly: the reader says why


def test_one_file_to_stdout_warns_of_a_name_the_target_keeps_for_itself(tmp_path):
    one = tmp_path / "build.md"
    one.write_text("---\nname: build\ndescription: Builds.\n---\nBuild it.\n")
    result = CliRunner().invoke(cli, ["convert", str(one), "--to", "opencode"])
    assert result.exit_code == 0 and result.stdout.startswith("---\n")
    assert "built-in agents" in result.stderr and "--rename 'build=NEW-NAME'" in result.stderr
    renamed = CliRunner().invoke(cli, ["convert", str(one), "--to", "opencode", "--rename", "build=builder"])
    assert "built-in" not in renamed.stderr


def test_converting_into_the_tree_itself_again_and_again_gives_no_conflicts(tmp_path):
    # sources outside every layout folder; each run with -o . leaves outputs that later runs walk
    src = make_tree(tmp_path / "repo", {
        f"plugins/p{i}/agents/a{i}.md": f"---\nname: a{i}\ndescription: Agent {i}.\ntools: Read, Grep\n---\nDo {i}.\n"
        for i in range(3)})
    for to in ("opencode", "claude", "prose", "opencode", "copilot", "claude"):
        result = CliRunner().invoke(cli, ["convert", str(src), "--to", to, "-o", str(src)])
        assert "conflict" not in result.stderr, (to, result.stderr)
        assert result.exit_code == 0, (to, result.stderr)
