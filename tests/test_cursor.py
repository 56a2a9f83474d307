"""Cursor sub-agents (issue 12): its one restriction is `readonly: true`, its parser reads no
block scalar. Each row a documented fact (dialects/cursor/REFERENCE.md); no offline client."""

from __future__ import annotations

import pytest
from helpers import assert_identity, loss_pairs

import agentconv
from agentconv import SchemaError
from agentconv.access import widenings
from agentconv.model import ToolRule

C = ".cursor/agents/"
READ_ONLY = [ToolRule(tool="*", action="deny"), ToolRule(tool="read")]


@pytest.mark.parametrize("text", [
    "---\nname: r\ndescription: d\n---\nBody.\n",
    "---\nname: r\ndescription: d\nmodel: inherit\nreadonly: true\nis_background: false\n---\n\nBody.\n",
    "---\r\nname: r\r\ndescription: \"d: e\"\r\nmodel: fast\r\nreadonly: false\r\n---\r\nBody.",
    "---\nname: r\ndescription: >-\n  a block Cursor shows as '>-'\n---\nBody.\n",    # kept as written
])
def test_identity(text):
    assert_identity(text.encode(), "cursor", path=C + "r.md")


@pytest.mark.parametrize("front, expected", [
    ("", {"tools": [], "model": None, "mode": "subagent"}),            # every tool of the parent
    ("readonly: false\n", {"tools": []}),
    ("readonly: true\n", {"tools": READ_ONLY}),
    ("model: inherit\n", {"model": None}),
    ("model: fast\n", {"model": "cursor/fast"}),
    ("model: gpt-5\n", {"model": "openai/gpt-5"}),
])
def test_reading(front, expected):
    agent = agentconv.loads(f"---\nname: r\ndescription: d\n{front}---\nB.\n", "cursor", path=C + "r.md").agent
    assert {k: getattr(agent, k) for k in expected} == expected


@pytest.mark.parametrize("value", ["'yes'", "1", "[true]"])
def test_a_readonly_cursor_cannot_read_is_an_error_never_every_tool(value):
    text = f"---\nname: r\ndescription: d\nreadonly: {value}\n---\nB.\n"
    with pytest.raises(SchemaError, match="agentconv will not guess"):
        agentconv.loads(text, "cursor", path=C + "r.md")
    assert agentconv.loads(text, "cursor", path=C + "r.md", lenient_access=True).agent.tools == \
        [ToolRule(tool="*", action="deny")]


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, written, losses", [
    ("", "", set()),                                          # every tool: nothing to say
    ("tools: Read\n", "readonly: true\n", set()),
    ("tools: Read, Grep, Bash\n", "readonly: true\n", {("tools.grep", "narrowed"), ("tools.bash", "narrowed")}),
    ("disallowedTools: Bash\n", "readonly: true\n", {("tools.*", "narrowed")}),
    ("model: sonnet\n", "model: claude-sonnet-5\n", set()),
])
def test_claude_to_cursor_is_read_only_unless_it_may_use_everything(extra, written, losses):
    doc = agentconv.loads(CLAUDE.format(extra=extra), "claude")
    text, found = agentconv.to_dialect(doc, "cursor", carry=False)
    assert text == f"---\nname: r\ndescription: d\n{written}---\nBody.\n"
    back = agentconv.loads(text, "cursor", path=C + "r.md").agent
    assert {t for t, _ in widenings(doc.agent.tools, back.tools)} <= {"read"}
    assert loss_pairs(found) - {("tools", "formatting")} == losses


@pytest.mark.parametrize("extra, narrowed", [("tools: ''\n", set()), ("tools: Bash\n", {("tools.bash", "narrowed")})])
def test_an_agent_that_may_not_read_is_refused_unless_reading_is_accepted(extra, narrowed):
    # read-only is the narrowest Cursor agent: reading comes with it, so it is a widening to name
    doc = agentconv.loads(CLAUDE.format(extra=extra), "claude")
    with pytest.raises(agentconv.WideningError, match="--accept-widening read"):
        agentconv.to_dialect(doc, "cursor")
    text, found = agentconv.to_dialect(doc, "cursor", carry=False, accept_widening=["read"])
    assert text == "---\nname: r\ndescription: d\nreadonly: true\n---\nBody.\n"
    assert loss_pairs(found) - {("tools", "formatting")} == {("tools.read", "widened")} | narrowed


def test_readonly_false_only_for_the_widening_the_user_names():
    doc = agentconv.loads(CLAUDE.format(extra="disallowedTools: Bash\n"), "claude")
    text, found = agentconv.to_dialect(doc, "cursor", carry=False, accept_widening=["bash"])
    assert "readonly" not in text and ("tools.bash", "widened") in loss_pairs(found)


def test_a_multi_line_description_is_written_on_one_line_and_the_layout_is_reported():
    source = ("---\nname: r\ndescription: |\n  Use it to review.\n\n  <example>\n  user: \"review\"\n"
              "  assistant: \"ok\"\n  </example>\n---\nBody.\n")
    doc = agentconv.loads(source, "claude")
    text, found = agentconv.to_dialect(doc, "cursor", carry=False)
    assert "description: 'Use it to review. <example>user: \"review\" assistant: \"ok\"</example>'\n" in text
    assert ("examples", "approximated") in loss_pairs(found)
    back = agentconv.loads(text, "cursor", path=C + "r.md").agent
    assert [e.turns for e in back.examples] == [e.turns for e in doc.agent.examples]
    trip = agentconv.loads(agentconv.to_dialect(doc, "cursor")[0], "cursor", path=C + "r.md")
    back_text = agentconv.to_dialect(trip, "claude")[0]
    assert agentconv.loads(back_text, "claude").agent == doc.agent      # the words need no trust


@pytest.mark.parametrize("text, finding", [
    ("---\nname: r\ndescription: >-\n  two\n  lines\n---\nB.\n", "description: agentconv reads 'two lines'; "
     "Cursor reads '>-'"),
    ("---\nname: r\ndescription: d\nreadonly: 'yes'\n---\nB.\n", "readonly 'yes' must be a boolean"),
])
def test_check_for_cursor_says_what_it_misreads(text, finding):
    assert any(line.startswith(finding) for line in agentconv.check_for("cursor", text).lines())


def test_detected_by_its_folder_or_its_keys():
    assert agentconv.detect("---\nname: x\ndescription: d\n---\nB.\n", "p/.cursor/agents/x.md") == "cursor"
    assert agentconv.detect("---\nname: x\ndescription: d\nis_background: true\n---\nB.\n") == "cursor"
