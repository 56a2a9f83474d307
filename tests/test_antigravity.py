"""Antigravity (.agents/agents/*.md): its documented fields (no offline client exists; see
dialects/antigravity/REFERENCE.md for what is not confirmed) and one-line conversions."""

from __future__ import annotations

import pytest
from helpers import assert_converts, assert_identity, loss_pairs

import agentconv
from agentconv.model import ToolRule

A = "---\nname: a\ndescription: Does a.\n{extra}---\nYou do a, carefully.\n"
DENY_ALL = ToolRule(tool="*", action="deny")


def _read(extra: str):
    return agentconv.loads(A.format(extra=extra), "antigravity").agent


@pytest.mark.parametrize("extra, tools", [
    ("", []),                                                   # the documented default: its default tools
    ("tools: []\n", []),
    ("tools: [none]\n", [DENY_ALL]),                            # a list naming no tool
    ("tools: [view_file, run_command]\n", [DENY_ALL, ToolRule(tool="bash"), ToolRule(tool="read")]),
    ("tools: [multi_replace_file_content]\n", [DENY_ALL, ToolRule(tool="edit")]),
    ("tools: [invoke_subagent]\n", [DENY_ALL, ToolRule(tool="invoke_subagent")]),     # kept as written
])
def test_tools(extra, tools):
    assert _read(extra).tools == tools


@pytest.mark.parametrize("extra, mode", [
    ("", "all"), ("mainAgent: false\n", "subagent"), ("subagent: false\n", "primary"),
    ("mainAgent: true\nsubagent: true\n", "all"),
])
def test_who_may_call_the_agent(extra, mode):
    assert _read(extra).mode == mode


@pytest.mark.parametrize("extra, field, value", [
    ("model: pro\n", "model", "google/gemini-3-pro-preview"),
    ("model: inherit\n", "model", None),
    ("skills: [changelog]\n", "skills", ["changelog"]),
    ("hidden: true\n", "hidden", True),
    ("commandExecutionPolicy: off\n", "native", [("commandExecutionPolicy", "off")]),
])
def test_fields(extra, field, value):
    got = getattr(_read(extra), field)
    assert (got if field != "native" else [(n.key, n.value) for n in got]) == value


@pytest.mark.parametrize("text", [
    A.format(extra="tools:\n  - run_command\n  - view_file\nmainAgent: false\nsubagent: true\n"
                   "commandExecutionPolicy: auto\n"),
    A.format(extra="tools: [none]\nmodel: flash\n").replace("\n", "\r\n"),
])
def test_identity(text):
    assert_identity(text, "antigravity")


@pytest.mark.parametrize("claude_extra, antigravity", [
    ("", A.format(extra="mainAgent: false\n")),
    ("tools: Read, Bash\n", A.format(extra="tools:\n- view_file\n- run_command\nmainAgent: false\n")),
    ('tools: ""\n', A.format(extra="tools:\n- none\nmainAgent: false\n")),
], ids=["all-tools", "allow-list", "none"])
def test_claude_to_antigravity(claude_extra, antigravity):
    assert_converts(A.format(extra=claude_extra), "claude", write={"antigravity": antigravity}, carry=False)


def test_a_deny_list_becomes_the_list_of_the_rest_reported():
    doc = agentconv.loads(A.format(extra="disallowedTools: Bash\n"), "claude")
    text, losses = agentconv.to_dialect(doc, "antigravity", carry=False)
    assert "run_command" not in text and "view_file" in text
    assert ("tools.*", "narrowed") in loss_pairs(losses)


def test_detection():
    assert agentconv.detect(A.format(extra="commandExecutionPolicy: sandbox\n")) == "antigravity"
    assert agentconv.detect(A.format(extra="tools: [view_file, list_dir]\n")) == "antigravity"
    assert agentconv.detect(A.format(extra=""), "proj/.agents/agents/a.md") == "antigravity"
    assert agentconv.check_for("antigravity", A.format(extra="tools: [view_file]\n")).verdict == "loads"
