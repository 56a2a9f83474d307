"""``agentconv mappings`` (issue 14 item 2) and the once-per-run note on models no table knows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import run_in

from agentconv.registry import DIALECTS

PINNED = '[project]\nname = "x"\n\n[tool.agentconv]\nto = "opencode"\n\n' \
         '[tool.agentconv.models.opencode]\nsonnet = "openrouter/anthropic/claude-sonnet-5"\n' \
         '[tool.agentconv.tools.gemini]\nBash = "run_shell_command"\n'
NEW_MODEL = "---\nname: {name}\ndescription: New.\nmodel: claude-sonnet-9\n---\nBe.\n"


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    return run_in(cwd, args)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(PINNED)
    (tmp_path / "sub").mkdir()
    return tmp_path


def test_the_json_shape_is_stable(project):
    code, out, _ = run(["mappings", "--json"], project / "sub")
    document = json.loads(out)
    assert code == 0 and set(document) == {"config", "dialects"}
    assert [d["dialect"] for d in document["dialects"]] == list(DIALECTS)
    for d in document["dialects"]:
        assert set(d) == {"dialect", "title", "verified", "models", "tools", "colors"}
        assert d["verified"] is None or set(d["verified"]) == {"client", "date"}
        for entry in d["models"]:
            assert {"native", "canonical", "origin", "at"} <= set(entry) and entry["origin"] in ("shipped", "config")
        for entry in d["tools"]:
            assert {"canonical", "native", "origin", "at"} <= set(entry) and isinstance(entry["native"], list)
        assert all(set(e) == {"color", "origin", "at"} for e in d["colors"])


@pytest.mark.parametrize("dialect, kind, entry", [
    ("opencode", "models", {"native": "openrouter/anthropic/claude-sonnet-5", "canonical": "sonnet", "key": "sonnet",
                            "origin": "config", "at": "LINE8"}),
    ("gemini", "tools", {"canonical": "Bash", "native": ["run_shell_command"], "key": "Bash", "origin": "config",
                         "at": "LINE10"}),
    ("claude", "models", {"native": "sonnet", "canonical": "anthropic/claude-sonnet-5", "origin": "shipped",
                          "at": None}),
    ("gemini", "tools", {"canonical": "bash", "native": ["run_shell_command"], "origin": "shipped", "at": None}),
    ("copilot", "tools", {"canonical": "bash", "native": ["execute"], "origin": "shipped", "at": None}),
])
def test_each_entry_says_where_it_came_from(project, dialect, kind, entry):
    code, out, _ = run(["mappings", "--json", "--dialect", dialect], project / "sub")
    (tables,) = json.loads(out)["dialects"]
    found = os.path.join("..", "pyproject.toml")
    if isinstance(entry.get("at"), str):
        entry = {**entry, "at": f"{found}:{entry['at'][4:]}"}
    assert entry in tables[kind]


@pytest.mark.parametrize("dialect, verified", [
    ("claude", {"client": "@anthropic-ai/claude-code 2.1.332", "date": "2026-12-01"}),
    ("codex", {"client": "@openai/codex 0.169.0", "date": None}),
    ("trae", None),
])
def test_the_shipped_data_names_the_client_it_was_verified_against(project, dialect, verified):
    _, out, _ = run(["mappings", "--json", "--dialect", dialect], project / "sub")
    assert json.loads(out)["dialects"][0]["verified"] == verified


def test_the_table_reads_for_people(project):
    code, out, _ = run(["mappings", "--dialect", "opencode"], project / "sub")
    assert code == 0
    assert "verified against opencode-ai 1.18.33 on 2026-12-01" in out
    assert "sonnet -> openrouter/anthropic/claude-sonnet-5" in out and "pyproject.toml:8" in out
    _, out, _ = run(["mappings", "--dialect", "trae"], project / "sub")
    assert "unverified" in out


def test_an_unknown_model_is_noted_once_per_tree_run_and_never_fails_strict(project):
    agents = project / "sub" / ".claude" / "agents"
    agents.mkdir(parents=True)
    for name in ("a", "b", "c"):
        (agents / f"{name}.md").write_text(NEW_MODEL.format(name=name))
    code, _, err = run(["convert", ".", "-o", "out", "--strict"], project / "sub")
    notes = [line for line in err.splitlines() if "claude-sonnet-9" in line]
    assert code == 0 and len(notes) == 1 and "(3 agents)" in notes[0]
    code, out, _ = run(["convert", ".", "-o", "out2", "--report", "json", "-q"], project / "sub")
    assert json.loads(out)["unknown_models"] == [{"model": "anthropic/claude-sonnet-9", "agents": 3}]


def test_an_unknown_model_is_noted_for_one_file_too(project):
    (project / "sub" / "new.md").write_text(NEW_MODEL.format(name="a"))
    code, out, err = run(["convert", "new.md", "--strict"], project / "sub")
    assert code == 0 and "model: anthropic/claude-sonnet-9" in out
    assert [line for line in err.splitlines() if "claude-sonnet-9" in line and "1 agent)" in line]
    code, _, err = run(["convert", "new.md", "--report", "json"], project / "sub")
    assert json.loads(err)["unknown_models"] == [{"model": "anthropic/claude-sonnet-9", "agents": 1}]


@pytest.mark.parametrize("model", ["sonnet", "claude-opus-4-8", "opusplan"])
def test_a_model_a_table_knows_is_not_noted(project, model):
    (project / "sub" / "known.md").write_text(NEW_MODEL.format(name="a").replace("claude-sonnet-9", model))
    _, _, err = run(["convert", "known.md"], project / "sub")
    assert "no mapping table" not in err


def test_a_pinned_model_is_not_noted(project):
    (project / "pyproject.toml").write_text(PINNED + '[tool.agentconv.models.claude]\nclaude-sonnet-9 = "sonnet"\n')
    (project / "sub" / "new.md").write_text(NEW_MODEL.format(name="a"))
    _, out, err = run(["convert", "new.md", "--from", "claude", "--to", "opencode"], project / "sub")
    assert "no mapping table" in err           # pinned for claude, not for opencode
    _, out, err = run(["convert", "new.md", "--to", "claude", "--from", "opencode"], project / "sub")
    assert "no mapping table" not in err
