"""The opencode-json dialect (the `agent` object of opencode.json / opencode.jsonc): identity
byte for byte with comments and trailing commas, edits that leave every other key and comment
alone, the reading rules, `{file:…}` prompts, trips with Claude Code, merging agent files into
an existing config, and snapshots (``__snapshots__/test_opencode_json/``)."""

from __future__ import annotations

import json
from pathlib import Path

import json_snapshots
import pytest
from conftest import FIXTURES, fixture_files, fixture_id
from helpers import canonical_diff, loss_heads, refuses

import agentconv
from agentconv.batch import convert_tree
from agentconv.document import Document
from agentconv.errors import ParseError, SchemaError
from agentconv.formats import jsonsrc
from agentconv.model import Agent
from agentconv.promptref import PromptFileError

OC_FIXTURES = sorted(p for p in (FIXTURES / "opencode-json").iterdir() if p.suffix in (".json", ".jsonc"))


@pytest.mark.parametrize("path", OC_FIXTURES, ids=lambda p: p.name)
def test_identity_is_byte_exact_and_detected(path):
    data = path.read_bytes()
    doc = agentconv.load(path)
    assert doc.dialect == "opencode-json" and agentconv.detect(data.decode()) == "opencode-json"
    assert agentconv.dumps(doc).encode(doc.encoding) == data


@pytest.mark.parametrize("text, blank", [
    ('{"a": 1, // c\n}', '{"a": 1      \n}'),
    ('{"a": "x // not a comment", /* c */ "b": [1,]}', '{"a": "x // not a comment",         "b": [1 ]}'),
    ('{"a": "\\" /* still a string */"}', '{"a": "\\" /* still a string */"}'),
    ('{/* two\nlines */"a": 1}', '{      \n        "a": 1}'),
])
def test_jsonc_reads_comments_and_trailing_commas_as_whitespace_of_the_same_length(text, blank):
    assert jsonsrc.blanked(text) == blank


def test_an_unclosed_comment_is_an_error_with_its_line():
    with pytest.raises(ParseError) as info:
        agentconv.loads('{\n  "agent": {}\n  /* open', "opencode-json")
    assert info.value.line == 3 and "never closed" in info.value.message


def test_an_edit_changes_one_agent_and_keeps_every_comment_and_key_around_it():
    path = FIXTURES / "opencode-json" / "commented.jsonc"
    doc = agentconv.load(path)
    scout = doc.agents[1].model_copy(update={"description": "Finds code"})
    text = agentconv.dumps(doc.model_copy(update={"agents": [doc.agents[0], scout]}))
    before, after = path.read_text().splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    line = next(i for i, t in enumerate(before) if "Finds where" in t)
    assert len(before) == len(after) and changed == [(before[line], after[line])]
    assert after[line] == before[line].replace("Finds where something is implemented", "Finds code")


def test_agents_merge_into_an_existing_config_without_touching_its_other_keys(tmp_path):
    config = tmp_path / "opencode.json"
    original = (FIXTURES / "opencode-json" / "commented.jsonc").read_text()
    config.write_text(original)
    source = tmp_path / "src" / ".claude" / "agents"
    source.mkdir(parents=True)
    (source / "tester.md").write_text("---\nname: tester\ndescription: Runs the tests\n---\nRun them.\n")
    (source / "scout.md").write_text("---\nname: scout\ndescription: Other scout\n---\nOther.\n")
    result = convert_tree([tmp_path / "src"], tmp_path, to="opencode-json")
    statuses = sorted((Path(f.source).name, f.status) for f in result.files)
    assert statuses == [("scout.md", "exists"), ("tester.md", "converted")], statuses
    merged = config.read_text()
    assert merged.startswith(original[:original.index('    "scout"')]) and "// read-only" in merged
    assert '"share": "manual"' in merged and '"tester"' in merged and "Other scout" not in merged
    forced = convert_tree([tmp_path / "src"], tmp_path, to="opencode-json", force=True)
    assert "Other scout" in config.read_text() and not forced.totals.get("failed")


def test_a_project_with_opencode_jsonc_gets_its_agents_there(tmp_path):
    (tmp_path / "opencode.jsonc").write_text('{\n  // ours\n  "theme": "dark",\n}\n')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.md").write_text("---\nname: a\ndescription: d\n---\nHi.\n")
    convert_tree([tmp_path / "src" / "a.md"], tmp_path, to="opencode-json")
    assert not (tmp_path / "opencode.json").exists()
    text = (tmp_path / "opencode.jsonc").read_text()
    assert text.startswith('{\n  // ours\n  "theme": "dark",') and agentconv.loads(text).agent.name == "a"


def _config(**agent) -> str:
    return json.dumps({"theme": "x", "agent": {"a": {"description": "d", "prompt": "p", **agent}}}, indent=2)


@pytest.mark.parametrize("keys, field, expected", [
    ({"permission": {"edit": "deny"}}, "tools", ["deny edit", "deny write"]),
    ({"permission": "deny"}, "tools", ["deny *"]),
    ({"mode": "primary"}, "mode", "primary"),
    ({"steps": 5}, "max_turns", 5),
    ({"model": "anthropic/claude-sonnet-4-5"}, "model", "anthropic/claude-sonnet-4-5"),
    ({"name": "other"}, "name", "a"),                                # the key names the agent
])
def test_an_agent_is_read_as_opencode_reads_it(keys, field, expected):
    agent = agentconv.loads(_config(**keys), "opencode-json").agent
    value = getattr(agent, field)
    assert ([f"{r.action} {r.tool}" for r in value] if field == "tools" else value) == expected


def test_an_unknown_key_is_kept_as_opencode_forwards_it():
    doc = agentconv.loads(_config(reasoningEffort="high"), "opencode-json")
    assert doc.agent.native_value("reasoningEffort") == "high" and not doc.warnings
    assert agentconv.dumps(doc) == _config(reasoningEffort="high")


@pytest.mark.parametrize("keys, message", [
    ({"temperature": "hot"}, "temperature must be a number"),
    ({"hidden": "yes"}, "hidden must be true or false"),
    ({"steps": 1.5}, "steps must be an integer"),
])
def test_a_value_that_fails_the_whole_config_is_an_error_at_its_line(keys, message):
    with pytest.raises(SchemaError) as info:
        agentconv.loads(_config(**keys), "opencode-json", path="opencode.json")
    assert message in info.value.message and info.value.line == 7


def test_v2_permissions_fail_the_config_so_they_are_never_written_and_refused_when_read():
    doc = agentconv.loads("---\ndescription: d\npermissions:\n- {action: read, effect: deny}\n---\nHi\n", "opencode")
    text, losses = agentconv.to_dialect(doc, "opencode-json")
    assert "permissions" not in text and ("native.permissions", "dropped") in [(l.field, l.kind) for l in losses]
    with pytest.raises(SchemaError, match="V2 permissions"):
        agentconv.loads(_config(permissions=[]), "opencode-json")


def test_a_config_without_agents_is_skipped_in_a_tree(tmp_path):
    (tmp_path / "opencode.json").write_text('{"theme": "dark"}\n')
    result = convert_tree([tmp_path], tmp_path / "out", to="claude")
    assert [(f.status, f.reason) for f in result.files] == [("skipped", "an opencode config without agents")]


def test_a_file_prompt_is_read_relative_to_the_config_and_a_missing_one_is_an_error(tmp_path):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.md").write_text("\n  Be brief.\n\n")
    config = tmp_path / "opencode.json"
    config.write_text(_config(prompt="{file:./prompts/a.md}"))
    doc = agentconv.load(config)
    assert doc.agent.prompt == "Be brief." and agentconv.dumps(doc) == config.read_text()
    assert agentconv.to_dialect(doc, "claude")[0].endswith("\nBe brief.\n")
    (tmp_path / "prompts" / "a.md").unlink()
    doc = agentconv.load(config)
    assert agentconv.dumps(doc) == config.read_text()
    with pytest.raises(PromptFileError, match="does not exist"):
        agentconv.to_dialect(doc, "claude")
    with pytest.raises(PromptFileError, match="not named"):                  # from stdin: no folder
        agentconv.to_dialect(agentconv.loads(_config(prompt="{file:a.md}"), "opencode-json"), "claude")


@pytest.mark.parametrize("config, warned", [
    (_config(description="Key {env:HOME}"), True),                 # opencode would replace it
    (_config(prompt="Intro {file:./more.md}"), True),
    (_config(prompt="{file:./more.md}"), False),                  # a prompt reference: read
    (_config(), False),
])
def test_a_substitution_agentconv_keeps_as_text_is_warned_about(config, warned):
    doc = agentconv.loads(config, "opencode-json", path="/nowhere/opencode.json")
    assert any("replaces {env:" in w.message for w in doc.warnings) == warned


def test_several_agents_into_a_one_agent_dialect_need_a_folder():
    doc = agentconv.load(FIXTURES / "opencode-json" / "opencode.json")
    with pytest.raises(agentconv.MultipleAgentsError):
        agentconv.to_dialect(doc, "claude")


def test_check_for_opencode_json_judges_each_agent():
    reading = agentconv.check_for("opencode-json", _config(color="blue").replace('"theme": "x",', ""))
    assert reading.verdict == "rejects" and "color" in reading.lines()[0]
    two = json.dumps({"agent": {"a": {"description": "d"}, "b": {"description": "e", "mode": "side"}}})
    lines = agentconv.check_for("opencode-json", two).lines()
    assert any(line.startswith("agent 'b': mode") for line in lines)


# -- trips -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", fixture_files("claude"), ids=fixture_id)
def test_claude_to_opencode_json_and_back_restores_the_agent_up_to_reported_losses(path):
    doc = agentconv.load(path)
    text, losses = agentconv.to_dialect(doc, "opencode-json")
    middle = agentconv.loads(text, "opencode-json")
    back = agentconv.loads(agentconv.to_dialect(middle, "claude")[0], "claude", path=doc.path)
    diff = canonical_diff(doc.agent, back.agent)
    assert set(diff) <= loss_heads(losses), f"changed without a loss: {set(diff) - loss_heads(losses)}"


@pytest.mark.parametrize("path", fixture_files("opencode"), ids=fixture_id)
def test_opencode_markdown_and_json_read_one_agent_alike(path):
    doc = agentconv.load(path)
    if len(doc.agents) != 1 or refuses(doc, "opencode-json"):
        return
    text, losses = agentconv.to_dialect(doc, "opencode-json")
    assert not [l for l in losses if l.kind != "formatting"], losses     # nor a note on defaults: the same tool
    assert canonical_diff(doc.agent, agentconv.loads(text, "opencode-json").agent, ignore=("name",)) == {}


def test_thousands_of_agents_keep_their_bytes():
    text = json.dumps({"agent": {f"a{i}": {"description": "d", "prompt": "p"} for i in range(3000)}}, indent=2)
    doc = agentconv.loads(text, "opencode-json")
    assert len(doc.agents) == 3000 and agentconv.dumps(doc) == text


def test_a_fresh_file_holds_the_agent_under_agent():
    doc = Document(agents=[Agent(name="a", description="d", prompt="p")])
    assert json.loads(agentconv.to_dialect(doc, "opencode-json")[0]) == \
        {"agent": {"a": {"description": "d", "prompt": "p"}}}


# -- snapshots -----------------------------------------------------------------------------------

CASES = json_snapshots.cases(OC_FIXTURES, "opencode-json")


@pytest.mark.parametrize("path, target", CASES)
def test_fixture(path, target, snapshot):
    """test_fixture[<fixture>-to-<target>] with its losses beside it."""
    json_snapshots.check(path, target, snapshot)


def test_no_stale_snapshot_files():
    assert json_snapshots.stale("test_opencode_json", CASES) == set(), "stale snapshots: delete them"


_OVERRIDES = ('{"agent": {"build": {"model": "anthropic/claude-sonnet-4-5"}, '
              '"a": {"description": "d", "prompt": "p"}}}\n')


@pytest.mark.parametrize("files, to, written, skipped", [
    # opencode merges an entry named as a built-in into it: without a prompt it adjusts the built-in
    ({"opencode.json": _OVERRIDES}, "claude", [".claude/agents/a.md"], []),
    ({".opencode/agent/plan.md": "---\nmodel: anthropic/claude-opus-4-1\n---\n"}, "claude", [],
     ["'plan' only adjusts opencode's built-in agent"]),
    # the same tool's other form adjusts the same built-in
    ({"opencode.json": _OVERRIDES}, "opencode", [".opencode/agent/a.md", ".opencode/agent/build.md"], []),
    # a built-in's name with a prompt of its own is an agent, replaced by name as before
    ({".opencode/agent/plan.md": "---\ndescription: d\n---\nMy plan.\n"}, "claude", [".claude/agents/plan.md"], []),
])
def test_an_entry_that_only_adjusts_a_built_in_is_no_agent_for_another_tool(tmp_path, files, to, written, skipped):
    for name, text in files.items():
        (tmp_path / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / name).write_text(text)
    result = convert_tree([tmp_path / "src"], tmp_path / "out", to=to)
    out = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert out == written
    passed = [f for f in result.files if f.status == "skipped"]
    assert [f.reason[:len(s)] for f, s in zip(passed, skipped, strict=False)] == skipped
    warned = [w.message for f in result.files for w in f.warnings if "only adjusts" in w.message]
    assert bool(warned) == (to == "claude" and "opencode.json" in files)


def test_converting_only_an_adjustment_of_a_built_in_is_an_error(tmp_path):
    from click.testing import CliRunner

    from agentconv.cli import cli
    (tmp_path / "opencode.json").write_text('{"agent": {"build": {"model": "anthropic/claude-sonnet-4-5"}}}\n')
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "opencode.json"), "--to", "claude"])
    assert result.exit_code != 0 and "only adjusts opencode.json's built-in agent" in result.output
