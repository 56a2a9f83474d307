"""GitHub Copilot custom agents (issue 11, build item 7): one table per concern, each row a
fact of Copilot CLI 1.0.102 (dialects/copilot/REFERENCE.md)."""

from __future__ import annotations

import pytest
from helpers import assert_converts, assert_identity, loss_pairs, make_tree

import agentconv
from agentconv import SchemaError
from agentconv.access import widenings
from agentconv.batch import convert_tree
from agentconv.model import ToolRule

A = ".github/agents/"
DENY_ALL = ToolRule(tool="*", action="deny")


@pytest.mark.parametrize("text", [
    "---\ndescription: d\n---\nBody.\n",
    "---\nname: 'Code Reviewer'\ndescription: \"d\"\ntools: ['read', 'edit/editFiles', 'github/*']\n---\n\nBody.\n",
    "---\r\ndescription: d\r\ntools: read, search\r\nmodel: [GPT-4.1, Claude Sonnet 4.5 (copilot)]\r\n---\r\nBody.",
    "---\ndescription: d\ninfer: false\nuser-invocable: true\n"
    "mcp-servers:\n  db:\n    type: local\n    command: db\n---\nB.\n",
])
def test_identity(text):
    assert_identity(text.encode(), "copilot", path=A + "r.agent.md")


@pytest.mark.parametrize("path, front, expected", [
    (A + "review.agent.md", "", {"name": "review"}),
    (A + "review.md", "", {"name": "review"}),
    (A + "team/review.agent.md", "", {"name": "team--review"}),          # the CLI's id for a sub-folder
    (A + "review.agent.md", "name: Code Reviewer\n", {"name": "review", "display_name": "Code Reviewer"}),
    (A + "review.agent.md", "name: review\n", {"name": "review"}),
    (None, "name: Code Reviewer\n", {"name": "Code Reviewer"}),
    (A + "r.md", "model: Claude Sonnet 4.5 (copilot)\n", {"model": "anthropic/claude-sonnet-4-5"}),
    (A + "r.md", "model: claude-sonnet-4.5\n", {"model": "anthropic/claude-sonnet-4-5"}),
    (A + "r.md", "model: [GPT-5, gpt-4.1]\n", {"model": "openai/gpt-5", "model_fallbacks": ["openai/gpt-4.1"]}),
    (A + "r.md", "", {"mode": "all", "hidden": None}),
    (A + "r.md", "disable-model-invocation: true\n", {"mode": "primary"}),
    (A + "r.md", "infer: false\n", {"mode": "primary"}),
    (A + "r.md", "infer: false\ndisable-model-invocation: false\n", {"mode": "all"}),   # dmi wins
    (A + "r.md", "user-invocable: false\n", {"mode": "subagent", "hidden": True}),
    (A + "r.md", "reasoning-effort: high\n", {"reasoning_effort": "high"}),
])
def test_reading(path, front, expected):
    agent = agentconv.loads(f"---\n{front}description: d\n---\nBody.\n", "copilot", path=path).agent
    assert {k: getattr(agent, k) for k in expected} == expected


@pytest.mark.parametrize("tools, allowed", [
    ("", None),                                              # omitted: every tool
    ("tools: ['*']\n", [ToolRule(tool="*")]),
    ("tools: [read, '*']\n", [ToolRule(tool="*")]),
    ("tools: []\n", [DENY_ALL]),
    ("tools: read, search\n", [DENY_ALL, *(ToolRule(tool=t) for t in ("glob", "grep", "read"))]),
    ("tools: [Read, GREP, Bash]\n", [DENY_ALL, *(ToolRule(tool=t) for t in ("bash", "glob", "grep", "read"))]),
    ("tools: [edit, agent]\n", [DENY_ALL, *(ToolRule(tool=t) for t in ("edit", "task", "write"))]),
    ("tools: [github/get_issue, codebase]\n", [DENY_ALL, ToolRule(tool="codebase"),
                                               ToolRule(tool="mcp:github/get_issue")]),
])
def test_a_list_narrows_to_what_it_names(tools, allowed):
    agent = agentconv.loads(f"---\ndescription: d\n{tools}---\nB.\n", "copilot", path=A + "r.md").agent
    assert agent.tools == (allowed or [])


@pytest.mark.parametrize("value", ["5", "", "[read, 5]", "{read: true}"])
def test_tools_copilot_rejects_are_an_error_not_every_tool(value):
    text = f"---\ndescription: d\ntools: {value}\n---\nB.\n"
    with pytest.raises(SchemaError, match="agentconv will not guess") as info:
        agentconv.loads(text, "copilot", path=A + "r.md")
    assert info.value.line == 3
    lenient = agentconv.loads(text, "copilot", path=A + "r.md", lenient_access=True)
    assert lenient.agent.tools == [DENY_ALL]


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, tools, losses", [
    ("tools: Read, Grep, Glob, Edit, Write, Bash\n", "tools: execute, read, edit, search\n", set()),
    ("tools: Read, Grep\n", "tools: read\n", {("tools.grep", "narrowed")}),     # search would add Glob
    ("tools: Read, Edit\n", "tools: read, edit\n", {("tools", "formatting")}),  # Write: the same power
    ("tools: Read, MultiEdit\n", "tools: read, edit\n", {("tools", "formatting")}),
    ("tools: Read, NotebookEdit\n", "tools: read\n", {("tools.notebookedit", "narrowed")}),
    ("tools: Read, Bash(git diff:*)\n", "tools: execute, read\n", {("tools", "formatting")}),  # whole Bash
    ("disallowedTools: Bash\n", "tools: read, edit, search, agent, web, todo\n", {("tools.*", "narrowed")}),
    ("tools: mcp__github__get_issue\n", "tools: github/get_issue\n", set()),
    ("tools: ''\n", "tools: []\n", set()),
])
def test_claude_tools_never_widen_in_copilot(extra, tools, losses):
    doc = agentconv.loads(CLAUDE.format(extra=extra), "claude")
    text, found = agentconv.to_dialect(doc, "copilot", carry=False)
    assert f"---\ndescription: d\n{tools}---\nBody.\n" == text
    written = agentconv.loads(text, "copilot", path=A + "r.agent.md").agent
    assert widenings(doc.agent.tools, written.tools) == []
    assert loss_pairs(found) - {("mode", "defaulted")} == losses


def test_model_fallbacks_are_reported_where_a_dialect_cannot_say_them():
    source = "---\ndescription: d\nmodel: [claude-sonnet-4.5, gpt-5]\n---\nBody.\n"
    assert_converts(source, "copilot", path=A + "r.agent.md", carry=False, write={
        "claude": "---\nname: r\ndescription: d\nmodel: claude-sonnet-4-5\n---\nBody.\n",
        "opencode": "---\ndescription: d\nmode: all\nmodel: anthropic/claude-sonnet-4-5\n---\nBody.\n"},
        losses={"claude": [("model_fallbacks", "dropped"), ("mode", "approximated")],
                "opencode": [("model_fallbacks", "dropped")]})


def test_a_trip_through_claude_gives_the_fallbacks_back():
    source = "---\nname: Reviewer\ndescription: d\nmodel: [claude-sonnet-4.5, gpt-5]\nuser-invocable: false\n---\nB.\n"
    doc = agentconv.loads(source, "copilot", path=A + "r.agent.md")
    middle, _ = agentconv.to_dialect(doc, "claude", carry="style")
    back = agentconv.loads(middle, "claude", trust_carry=True)
    assert agentconv.to_dialect(back, "copilot", path=A + "r.agent.md", carry="style")[0] == source
    plain = agentconv.loads(agentconv.to_dialect(doc, "claude")[0], "claude", trust_carry=True)
    assert (plain.agent.model, plain.agent.model_fallbacks) == ("anthropic/claude-sonnet-4-5", ["openai/gpt-5"])


def test_untrusted_fallbacks_are_refused():
    middle = agentconv.convert("---\ndescription: d\nmodel: [gpt-5, gpt-4.1]\n---\nB.\n", to="claude",
                               read="copilot", path=A + "r.agent.md", on_loss="ignore")
    doc = agentconv.loads(middle, "claude")
    assert "model_fallbacks" in {name for name, _ in doc.refused}
    assert doc.agent.model_fallbacks == []


@pytest.mark.parametrize("path", ["repo/.github/agents/x.md", "agents/x.agent.md", "x.agent.md"])
def test_detected_by_its_folder_or_its_ending(path):
    assert agentconv.detect("---\nname: x\ndescription: d\ntools: [read]\n---\nB.\n", path) == "copilot"


def test_a_tree_of_copilot_agents_converts_and_claude_agents_land_as_name_agent_md(tmp_path):
    make_tree(tmp_path / "src", {
        ".github/agents/review.agent.md": "---\ndescription: d\ntools: [read]\n---\nB.\n",
        ".github/agents/team/plan.md": "---\ndescription: p\n---\nP.\n",
        ".github/agents/notes.txt": "---\ndescription: n\n---\nN.\n",          # the CLI loads only .md
        ".claude/agents/helper.md": "---\nname: helper\ndescription: h\n---\nH.\n",
    })
    for target, folder, names in [("claude", ".claude/agents", ["helper.md", "review.md", "team--plan.md"]),
                                  ("copilot", ".github/agents", ["helper.agent.md", "review.agent.md",
                                                                 "team--plan.agent.md"])]:
        result = convert_tree([tmp_path / "src"], tmp_path / target, to=target)
        assert sorted(p.name for p in (tmp_path / target / folder).iterdir()) == names
        assert [f.reason for f in result.files if f.status == "skipped"] == \
            ["GitHub Copilot loads only *.md files from its agent folder"]


def test_a_collection_of_agent_md_files_is_read_as_copilot_agents(tmp_path):
    hinted = "---\ndescription: d\nargument-hint: a path\ntools: [read]\n---\nB.\n"
    make_tree(tmp_path / "src", {"agents/review.agent.md": hinted,            # Copilot's own file name
                                 "agents/command.md": hinted,                 # a Claude command's shape
                                 "agents/notes.agent.md": "---\ntitle: t\n---\nN.\n"})
    result = convert_tree([tmp_path / "src"], tmp_path / "out", to="claude")
    assert {f.source.rsplit("/", 1)[-1]: f.status for f in result.files} == \
        {"review.agent.md": "converted", "command.md": "skipped", "notes.agent.md": "skipped"}


@pytest.mark.parametrize("name, target, written", [
    ("git_diff", "opencode", "permission:\n  '*': deny\n  read: allow\n"),   # opencode's name for git's diff
    ("Microsoft Docs", "claude", "tools: Read\n"),                          # Claude would read two names
])
def test_a_tool_name_the_target_cannot_say_narrows_only_that_tool(name, target, written):
    doc = agentconv.loads(f"---\ndescription: d\ntools: [read, '{name}']\n---\nB.\n", "copilot", path=A + "r.md")
    text, losses = agentconv.to_dialect(doc, target, carry=False)
    assert written in text
    assert {l.field for l in losses if l.field.startswith("tools")} == {f"tools.{name}"}


@pytest.mark.parametrize("source, read, front, mode, hidden", [
    ("---\nname: r\ndescription: d\n---\nB.\n", "claude", "", "subagent", None),           # offered as all
    ("---\ndescription: d\nmode: subagent\nhidden: true\n---\nB.\n", "opencode", "user-invocable: false\n",
     "subagent", True),
    ("---\ndescription: d\nmode: primary\n---\nB.\n", "opencode", "disable-model-invocation: true\n", "primary", None),
])
def test_modes_are_written_as_copilot_can_say_them_and_strict_accepts_a_wider_offer(source, read, front, mode, hidden):
    text = agentconv.convert(source, to="copilot", read=read, path=".x/agent/r.md", on_loss="raise", carry=False)
    assert text == f"---\ndescription: d\n{front}---\nB.\n"
    back = agentconv.loads(agentconv.convert(source, to="copilot", read=read, on_loss="raise"), "copilot",
                           path=A + "r.agent.md")
    assert (back.agent.mode, back.agent.hidden) == (mode, hidden)
