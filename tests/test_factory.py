"""Factory droids (issue 12): one table per concern, each row a fact of droid 0.225.2 as its
judge (tests/judges/factory.sh) saw it (dialects/factory/REFERENCE.md)."""

from __future__ import annotations

import pytest
from helpers import assert_identity, loss_pairs

import agentconv
from agentconv import SchemaError
from agentconv.access import widenings
from agentconv.model import ToolRule

D = ".factory/droids/"
DENY_ALL = ToolRule(tool="*", action="deny")
SKILL = ToolRule(tool="skill")


@pytest.mark.parametrize("text", [
    "---\nname: r\ndescription: d\nmodel: inherit\n---\nBody.\n",
    "---\nname: r\ndescription: >-\n  Two\n  lines.\ntools: read-only\nreasoningEffort: high\n---\n\nBody.\n",
    "---\r\nname: r\r\ndescription: d\r\ntools: [\"Read\", \"Create\"]\r\nmcpServers: github, jira\r\n---\r\nBody.",
    "---\nname: r\ndescription: d\nmodel: custom:DeepSeek-V4-Pro-2\ntools: Read, MultiEdit\n---\nB.\n",
])
def test_identity(text):
    assert_identity(text.encode(), "factory", path=D + "r.md")


def _tools(names: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in sorted({*names.split(), "skill"}))]


@pytest.mark.parametrize("front, tools", [
    ("", []),                                                    # omitted: every tool
    ("tools: []\n", _tools("")),                                 # none, but Skill is always on
    ("tools: read-only\n", _tools("read list bash grep glob")),  # the category, as the judge saw it
    ("tools: edit\n", _tools("edit write")),
    ("tools: execution\n", _tools("bash")),
    ("tools: Read, Grep\n", _tools("read grep")),                # a comma list in one string
    ("tools: [Read, Bash, Write, WebFetch]\n", _tools("read")),   # Claude's names: dropped silently
    ("tools: all\n", _tools("")),                                # no longer supported: no tools
    ("tools: [MultiEdit, ApplyPatch]\n", _tools("edit patch")),  # the legacy name is Edit
])
def test_tools_as_droid_grants_them(front, tools):
    agent = agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "factory", path=D + "r.md").agent
    assert agent.tools == tools


@pytest.mark.parametrize("value", ["5", "{read: true}", "[Read, 5]"])
def test_tools_factory_refuses_are_an_error_not_every_tool(value):
    with pytest.raises(SchemaError, match="agentconv will not guess"):
        agentconv.loads(f"---\nname: r\ndescription: d\ntools: {value}\n---\nB.\n", "factory", path=D + "r.md")


@pytest.mark.parametrize("front, expected", [
    ("model: inherit\n", {"model": None}),
    ("model: claude-sonnet-4-5-20250929\n", {"model": "anthropic/claude-sonnet-4-5-20250929"}),
    ("model: custom:My-Model\n", {"model": "custom/My-Model"}),
    ("reasoningEffort: xhigh\n", {"reasoning_effort": "xhigh"}),
    ("reasoningEffort: extreme\n", {"reasoning_effort": None}),   # the Task fails: not read
    ("", {"mode": "subagent"}),                                   # started by the Task tool
])
def test_reading(front, expected):
    agent = agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "factory", path=D + "r.md").agent
    assert {k: getattr(agent, k) for k in expected} == expected


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, written, losses", [
    ("", "", set()),
    ("tools: Read, Grep, Glob, Bash\n", "tools:\n- Read\n- Grep\n- Glob\n- Execute\n", {("tools.skill", "widened")}),
    # Write can rewrite any file: Edit and ApplyPatch have its power (access.SAME_POWER)
    ("tools: Read, Write\n", "tools:\n- Read\n- Create\n- Edit\n- ApplyPatch\n", {("tools.skill", "widened")}),
    ("tools: Read, NotebookEdit, Skill\n", "tools:\n- Read\n", {("tools.notebookedit", "dropped")}),
    ("tools: ''\n", "tools: []\n", {("tools.skill", "widened")}),
    ("disallowedTools: Bash\n", "tools:\n- Read\n- Grep\n- Glob\n- LS\n- Create\n- Edit\n- ApplyPatch\n- AskUser\n"
     "- WebSearch\n- FetchUrl\n- TodoWrite\n- Task\n", {("tools.*", "narrowed")}),
    ("model: sonnet\neffort: med\n", "model: claude-sonnet-5\n", {("reasoning_effort", "dropped")}),
    ("model: opus\neffort: max\n", "model: claude-opus-4-8\nreasoningEffort: max\n", set()),
])
def test_claude_to_factory_never_widens_more_than_it_reports(extra, written, losses):
    # droid gives every droid Skill: an agent without it is refused unless that widening is named
    doc = agentconv.loads(CLAUDE.format(extra=extra), "claude")
    if ("tools.skill", "widened") in losses:
        with pytest.raises(agentconv.WideningError, match="--accept-widening skill"):
            agentconv.to_dialect(doc, "factory")
    text, found = agentconv.to_dialect(doc, "factory", carry=False, accept_widening=["skill"])
    assert text == f"---\nname: r\ndescription: d\n{written}---\nBody.\n"
    back = agentconv.loads(text, "factory", path=D + "r.md").agent
    assert {t for t, _ in widenings(doc.agent.tools, back.tools)} <= {"skill"}
    assert loss_pairs(found) - {("tools", "formatting")} == losses


@pytest.mark.parametrize("path", ["repo/.factory/droids/x.md", "plugin/droids/x.md"])
def test_detected_by_its_folder(path):
    assert agentconv.detect("---\nname: x\ndescription: d\nmodel: inherit\n---\nB.\n", path) == "factory"


@pytest.mark.parametrize("tools", ["read-only", "[Read, Execute]"])
def test_a_category_or_a_factory_tool_id_names_factory_among_the_candidates(tools):
    """Claude's shape too (a tools list): outside .factory/droids the user says which."""
    with pytest.raises(agentconv.DetectionError) as info:
        agentconv.detect(f"---\nname: x\ndescription: d\ntools: {tools}\n---\nB.\n")
    assert info.value.candidates == ["claude", "factory"]


@pytest.mark.parametrize("text, verdict", [
    ("---\nname: r\ndescription: d\n---\nB.\n", "loads"),
    ("---\nname: r\n---\nB.\n", "skips"),                                     # not offered (judge)
    ("---\nname: r\ndescription: d\nreasoningEffort: extreme\n---\nB.\n", "rejects"),
    ("---\nname: r\ndescription: Broken: a colon\n---\nB.\n", "loads"),        # its fallback line parser
])
def test_check_for_factory(text, verdict):
    assert agentconv.check_for("factory", text).verdict == verdict
