"""Cline agent configs (issue 12): one table per concern, each row a fact of Cline 3.0.65
(@cline/core, dialects/cline/REFERENCE.md)."""

from __future__ import annotations

import pytest
from helpers import assert_identity, make_tree

import agentconv
from agentconv import SchemaError
from agentconv.batch import convert_tree
from agentconv.model import ToolRule

P = ".cline/agents/r.yaml"
DENY_ALL = ToolRule(tool="*", action="deny")
NO_SKILL = ToolRule(tool="skill", action="deny")


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in tools)]


@pytest.mark.parametrize("text", [
    "---\nname: r\ndescription: d\n---\nBody.\n",
    "---\r\nname: r\r\ndescription: d\r\ntools: read_file, search_files\r\nmodelId: gpt-5\r\n---\r\nBody.",
    "---\nname: 'R R'\ndescription: \"d\"\ntools: []\nskills: [a, b]\nproviderId: openrouter\nmodelId: x/y\n---\nB.\n",
])
def test_identity(text):
    assert_identity(text.encode(), "cline", path=P)


@pytest.mark.parametrize("front, tools", [
    ("", [NO_SKILL]),                                                   # omitted: every tool (no skills tool)
    ("tools: []\n", [DENY_ALL]),                                        # none
    ("tools: read_files, editor\n", _allow("edit", "read", "write")),
    ("tools: [READ_FILE, Execute_Command]\n", _allow("bash", "read")),  # lower-cased, older names
    ("tools: [read_files, frobnicate]\n", _allow("read")),              # an unknown name grants nothing
    ("tools: [read_files, skills]\n", _allow("read")),                  # no skills listed: no skills tool
    ("tools: [read_files]\nskills: [s]\n", _allow("read")),            # skills: the field, reached by its tool
    ("skills: [a, b]\n", [NO_SKILL]),
])
def test_tools_as_cline_applies_them(front, tools):
    agent = agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "cline", path=P).agent
    assert agent.tools == tools


@pytest.mark.parametrize("front, model", [
    ("providerId: anthropic\nmodelId: claude-sonnet-4-5\n", "anthropic/claude-sonnet-4-5"),
    ("providerId: gemini\nmodelId: gemini-3-pro\n", "google/gemini-3-pro"),
    ("modelId: gpt-5\n", "openai/gpt-5"),            # the parent's provider; read as the id's own
    ("providerId: anthropic\n", None),                # a provider alone is no model
])
def test_model_is_provider_and_id(front, model):
    agent = agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "cline", path=P).agent
    assert agent.model == model


@pytest.mark.parametrize("value", ["5", "{read_files: true}"])
def test_a_tools_value_cline_refuses_is_an_error_not_every_tool(value):
    with pytest.raises(SchemaError, match="agentconv will not guess"):
        agentconv.loads(f"---\nname: r\ndescription: d\ntools: {value}\n---\nB.\n", "cline", path=P)


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, expected", [
    ("tools: Read, Grep, Glob\n", "tools:\n- read_files\n- search_codebase\n"),
    ("tools: ''\n", "tools: []\n"),
    ("model: sonnet\n", "modelId: claude-sonnet-5\n"),
    ("maxTurns: 7\n", "maxIterations: 7\n"),
])
def test_from_claude(extra, expected):
    out = agentconv.convert(CLAUDE.format(extra=extra), read="claude", to="cline", carry=False)
    assert out == f"---\nname: r\ndescription: d\n{expected}---\nBody.\n"


@pytest.mark.parametrize("extra, skills", [
    ("tools: Read\nskills: [s]\n", ["s"]),            # Cline's skills tool reaches s only: the field
    ("tools: Read, Skill\nskills: [s]\n", ["s"]),
    ("skills: [s]\n", ["s"]),
])
def test_skills_are_the_skills_field(extra, skills):
    out = agentconv.convert(CLAUDE.format(extra=extra), read="claude", to="cline", carry=False)
    assert agentconv.loads(out, "cline", path=P).agent.skills == skills


@pytest.mark.parametrize("text, verdict", [
    ("---\nname: r\ndescription: d\n---\nBody.\n", "loads"),
    ("---\nname: r\n---\nBody.\n", "skips"),                                  # no description
    ("---\nname: r\ndescription: d\n---\n\n", "rejects"),                     # empty body
    ("---\nname: r\ndescription: d\nmaxIterations: 0\n---\nB.\n", "rejects"),
    ("---\nname: r\ndescription: d\nmodelId: 5\n---\nB.\n", "rejects"),
])
def test_check_for_cline(text, verdict):
    assert agentconv.check_for("cline", text, P).verdict == verdict


def test_a_body_rule_does_not_end_the_front_matter_early():
    """Cline closes at the last '---' whose block it accepts; a '---' in the body after that
    makes a block of two documents, which it refuses: the first close stands."""
    text = "---\nname: r\ndescription: d\n---\nintro\n---\nmore\n"
    reading = agentconv.check_for("cline", text, P)
    assert reading.values["name"] == "r" and reading.prompt == "intro\n---\nmore"


def test_batch_walks_the_yaml_files_cline_loads(tmp_path):
    make_tree(tmp_path, {".cline/agents/r.yaml": "---\nname: r\ndescription: d\n---\nB.\n",
                         ".cline/agents/notes.json": "{}", "docs/r.yaml": "---\nname: r\ndescription: d\n---\nB.\n"})
    result = convert_tree([tmp_path], to="claude", out=tmp_path / "out")
    assert sorted(f.source.rsplit("/", 2)[-2] + "/" + f.source.rsplit("/", 1)[-1]
                  for f in result.files if f.status == "converted") == ["agents/r.yaml"]


@pytest.mark.parametrize("text, path, dialect", [
    ("---\nname: r\ndescription: d\n---\nB.\n", ".cline/agents/r.yaml", "cline"),
    ("---\nname: r\ndescription: d\nproviderId: anthropic\nmodelId: m\n---\nB.\n", "docs/r.yaml", "cline"),
    ("---\nname: r\ndescription: d\nmaxIterations: 3\n---\nB.\n", None, "cline"),
    ("---\nname: r\ndescription: d\ndisabled_tools: [view]\n---\nB.\n", None, "augment"),
    ("---\nname: r\ndescription: d\n---\nB.\n", ".augment/agents/r.txt", "augment"),
    ("---\nname: r\ndescription: d\nallowPromptArgument: true\n---\nB.\n", None, "junie"),
    ("---\nname: r\ndescription: d\n---\nB.\n", ".junie/agents/r.md", "junie"),
    ("---\nname: r\ndescription: d\ntools: Read\n---\nB.\n", None, "claude"),        # still Claude's
])
def test_detection_of_the_issue_12_dialects(text, path, dialect):
    assert agentconv.detect(text, path) == dialect
