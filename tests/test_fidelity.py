"""bench/fidelity.py: the report must pass on good trees and must catch what it measures."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = REPO / "fixtures"


def _load_fidelity():
    spec = importlib.util.spec_from_file_location("fidelity", REPO / "bench" / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


fidelity = _load_fidelity()

CLAUDE = """\
---
name: reviewer
description: Reviews diffs. Use after every change.
tools: Read, Grep, Bash(git diff:*)
model: sonnet
color: purple
memory: project
---
You review diffs and report problems.
"""
OPENCODE = """\
---
description: Writes release notes
mode: subagent
temperature: 0.2
permission:
  edit: deny
  bash:
    "git log*": allow
    "*": ask
---
Write release notes from the git log.
"""
PROSE = """\
Summarises long threads.

WHEN TO USE:
- a thread has more than twenty messages

INSTRUCTIONS:
Summarise the thread in five bullet points.
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {"claude/reviewer.md": CLAUDE, "opencode/.opencode/agent/notes.md": OPENCODE,
             "prose/summariser.md": PROSE}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def totals(root: Path) -> dict:
    return fidelity.run([root])[1]["totals"]


def test_a_clean_tree_passes_with_every_pair_measured(tree: Path):
    results, summary = fidelity.run([tree])
    assert summary["totals"]["read"] == 3
    assert summary["totals"]["identity"] == 3
    assert not fidelity.failed(summary)
    pairs = {(m["source"], m["target"]) for m in summary["matrix"]}
    targets = fidelity.dialect_names()
    sources = ("claude", "opencode", "prose")
    assert pairs == {(x, y) for x in sources for y in targets if x != y}
    assert summary["totals"]["reported"] > 0      # claude → prose cannot say tools, model, color


def test_prose_targets_are_not_checked_for_widenings(tree: Path):
    matrix = fidelity.run([tree])[1]["matrix"]
    assert all(m["widenings"] is None for m in matrix if m["target"] == "prose")
    assert all(m["widenings"] == 0 for m in matrix if m["target"] != "prose")


def test_unsupported_dialects_from_a_manifest_are_skipped_not_failed(tmp_path: Path):
    (tmp_path / "letta").mkdir()
    (tmp_path / "letta" / "a.md").write_text("---\nname: a\n---\nHi\n", encoding="utf-8")
    (tmp_path / "claude").mkdir()
    (tmp_path / "claude" / "b.md").write_text(CLAUDE, encoding="utf-8")
    (tmp_path / "MANIFEST.tsv").write_text("path\tdialect\nletta/a.md\tletta\nclaude/b.md\tclaude\n",
                                           encoding="utf-8")
    t = totals(tmp_path)
    assert (t["unsupported"], t["read"], t["identity_failures"]) == (1, 1, 0)


def test_a_loss_the_engine_forgets_to_report_is_counted_as_silent(tree: Path, monkeypatch):
    monkeypatch.setattr("agentconv.engine.diff_agents", lambda *a, **k: [])
    results, summary = fidelity.run([tree])
    assert summary["totals"]["silent"] > 0
    assert fidelity.failed(summary)
    claude = next(r for r in results if r.dialect == "claude")
    to_prose = next(t for t in claude.targets if t.target == "prose")
    assert {"color", "model", "tools", "native.memory"} <= set(to_prose.silent)


def test_a_writer_that_drops_restrictions_is_caught_as_a_widening(tree: Path, monkeypatch):
    from agentconv.dialects import base
    monkeypatch.setattr("agentconv.engine.widenings", lambda *a, **k: [])
    real = base.MarkdownDialect.write

    def no_permission(self, agent, trivia=None, carry=None, path=None):
        return real(self, agent.model_copy(update={"tools": []}), trivia, carry, path) \
            if self.name == "opencode" else real(self, agent, trivia, carry, path)

    monkeypatch.setattr(base.MarkdownDialect, "write", no_permission)
    summary = fidelity.run([tree])[1]
    assert summary["totals"]["widenings"] > 0
    assert fidelity.failed(summary)


def test_a_writer_that_denies_what_it_could_say_is_caught_as_a_needless_narrowing(tree: Path, monkeypatch):
    from agentconv.dialects import base
    from agentconv.model import ToolRule
    real = base.MarkdownDialect.write

    def deny_all(self, agent, trivia=None, carry=None, path=None):
        return real(self, agent.model_copy(update={"tools": [ToolRule(tool="*", action="deny")]}), trivia, carry,
                    path) if self.name == "opencode" else real(self, agent, trivia, carry, path)

    monkeypatch.setattr(base.MarkdownDialect, "write", deny_all)
    results, summary = fidelity.run([tree])
    cell = next(m for m in summary["matrix"] if (m["source"], m["target"]) == ("claude", "opencode"))
    assert cell["needless"] > 0 and cell["widenings"] == 0
    assert fidelity.failed(summary)
    assert "NEEDLESS claude→opencode" in fidelity.render_text([tree], results, summary, fidelity.dialect_names())


def test_a_file_that_cannot_be_read_is_an_identity_failure(tree: Path):
    (tree / "claude" / "broken.md").write_bytes(b"---\nname: x\ndescription: \xff\n---\nHi\n")
    results, summary = fidelity.run([tree])
    assert summary["totals"]["failed"] == 1
    assert summary["totals"]["identity_failures"] == 1
    assert fidelity.failed(summary)
    assert "invalid UTF-8" in next(r.reason for r in results if r.status == "failed")


def test_an_exception_that_is_not_an_agentconv_error_is_a_crash(tree: Path, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr("agentconv.dialects.prose.Prose.write", boom)
    summary = fidelity.run([tree])[1]
    assert summary["totals"]["crashed_conversions"] > 0
    assert fidelity.failed(summary)


def test_command_line_prints_json_and_exits_zero_on_a_clean_tree(tree: Path):
    run = subprocess.run([sys.executable, str(REPO / "bench" / "fidelity.py"), str(tree), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["totals"]["read"] == 3 and len(report["files"]) == 3


def test_command_line_text_report_names_the_problem_and_exits_one(tree: Path):
    (tree / "claude" / "broken.md").write_bytes(b"\x00\x01binary")
    assert fidelity.main([str(tree)]) == 1


def test_a_missing_folder_is_a_usage_error(tmp_path: Path, capsys):
    assert fidelity.main([str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


@pytest.mark.skipif(not any(FIXTURES.rglob("*.md")), reason="fixtures/ has no agent files yet")
def test_the_project_fixtures_are_faithful():
    summary = fidelity.run([FIXTURES])[1]
    assert summary["totals"]["read"] > 0
    assert not fidelity.failed(summary), fidelity.render_text([FIXTURES], *fidelity.run([FIXTURES]),
                                                              fidelity.dialect_names())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the repository")
def test_the_shared_corpus_is_faithful():
    results, summary = fidelity.run([CORPUS])
    assert summary["totals"]["read"] > 0
    assert not fidelity.failed(summary), fidelity.render_text([CORPUS], results, summary,
                                                              fidelity.dialect_names())


def test_an_output_the_targets_schema_rejects_is_counted_and_fails(tree: Path, monkeypatch):
    monkeypatch.setattr(fidelity, "dialect_schema", lambda name: {"type": "object", "maxProperties": 0}
                        if name == "opencode" else None)
    summary = fidelity.run([tree])[1]
    rejects = {(m["source"], m["target"]): m["schema_rejects"] for m in summary["matrix"]}
    assert rejects[("claude", "opencode")] == 1 and rejects[("claude", "prose")] is None
    assert fidelity.failed(summary)


def test_an_output_the_tool_will_skip_is_reported_not_a_schema_reject(tmp_path: Path):
    (tmp_path / "prose").mkdir()
    (tmp_path / "prose" / "bare.md").write_text("# Role\n\n# Goals\n- help\n", encoding="utf-8")
    summary = fidelity.run([tmp_path])[1]
    to_claude = next(m for m in summary["matrix"] if (m["source"], m["target"]) == ("prose", "claude"))
    assert (to_claude["skipped_by_tool"], to_claude["schema_rejects"]) == (1, 0)   # no description
    assert not fidelity.failed(summary)


def test_a_needless_narrowing_counts_even_when_the_trip_back_is_refused(tree: Path, monkeypatch):
    from agentconv.dialects import base
    from agentconv.errors import AgentconvError
    from agentconv.model import ToolRule
    real_write, real_to = base.MarkdownDialect.write, fidelity.to_dialect

    def deny_all(self, agent, trivia=None, carry=None, path=None):
        return real_write(self, agent.model_copy(update={"tools": [ToolRule(tool="*", action="deny")]}), trivia,
                          carry, path) if self.name == "opencode" else real_write(self, agent, trivia, carry, path)

    def refuse_the_trip_back(doc, target=None, **kwargs):
        if doc.dialect == "opencode" and target == "claude":
            raise AgentconvError("cannot go back", path=kwargs.get("path"))
        return real_to(doc, target, **kwargs)

    monkeypatch.setattr(base.MarkdownDialect, "write", deny_all)
    monkeypatch.setattr(fidelity, "to_dialect", refuse_the_trip_back)
    results, summary = fidelity.run([tree])
    cell = next(m for m in summary["matrix"] if (m["source"], m["target"]) == ("claude", "opencode"))
    assert cell["refused"] == 1 and cell["needless"] > 0
    assert "on the trip back: cannot go back" in fidelity.render_text([tree], results, summary,
                                                                      fidelity.dialect_names())
