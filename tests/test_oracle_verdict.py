"""The judges' own logic, without the tools: how opencode's rules are evaluated, how Claude's
listings are read. (The tools themselves run under the `oracle` marker.)"""

from __future__ import annotations

import json

import pytest
from oracles import judges, sample, verdict

from agentconv.model import ToolRule


def rule(permission: str, pattern: str, action: str) -> dict:
    return {"permission": permission, "pattern": pattern, "action": action}


@pytest.mark.parametrize("text, pattern, matches", [
    ("git log", "git log *", True),          # a trailing " *" also matches nothing
    ("git log -5", "git log *", True),
    ("git logx", "git log *", False),
    ("a.b", "a?b", True),
    ("a+b", "a+b", True),                    # regex characters are literal
    ("anything\nat all", "*", True),
])
def test_opencode_wildcards(text, pattern, matches):
    assert verdict.wildcard(text, pattern) is matches


RULES = [rule("*", "*", "allow"), rule("bash", "*", "deny"), rule("bash", "git *", "allow"), rule("edit", "*", "deny")]


@pytest.mark.parametrize("permission, arg, action", [
    ("bash", "git status", "allow"), ("bash", "rm -rf /", "deny"), ("read", "x.py", "allow"), ("edit", "x", "deny"),
])
def test_opencode_last_matching_rule_wins(permission, arg, action):
    assert verdict.opencode_action(RULES, permission, arg) == action


@pytest.mark.parametrize("tool, on", [("bash", True), ("read", True), ("edit", False), ("write", False),
                                      ("apply_patch", False)])
def test_opencode_tool_switches(tool, on):
    assert verdict.opencode_tool_on(RULES, tool) is on


def test_apply_patch_has_the_power_of_any_file_writing_tool():
    # Claude's Edit creates files too: edit alone already writes any file (access.SAME_POWER)
    both = [ToolRule(tool="*", action="deny"), ToolRule(tool="edit"), ToolRule(tool="write")]
    assert verdict.allows_some(both, "patch") and verdict.allows_some(both[:2], "patch")
    assert not verdict.allows_some(both[:1] + [ToolRule(tool="read")], "patch")
    assert not verdict.allows_some(both[:2], "write", by_power=False)


def test_claude_agent_listing_is_read_across_lines():
    listing = ("Available agent types for the Agent tool:\n- a: Use it when:\n<example>x</example> "
               "(Tools: Bash(git diff:*), Read)\n- b: short (Tools: All tools)\n")
    assert verdict.declared_tools(listing, "a", "Use it when:\n<example>x</example>") == "Bash(git diff:*), Read"
    assert verdict.declared_tools(listing, "b", "short") == "All tools"
    assert verdict.declared_tools(listing, "c", "short") is None


def test_the_claude_session_capture_gives_each_sub_agents_tools():
    main = {"messages": [{"role": "user", "content": [{"type": "text", "text": "Available agent types ..."}]}],
            "tools": [{"name": "Agent"}, {"name": "Bash"}]}
    sub = {"messages": [{"role": "user", "content": "agentconv-oracle-probe:review/security:end"}],
           "tools": [{"name": "Read"}, {"name": "Grep"}]}
    session = judges._session("\n".join(json.dumps(r) for r in (main, sub)))
    assert session.granted == {"review/security": ["Grep", "Read"]}
    assert session.listing == "Available agent types ..."


def test_an_empty_claude_tools_list_is_shown_as_all_tools_but_means_none():
    source = sample.Source("probe", b'---\ndescription: d\npermission:\n  "*": deny\n---\nBody.\n',
                           ".opencode/agent/none.md", "opencode")
    (case,), _ = sample.build_cases("claude", [source])
    assert case.front_matter["tools"] in ("", [], None)
    assert verdict.claude_display(case) == "All tools"
    assert case.effect.is_allow_list and not verdict.allows_some(case.effect.tools, "read")
