"""JetBrains Junie CLI subagents (issue 12): one table per concern, each row a documented fact
(dialects/junie/REFERENCE.md; no offline client)."""

from __future__ import annotations

import pytest
from helpers import assert_identity

import agentconv
from agentconv.model import ToolRule

P = ".junie/agents/r.md"
DENY_ALL = ToolRule(tool="*", action="deny")


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in tools)]


@pytest.mark.parametrize("text", [
    "---\ndescription: d\n---\nBody.\n",
    "---\nname: \"r\"\ndescription: \"d\"\ntools: [\"Read\", \"Grep\"]\nallowPromptArgument: true\n---\n\nB $path.\n",
    "---\r\ndescription: d\r\ndisallowedTools: [Bash]\r\nreasoningLevel: high\r\nmaxTurns: 3\r\n---\r\nB.",
])
def test_identity(text):
    assert_identity(text.encode(), "junie", path=P)


@pytest.mark.parametrize("front, tools", [
    ("", []),
    ("tools: []\n", []),                                              # empty: every group
    ("tools: [Read, Grep]\n", _allow("grep", "read")),
    ("tools: [Read, Edit]\ndisallowedTools: [Edit]\n", _allow("read")),   # removed after the allow-list
    ("tools: [Read]\ndisallowedTools: [Read]\n", [DENY_ALL]),
    ("disallowedTools: [Bash, WebSearch]\n", [ToolRule(tool="bash", action="deny"),
                                              ToolRule(tool="websearch", action="deny")]),
])
def test_tools_as_documented(front, tools):
    agent = agentconv.loads(f"---\ndescription: d\n{front}---\nB.\n", "junie", path=P).agent
    assert agent.tools == tools


@pytest.mark.parametrize("front, expected", [
    ("", {"name": "r"}),                                   # the file name without its extension
    ("name: reviewer\n", {"name": "reviewer"}),
    ("reasoningLevel: high\n", {"reasoning_effort": "high"}),
    ("model: gpt-5\n", {"model": "openai/gpt-5"}),
    ("permissionMode: plan\nmaxTurns: 4\n", {"permission_mode": "plan", "max_turns": 4}),
])
def test_reading(front, expected):
    agent = agentconv.loads(f"---\n{front}description: d\n---\nB.\n", "junie", path=P).agent
    assert {k: getattr(agent, k) for k in expected} == expected


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, expected", [
    ("tools: Read, Grep\n", "tools:\n- Read\n- Grep\n"),
    ("tools: ''\n", "tools:\n- Read\ndisallowedTools:\n- Read\n"),       # an empty list would be every group
    ("disallowedTools: Bash\n", "disallowedTools:\n- Bash\n"),
    ("disallowedTools: WebFetch\n", "tools:\n- Read\n- Bash\n- Glob\n- Grep\n- Write\n- Edit\n- WebSearch\n"
     "- AskUserQuestion\n"),                                                # Junie cannot name WebFetch
    ("model: opus\neffort: high\n", "model: claude-opus-4-8\nreasoningLevel: high\n"),
])
def test_from_claude(extra, expected):
    out = agentconv.convert(CLAUDE.format(extra=extra), read="claude", to="junie", carry=False)
    assert out == f"---\nname: r\ndescription: d\n{expected}---\nBody.\n"


@pytest.mark.parametrize("name, problem", [("reviewer", False), ("code-review-2", False), ("Reviewer", True),
                                           ("2fast", True), ("my_agent", True)])
def test_name_rule(name, problem):
    assert bool(agentconv.get_dialect("junie").name_problem(name)) == problem


@pytest.mark.parametrize("text, fails", [
    ("---\ndescription: d\n---\nB.\n", False),
    ("---\nname: r\n---\nB.\n", True),                        # description is required
    ("---\ndescription: d\ntools: Read, Grep\n---\nB.\n", True),   # documented as a list
])
def test_check_for_junie(text, fails):
    assert agentconv.check_for("junie", text, P).fails == fails
