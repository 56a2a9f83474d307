"""The claude-json dialect (`claude --agents '{...}'`): identity on the hand-written fixtures,
exact conversions with Claude Code's markdown files both ways, the reading rules of the
--agents schema, and every fixture written in every dialect as a snapshot
(``__snapshots__/test_claude_json/``; update with ``--snapshot-update``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_files, fixture_id
from helpers import refuses
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import agentconv
from agentconv.errors import SchemaError
from agentconv.registry import dialect_names, get_dialect

JSON_FIXTURES = sorted((FIXTURES / "claude-json").glob("*.json"))
CLAUDE_FIXTURES = fixture_files("claude")


@pytest.mark.parametrize("path", JSON_FIXTURES, ids=lambda p: p.name)
def test_identity_is_byte_exact(path):
    data = path.read_bytes()
    doc = agentconv.load(path)
    assert doc.dialect == "claude-json" and agentconv.detect(data.decode()) == "claude-json"
    assert agentconv.dumps(doc).encode(doc.encoding) == data


def _without(agent, fields=("native",)):
    return agent.model_dump(exclude=set(fields))


@pytest.mark.parametrize("path", CLAUDE_FIXTURES, ids=fixture_id)
def test_claude_to_claude_json_and_back_keeps_every_meaning_the_json_can_say(path):
    doc = agentconv.load(path)
    text, losses = agentconv.to_dialect(doc, "claude-json")
    lost = {l.field for l in losses if l.kind != "formatting"}      # a YAML comment has no place in JSON
    assert lost <= {"color"} | {f"native.{n.key}" for n in doc.agent.native}, losses
    assert ("color" in lost) == (doc.agent.color is not None)        # --agents has no colour
    back = agentconv.loads(agentconv.to_dialect(agentconv.loads(text), "claude")[0], "claude")
    assert _without(back.agent, ("native", "color")) == _without(doc.agent, ("native", "color"))


@pytest.mark.parametrize("path", JSON_FIXTURES, ids=lambda p: p.name)
def test_claude_json_to_claude_and_back_is_exact(path):
    for part in agentconv.each_agent(agentconv.load(path)):
        text, losses = agentconv.to_dialect(part, "claude")
        assert {l.field for l in losses} <= {f"native.{n.key}" for n in part.agent.native if n.dialect == "claude-json"}
        back, again = agentconv.to_dialect(agentconv.loads(text, "claude"), "claude-json")
        assert not again
        assert _without(agentconv.loads(back).agent) == _without(part.agent)


def _agents(**member) -> str:
    return json.dumps({"a": {"description": "d", "prompt": "p", **member}})


@pytest.mark.parametrize("member, field, expected", [
    ({"tools": ["Read", "Grep"]}, "tools", ["deny *", "allow grep", "allow read"]),
    ({"tools": []}, "tools", ["deny *"]),
    ({"model": "inherit"}, "model", None),
    ({"model": "haiku"}, "model", "anthropic/claude-haiku-4-5"),
    ({"color": "red"}, "color", None),                      # stripped by Claude Code's --agents
    ({"name": "other"}, "name", "a"),                       # the key names the agent
    ({"permissionMode": "plan", "maxTurns": 3}, "permission_mode", "plan"),
])
def test_the_agents_schema_is_read_as_claude_code_reads_it(member, field, expected):
    agent = agentconv.loads(_agents(**member), "claude-json").agent
    value = getattr(agent, field)
    if field == "tools":
        value = [f"{r.action} {r.tool}" for r in value]
    assert value == expected


@pytest.mark.parametrize("member, message", [
    ({"tools": "Read, Grep"}, "tools must be an array"),
    ({"skills": "a"}, "skills must be an array"),
])
def test_a_value_that_fails_the_whole_agents_value_is_an_error(member, message):
    with pytest.raises(SchemaError) as info:
        agentconv.loads(_agents(**member), "claude-json", path="agents.json")
    assert message in info.value.message and info.value.line == 1


def test_a_member_that_is_not_an_object_is_an_error_with_its_line():
    with pytest.raises(SchemaError) as info:
        agentconv.loads('{\n  "a": {"description": "d", "prompt": "p"},\n  "b": "x"\n}', "claude-json")
    assert info.value.line == 3 and "'b' is not an object" in info.value.message


def test_an_agent_without_a_prompt_is_reported_required():
    doc = agentconv.loads("---\nname: a\ndescription: d\n---\n", "claude")
    _, losses = agentconv.to_dialect(doc, "claude-json")
    assert [(l.field, l.kind) for l in losses] == [("prompt", "required")]


def test_nothing_is_carried_json_has_no_comments():
    doc = agentconv.loads("---\nname: a\ndescription: d\ncolor: red\n---\nHi\n", "claude")
    text, losses = agentconv.to_dialect(doc, "claude-json", carry="style")
    assert "agentconv" not in text and [(l.field, l.kind) for l in losses] == [("color", "dropped")]


# -- snapshots: every claude-json fixture in every dialect, every fixture in claude-json -------

class _Binary(SingleFileSnapshotExtension):
    _write_mode = WriteMode.BINARY


class JsonSnapshot(_Binary):
    file_extension = "json"


class MarkdownSnapshot(_Binary):
    file_extension = "md"


class TextSnapshot(_Binary):
    file_extension = "txt"


class LossesSnapshot(_Binary):
    file_extension = "jsonl"


def _extension(target: str):
    return JsonSnapshot if get_dialect(target).extension == ".json" else \
        TextSnapshot if get_dialect(target).extension == ".txt" or target == "prose" else MarkdownSnapshot


def _cases() -> list:
    cases = []
    for path in JSON_FIXTURES:
        for target in dialect_names():
            cases.append(pytest.param(path, target, id=f"{path.stem}-to-{target}"))
    for path in fixture_files():
        stem = fixture_id(path).rsplit(".", 1)[0].replace("/", "-")
        cases.append(pytest.param(path, "claude-json", id=f"{stem}-to-claude-json"))
    return cases


CASES = _cases()


def _render(path: Path, target: str) -> tuple[bytes, list]:
    doc = agentconv.load(path)
    parts = [doc] if get_dialect(target).many_per_file else agentconv.each_agent(doc)
    texts, losses = [], []
    for part in parts:
        try:
            text, lost = agentconv.to_dialect(part, target)
        except agentconv.WideningError as refusal:      # a target that cannot withhold a tool
            assert refuses(part, target)
            text, lost = f"refused: {refusal}\n", []
        texts.append(text.encode(doc.encoding if target == doc.dialect else "utf-8"))
        losses += lost
    return b"".join(texts), losses


@pytest.mark.parametrize("path, target", CASES)
def test_fixture(path, target, snapshot):
    """test_fixture[<fixture>-to-<target>] (one-agent targets: the agents one after the other)."""
    output, losses = _render(path, target)
    assert output == snapshot(extension_class=_extension(target))
    lines = "".join(json.dumps({"agent": l.agent, "field": l.field, "kind": l.kind, "detail": l.detail},
                               ensure_ascii=False) + "\n" for l in losses)
    assert lines.encode("utf-8") == snapshot(extension_class=LossesSnapshot, name="losses")


def test_no_stale_snapshot_files():
    folder = Path(__file__).parent / "__snapshots__" / "test_claude_json"
    if not folder.is_dir():
        pytest.skip("no snapshots yet: run with --snapshot-update")
    expected = set()
    for case in CASES:
        name = f"test_fixture[{case.id}]"
        expected |= {f"{name}.{_extension(case.values[1]).file_extension}", f"{name}[losses].jsonl"}
    present = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert present - expected == set(), "stale snapshots: delete them"


HOSTILE = {
    "deep-nesting": ('{"a":{"description":"d","prompt":"p","hooks":' + "[" * 100_000 + "]" * 100_000 + "}}", "nested"),
    "lone-surrogate": ('{"a":{"description":"d\\ud800","prompt":"p"}}', "surrogate"),
    "huge-integer": ('{"a":{"description":"d","prompt":"p","maxTurns":' + "9" * 5000 + "}}", "invalid JSON"),
    "no-agents": ("{\n}\n", None),
    "thousands-of-agents": (json.dumps({f"a{i}": {"description": "d", "prompt": "p"} for i in range(3000)}), None),
    "front-matter-in-the-prompt": ('{"a":{"description":"d---x","prompt":"---\\nname: evil\\n---\\n"}}', None),
}


@pytest.mark.parametrize("text, refused", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_is_converted_or_refused_clearly(text, refused):
    try:
        doc = agentconv.loads(text, "claude-json")
    except agentconv.AgentconvError as exc:
        assert refused and refused in exc.message and exc.line == 1
        return
    assert refused is None and agentconv.dumps(doc) == text
    for part in agentconv.each_agent(doc)[:3]:
        for target in dialect_names():
            agentconv.to_dialect(part, target)
    if doc.agents and doc.agents[0].prompt.startswith("---"):
        back = agentconv.loads(agentconv.to_dialect(doc, "claude")[0], "claude")
        assert (back.agent.name, back.agent.prompt) == ("a", doc.agent.prompt)
