"""``convert --prune`` (issue 14, item 5): an output agentconv wrote whose source is gone is
removed; nothing else ever is. Each case starts from one run that wrote three agents into OUT
with a manifest, changes the scene, and names what must be removed, kept and said."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentconv.batch import convert_tree
from agentconv.cli import cli
from agentconv.prune import MANIFEST

AGENT = "---\nname: {name}\ndescription: Does {name} things.\ntools: Read, Grep\n---\nDo {name} things.\n"
NAMES = ("alpha", "beta", "gamma")
LAYOUT = Path(".opencode") / "agent"


def scene(tmp_path: Path) -> tuple[Path, Path]:
    src, out = tmp_path / "src", tmp_path / "out"
    (src / ".claude" / "agents").mkdir(parents=True)
    for name in NAMES:
        (src / ".claude" / "agents" / f"{name}.md").write_text(AGENT.format(name=name))
    result = convert_tree([src], out, to="opencode", prune=True)
    assert result.exit_code == 0 and (out / MANIFEST).is_file()
    assert sorted(p.name for p in (out / LAYOUT).iterdir()) == [f"{n}.md" for n in NAMES]
    return src, out


def gone(name: str) -> Callable[[Path, Path], None]:
    return lambda src, out: (src / ".claude" / "agents" / f"{name}.md").unlink()


def edited(name: str) -> Callable[[Path, Path], None]:
    def change(src: Path, out: Path) -> None:
        gone(name)(src, out)
        with open(out / LAYOUT / f"{name}.md", "a") as handle:
            handle.write("My own note.\n")
    return change


def unrelated(src: Path, out: Path) -> None:
    (out / LAYOUT / "mine.md").write_text(AGENT.format(name="mine"))       # never written by agentconv
    (out / "README.md").write_text("notes\n")


def manifest_naming(entries: dict[str, object]) -> Callable[[Path, Path], None]:
    """The manifest rewritten to list paths agentconv never wrote (a hostile or garbled one)."""
    def change(src: Path, out: Path) -> None:
        gone("alpha")(src, out)
        document = json.loads((out / MANIFEST).read_text())
        document["outputs"].update(entries)
        (out / MANIFEST).write_text(json.dumps(document))
    return change


def outside(src: Path, out: Path) -> None:
    """A file outside OUT with its hash in the manifest, reached by '..', and by a symlink."""
    victim = out.parent / "victim.md"
    victim.write_text(AGENT.format(name="victim"))
    import hashlib
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    (out / LAYOUT / "link.md").symlink_to(victim)
    entry = {"sha256": digest, "source": "../src/none.md", "to": "opencode"}
    manifest_naming({".opencode/agent/link.md": entry})(src, out)


def outside_by_dots(src: Path, out: Path) -> None:
    victim = out.parent / "victim.md"
    victim.write_text("x\n")
    import hashlib
    entry = {"sha256": hashlib.sha256(b"x\n").hexdigest(), "source": "../src/none.md", "to": "opencode"}
    manifest_naming({".opencode/agent/../../../victim.md": entry})(src, out)


def symlinked_layout(src: Path, out: Path) -> None:
    """OUT's layout folder replaced by a link to a folder outside holding the same files."""
    gone("alpha")(src, out)
    elsewhere = out.parent / "elsewhere"
    (out / LAYOUT).rename(elsewhere)
    (out / LAYOUT).symlink_to(elsewhere, target_is_directory=True)


def missing(src: Path, out: Path) -> None:
    gone("alpha")(src, out)
    (out / MANIFEST).unlink()


def garbled(text: str) -> Callable[[Path, Path], None]:
    def change(src: Path, out: Path) -> None:
        gone("alpha")(src, out)
        (out / MANIFEST).write_text(text)
    return change


def other_target(src: Path, out: Path) -> None:
    """Outputs of another --to are that run's to prune."""
    convert_tree([src], out, to="gemini", prune=True)
    gone("alpha")(src, out)


CASES = [
    # (id, change, removed, said)
    ("deleted-source-pruned", gone("alpha"), {"alpha.md"}, None),
    ("two-deleted", lambda s, o: (gone("alpha")(s, o), gone("beta")(s, o)), {"alpha.md", "beta.md"}, None),
    ("edited-output-kept", edited("alpha"), set(), "the file changed since agentconv wrote it"),
    ("unrelated-files-kept", unrelated, set(), None),
    ("outside-through-a-symlink", outside, {"alpha.md"}, None),
    ("outside-by-dots", outside_by_dots, set(), "holds an entry agentconv did not write"),
    ("symlinked-layout-folder", symlinked_layout, set(), None),
    ("not-in-the-layout", manifest_naming({"README.md": {"sha256": "0", "source": "none", "to": "opencode"}}),
     {"alpha.md"}, None),
    ("manifest-missing", missing, set(), "no record of earlier outputs: nothing pruned"),
    ("manifest-not-json", garbled("{not json"), set(), "is not valid JSON"),
    ("manifest-other-shape", garbled('{"agentconv": 1, "outputs": []}'), set(), "is not an agentconv manifest"),
    ("manifest-bad-entry", garbled('{"agentconv": 1, "outputs": {"a.md": 5}}'), set(),
     "holds an entry agentconv did not write"),
    ("other-target-left", other_target, {"alpha.md"}, None),
]


@pytest.mark.parametrize("change, removed, said", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_prune_removes_only_outputs_agentconv_wrote_whose_source_is_gone(tmp_path, change, removed, said):
    src, out = scene(tmp_path)
    change(src, out)
    before = _files(tmp_path)
    dry = convert_tree([src], out, to="opencode", prune=True, dry_run=True)
    assert _files(tmp_path) == before, "--dry-run removes nothing"
    assert {Path(f.target).name for f in dry.files if f.status == "would-prune"} == removed
    result = convert_tree([src], out, to="opencode", prune=True)
    assert {Path(f.target).name for f in result.files if f.status == "pruned"} == removed
    assert before - _files(tmp_path) == {str(out / LAYOUT / name) for name in removed}
    # a layout folder that is a symlink fails the run's writes, as it always has
    assert result.exit_code == (1 if change is symlinked_layout else 0)
    messages = [w.message for f in result.files for w in f.warnings]
    assert (said is None and not messages) or any(said in m for m in messages), messages


def _files(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def test_check_reports_an_orphan_and_fails_and_a_pruned_folder_passes(tmp_path):
    src, out = scene(tmp_path)
    gone("alpha")(src, out)
    runner = CliRunner()
    args = ["convert", str(src), "--to", "opencode", "-o", str(out)]
    checked = runner.invoke(cli, [*args, "--check"])
    assert checked.exit_code == 1 and "orphan: its source" in checked.stderr and "alpha.md" in checked.stderr
    pruned = runner.invoke(cli, [*args, "--prune"])
    assert pruned.exit_code == 0 and f"removed {out / LAYOUT / 'alpha.md'}" in pruned.stderr
    assert runner.invoke(cli, [*args, "--check"]).exit_code == 0


def test_a_run_without_prune_keeps_an_existing_manifest_current(tmp_path):
    src, out = scene(tmp_path)
    (src / ".claude" / "agents" / "delta.md").write_text(AGENT.format(name="delta"))
    assert convert_tree([src], out, to="opencode").exit_code == 0
    gone("delta")(src, out)
    result = convert_tree([src], out, to="opencode", prune=True)
    assert [Path(f.target).name for f in result.files if f.status == "pruned"] == ["delta.md"]


def test_without_a_manifest_and_without_prune_nothing_is_recorded(tmp_path):
    src = tmp_path / "src" / ".claude" / "agents"
    src.mkdir(parents=True)
    (src / "alpha.md").write_text(AGENT.format(name="alpha"))
    convert_tree([tmp_path / "src"], tmp_path / "out", to="opencode")
    assert not (tmp_path / "out" / MANIFEST).exists()


@pytest.mark.parametrize("extra", [["--in-place"], []])
def test_prune_needs_an_output_folder(tmp_path, extra):
    done = CliRunner().invoke(cli, ["convert", str(tmp_path), "--to", "claude", "--prune", *extra])
    assert done.exit_code == 2 and "--prune" in done.stderr


def test_the_outputs_carry_no_mark_of_their_own(tmp_path):
    """What tells agentconv's outputs is the manifest; the outputs are what a run without it writes."""
    src, out = scene(tmp_path)
    plain = tmp_path / "plain"
    convert_tree([src], plain, to="opencode")
    assert [(out / LAYOUT / f"{n}.md").read_bytes() for n in NAMES] == \
        [(plain / LAYOUT / f"{n}.md").read_bytes() for n in NAMES]
