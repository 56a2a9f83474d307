"""Gemini CLI (.gemini/agents/*.md): how it reads a file, and one-line conversions to and from
it. The facts are in dialects/gemini/REFERENCE.md (checked with @google/gemini-cli 0.61.0)."""

from __future__ import annotations

import pytest
from helpers import assert_converts, assert_identity, loss_pairs

import agentconv
from agentconv.model import ToolRule

G = "---\nname: a\ndescription: Does a.\n{extra}---\nYou do a, carefully.\n"
C = "---\nname: a\ndescription: Does a.\n{extra}---\nYou do a, carefully.\n"
DENY_ALL = ToolRule(tool="*", action="deny")


def _read(extra: str):
    return agentconv.loads(G.format(extra=extra), "gemini").agent


@pytest.mark.parametrize("extra, tools", [
    ("", []),                                                           # omitted: every tool
    ("tools: []\n", [DENY_ALL]),                                        # none
    ("tools: ['*']\n", []),
    ("tools: [read_file, read_many_files]\n", [DENY_ALL, ToolRule(tool="read")]),
    ("tools: [replace, search_file_content]\n", [DENY_ALL, ToolRule(tool="edit"), ToolRule(tool="grep")]),
    ("tools: [mcp_github_get_issue, mcp_db_*]\n",
     [DENY_ALL, ToolRule(tool="mcp:github/get_issue"), ToolRule(tool="mcp:db/*")]),
    ("tools: [enter_plan_mode]\n", [DENY_ALL, ToolRule(tool="enter_plan_mode")]),
], ids=["omitted", "empty", "star", "read-names", "old-and-edit", "mcp", "own-name"])
def test_tools_read_as_gemini_cli_grants_them(extra, tools):
    assert _read(extra).tools == tools


@pytest.mark.parametrize("extra, field, value", [
    ("model: inherit\n", "model", None),
    ("model: gemini-2.5-flash\n", "model", "google/gemini-2.5-flash"),
    ("model: pro\n", "model", "google/gemini-2.5-pro"),
    ("temperature: 0.2\n", "temperature", 0.2),
    ("max_turns: 7\n", "max_turns", 7),
    ("display_name: The A\n", "display_name", "The A"),
    ("kind: local\n", "native", []),
    ("timeout_mins: 3\n", "native", [("timeout_mins", 3)]),
])
def test_fields(extra, field, value):
    agent = _read(extra)
    got = getattr(agent, field)
    assert (got if field != "native" else [(n.key, n.value) for n in got]) == value


def test_a_tools_value_that_is_not_a_list_is_an_error_not_every_tool():
    with pytest.raises(agentconv.AgentconvError) as info:
        _read("tools: read_file, grep_search\n")
    assert "tools" in info.value.message and info.value.line == 4


@pytest.mark.parametrize("text", [
    G.format(extra="kind: local\ntools:\n  - read_file\n  - glob\ntemperature: 0.4\nmax_turns: 25\n"),
    G.format(extra="tools: [google_web_search, web_fetch]\nmodel: flash\n").replace("\n", "\r\n"),
    G.format(extra="# a comment Gemini CLI ignores\nmcp_servers:\n  gh: {command: gh-mcp}\ntimeout_mins: 5\n"),
])
def test_identity(text):
    assert_identity(text, "gemini")


@pytest.mark.parametrize("claude_extra, gemini", [
    ("", G.format(extra="")),
    ("tools: Read, Grep\n", G.format(extra="tools:\n- read_file\n- read_many_files\n- grep_search\n")),
    ('tools: ""\n', G.format(extra="tools: []\n")),
    ("tools: Edit\n", G.format(extra="tools:\n- write_file\n- replace\n")),      # one power: edit and write
    ("model: gemini-2.5-pro\nmaxTurns: 3\n", G.format(extra="model: gemini-2.5-pro\nmax_turns: 3\n")),
], ids=["all-tools", "allow-list", "none", "edit-power", "model-and-turns"])
def test_claude_to_gemini(claude_extra, gemini):
    assert_converts(C.format(extra=claude_extra), "claude", write={"gemini": gemini}, carry=False)


@pytest.mark.parametrize("claude_extra, lost", [
    ("disallowedTools: Bash\n", {("tools.*", "narrowed")}),          # no deny: an allow-list of the rest
    ("tools: Read, Bash(git diff:*)\n", {("tools", "formatting")}),   # the pattern only pre-approves
    ("tools: Read, Agent\n", {("tools.task", "narrowed")}),           # no sub-agent starts another
    ("color: red\npermissionMode: plan\n", {("color", "dropped"), ("permission_mode", "dropped")}),
    ("model: sonnet\n", {("model", "dropped")}),                       # Gemini CLI runs Gemini models
])
def test_what_gemini_cannot_say_is_reported(claude_extra, lost):
    doc = agentconv.loads(C.format(extra=claude_extra), "claude")
    _, losses = agentconv.to_dialect(doc, "gemini", carry=False)
    assert loss_pairs(losses) == lost


def test_an_unknown_key_is_never_written_it_rides_in_a_comment():
    doc = agentconv.loads(C.format(extra="color: red\nmemory: project\n"), "claude")
    text, _ = agentconv.to_dialect(doc, "gemini")
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line and not line.startswith("#")]
    assert keys == ["name", "description"] and "#   color: red" in text and "#   memory: project" in text
    assert not agentconv.check_for("gemini", text).fails


GEMINI_CASES = {
    "plain": (G.format(extra="tools: [read_file]\nmodel: flash\n"), "loads", []),
    "unknown key": (G.format(extra="color: red\n"), "rejects", ["color: Gemini CLI does not know this key"]),
    "claude tool names": (G.format(extra="tools: [Read]\n"), "rejects", ["tools ['Read']"]),
    "not a slug": (G.format(extra="").replace("name: a", "name: Code Reviewer"), "skips", ["name 'Code Reviewer'"]),
    "no description": ("---\nname: a\n---\nYou do a.\n", "skips", ["no 'description'"]),
    "colon": (G.format(extra="").replace("Does a.", "Use when: x"), "rejects", ["not valid YAML"]),
    "max turns zero": (G.format(extra="max_turns: 0\n"), "rejects", ["max_turns 0"]),
    "bom": ("\ufeff" + G.format(extra=""), "skips", ["no 'name'"]),
}


@pytest.mark.parametrize("text, verdict, said", GEMINI_CASES.values(), ids=list(GEMINI_CASES))
def test_check_for_gemini(text, verdict, said):
    reading = agentconv.check_for("gemini", text)
    lines = reading.lines()
    assert ("misreads" if reading.verdict == "loads" and reading.fails else reading.verdict) == verdict, lines
    assert all(any(part in line for line in lines) for part in said), (said, lines)


@pytest.mark.parametrize("text, path, expected", [
    (G.format(extra="kind: local\n"), None, "gemini"),
    (G.format(extra="tools: [read_file, read_many_files]\ntemperature: 0.3\n"), None, "gemini"),
    (G.format(extra="tools: [read_file]\ncolor: red\n"), None, "qwen"),     # Gemini CLI refuses color
    (G.format(extra=""), "proj/.gemini/agents/a.md", "gemini"),
])
def test_detection(text, path, expected):
    assert agentconv.detect(text, path) == expected


def test_a_tree_converts_what_gemini_cli_loads_and_skips_what_it_does_not(tmp_path):
    from agentconv import convert_tree
    agents = tmp_path / "repo" / ".gemini" / "agents"
    (agents / "sub").mkdir(parents=True)
    for name in ("ok.md", "_draft.md", "sub/nested.md"):
        (agents / name).write_text(G.format(extra="").replace("name: a", f"name: {name[:2].strip('_/')}x"))
    result = convert_tree([tmp_path / "repo"], tmp_path / "out", to="claude")
    status = {f.source.rsplit("agents/", 1)[1]: f.status for f in result.files}
    assert status == {"ok.md": "converted", "_draft.md": "skipped", "sub/nested.md": "skipped"}
