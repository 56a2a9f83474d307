"""Trae agents (issue 12): Claude Code's tool names in one comma string (`""`: none), a deny
list, built-in models only, name rules. Documented facts (dialects/trae/REFERENCE.md)."""

from __future__ import annotations

import pytest
from helpers import assert_identity, loss_pairs, round_trip

import agentconv
from agentconv import SchemaError
from agentconv.model import ToolRule

T = ".trae/agents/"
DENY_ALL = ToolRule(tool="*", action="deny")


@pytest.mark.parametrize("text", [
    "---\nname: r\ndescription: d\n---\nBody.\n",
    "---\nname: r\ndescription: d\ntools: Read,Grep , Glob\nmodel: Doubao-Seed-Code\n---\n\nBody.\n",
    "---\r\nname: r\r\ndescription: d\r\ntools: \"\"\r\n---\r\nBody.",
    "---\nname: r\ndescription: d\ndisallowedTools: Bash, mcp__github__create_issue\nmcpServers:\n- github\n---\nB.\n",
])
def test_identity(text):
    assert_identity(text.encode(), "trae", path=T + "r.md")


@pytest.mark.parametrize("front, tools", [
    ("", []),
    ("tools: ''\n", [DENY_ALL]),
    ("tools: Read, Grep\n", [DENY_ALL, ToolRule(tool="grep"), ToolRule(tool="read")]),
    ("disallowedTools: Bash\n", [ToolRule(tool="bash", action="deny")]),
    ("tools: mcp__github__get_issue\n", [DENY_ALL, ToolRule(tool="mcp:github/get_issue")]),
])
def test_tools(front, tools):
    assert agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "trae", path=T + "r.md").agent.tools \
        == tools


@pytest.mark.parametrize("value", ["[Read, Grep]", "5"])
def test_a_tools_value_trae_does_not_read_is_an_error(value):
    with pytest.raises(SchemaError, match="agentconv will not guess"):
        agentconv.loads(f"---\nname: r\ndescription: d\ntools: {value}\n---\nB.\n", "trae", path=T + "r.md")


@pytest.mark.parametrize("extra, written, losses", [
    ("tools: Read, Grep, Bash(git diff:*)\n", "tools: Bash, Grep, Read\n", set()),   # Claude grants Bash whole
    ("tools: ''\n", "tools: ''\n", set()),
    ("tools: Read, NotebookEdit\n", "tools: Read\n", {("tools.notebookedit", "dropped")}),
    ("disallowedTools: WebFetch\n", "disallowedTools: WebFetch\n", set()),
    ("model: sonnet\n", "", {("model", "dropped")}),                  # built-in model names only
])
def test_claude_to_trae(extra, written, losses):
    doc = agentconv.loads(f"---\nname: r\ndescription: d\n{extra}---\nBody.\n", "claude")
    text, found = agentconv.to_dialect(doc, "trae", carry=False)
    assert text == f"---\nname: r\ndescription: d\n{written}---\nBody.\n"
    assert loss_pairs(found) - {("tools", "formatting")} == losses


def test_a_trip_through_claude_gives_a_trae_agent_back():
    doc = agentconv.loads("---\nname: r\ndescription: d\ntools: Read\nmodel: Doubao\n---\nB.\n", "trae",
                          path=T + "r.md")
    back, _ = round_trip(doc, "claude")
    assert back.agent == doc.agent


@pytest.mark.parametrize("name, problem", [("reviewer", None), ("1-review", "starts with a letter"),
                                           ("a" * 51, "longer than 50")])
def test_name_rules(name, problem):
    found = agentconv.get_dialect("trae").name_problem(name)
    assert (found is None) if problem is None else problem in found


def test_detected_by_its_folder():
    assert agentconv.detect("---\nname: x\ndescription: d\ntools: Read\n---\nB.\n", "p/.trae/agents/x.md") == "trae"
