"""Qwen Code (.qwen/agents/*.md): how it reads a file, what both of its clients (0.15.x, line by
line; 0.24.x, YAML) read, and one-line conversions. Facts: dialects/qwen/REFERENCE.md."""

from __future__ import annotations

import pytest
from helpers import assert_converts, assert_identity, loss_pairs

import agentconv
from agentconv.formats import lineyaml, yamlsrc
from agentconv.model import ToolRule

Q = "---\nname: ab\ndescription: Does ab.\n{extra}---\nYou do ab, carefully.\n"
DENY_ALL = ToolRule(tool="*", action="deny")


def _read(extra: str):
    return agentconv.loads(Q.format(extra=extra), "qwen").agent


@pytest.mark.parametrize("extra, tools", [
    ("", []),
    ("tools: []\n", []),                                   # an empty list is every tool in Qwen Code
    ('tools: ""\n', []),
    ("tools:\n", []),
    ("tools:\n  - none\n", [DENY_ALL]),                    # a name that names no tool: none
    ("tools: read_file, Grep\n", [DENY_ALL, ToolRule(tool="grep"), ToolRule(tool="read")]),   # display names too
    ("tools: [task, replace]\n", [DENY_ALL]),              # older tool names are not resolved: nothing
    ("tools: [Task]\n", [DENY_ALL, ToolRule(tool="task")]),
    ("disallowedTools: [run_shell_command, mcp__github]\n",
     [ToolRule(tool="bash", action="deny"), ToolRule(tool="mcp:github/*", action="deny")]),
    ("disallowedTools: my_tool\n", [ToolRule(tool="my_tool", action="deny")]),   # an unknown deny stays
], ids=["omitted", "empty-list", "empty-string", "null", "none", "comma-display", "old-names", "old-display",
        "deny", "unknown-deny"])
def test_tools_read_as_qwen_code_grants_them(extra, tools):
    assert _read(extra).tools == tools


@pytest.mark.parametrize("extra, field, value", [
    ("model: inherit\n", "model", None),
    ("model: openai:gpt-4o\n", "model", "openai:gpt-4o"),
    ("model: claude-sonnet-5\n", "model", "anthropic/claude-sonnet-5"),
    ("color: auto\n", "color", None),
    ("color: green\n", "color", "green"),
    ("color: automatic color\n", "native", [("color", "automatic color")]),   # dropped by Qwen Code
    ("permissionMode: acceptEdits\n", "permission_mode", "acceptEdits"),
    ("maxTurns: '12'\n", "max_turns", 12),
    ("mcpServers:\n  gh: {command: gh-mcp}\n", "mcp_servers", [{"gh": {"command": "gh-mcp"}}]),
    ("approvalMode: yolo\n", "native", [("approvalMode", "yolo")]),
])
def test_fields(extra, field, value):
    got = getattr(_read(extra), field)
    assert (got if field != "native" else [(n.key, n.value) for n in got]) == value


@pytest.mark.parametrize("text", [
    Q.format(extra="color: automatic color\ntools:\n  - read_file\n  - grep\n  - task\n"),
    Q.format(extra="tools: ReadFile, Grep\napprovalMode: plan\nrunConfig:\n  max_turns: 5\n").replace("\n", "\r\n"),
    Q.format(extra="description2: x\n").replace("Does ab.", "'Single: quoted'"),
])
def test_identity(text):
    assert_identity(text, "qwen")


@pytest.mark.parametrize("claude_extra, qwen", [
    ("", Q.format(extra="")),
    ("tools: Read, Grep\n", Q.format(extra="tools:\n  - read_file\n  - grep_search\n")),
    ('tools: ""\n', Q.format(extra="tools:\n  - none\n")),
    ("disallowedTools: Bash\n", Q.format(extra="disallowedTools:\n  - run_shell_command\n")),
    ("model: opus\ncolor: blue\npermissionMode: plan\nmaxTurns: 3\n",
     Q.format(extra="model: claude-opus-4-8\ncolor: blue\npermissionMode: plan\nmaxTurns: 3\n")),
], ids=["all-tools", "allow-list", "none", "deny-list", "claude-keys"])
def test_claude_to_qwen(claude_extra, qwen):
    claude = Q.format(extra=claude_extra).replace("Does ab.", "Does ab.")
    assert_converts(claude, "claude", write={"qwen": qwen}, carry=False)


@pytest.mark.parametrize("description, old_client_reads", [
    ("Use when: it breaks", None),
    ("It's 'quoted' and \"double\"", None),
    ("<example>user: hi</example>", None),
    ("trailing space ", None),
    ("Two lines\nof text", "Two lines\\nof text"),      # 0.15.x shows the escape: one line is all it reads
])
def test_what_agentconv_writes_both_clients_read_alike(description, old_client_reads):
    """0.15.x's line parser and 0.24.x's YAML read every written entry as the same value, but a
    description of several lines, which 0.15.x shows with its escapes."""
    doc = agentconv.loads(Q.format(extra="tools: Read, Grep\n"), "claude")
    text, _ = agentconv.to_dialect(doc.model_copy(update={"agents": [doc.agent.model_copy(
        update={"description": description})]}), "qwen", carry=False)
    front = text.split("---\n")[1]
    new, old = yamlsrc.load_yaml(front)[1], lineyaml.parse(front)
    assert new["description"] == description
    assert old == {**new, "description": old_client_reads or description}


@pytest.mark.parametrize("claude_extra, lost", [
    ("tools: Bash(git diff:*)\n", {("tools", "formatting")}),
    ("temperature: 0.2\n", {("native.temperature", "dropped")}),
    ("mcpServers: [github]\n", {("mcp_servers", "dropped")}),        # a server named only: no spec to write
    ("model: fast\n", {("model", "dropped")}),                        # Qwen reads 'fast' as its own choice
])
def test_what_qwen_cannot_say_is_reported(claude_extra, lost):
    doc = agentconv.loads(Q.format(extra=claude_extra), "claude")
    _, losses = agentconv.to_dialect(doc, "qwen", carry=False)
    assert loss_pairs(losses) == lost


@pytest.mark.parametrize("name, refused", [
    ("ab", False), ("code-reviewer", False), ("relecteur_été", False),
    ("a", True), ("-ab", True), ("ab_", True), ("code reviewer", True), ("Default", True), ("x" * 51, True),
])
def test_name_rules(name, refused):
    assert (agentconv.get_dialect("qwen").name_problem(name) is not None) == refused


QWEN_CASES = {
    "plain": (Q.format(extra="tools: [read_file]\n"), "loads", []),
    "short prompt": ("---\nname: ab\ndescription: d\n---\nHi.\n", "skips", ["prompt is shorter than 10"]),
    "no description": ("---\nname: ab\n---\nYou do ab, carefully.\n", "skips", ["no 'description'"]),
    "bad name": (Q.format(extra="").replace("name: ab", "name: a b"), "skips", ["name 'a b'"]),
    "bad approval": (Q.format(extra="approvalMode: sometimes\n"), "rejects", ["approvalMode 'sometimes'"]),
    "bad color": (Q.format(extra="color: mauve\n"), "loads", ["color 'mauve'", "drops it"]),
    "colon, line parser": (Q.format(extra="").replace("Does ab.", "Use when: x"), "loads", []),
    "unknown key": (Q.format(extra="frobnicate: 1\n"), "loads", ["frobnicate: Qwen Code does not know this key"]),
    "placeholder": (Q.format(extra="").replace("carefully.", "with `Bearer ${token}`."), "misreads",
                    ["loads the file but does not run the agent: the prompt holds ${token}"]),
}


@pytest.mark.parametrize("text, verdict, said", QWEN_CASES.values(), ids=list(QWEN_CASES))
def test_check_for_qwen(text, verdict, said):
    reading = agentconv.check_for("qwen", text)
    lines = reading.lines()
    assert ("misreads" if reading.verdict == "loads" and reading.fails else reading.verdict) == verdict, lines
    assert all(any(part in line for line in lines) for part in said), (said, lines)


@pytest.mark.parametrize("text, path, expected", [
    (Q.format(extra="tools:\n  - read_file\n  - todo_write\ncolor: blue\n"), None, "qwen"),
    (Q.format(extra="approvalMode: plan\n"), None, "qwen"),
    (Q.format(extra="tools: Read, Grep\n"), None, "claude"),          # Claude's own names stay Claude's
    (Q.format(extra=""), ".qwen/agents/ab.md", "qwen"),
])
def test_detection(text, path, expected):
    assert agentconv.detect(text, path) == expected
