"""Wildcard tools (every MCP tool, one server's tools) are access like any named tool: an
allow a target cannot say is a reported narrowing, a deny it cannot say is never a silent
widening, and no target gets a name that reads back as something else."""

from __future__ import annotations

import pytest

import agentconv
from agentconv.access import narrowings, widenings
from agentconv.model import ToolRule

ROO_WITH_MCP = "customModes:\n  - slug: helper\n    name: Helper\n    roleDefinition: You help.\n" \
               "    groups:\n      - read\n      - edit\n      - mcp\n"
KILO_WITHOUT_MCP = "customModes:\n  - slug: helper\n    name: Helper\n    roleDefinition: You help.\n" \
                   "    whenToUse: Use to help.\n    groups:\n      - read\n      - edit\n"


def rules(*spec: tuple[str, str]) -> list[ToolRule]:
    return [ToolRule(tool=t, action=a) for t, a in spec]


@pytest.mark.parametrize("source, result, narrowed, widened", [
    (rules(("*", "deny"), ("read", "allow"), ("mcp:*", "allow")), rules(("*", "deny"), ("read", "allow")),
     ["mcp:*"], []),
    (rules(("*", "deny"), ("mcp:github/*", "allow")), rules(("*", "deny")), ["mcp:github/*"], []),
    (rules(("bash", "deny"), ("mcp:*", "deny")), rules(("bash", "deny")), [], ["mcp:*"]),
    (rules(("mcp:github/*", "deny"),), [], [], ["mcp:github/*"]),
    (rules(("*", "deny"), ("mcp:*", "allow")), rules(("*", "deny"), ("mcp:*", "allow")), [], []),
])
def test_a_wildcard_that_disappears_is_found_under_its_own_name(source, result, narrowed, widened):
    assert list(narrowings(source, result)) == narrowed
    assert [t for t, _ in widenings(source, result)] == widened


def convert(text: str, read: str, path: str, to: str) -> tuple[str, dict[str, str]]:
    doc = agentconv.loads(text, read, path=path)
    out = agentconv.dumps(doc, to, on_loss="ignore", carry=False)
    return out, {l.field: l.detail for l in doc.losses if l.field.startswith("tools")}


def test_copilot_keeps_the_tools_it_can_name_when_it_cannot_name_every_mcp_tool():
    out, losses = convert(ROO_WITH_MCP, "roo", ".roomodes", "copilot")
    assert "tools: read, edit, search" in out and "*" not in out.split("---")[1]
    assert set(losses) == {"tools.mcp:*"} and "no name for every tool 'mcp:*'" in losses["tools.mcp:*"]


@pytest.mark.parametrize("to, absent", [
    ("claude", "mcp__"), ("claude-json", "mcp__"), ("opencode", "'*_'"), ("opencode-json", '"*_"'),
    ("qwen", "mcp"), ("trae", "mcp"),
])
def test_a_deny_of_every_mcp_tool_becomes_an_allow_list_never_a_widening(to, absent):
    out, losses = convert(KILO_WITHOUT_MCP, "kilo", ".kilocodemodes", to)
    assert absent not in out
    assert set(losses) == {"tools.*"} and "cannot withhold 'mcp:*'" in losses["tools.*"]
    back = agentconv.loads(out, to).agents[0].tools
    assert not widenings(agentconv.loads(KILO_WITHOUT_MCP, "kilo", path=".kilocodemodes").agent.tools, back)


def test_the_allow_list_grants_the_targets_tools_the_source_allows_and_withholds_the_rest():
    out, _ = convert(KILO_WITHOUT_MCP, "kilo", ".kilocodemodes", "claude")
    tools = next(line for line in out.splitlines() if line.startswith("tools:"))
    assert {"Read", "Edit", "Write", "Grep", "WebFetch"} <= set(tools[7:].split(", "))
    assert "Bash" not in tools            # Kilo's command group is not granted


def test_a_widening_of_every_mcp_tool_is_accepted_by_its_own_name():
    doc = agentconv.loads(KILO_WITHOUT_MCP, "kilo", path=".kilocodemodes")
    with pytest.raises(agentconv.WideningError, match=r"--accept-widening mcp:\*"):
        agentconv.dumps(doc, "deepagents", on_loss="ignore", carry=False)
