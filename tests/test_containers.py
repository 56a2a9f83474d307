"""Documents of N agents: per-agent spans, containers that keep the file's other keys, a clear
error for N agents in a one-agent dialect, N files in tree conversion, N files into one
container file (merged, --force only to replace an agent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import agentconv
from agentconv import Agent, Document, MultipleAgentsError
from agentconv.batch import convert_tree
from agentconv.dialects.claude import ClaudeFields
from agentconv.dialects.container import ContainerDialect
from agentconv.registry import dialect_names, get_dialect

A = Agent(name="alpha", description="First agent.", prompt="Do the first thing.")
B = Agent(name="beta", description="Second agent.", prompt="Do the second thing.")
ONE_AGENT_DIALECTS = [n for n in dialect_names() if not get_dialect(n).many_per_file]
CONTAINERS = [n for n in dialect_names() if get_dialect(n).many_per_file]
FIXTURES_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "claude-json"
CLAUDE_A = "---\nname: alpha\ndescription: First agent.\n---\n\nDo the first thing.\n"
CLAUDE_B = "---\nname: beta\ndescription: Second agent.\ntools: Read, Grep\n---\n\nDo the second thing.\n"


@pytest.mark.parametrize("target", ONE_AGENT_DIALECTS)
def test_two_agents_into_a_one_agent_dialect_is_a_clear_error(target):
    """Found: two front matters that read back as ONE agent, the second inside its prompt."""
    doc = Document(agents=[A, B])
    for write in (lambda: agentconv.to_dialect(doc, target), lambda: agentconv.dumps(doc, target)):
        with pytest.raises(MultipleAgentsError) as info:
            write()
        assert "2 agents" in info.value.message and "-o OUT" in info.value.hint


@pytest.mark.parametrize("target", CONTAINERS)
def test_two_agents_into_a_container_make_one_file_that_reads_back_as_both(target):
    text, losses = agentconv.to_dialect(Document(agents=[A, B]), target)
    back = agentconv.loads(text, target)
    assert [a.name for a in back.agents] == ["alpha", "beta"]
    assert [(a.description, a.prompt) for a in back.agents] == [(A.description, A.prompt), (B.description, B.prompt)]
    assert agentconv.dumps(back) == text
    from agentconv.access import OTHER_TOOL
    # a target of coarse tool groups (Roo Code) cannot grant the tools no group names: narrowed
    narrowed = set() if get_dialect(target).holds_tool(OTHER_TOOL) else {("tools.*", "narrowed")}
    assert not [l for l in losses if l.kind != "defaulted" and (l.field, l.kind) not in narrowed]


def test_each_agent_keeps_its_own_spans():
    doc = agentconv.loads('{\n  "alpha": {"description": "First agent.", "prompt": "One."},\n'
                          '  "beta": {\n    "prompt": "Two.",\n    "description": "Second."\n  }\n}\n')
    parts = agentconv.each_agent(doc)
    assert [p.agent.name for p in parts] == ["alpha", "beta"]
    assert [p.trivia.block.entry("description").line for p in parts] == [2, 5]
    # written back alone, each agent keeps its own formatting
    assert agentconv.to_dialect(parts[1])[0] == \
        '{\n  "beta": {\n    "prompt": "Two.",\n    "description": "Second."\n  }\n}\n'


class Nested(ClaudeFields, ContainerDialect):
    """A container whose agents sit under a key, beside other keys (as in opencode.json)."""

    title = "nested test container"
    agents_at = ("agent",)
    file_name = "nested.json"
    accepted_keys = frozenset({"description", "prompt", "tools"})
    list_keys = frozenset({"tools"})


NESTED = ('{\n  "$schema": "https://example.com/schema.json",\n  "agent": {\n    "alpha": {\n'
          '      "description": "First agent.",\n      "prompt": "Do the first thing."\n    }\n  },\n'
          '  "theme":   "dark",\n  "other": [1,2,  3]\n}\n')


def test_a_container_keeps_the_files_other_keys_untouched():
    nested = Nested()
    doc = nested.read(NESTED, "nested.json")
    assert [a.name for a in doc.agents] == ["alpha"]

    def written(agents):
        return nested.join([nested.write(a, m) for a, m in zip(agents, doc.trivia.members, strict=True)], doc.trivia)

    assert written(doc.agents) == NESTED
    beta = nested.write(B)
    merged = nested.merge(doc.trivia, nested.members(beta), replace=False)
    assert merged.startswith(NESTED[:NESTED.index('    }\n  },')])
    assert merged.endswith('  },\n  "theme":   "dark",\n  "other": [1,2,  3]\n}\n')
    assert [a.name for a in nested.read(merged).agents] == ["alpha", "beta"]
    changed = doc.agents[0].model_copy(update={"prompt": "Do it otherwise."})
    assert written([changed]) == NESTED.replace("Do the first thing.", "Do it otherwise.")


# -- trees ------------------------------------------------------------------------------------

def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_one_container_file_gives_one_output_per_agent_each_reported(tmp_path):
    source = tmp_path / "agents.json"
    source.write_text(agentconv.to_dialect(Document(agents=[A, B]), "claude-json")[0], encoding="utf-8")
    result = convert_tree([source], tmp_path / "out", to="claude")
    assert [(f.status, Path(f.target).name) for f in result.files] == \
        [("converted", "alpha.md"), ("converted", "beta.md")]
    assert {f.source for f in result.files} == {str(source)}
    assert agentconv.load(tmp_path / "out/.claude/agents/beta.md").agent.prompt == B.prompt


def test_agent_files_into_a_container_dialect_make_one_file_merged_into_an_existing_one(tmp_path):
    src = _tree(tmp_path / "src", {".claude/agents/alpha.md": CLAUDE_A, ".claude/agents/beta.md": CLAUDE_B})
    out = tmp_path / "out"
    out.mkdir()
    existing = '{\n    "gamma": {"description": "Kept as it is.", "prompt": "Third."}\n}\n'
    (out / "claude-agents.json").write_text(existing, encoding="utf-8")
    first = convert_tree([src], out, to="claude-json")
    assert [f.status for f in first.files] == ["converted", "converted"]      # adding needs no --force
    text = (out / "claude-agents.json").read_text(encoding="utf-8")
    assert text.startswith('{\n    "gamma": {"description": "Kept as it is.", "prompt": "Third."},\n')
    assert [a.name for a in agentconv.loads(text).agents] == ["gamma", "alpha", "beta"]
    again = convert_tree([src], out, to="claude-json")
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    (src / ".claude/agents/beta.md").write_text(CLAUDE_B.replace("Second agent.", "Changed."), encoding="utf-8")
    checked = convert_tree([src], out, to="claude-json", check=True)
    assert [f.status for f in checked.files] == ["unchanged", "differs"]
    refused = convert_tree([src], out, to="claude-json")
    assert [f.status for f in refused.files] == ["unchanged", "exists"] and "--force" in refused.files[1].reason
    assert (out / "claude-agents.json").read_text(encoding="utf-8") == text
    forced = convert_tree([src], out, to="claude-json", force=True)
    assert [f.status for f in forced.files] == ["unchanged", "converted"]
    after = (out / "claude-agents.json").read_text(encoding="utf-8")
    assert after.startswith(text[:text.index('"beta"')])               # every other entry byte for byte
    assert agentconv.loads(after).agents[2].description == "Changed."


def test_two_sources_of_one_agent_name_in_a_container_are_a_conflict(tmp_path):
    src = _tree(tmp_path / "src", {"a/.claude/agents/alpha.md": CLAUDE_A,
                                   "b/.claude/agents/alpha.md": CLAUDE_A.replace("First", "Other")})
    result = convert_tree([src], tmp_path / "out", to="claude-json")
    assert [f.status for f in result.files] == ["converted", "conflict"]
    assert json.loads((tmp_path / "out/claude-agents.json").read_text())["alpha"]["description"] == "First agent."


def test_a_single_file_converted_into_an_existing_container_file_is_merged(tmp_path):
    from click.testing import CliRunner

    from agentconv.cli import cli
    (tmp_path / "alpha.md").write_text(CLAUDE_A, encoding="utf-8")
    (tmp_path / "beta.md").write_text(CLAUDE_B, encoding="utf-8")
    target = tmp_path / "claude-agents.json"
    for name in ("alpha.md", "beta.md"):
        done = CliRunner().invoke(cli, ["convert", str(tmp_path / name), "--to", "claude-json", "-o", str(target)])
        assert done.exit_code == 0, done.output
    assert list(json.loads(target.read_text())) == ["alpha", "beta"]
    (tmp_path / "alpha.md").write_text(CLAUDE_A.replace("First", "Other"), encoding="utf-8")
    done = CliRunner().invoke(cli, ["convert", str(tmp_path / "alpha.md"), "--to", "claude-json", "-o", str(target)])
    assert done.exit_code == 1 and "--force" in done.output
    many = tmp_path / "many.json"
    many.write_text(target.read_text())
    done = CliRunner().invoke(cli, ["convert", str(many), "--to", "claude", "-o", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "out/.claude/agents").iterdir()) == ["alpha.md", "beta.md"]


def test_a_broken_container_file_to_merge_into_fails_every_source_and_is_left_alone(tmp_path):
    src = _tree(tmp_path / "src", {".claude/agents/alpha.md": CLAUDE_A, ".claude/agents/beta.md": CLAUDE_B})
    out = tmp_path / "out"
    out.mkdir()
    (out / "claude-agents.json").write_text('{\n  "gamma": {"description": "x",\n}\n', encoding="utf-8")
    result = convert_tree([src], out, to="claude-json", force=True)
    assert [f.status for f in result.files] == ["failed", "failed"]
    assert result.files[0].error.line == 3 and result.files[0].error.path.endswith("claude-agents.json")
    assert (out / "claude-agents.json").read_text(encoding="utf-8") == '{\n  "gamma": {"description": "x",\n}\n'


def test_diff_into_a_container_shows_the_one_file_once(tmp_path):
    src = _tree(tmp_path / "src", {".claude/agents/alpha.md": CLAUDE_A, ".claude/agents/beta.md": CLAUDE_B})
    result = convert_tree([src], tmp_path / "out", to="claude-json", diff=True)
    assert [f.status for f in result.files] == ["would-write", "would-write"]
    assert result.files[0].diff.count('": {') == 2 and result.files[1].diff is None
    assert not (tmp_path / "out").exists()


def test_writing_back_holds_exactly_the_documents_agents_each_with_its_own_bytes():
    text = (FIXTURES_JSON / "two-agents.json").read_text(encoding="utf-8")
    doc = agentconv.loads(text)
    second = text[text.index('  "release-captain"'):]
    assert agentconv.dumps(doc.model_copy(update={"agents": doc.agents[1:]})) == "{\n" + second
    added = agentconv.dumps(doc.model_copy(update={"agents": [*doc.agents, A]}))
    assert added.startswith(text[:text.rindex("\n  }\n}")]) and [a.name for a in agentconv.loads(added).agents] \
        == ["code-reviewer", "release-captain", "alpha"]
