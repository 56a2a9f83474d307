"""Kiro IDE sub-agents (issue 12): `tools` as category tags and MCP servers, the path names
the agent, and the Kiro CLI's JSON agents share the folder. Documented facts
(dialects/kiro-ide/REFERENCE.md); no offline client."""

from __future__ import annotations

import pytest
from helpers import assert_identity, loss_pairs, make_tree

import agentconv
from agentconv.batch import convert_tree
from agentconv.model import ToolRule

K = ".kiro/agents/"
DENY_ALL = ToolRule(tool="*", action="deny")


@pytest.mark.parametrize("text", [
    "---\ndescription: d\ntools: [read, \"@context7\"]\n---\nBody.\n",
    "---\nname: other\ndescription: d\ntools: read, shell\nmodel: claude-sonnet-4.5\nincludeMcpJson: true\n---\nB.\n",
    "---\r\ndescription: d\r\n---\r\nBody.",                            # no tools: kept unsaid
])
def test_identity(text):
    assert_identity(text.encode(), "kiro-ide", path=K + "r.md")


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in sorted(tools))]


@pytest.mark.parametrize("front, tools", [
    ("tools: ['*']\n", []),
    ("", [DENY_ALL]),                      # Kiro's default is not documented: read as no tools
    ("tools: []\n", [DENY_ALL]),
    ("tools: [read]\n", _allow("read", "grep", "glob")),
    ("tools: [write, shell]\n", _allow("write", "edit", "bash")),
    ("tools: [web, subagent]\n", _allow("webfetch", "websearch", "task")),
    ("tools: ['@github', '@db/query', '@mcp']\n", _allow("mcp:github/*", "mcp:db/query", "mcp:*")),
])
def test_tools(front, tools):
    agent = agentconv.loads(f"---\ndescription: d\n{front}---\nB.\n", "kiro-ide", path=K + "r.md").agent
    assert agent.tools == tools


@pytest.mark.parametrize("path, front, name", [
    (K + "planner.md", "", "planner"),
    (K + "team/planner.md", "", "team/planner"),                      # nested: the path below agents/
    (K + "planner.md", "name: lead\n", "lead"),
])
def test_the_path_names_the_agent_unless_name_does(path, front, name):
    assert agentconv.loads(f"---\n{front}description: d\n---\nB.\n", "kiro-ide", path=path).agent.name == name


@pytest.mark.parametrize("extra, written, losses", [
    ("", "tools:\n- '*'\n", set()),                                   # always says its tools
    ("tools: Read, Grep, Glob\n", "tools:\n- read\n", set()),
    ("tools: Read, Bash\n", "tools:\n- shell\n", {("tools.read", "narrowed")}),   # `read` would add search
    ("tools: ''\n", "tools: []\n", set()),
    ("tools: Read, Grep, Glob, mcp__github__get_issue\n", "tools:\n- read\n- '@github/get_issue'\n", set()),
    ("model: sonnet\n", "tools:\n- '*'\nmodel: claude-sonnet-5\n", set()),
    ("model: gpt-5\n", "tools:\n- '*'\n", {("model", "dropped")}),
])
def test_claude_to_kiro(extra, written, losses):
    doc = agentconv.loads(f"---\nname: r\ndescription: d\n{extra}---\nBody.\n", "claude")
    text, found = agentconv.to_dialect(doc, "kiro-ide", carry=False, path=K + "r.md")
    assert text == f"---\ndescription: d\n{written}---\nBody.\n"
    assert loss_pairs(found) - {("tools", "formatting"), ("mode", "approximated")} == losses


def test_the_kiro_cli_json_agents_in_the_folder_are_not_kiro_ide_agents(tmp_path):
    make_tree(tmp_path / "src", {
        ".kiro/agents/review.md": "---\ndescription: d\ntools: [read]\n---\nB.\n",
        ".kiro/agents/cli-agent.json": '{"name": "cli-agent", "description": "d", "prompt": "p"}\n',
    })
    result = convert_tree([tmp_path / "src"], tmp_path / "out", to="claude")
    assert {f.source.rsplit("/", 1)[-1]: (f.status, f.source_dialect) for f in result.files} == \
        {"review.md": ("converted", "kiro-ide"), "cli-agent.json": ("converted", "kiro")}
    assert agentconv.detect('{"name": "a", "description": "d", "prompt": "p"}', "x/.kiro/agents/a.json") != "kiro-ide"
