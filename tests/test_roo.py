"""Roo Code custom modes (`roo`) and Kilo Code's `.kilocodemodes` (`kilo`, a delta of roo): identity
byte for byte (fixtures and the corpus, 186 modes in one file included), the reading rules as a
table, conversions both ways with Claude Code, containers (N modes into N files, N files merged
into one file), and every fixture written in every dialect as a snapshot
(``__snapshots__/test_roo/``; update with ``--snapshot-update``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import refuses
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import agentconv
from agentconv import Document
from agentconv.batch import convert_tree
from agentconv.registry import dialect_names, get_dialect

MODE_DIALECTS = ("roo", "kilo", "zoo", "bob")
MODE_FIXTURES = sorted(p for d in MODE_DIALECTS for p in (FIXTURES / d).rglob("*") if p.is_file())
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "roo"
CORPUS_FILES = sorted(p for p in CORPUS.rglob("*.yaml")) if CORPUS.is_dir() else []
WIDENINGS = ("question", "task", "todowrite")      # every Roo mode has them
CLAUDE = "---\nname: {name}\ndescription: {description}\n{extra}---\n\n{prompt}\n"


def _claude(name="reviewer", description="Reviews code.", prompt="You review code.", extra=""):
    return agentconv.loads(CLAUDE.format(name=name, description=description, prompt=prompt, extra=extra), "claude")


@pytest.mark.parametrize("path", MODE_FIXTURES, ids=lambda p: p.name)
def test_identity_is_byte_exact_on_the_fixtures(path):
    data = path.read_bytes()
    doc = agentconv.load(path)
    assert doc.dialect == path.relative_to(FIXTURES).parts[0]
    assert agentconv.dumps(doc).encode(doc.encoding) == data


@pytest.mark.skipif(not CORPUS_FILES, reason="corpus absent (../shared/corpus/roo)")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_identity_is_byte_exact_on_the_corpus(path):
    data = path.read_bytes()
    doc = agentconv.load(path)
    assert doc.dialect == "roo"
    assert agentconv.dumps(doc).encode(doc.encoding) == data


def _mode(**keys) -> str:
    mode = {"slug": "a", "name": "A", "roleDefinition": "Role.", "groups": ["read"], **keys}
    return "customModes:\n" + "".join(f"  {'-' if i == 0 else ' '} {k}: {json.dumps(v, ensure_ascii=False)}\n"
                                      for i, (k, v) in enumerate(mode.items()))


@pytest.mark.parametrize("keys, field, expected", [
    ({}, "name", "a"),
    ({"name": "a"}, "display_name", None),                              # the slug again says nothing
    ({"name": "🔍 A"}, "display_name", "🔍 A"),
    ({"whenToUse": "Use it."}, "description", "Use it."),
    ({"customInstructions": "More."}, "prompt", "Role.\n\nMore."),
    ({"groups": []}, "tools", ["deny *", "allow question", "allow task", "allow todowrite"]),
    ({"groups": ["read", "command"]}, "tools", ["deny *", "allow bash", "allow glob", "allow grep",
                                                "allow question", "allow read", "allow task", "allow todowrite"]),
    ({"groups": [["edit", {"fileRegex": "\\.md$"}]]}, "tools", ["deny *", "allow question", "allow task",
                                                                 "allow todowrite"]),   # never wider
    ({"groups": ["teleport"]}, "tools", ["deny *", "allow question", "allow task", "allow todowrite"]),
    ({"category": "x"}, "native", [("category", "x")]),
])
def test_a_mode_is_read_as_roo_code_reads_it(keys, field, expected):
    agent = agentconv.loads(_mode(**keys), "roo").agent
    value = getattr(agent, field)
    if field == "tools":
        value = [f"{r.action} {r.tool}" for r in value]
    if field == "native":
        value = [(n.key, n.value) for n in value]
    assert value == expected


@pytest.mark.parametrize("keys, warning", [
    ({"groups": [["edit", {"fileRegex": "\\.md$"}]]}, "only for files matching"),
    ({"groups": ["teleport"]}, "loads no mode of this file"),
    ({"groups": ["read", "read"]}, "'read' twice"),
    ({"slug": "not a slug"}, "not letters, digits and dashes"),
    ({"roleDefinition": ""}, "no 'roleDefinition'"),
    ({"category": "x"}, "ignores 'category'"),
])
def test_what_roo_code_refuses_or_strips_is_warned(keys, warning):
    doc = agentconv.loads(_mode(**keys), "roo")
    assert any(warning in w.message for w in doc.warnings), doc.warnings


def test_a_restricted_group_is_reported_narrowed_in_every_conversion():
    doc = agentconv.loads(_mode(groups=["read", ["edit", {"fileRegex": "\\.md$"}]]), "roo")
    _, losses = agentconv.to_dialect(doc, "claude")
    assert [(l.field, l.kind) for l in losses if l.kind == "narrowed"] == [("tools.edit", "narrowed")]


@pytest.mark.parametrize("source, target, expected", [
    (_claude(), "roo", "    roleDefinition: You review code.\n    whenToUse: Reviews code.\n"),
    (_claude(extra="tools: Read, Grep, Glob, Bash\n"), "roo", "    groups:\n    - read\n    - command\n"),
    (_claude(prompt="First.\n\nSecond."), "roo", "    roleDefinition: |-\n      First.\n\n      Second.\n"),
    (_claude(), "kilo", "    groups:\n    - read\n    - edit\n    - browser\n    - command\n    - mcp\n"),
])
def test_claude_agents_become_modes(source, target, expected):
    text, _ = agentconv.to_dialect(source, target, accept_widening=WIDENINGS)
    assert text.startswith("customModes:\n  - slug: reviewer\n    name: reviewer\n") and expected in text


@pytest.mark.parametrize("target, refusal", [
    ("roo", "question, task, todowrite: Roo Code grants them"),
    ("kilo", "every tool it does not name"),
])
def test_a_claude_allow_list_is_never_widened(target, refusal):
    with pytest.raises(agentconv.WideningError) as info:
        agentconv.to_dialect(_claude(extra="tools: Read\n"), target)
    assert refusal in info.value.message


@pytest.mark.parametrize("extra", ["", "tools: Read, Grep, Glob\n", "tools: Read, Grep, Glob, Edit, Write, Bash\n"])
@pytest.mark.parametrize("target", ["roo", "kilo"])
def test_claude_to_modes_and_back_restores_the_model_up_to_reported_losses(extra, target):
    doc = _claude(extra=extra)
    try:
        text, losses = agentconv.to_dialect(doc, target, accept_widening=WIDENINGS)
    except agentconv.WideningError:
        assert extra and target == "kilo"              # Kilo allows every tool a mode cannot name
        return
    back = agentconv.loads(agentconv.to_dialect(agentconv.loads(text, target), "claude",
                                                accept_widening=WIDENINGS)[0], "claude").agent
    lost = {l.field.split(".")[0] for l in losses}
    for field in ("name", "description", "prompt", "model", "tools"):
        if field not in lost:
            assert getattr(back, field) == getattr(doc.agent, field), field


@pytest.mark.parametrize("path", [FIXTURES / "roo" / "roomodes.yaml", FIXTURES / "roo" / "roomodes.json"],
                         ids=lambda p: p.name)
def test_changing_one_mode_keeps_every_other_byte(path):
    text = path.read_text(encoding="utf-8")
    doc = agentconv.load(path)
    changed = doc.agents[1].model_copy(update={"description": "Use it now."})
    out = agentconv.dumps(doc.model_copy(update={"agents": [doc.agents[0], changed]}))
    assert out != text
    first = doc.trivia.members[1].line
    assert out.splitlines()[:first - 1] == text.splitlines()[:first - 1]
    assert [a.description for a in agentconv.loads(out, "roo").agents] == [doc.agents[0].description, "Use it now."]


def test_one_modes_file_gives_one_claude_file_per_mode(tmp_path):
    source = tmp_path / ".roomodes"
    source.write_bytes((FIXTURES / "roo" / "roomodes.yaml").read_bytes())
    result = convert_tree([source], tmp_path / "out", to="claude")
    assert sorted(Path(f.target).name for f in result.files) == ["docs-writer.md", "reviewer.md"]
    with pytest.raises(agentconv.MultipleAgentsError):
        agentconv.to_dialect(agentconv.load(source), "claude")


def test_agent_files_merge_into_an_existing_modes_file_without_touching_its_other_modes(tmp_path):
    src = tmp_path / "src" / ".claude" / "agents"
    src.mkdir(parents=True)
    (src / "alpha.md").write_text(CLAUDE.format(name="alpha", description="First.", prompt="One.", extra=""))
    out = tmp_path / "out"
    out.mkdir()
    existing = (FIXTURES / "roo" / "roomodes.yaml").read_text(encoding="utf-8")
    (out / ".roomodes").write_text(existing, encoding="utf-8")
    first = convert_tree([tmp_path / "src"], out, to="roo")
    assert [f.status for f in first.files] == ["converted"]
    text = (out / ".roomodes").read_text(encoding="utf-8")
    assert text.startswith(existing) and [a.name for a in agentconv.loads(text).agents] == \
        ["docs-writer", "reviewer", "alpha"]
    assert [f.status for f in convert_tree([tmp_path / "src"], out, to="roo").files] == ["unchanged"]
    (src / "alpha.md").write_text(CLAUDE.format(name="alpha", description="Changed.", prompt="One.", extra=""))
    assert [f.status for f in convert_tree([tmp_path / "src"], out, to="roo").files] == ["exists"]
    assert [f.status for f in convert_tree([tmp_path / "src"], out, to="roo", force=True).files] == ["converted"]
    after = (out / ".roomodes").read_text(encoding="utf-8")
    assert after.startswith(existing) and agentconv.loads(after).agents[2].description == "Changed."


def test_a_mode_merged_into_a_json_modes_file_is_json():
    doc = agentconv.load(FIXTURES / "roo" / "roomodes.json")
    roo = get_dialect("roo")
    merged = roo.merge(doc.trivia, roo.members(agentconv.to_dialect(_claude(), "roo")[0]), replace=False)
    assert json.loads(merged)["customModes"][2]["slug"] == "reviewer"
    assert merged.startswith((FIXTURES / "roo" / "roomodes.json").read_text()[:-8])


def test_two_modes_into_a_one_agent_dialect_is_a_clear_error():
    with pytest.raises(agentconv.MultipleAgentsError):
        agentconv.to_dialect(agentconv.load(FIXTURES / "roo" / "roomodes.yaml"), "opencode")


@pytest.mark.parametrize("text, path, dialect", [
    (_mode(), ".roomodes", "roo"),
    (_mode(), None, "roo"),
    (_mode(allowedMcpServers=["github"]), ".roomodes", "zoo"),        # a key only Zoo Code reads
    (_mode(groups=["read", "execute"]), None, "bob"),                  # a group only IBM Bob has
    (_mode(), ".bob/custom_modes.yaml", "bob"),
    (_mode(), "x/.kilocodemodes", "kilo"),
])
def test_each_tool_of_the_mode_format_is_told_by_its_file_or_its_own_keys(text, path, dialect):
    assert agentconv.loads(text, path=path).dialect == dialect


@pytest.mark.parametrize("groups, servers, expected, through_claude", [
    (["read", "mcp"], ["github"], ["mcp:github/*"], ["mcp:github/*"]),
    # Claude Code names one server's tools at the widest: every server's is narrowed (reported)
    (["read", "mcp"], None, ["mcp:*"], []),
    (["read"], ["github"], [], []),                             # no mcp group: no server
])
def test_zoo_limits_the_mcp_group_to_its_allowed_servers(groups, servers, expected, through_claude):
    keys = {"groups": groups} | ({"allowedMcpServers": servers} if servers is not None else {})
    doc = agentconv.loads(_mode(**keys), "zoo")
    assert [r.tool for r in doc.agent.tools if r.tool.startswith("mcp:")] == expected
    assert agentconv.dumps(doc) == _mode(**keys)
    back = agentconv.to_dialect(agentconv.loads(agentconv.to_dialect(doc, "claude")[0], "claude"), "zoo",
                                accept_widening=WIDENINGS)[0]
    assert [r.tool for r in agentconv.loads(back, "zoo").agent.tools if r.tool.startswith("mcp:")] == through_claude


def test_bob_reads_its_own_group_names():
    tools = agentconv.loads(_mode(groups=["read", "execute", "todo"]), "bob").agent.tools
    assert [f"{r.action} {r.tool}" for r in tools] == ["deny *", "allow bash", "allow glob", "allow grep",
                                                      "allow question", "allow read", "allow todowrite"]
    assert agentconv.to_dialect(_claude(extra="tools: Bash\n"), "bob", accept_widening=["question"])[0] \
        .endswith("    groups:\n    - execute\n")


@pytest.mark.parametrize("name, slug", [("code_review", "code-review"), ("sub/agent", "sub-agent"),
                                        ("Python DevOps/CI-CD Expert", "Python-DevOps-CI-CD-Expert")])
def test_a_name_roo_code_refuses_as_a_slug_is_written_as_one_and_reported(name, slug):
    text, losses = agentconv.to_dialect(_claude(name=name), "roo", accept_widening=WIDENINGS)
    mode = agentconv.loads(text, "roo").agent
    assert (mode.name, mode.display_name) == (slug, name)
    assert "name" in {l.field for l in losses}


def test_kilo_is_told_by_its_file_name_and_skips_its_own_slugs():
    assert get_dialect("kilo").claim((FIXTURES / "kilo" / "project.kilocodemodes").read_text()) == 0
    assert "skips a mode of that slug" in get_dialect("kilo").name_problem("code")
    assert get_dialect("roo").name_problem("a_b") is not None


# -- snapshots: every mode fixture in every dialect, every claude fixture in roo and kilo -------

class _Binary(SingleFileSnapshotExtension):
    _write_mode = WriteMode.BINARY


class YamlSnapshot(_Binary):
    file_extension = "yaml"


class MarkdownSnapshot(_Binary):
    file_extension = "md"


class JsonlSnapshot(_Binary):
    file_extension = "jsonl"


def _cases() -> list:
    cases = [pytest.param(p, t, id=f"{p.relative_to(FIXTURES).parts[0]}-{p.name}-to-{t}")
             for p in MODE_FIXTURES for t in dialect_names()]
    for path in sorted((FIXTURES / "claude").glob("*.md")):
        cases += [pytest.param(path, t, id=f"claude-{path.stem}-to-{t}") for t in MODE_DIALECTS]
    return cases


def _render(path: Path, target: str) -> tuple[bytes, list]:
    doc = agentconv.load(path)
    parts = [doc] if get_dialect(target).many_per_file else agentconv.each_agent(doc)
    texts, losses = [], []
    for part in parts:
        try:
            text, lost = agentconv.to_dialect(part, target)
        except agentconv.WideningError as refusal:
            assert refuses(part, target)
            text, lost = f"refused: {refusal}\n", []
        texts.append(text.encode(doc.encoding if target == doc.dialect else "utf-8"))
        losses += lost
    return b"".join(texts), losses


@pytest.mark.parametrize("path, target", _cases())
def test_fixture(path, target, snapshot):
    output, losses = _render(path, target)
    assert output == snapshot(extension_class=YamlSnapshot if get_dialect(target).many_per_file else MarkdownSnapshot)
    lines = "".join(json.dumps({"agent": l.agent, "field": l.field, "kind": l.kind, "detail": l.detail},
                               ensure_ascii=False) + "\n" for l in losses)
    assert lines.encode("utf-8") == snapshot(extension_class=JsonlSnapshot, name="losses")


def test_two_documents_make_one_modes_file():
    text, _ = agentconv.to_dialect(Document(agents=[_claude().agent, _claude(name="b").agent]), "roo")
    assert [a.name for a in agentconv.loads(text, "roo").agents] == ["reviewer", "b"]


def _alias_bomb(levels: int = 19) -> str:
    lines = ["customModes:", "- slug: a0", "  name: A", "  roleDefinition: x", "  groups: &g0 [read]"]
    lines += [f"  x{i}: &g{i} [{', '.join([f'*g{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_not_expanded_nor_read_as_prose(tmp_path):
    """Mode files share groups by anchor (the 1.4 MB corpus file does), so their aliases are
    read; aliases that would expand the file past any agent file's size are refused, quickly,
    with the line (9^19 nodes here), and the file is not taken for a prose brief instead."""
    (tmp_path / ".roomodes").write_text(_alias_bomb())
    with pytest.raises(agentconv.ParseError, match="aliases .* expand it") as refused:
        agentconv.load(tmp_path / ".roomodes")
    assert refused.value.line == 11
    result = convert_tree(tmp_path, tmp_path / "out", to="claude")
    assert [f.status for f in result.files] == ["failed"]


def test_groups_shared_by_anchor_still_read():
    text = ("customModes:\n- slug: a\n  name: A\n  roleDefinition: x\n  groups: &g [read]\n"
            "- slug: b\n  name: B\n  roleDefinition: y\n  groups: *g\n")
    doc = agentconv.loads(text, path=".roomodes")
    assert [a.name for a in doc.agents] == ["a", "b"] and doc.agents[0].tools == doc.agents[1].tools


def test_an_agent_merges_into_modes_that_share_groups_by_anchor(tmp_path):
    text = ("customModes:\n- slug: a\n  name: A\n  roleDefinition: x\n  groups: &g [read]\n"
            "- slug: b\n  name: B\n  roleDefinition: y\n  groups: *g\n")
    (tmp_path / ".roomodes").write_text(text)
    agents = tmp_path / "src" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "c.md").write_text("---\nname: c\ndescription: C mode.\n---\nDo c.\n")
    result = convert_tree(tmp_path / "src", tmp_path, to="roo")
    assert [f.status for f in result.files] == ["converted"]
    merged = (tmp_path / ".roomodes").read_text()
    assert merged.startswith(text) and "slug: c" in merged


@pytest.mark.parametrize("dialect", ["roo", "kilo", "zoo", "bob"])
@pytest.mark.parametrize("text", ["\xa0", "\u2003 and more"])
def test_a_line_of_unicode_space_in_a_block_keeps_its_indent(dialect, text):
    """YAML's blank lines are spaces and tabs only: a line holding a no-break space is text, and
    written less indented it ended the block scalar (found by test_properties)."""
    from agentconv.engine import write_agent
    from agentconv.model import Agent, Example, ExampleTurn
    from agentconv.registry import get_dialect
    agent = Agent(name="x", examples=[Example(turns=[ExampleTurn(role="commentary", text=text)])])
    target = get_dialect(dialect)
    path = str(target.output_path(agent))
    out, _ = write_agent(target, agent, source_dialect=None, path=path)
    assert agentconv.loads(out, dialect, path=path).agent.name == "x"
