"""Codex agent roles (issue 13): one table per concern, each row a fact read in @openai/codex
0.169.0 (dialects/codex/REFERENCE.md, tests/judges/README.md)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from helpers import assert_identity, canonical_diff, loss_heads, round_trip

import agentconv
from agentconv.errors import SchemaError
from agentconv.model import ToolRule

P = ".codex/agents/r.toml"
DENY_ALL = ToolRule(tool="*", action="deny")
ROLE = 'name = "r"\ndescription = "d"\ndeveloper_instructions = "B."\n'


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in tools)]


@pytest.mark.parametrize("text", [
    ROLE,
    "# a role\nname = 'r'  # who\ndescription = \"d\"\ndeveloper_instructions = '''\nB.\n'''\n\n"
    "[mcp_servers.x]\ncommand = \"x\"\n",
    ROLE.replace("\n", "\r\n") + 'sandbox_mode = "read-only"\r\n',
    ROLE.rstrip("\n"),                                                   # no final newline
])
def test_identity(text):
    assert_identity(text.encode(), "codex", path=P)


@pytest.mark.parametrize("keys, expected", [
    ("", {"name": "r", "prompt": "B.", "tools": [], "mode": "subagent"}),    # the parent's sandbox
    ('sandbox_mode = "read-only"\n', {"tools": _allow("glob", "grep", "read")}),
    ('sandbox_mode = "workspace-write"\n', {"tools": _allow("bash", "edit", "glob", "grep", "read", "write")}),
    ('sandbox_mode = "danger-full-access"\n', {"tools": []}),
    ('model = "gpt-5.3-codex"\nmodel_reasoning_effort = "xhigh"\n',
     {"model": "openai/gpt-5.3-codex", "reasoning_effort": "xhigh"}),
])
def test_reading(keys, expected):
    agent = agentconv.loads(ROLE + keys, "codex", path=".codex/agents/file-name-is-not-the-name.toml").agent
    assert {k: getattr(agent, k) for k in expected} == expected


def test_a_sandbox_codex_refuses_is_an_error_never_every_tool():
    with pytest.raises(SchemaError):
        agentconv.loads(ROLE + 'sandbox_mode = "yolo"\n', "codex", path=P)


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, sandbox", [
    ("", None),                                              # every tool: the parent's sandbox
    ("tools: Read, Grep, Glob\n", "read-only"),
    ("tools: Read, Grep, Glob, Bash, Edit, Write\n", "workspace-write"),
    ("tools: Read, Grep, Glob, Edit\n", "read-only"),        # Codex cannot edit without its shell
    ("disallowedTools: WebFetch\n", "workspace-write"),
])
def test_from_claude_in_the_widest_sandbox_that_does_not_widen(extra, sandbox):
    text = agentconv.convert(CLAUDE.format(extra=extra), to="codex", read="claude", on_loss="ignore")
    assert (f'sandbox_mode = "{sandbox}"' in text) if sandbox else "sandbox_mode" not in text
    assert 'developer_instructions = """\nBody.\n"""' in text


def test_an_agent_that_may_not_read_is_refused_codex_always_reads():
    with pytest.raises(agentconv.WideningError):
        agentconv.convert(CLAUDE.format(extra="tools: Bash\n"), to="codex", read="claude")


def test_a_key_codex_does_not_know_rides_in_a_comment_never_as_a_key():
    text = agentconv.convert(CLAUDE.format(extra="color: red\nmaxTurns: 3\n"), to="codex", read="claude",
                             on_loss="ignore")
    keys = [line.split(" =")[0] for line in text.splitlines() if " = " in line and not line.startswith("#")]
    assert keys == ["name", "description", "developer_instructions"]
    assert "#   color: red" in text and "#   maxTurns: 3" in text


def test_check_for_codex_says_it_ignores_untrusted_projects_and_rejects_unknown_keys():
    reading = agentconv.check_for("codex", ROLE)
    assert reading.verdict == "loads" and any("trust" in line for line in reading.lines())
    assert agentconv.check_for("codex", ROLE + "tools = []\n").verdict == "rejects"
    assert agentconv.check_for("codex", 'name = "r"\ndescription = "d"\n').verdict == "rejects"
    assert agentconv.check_for("codex", "name = \n").verdict == "rejects"


@pytest.mark.parametrize("path", sorted((FIXTURES / "codex").rglob("*.toml")), ids=lambda p: p.name)
def test_claude_and_back_gives_the_agent_back(path):
    doc = agentconv.load(path)
    back, losses = round_trip(doc, "claude")
    diff = canonical_diff(doc.agent, back.agent)
    assert not set(diff) - loss_heads(losses) and not diff
