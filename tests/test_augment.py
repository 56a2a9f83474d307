"""Augment subagents (issue 12): one table per concern, each row a fact of Auggie CLI 0.36.0
(dialects/augment/REFERENCE.md)."""

from __future__ import annotations

import pytest
from helpers import assert_identity

import agentconv
from agentconv.model import ToolRule

P = ".augment/agents/r.md"
DENY_ALL = ToolRule(tool="*", action="deny")


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in tools)]


@pytest.mark.parametrize("text", [
    "---\ndescription: d\n---\nBody.\n",
    "---\r\nname: r\r\ndescription: d\r\ndisabled_tools: remove-files, launch-process\r\n---\r\nBody.",
    "---\nname: r\ndescription: d\ncolor: purple\nmodel: sonnet4.5\ntools: [view]\nfinish_tool: x\n---\nB.\n",
])
def test_identity(text):
    assert_identity(text.encode(), "augment", path=P)


@pytest.mark.parametrize("front, expected", [
    ("", {"name": "r"}),                                           # the file stem names it
    ("name: Reviewer\n", {"name": "Reviewer"}),
    ("model: sonnet4.5\n", {"model": "anthropic/claude-sonnet-4-5"}),
    ("model: claude-haiku-4-5\n", {"model": "anthropic/claude-haiku-4-5"}),
    ("model: default\n", {"model": None}),
    ("color: '#3B82F6'\n", {"color": "blue"}),
])
def test_reading(front, expected):
    agent = agentconv.loads(f"---\n{front}description: d\n---\nB.\n", "augment", path=P).agent
    assert {k: getattr(agent, k) for k in expected} == expected


@pytest.mark.parametrize("front, tools", [
    ("", []),
    ("tools: []\n", []),                                                   # empty: no restriction
    ("tools: [view, grep-search]\n", _allow("grep", "read")),
    ("tools: [none]\n", [DENY_ALL]),                                       # names no tool: none
    ("disabled_tools: [save-file]\n", [ToolRule(tool="write", action="deny")]),
    ("tools: [view]\ndisabled_tools: [save-file]\n", [ToolRule(tool="write", action="deny")]),  # tools ignored
])
def test_tools_as_auggie_applies_them(front, tools):
    agent = agentconv.loads(f"---\ndescription: d\n{front}---\nB.\n", "augment", path=P).agent
    assert agent.tools == tools


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, expected", [
    ("tools: Read, Grep\n", "tools:\n- view\n- grep-search\n"),
    ("tools: ''\n", "tools:\n- none\n"),
    ("disallowedTools: Write\n", "disabled_tools:\n- save-file\n"),
    ("disallowedTools: Task\n", "tools:\n- view\n- grep-search\n- str-replace-editor\n- apply_patch\n- save-file\n"
     "- remove-files\n- launch-process\n- read-process\n- write-process\n- kill-process\n- list-processes\n"
     "- web-fetch\n- web-search\n- ask-user\n- view_tasklist\n- add_tasks\n- update_tasks\n- reorganize_tasklist\n"
     "- codebase-retrieval\n"),          # Augment has no name for Task: an allow-list, never wider
    ("model: sonnet\ncolor: blue\n", "model: claude-sonnet-5\ncolor: blue\n"),
])
def test_from_claude(extra, expected):
    out = agentconv.convert(CLAUDE.format(extra=extra), read="claude", to="augment", carry=False)
    assert out == f"---\nname: r\ndescription: d\n{expected}---\nBody.\n"


def test_both_lists_given_warns_that_auggie_ignores_tools():
    doc = agentconv.loads("---\ndescription: d\ntools: [view]\ndisabled_tools: [save-file]\n---\nB.\n",
                          "augment", path=P)
    assert any("ignores tools" in w.message for w in doc.warnings)


@pytest.mark.parametrize("text, misread", [
    ("---\ndescription: d\n---\nBody.\n", False),
    ("---\n---\nBody.\n", True),                  # no line between: Auggie reads the whole file as prompt
    ("---\ndescription: d\n---", True),           # no line break after the closing '---': no front matter
])
def test_check_for_augment(text, misread):
    assert bool(agentconv.check_for("augment", text, P).fails) == misread


def test_an_agent_with_nothing_to_say_still_has_front_matter_auggie_finds():
    text = agentconv.get_dialect("augment").write(agentconv.Agent(prompt="Body."), None, None, P)
    assert text.startswith("---\n\n---\n") and not agentconv.check_for("augment", text, P).fails
