"""Access as the real tools grant it (issue 9, Found 3 and 4): an unreadable value never
widens, a conversion says exactly what the target can say and narrows only what it cannot,
naming the element and the reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import agentconv
from agentconv import SchemaError
from agentconv.access import effective_action, power_action
from agentconv.model import ToolRule

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import fidelity  # noqa: E402


def claude(tools: str | None = None, extra: str = "") -> str:
    line = f"tools: {tools}\n" if tools is not None else ""
    return f"---\nname: a\ndescription: d\n{line}{extra}---\nHi\n"


def opencode(permission: str, extra: str = "") -> str:
    return f"---\ndescription: d\nmode: subagent\n{extra}permission: {permission}\n---\nHi\n"


def converted(text: str, read: str, to: str, **options):
    doc = agentconv.loads(text, read, path=".opencode/agent/a.md" if read == "opencode" else None, **options)
    out = agentconv.dumps(doc, to, on_loss="ignore", carry=False)
    back = agentconv.loads(out, to).agent
    return out, back, {l.field: (l.kind, l.detail) for l in doc.losses}


# -- Found 3: unreadable access never widens ---------------------------------------------------

UNREADABLE = [
    pytest.param(claude("Read", "disallowedTools: 5\n"), "claude", 5, "disallowedTools", id="claude-disallowed-number"),
    pytest.param(claude("{Read: true}"), "claude", 4, "tools", id="claude-tools-map"),
    pytest.param(opencode("deny", 'tools:\n  bash: "yes"\n'), "opencode", 4, "tools", id="opencode-tools-yes"),
    pytest.param(opencode("[read]"), "opencode", 4, "permission", id="opencode-permission-list"),
    pytest.param(opencode("{bash: maybe}"), "opencode", 4, "permission", id="opencode-unknown-action"),
    pytest.param(claude("Read, Grep"), "opencode", 4, "tools", id="claude-file-read-as-opencode"),
]


@pytest.mark.parametrize("text, read, line, key", UNREADABLE)
def test_an_unreadable_access_value_is_an_error_at_its_key(text, read, line, key):
    with pytest.raises(SchemaError) as info:
        agentconv.loads(text, read, path="a.md")
    assert (info.value.path, info.value.line) == ("a.md", line) and info.value.message.startswith(key)
    assert "--lenient-access" in info.value.hint


def test_content_that_contradicts_from_says_which_dialect_it_looks_like():
    with pytest.raises(SchemaError) as info:
        agentconv.loads(claude("Read, Grep"), "opencode")
    assert "looks like a Claude Code file" in info.value.hint and "--from claude" in info.value.hint


def test_the_cli_fails_on_a_claude_file_read_as_opencode(tmp_path):
    from click.testing import CliRunner

    from agentconv.cli import cli
    source = tmp_path / "a.md"
    source.write_text(claude("Read, Grep"))
    result = CliRunner().invoke(cli, ["convert", str(source), "--from", "opencode", "--to", "claude"])
    assert result.exit_code == 1 and "--from claude" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("text, read, line, key", UNREADABLE[:5])
@pytest.mark.parametrize("to", ["claude", "opencode"])
def test_read_leniently_an_unreadable_value_is_no_tools_and_a_reported_loss(text, read, line, key, to):
    out, back, losses = converted(text, read, to, lenient_access=True)
    assert all(effective_action(back.tools, t) == "deny" for t in ("read", "bash", "edit", "some-tool"))
    if to != read:
        assert losses[f"tools.{key}"][0] == "narrowed"


# -- Found 4: exact where the target can say it -------------------------------------------------

def test_write_and_multiedit_keep_opencode_edit_allowed_and_lose_nothing():
    out, back, losses = converted(claude("Write, Read, MultiEdit, Bash, Grep, Glob"), "claude", "opencode")
    assert "edit: allow" in out and "edit: deny" not in out
    # the same access in opencode's words: a note for the trip back, not a loss
    assert {f: k for f, (k, _) in losses.items() if f.startswith("tools")} == {"tools": "formatting"}
    for tool in ("read", "bash", "grep", "glob", "edit", "write"):
        assert effective_action(back.tools, tool) == "allow", tool


@pytest.mark.parametrize("tools", ["Edit", "MultiEdit", "Write", "Edit, Write"])
def test_any_file_writing_tool_is_the_power_of_opencode_edit(tools):
    out, back, losses = converted(claude(f"Read, {tools}"), "claude", "opencode")
    assert power_action(back.tools, "edit", "x.py") == "allow" and effective_action(back.tools, "bash") == "deny"
    assert all(k == "formatting" for f, (k, _) in losses.items() if f.startswith("tools"))


def test_a_claude_agent_without_file_tools_gets_no_opencode_edit():
    out, back, _ = converted(claude("Read, Grep"), "claude", "opencode")
    assert power_action(back.tools, "edit") == "deny"


def test_ask_before_reading_env_files_narrows_read_alone_and_says_why():
    text = opencode('{"*": deny, grep: allow, glob: allow, read: {"*": allow, "*.env": ask, "*.env.example": allow}}')
    out, back, losses = converted(text, "opencode", "claude")
    assert "tools: Glob, Grep\n" in out and "Read" not in out
    assert losses["tools.read"] == ("narrowed", "Claude Code cannot ask before reading '*.env'; denied")


def test_a_named_skill_maps_to_the_skill_tool_where_every_skill_is_allowed():
    out, back, losses = converted(opencode("{skill: {caveman: allow}}"), "opencode", "claude")
    assert effective_action(back.tools, "skill") == "allow" and "Skill" not in out
    assert "tools.skill" not in losses and losses.get("tools", ("formatting",))[0] == "formatting"


def test_a_skill_limited_to_some_names_is_narrowed_and_named():
    out, back, losses = converted(opencode('{"*": deny, read: allow, skill: {caveman: allow}}'), "opencode", "claude")
    assert losses["tools.skill"] == ("narrowed", "Claude Code cannot limit Skill to 'caveman'; denied")


@pytest.mark.parametrize("permission, tools", [
    ('{task: {"*": deny, general: allow}}', "tools: '*, Agent(general)'"),
    ('{"*": deny, read: allow, task: {"*": deny, general: allow, explore: allow}}',
     "tools: Read, Agent(general, explore)"),
])
def test_named_sub_agents_become_agent_types(permission, tools):
    out, back, losses = converted(opencode(permission), "opencode", "claude")
    assert tools in out and "disallowedTools: Agent" not in out
    assert effective_action(back.tools, "task", "general") == "allow"
    assert effective_action(back.tools, "task", "plan") == "deny"
    assert "tools.task" not in losses


def test_claude_agent_types_split_into_opencode_task_patterns():
    out, back, _ = converted(claude("Read, Agent(general, explore)"), "claude", "opencode")
    assert "general: allow" in out and "explore: allow" in out and "general, explore" not in out


def test_star_beside_agent_types_is_every_tool_with_those_types():
    rules = agentconv.loads(claude("'*, Agent(general)'"), "claude").agent.tools
    assert effective_action(rules, "bash") == "allow" and effective_action(rules, "task", "general") == "allow"
    assert effective_action(rules, "task", "plan") == "deny"


def test_star_beside_a_tool_name_is_an_allow_list_as_claude_code_reads_it():
    rules = agentconv.loads(claude("'*, Read'"), "claude").agent.tools
    assert effective_action(rules, "read") == "allow" and effective_action(rules, "bash") == "deny"


@pytest.mark.parametrize("key", ["doom_loop", "external_directory", "plan_exit", "plan_enter"])
def test_permission_keys_that_are_not_tools_never_become_claude_tool_names(key):
    out, _, losses = converted(opencode(f'{{read: allow, {key}: ask}}'), "opencode", "claude")
    assert key not in out.split("---")[1] and "mcp__" not in out
    assert losses[f"tools.{key}"][0] == "dropped"


def test_opencode_defaults_are_not_the_agents_rules():
    # the agent says nothing about read: opencode's own `*.env: ask` stays opencode's
    out, back, losses = converted(opencode("{edit: deny}"), "opencode", "claude")
    assert "Read" not in out and effective_action(back.tools, "read", "x.env") == "allow"
    assert losses["tools.read"][0] == "defaulted"
    assert agentconv.loads(out, "claude").agent.tools and "tools.edit" not in losses


def test_losses_name_the_element_with_the_reason():
    _, _, losses = converted(opencode('{bash: {"*": allow, "rm *": deny}}'), "opencode", "claude")
    assert losses["tools.bash"] == ("narrowed", "Claude Code cannot restrict Bash for 'rm *' alone; denied")


def test_an_opencode_tools_map_write_false_denies_edit_as_opencode_does():
    rules = agentconv.loads(opencode("{}", "tools:\n  write: false\n"), "opencode").agent.tools
    assert power_action(rules, "edit") == "deny"


# -- the fidelity judge sees a needless narrowing ---------------------------------------------

@pytest.mark.parametrize("source, enforced, target, needless", [
    # Write allowed, opencode's edit denied: it could have been allowed
    ([("*", None, "deny"), ("write", None, "allow")], [("*", None, "deny")], "opencode", ["edit"]),
    # Claude cannot ask before reading *.env: denying Read is forced
    ([("read", "*.env", "ask")], [("read", None, "deny")], "claude", []),
    # Agent(general) can be said: denying the Agent tool was needless
    ([("task", None, "deny"), ("task", "general", "allow")], [("task", None, "deny")], "claude", ["task(general)"]),
    ([("bash", None, "allow")], [("bash", None, "deny")], "claude", ["bash"]),
    # Claude has no name for every MCP tool: only an allow-list withholds them
    ([("bash", None, "deny"), ("mcp:*", None, "deny")], [("*", None, "deny"), ("read", None, "allow")], "claude", []),
    ([("mcp:github/*", None, "deny")], [("*", None, "deny"), ("read", None, "allow")], "claude", ["*"]),
])
def test_the_fidelity_judge_tells_needless_from_forced_narrowings(source, enforced, target, needless):
    def rules(spec):
        return [ToolRule(tool=t, pattern=p, action=a) for t, p, a in spec]
    assert fidelity.needless_narrowings(rules(source), rules(enforced), target, lambda t: True) == needless


def test_a_guard_claude_cannot_say_comes_back_through_the_carry_without_trust():
    # restoring carried rules that only narrow grants nothing: no --trust-carry needed
    source = opencode("{external_directory: deny, doom_loop: deny, webfetch: deny}")
    claude_text = agentconv.convert(source, to="claude", read="opencode", path=".opencode/agent/a.md",
                                    on_loss="ignore")
    back = agentconv.loads(agentconv.convert(claude_text, to="opencode", read="claude", on_loss="ignore"),
                           "opencode").agent
    assert effective_action(back.tools, "doom_loop") == "deny"
    assert effective_action(back.tools, "external_directory") == "deny"


def test_carried_tool_rules_that_would_widen_still_need_trust():
    claude_text = agentconv.convert(opencode("{bash: ask}"), to="claude", read="opencode",
                                    path=".opencode/agent/a.md", on_loss="ignore")
    assert "disallowedTools: Bash" in claude_text and "bash: ask" in claude_text     # carried
    for trust, action in ((False, "deny"), (True, "ask")):
        doc = agentconv.loads(claude_text, "claude", trust_carry=trust)
        back = agentconv.loads(agentconv.dumps(doc, "opencode", on_loss="ignore"), "opencode").agent
        assert effective_action(back.tools, "bash") == action, trust


# -- a named widening, accepted knowingly ---------------------------------------------------------

ASKS_ENV = opencode('{"*": deny, grep: allow, read: {"*": allow, "*.env": ask}}')


def test_an_accepted_widening_grants_the_tool_and_is_reported():
    doc = agentconv.loads(ASKS_ENV, "opencode", path=".opencode/agent/a.md")
    out = agentconv.dumps(doc, "claude", on_loss="ignore", accept_widening=["read"])
    assert "tools: Grep, Read\n" in out
    assert {(l.field, l.kind) for l in doc.losses if l.field.startswith("tools")} == {("tools.read", "widened")}
    with pytest.raises(agentconv.LossError):
        agentconv.convert(ASKS_ENV, to="claude", read="opencode", on_loss="raise", accept_widening=["read"])


def test_a_widening_is_accepted_only_for_the_tools_named():
    doc = agentconv.loads(ASKS_ENV, "opencode", path=".opencode/agent/a.md")
    out = agentconv.dumps(doc, "claude", on_loss="ignore", accept_widening=["bash"])
    assert "Read" not in out and ("tools.read", "narrowed") in {(l.field, l.kind) for l in doc.losses}


def test_an_accepted_widening_of_an_action_only_opencode_key():
    # opencode's webfetch takes one action, no URL patterns
    from agentconv.access import accepting_widenings
    from agentconv.engine import write_agent
    from agentconv.model import Agent
    from agentconv.registry import get_dialect
    agent = Agent(name="a", description="d", tools=[ToolRule(tool="*", action="deny"), ToolRule(tool="read"),
                                                    ToolRule(tool="webfetch", pattern="https://docs.*")])
    plain, lost = write_agent(get_dialect("opencode"), agent, carry=False)
    with accepting_widenings(["webfetch"]):
        wide, accepted = write_agent(get_dialect("opencode"), agent, carry=False)
    assert "webfetch" not in plain and ("tools.webfetch", "narrowed") in {(l.field, l.kind) for l in lost}
    assert "webfetch: allow" in wide and ("tools.webfetch", "widened") in {(l.field, l.kind) for l in accepted}


def test_the_cli_accepts_a_named_widening(tmp_path):
    from click.testing import CliRunner

    from agentconv.cli import cli
    source = tmp_path / ".opencode" / "agent" / "a.md"
    source.parent.mkdir(parents=True)
    source.write_text(ASKS_ENV)
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "claude", "--accept-widening", "read"])
    assert result.exit_code == 0 and "tools: Grep, Read" in result.stdout
    assert "tools.read: widened" in result.stderr


def test_opencode_lsp_is_claude_codes_lsp_tool():
    out, back, _ = converted(opencode("{lsp: deny}"), "opencode", "claude")
    assert "disallowedTools: LSP" in out and "lsp" not in out.split("---")[1]


@pytest.mark.parametrize("tools, permission, call, action", [
    # permission replaces the tools map's value for a key it names, patterns and all
    ("{bash: false}", '{bash: {"git *": allow}}', ("bash", "rm -rf x"), "allow"),
    ("{bash: true}", "{bash: deny}", ("bash", None), "deny"),
    # write, edit and patch in the tools map all set the one edit permission; the last wins
    ("{write: false, edit: true}", "{}", ("edit", "x.py"), "allow"),
    ("{edit: true, patch: false}", "{}", ("write", "x.py"), "deny"),
    # a permission action is {"*": action}, after the tools map's keys
    ("{bash: true}", "deny", ("bash", None), "deny"),
])
def test_the_tools_map_and_permission_merge_as_opencode_merges_them(tools, permission, call, action):
    rules = agentconv.loads(opencode(permission, f"tools: {tools}\n"), "opencode").agent.tools
    assert power_action(rules, *call) == action
