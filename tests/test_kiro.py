"""The kiro dialect (Kiro CLI `.kiro/agents/NAME.json`): identity byte for byte, the reading
rules as a table, prompt files (`file://…`), trips with Claude Code, the corpus (with the
prompt files its repository keeps beside the agents) and snapshots
(``__snapshots__/test_kiro/``; update with ``--snapshot-update``)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import json_snapshots
import pytest
from conftest import FIXTURES, SHARED, fixture_files, fixture_id
from helpers import canonical_diff, loss_heads, refuses, round_trip

import agentconv
from agentconv.batch import convert_tree
from agentconv.errors import SchemaError
from agentconv.promptref import PromptFileError, project_root

KIRO_FIXTURES = sorted((FIXTURES / "kiro").glob("*.json"))
CORPUS = SHARED / "corpus"


@pytest.mark.parametrize("path", KIRO_FIXTURES, ids=lambda p: p.name)
def test_identity_is_byte_exact_and_detected(path):
    data = path.read_bytes()
    doc = agentconv.load(path)
    assert doc.dialect == "kiro" and agentconv.detect(data.decode(), f".kiro/agents/{path.name}") == "kiro"
    assert agentconv.dumps(doc).encode(doc.encoding) == data


def _agent(**keys):
    return agentconv.loads(json.dumps({"name": "a", "description": "d", "prompt": "p", **keys}), "kiro").agent


def _rules(agent):
    return [f"{r.action} {r.tool}" + (f"({r.pattern})" if r.pattern else "") for r in agent.tools]


@pytest.mark.parametrize("keys, expected", [
    ({}, ["deny *"]),                                                       # no tools: none (narrowest)
    ({"tools": []}, ["deny *"]),
    ({"tools": ["read", "shell"]}, ["deny *", "ask bash", "ask read"]),      # listed, not trusted: ask
    ({"tools": ["read", "shell"], "allowedTools": ["read"]}, ["deny *", "ask bash", "allow read"]),
    ({"tools": ["fs_read", "execute_bash"], "allowedTools": ["fs_*"]}, ["deny *", "ask bash", "allow read"]),
    ({"tools": ["write"], "allowedTools": ["write"]}, ["deny *", "allow edit", "allow write"]),
    ({"tools": ["*"]}, ["ask *"]),
    ({"tools": ["*"], "allowedTools": ["read"]}, ["ask *", "allow read"]),
    ({"tools": ["@git"], "allowedTools": ["@git/status"]}, ["deny *", "ask mcp:git/*", "allow mcp:git/status"]),
    ({"tools": ["web"]}, ["deny *", "ask webfetch", "ask websearch"]),
    ({"tools": ["shell"], "allowedTools": ["shell"], "toolsSettings": {"shell": {"deniedCommands": ["rm .*"]}}},
     ["deny *"]),                                                           # a regex refusal: denied whole
    ({"tools": ["shell"], "allowedTools": ["shell"], "toolsSettings": {"shell": {"allowedCommands": ["ls"]}}},
     ["deny *", "allow bash"]),
])
def test_tools_are_read_as_kiro_grants_them(keys, expected):
    assert _rules(_agent(**keys)) == expected


@pytest.mark.parametrize("keys, field, expected", [
    ({"model": "claude-sonnet-4.5"}, "model", "anthropic/claude-sonnet-4-5"),
    ({"mcpServers": {"git": {"command": "git-mcp"}}}, "mcp_servers", [{"git": {"command": "git-mcp"}}]),
    ({"mcpServers": {}}, "mcp_servers", None),                            # no server, as an absent key
    ({"name": "other"}, "name", "other"),
    ({"hooks": {"agentSpawn": [{"command": "date"}]}}, "hooks", None),     # Kiro CLI 3.0 reads no hooks here
])
def test_fields_are_read_as_kiro_reads_them(keys, field, expected):
    assert getattr(_agent(**keys), field) == expected


def test_the_file_names_an_agent_without_a_name():
    doc = agentconv.loads('{"description": "d", "prompt": "p"}', "kiro", path=".kiro/agents/reviewer.json")
    assert doc.agent.name == "reviewer"


@pytest.mark.parametrize("keys, message", [
    ({"tools": "read"}, "tools must be an array"),
    ({"allowedTools": "read"}, "allowedTools must be an array"),
    ({"mcpServers": []}, "mcpServers must be an object"),
])
def test_a_value_kiro_cannot_load_is_an_error_at_its_line(keys, message):
    text = json.dumps({"name": "a", "prompt": "p", **keys}, indent=2)
    with pytest.raises(SchemaError) as info:
        agentconv.loads(text, "kiro", path="a.json")
    assert message in info.value.message and info.value.line == 4


def test_an_unknown_key_is_warned_about_and_kept():
    doc = agentconv.loads('{"name": "a", "prompt": "p", "colour": "red"}', "kiro")
    assert any("ignores 'colour'" in w.message for w in doc.warnings)
    assert agentconv.dumps(doc) == '{"name": "a", "prompt": "p", "colour": "red"}'


def test_kiro_and_kiro_ide_share_the_folder_and_are_told_apart():
    md = "---\nname: a\ndescription: d\ntools: [read]\n---\nHi\n"
    assert agentconv.detect(md, ".kiro/agents/a.md") == "kiro-ide"
    assert agentconv.detect('{"name": "a", "prompt": "Hi", "tools": ["read"]}', ".kiro/agents/a.json") == "kiro"


# -- prompt files ------------------------------------------------------------------------------

def _project(tmp_path: Path, prompt: str = "file://../../prompts/rev.md", text: str | None = "Review.\n") -> Path:
    agent = tmp_path / ".kiro" / "agents" / "rev.json"
    agent.parent.mkdir(parents=True)
    agent.write_text(json.dumps({"name": "rev", "description": "Reviews", "prompt": prompt, "tools": ["read"]}))
    if text is not None:
        (tmp_path / "prompts").mkdir()
        (tmp_path / "prompts" / "rev.md").write_text(text)
    return agent


def test_a_prompt_file_is_read_relative_to_the_agent_file_and_kept_as_a_reference(tmp_path):
    agent = _project(tmp_path)
    doc = agentconv.load(agent)
    assert doc.agent.prompt == "Review." and agentconv.dumps(doc) == agent.read_text()
    text, _ = agentconv.to_dialect(doc, "claude")
    assert text.endswith("\nReview.\n")


@pytest.mark.parametrize("prompt, text, problem", [
    ("file://../../prompts/rev.md", None, "does not exist"),
    ("file://../../../outside.md", "x", "outside the project root"),
])
def test_a_prompt_that_cannot_be_read_is_an_error_never_an_empty_prompt(tmp_path, prompt, text, problem):
    (tmp_path / "p").mkdir()
    agent = _project(tmp_path / "p", prompt, None)
    (tmp_path / "outside.md").write_text("Outside.\n")
    doc = agentconv.load(agent)                      # identity needs no text: a warning only
    assert agentconv.dumps(doc) == agent.read_text() and any(problem in w.message for w in doc.warnings)
    with pytest.raises(PromptFileError) as info:
        agentconv.to_dialect(doc, "claude")
    assert problem in info.value.message and info.value.path == str(agent)


def test_a_prompt_outside_the_root_is_read_only_when_asked(tmp_path):
    (tmp_path / "p").mkdir()
    agent = _project(tmp_path / "p", "file://../../../outside.md", None)
    (tmp_path / "outside.md").write_text("Outside.\n")
    with project_root(None, anywhere=True):
        assert agentconv.load(agent).agent.prompt == "Outside."


def test_a_symlinked_prompt_file_leading_out_of_the_root_is_not_read(tmp_path):
    (tmp_path / "p").mkdir()
    agent = _project(tmp_path / "p", text=None)
    (tmp_path / "secret.txt").write_text("not yours\n")
    (tmp_path / "p" / "prompts").mkdir()
    (tmp_path / "p" / "prompts" / "rev.md").symlink_to(tmp_path / "secret.txt")
    doc = agentconv.load(agent)
    assert doc.agent.prompt is None
    with pytest.raises(PromptFileError, match="outside the project root"):
        agentconv.to_dialect(doc, "opencode")


def test_a_prompt_file_is_part_of_its_agent_in_a_tree_not_an_agent(tmp_path):
    _project(tmp_path, text="---\nname: rev-prompt\ndescription: looks like an agent\n---\nReview.\n")
    (tmp_path / "prompts").rename(tmp_path / "agents")       # a folder where agents may be
    agent = tmp_path / ".kiro" / "agents" / "rev.json"
    agent.write_text(agent.read_text().replace("prompts/", "agents/"))
    result = convert_tree([tmp_path], tmp_path / "out", to="claude")
    status = {Path(f.source).name: (f.status, f.reason) for f in result.files}
    assert status["rev.json"][0] == "converted"
    assert status["rev.md"][0] == "skipped" and "the prompt of the agent" in status["rev.md"][1]
    assert sorted(p.name for p in (tmp_path / "out/.claude/agents").iterdir()) == ["rev.md"]


# -- trips -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", fixture_files("claude"), ids=fixture_id)
def test_claude_to_kiro_and_back_restores_the_agent_up_to_reported_losses(path):
    doc = agentconv.load(path)
    if refuses(doc, "kiro"):
        return
    back, losses = round_trip(doc, "kiro")
    diff = canonical_diff(doc.agent, back.agent)
    assert set(diff) <= loss_heads(losses), f"changed without a loss: {set(diff) - loss_heads(losses)}"


@pytest.mark.parametrize("path", KIRO_FIXTURES, ids=lambda p: p.name)
def test_kiro_to_claude_and_back_is_exact_up_to_reported_losses(path):
    doc = agentconv.load(path)
    back, losses = round_trip(doc, "claude")
    diff = canonical_diff(doc.agent, back.agent)
    assert set(diff) <= loss_heads(losses), f"changed without a loss: {set(diff) - loss_heads(losses)}"


# -- the corpus: each agent in a project beside the prompt files its repository holds ------------

def _corpus_project(tmp_path: Path) -> list[Path]:
    """The corpus keeps a repository's files under one folder per dialect: put the Kiro agents
    and the files of the same repository back together, as the repository had them."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip(f"no corpus at {CORPUS}")
    rows = list(csv.reader(manifest.open(encoding="utf-8"), delimiter="\t"))
    repos = {row[2] for row in rows if len(row) > 4 and row[1] == "kiro"}
    agents = []
    for row in rows:
        if len(row) > 4 and row[2] in repos:
            target = tmp_path / row[2].replace("/", "__") / row[4]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CORPUS / row[0], target)
            if row[1] == "kiro":
                agents.append(target)
    return agents


def test_every_corpus_agent_is_byte_exact_and_converts_with_its_prompt(tmp_path):
    agents = _corpus_project(tmp_path)
    assert agents
    for path in agents:
        doc = agentconv.load(path)
        assert doc.dialect == "kiro" and agentconv.dumps(doc).encode() == path.read_bytes()
        assert doc.agent.prompt, f"{path}: the prompt file was not read"
        for target in ("claude", "opencode", "opencode-json", "kiro-ide"):
            text, _ = agentconv.to_dialect(doc, target)
            assert doc.agent.prompt.splitlines()[0] in text
        back, losses = round_trip(doc, "claude")
        assert set(canonical_diff(doc.agent, back.agent)) <= loss_heads(losses)


def test_every_corpus_file_is_byte_exact_without_its_prompt_files():
    paths = sorted((CORPUS / "kiro").rglob("*.json")) if (CORPUS / "kiro").is_dir() else []
    if not paths:
        pytest.skip(f"no kiro corpus at {CORPUS}")
    for path in paths:
        assert agentconv.dumps(agentconv.load(path)).encode() == path.read_bytes()


# -- snapshots -----------------------------------------------------------------------------------

CASES = json_snapshots.cases(KIRO_FIXTURES, "kiro")


@pytest.mark.parametrize("path, target", CASES)
def test_fixture(path, target, snapshot):
    """test_fixture[<fixture>-to-<target>] with its losses beside it."""
    json_snapshots.check(path, target, snapshot)


def test_no_stale_snapshot_files():
    assert json_snapshots.stale("test_kiro", CASES) == set(), "stale snapshots: delete them"


_MIXED = "---\nname: a\ndescription: d\nmcpServers:\n  - github\n  - custom:\n      command: x\n---\nHi\n"


@pytest.mark.parametrize("to", ["kiro", "kiro-ide"])
def test_a_server_named_only_is_dropped_alone_and_reported(to):
    text, losses = agentconv.to_dialect(agentconv.loads(_MIXED, "claude"), to)
    assert agentconv.loads(text, to).agent.mcp_servers == [{"custom": {"command": "x"}}]
    assert [l.field for l in losses if l.field == "mcp_servers"] == ["mcp_servers"]


def test_kiro_ide_reads_an_empty_server_map_as_no_server():
    doc = agentconv.loads("---\nname: a\ndescription: d\nmcpServers: {}\n---\nHi\n", "kiro-ide")
    assert doc.agent.mcp_servers is None
