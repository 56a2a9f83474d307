"""A→B conversions: exact outputs for small inputs, then the promises every conversion keeps
(never widen, every loss reported by canonical field, carry restores, strict refuses)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DIALECTS, fixture_files, fixture_id
from helpers import assert_converts, canonical_diff, refuses, round_trip

import agentconv
from agentconv import LossError
from agentconv.access import effective_action, widenings
from agentconv.model import CANONICAL_FIELDS

CLAUDE_READ_ONLY = """\
---
name: reviewer
description: Reviews diffs.
tools: Read, Grep, Glob
model: sonnet
color: blue
---
Be brief.
"""

OPENCODE_REVIEWER = """\
---
description: Reviews diffs.
mode: subagent
temperature: 0.2
permission:
  edit: deny
  bash:
    "git diff*": allow
    "*": ask
---
Be brief.
"""

PROSE_BRIEF = """\
Reviews diffs.

WHEN TO USE:
- after a change
- before a merge

DON'T USE FOR:
- writing code

Be brief.
"""

CLAUDE_WITH_EXAMPLE = """\
---
name: helper
description: "Helps.\\n<example>user: hi\\nassistant: I'll use the helper agent.</example>"
---
Help.
"""


def test_claude_to_opencode_denies_what_was_not_allowed_and_loses_nothing():
    # the model and colour are the same in opencode's spelling; the name is the output's path
    assert_converts(CLAUDE_READ_ONLY, "claude", write={"opencode": """\
---
description: Reviews diffs.
mode: subagent
model: anthropic/claude-sonnet-5
color: '#3B82F6'
permission:
  '*': deny
  glob: allow
  grep: allow
  read: allow
---
Be brief.
"""}, losses={"opencode": set()})


def test_what_opencode_cannot_say_is_carried_in_claude_s_own_keys():
    assert_converts(CLAUDE_READ_ONLY.replace("color: blue", "color: blue\neffort: high\npermissionMode: plan"),
                    "claude", write={"opencode": """\
---
description: Reviews diffs.
mode: subagent
model: anthropic/claude-sonnet-5
color: '#3B82F6'
permission:
  '*': deny
  glob: allow
  grep: allow
  read: allow
# agentconv: for converting back to Claude Code (opencode ignores this):
#   effort: high
#   permissionMode: plan
---
Be brief.
"""}, losses={"opencode": {("reasoning_effort", "carried"), ("permission_mode", "carried")}})


def test_claude_to_prose_keeps_the_brief_and_carries_everything_else():
    assert_converts(CLAUDE_READ_ONLY, "claude", write={"prose": """\
Reviews diffs.

INSTRUCTIONS:
Be brief.
<!-- agentconv: for converting back to Claude Code (plain prose brief ignores this):
  model: sonnet
  tools: Read, Grep, Glob
  color: blue
-->
"""}, losses={"prose": {("model", "carried"), ("tools", "carried"), ("color", "carried")}})


def test_opencode_to_claude_names_the_agent_by_its_path_and_narrows_ask_to_deny():
    assert_converts(OPENCODE_REVIEWER, "opencode", path=".opencode/agent/reviewer.md", write={"claude": """\
---
name: reviewer
description: Reviews diffs.
disallowedTools: Bash, Edit, Write
# agentconv: for converting back to opencode (Claude Code ignores this):
#   temperature: 0.2
#   permission:
#     edit: deny
#     bash:
#       git diff*: allow
#       '*': ask
---
Be brief.
"""}, losses={"claude": {("temperature", "carried"), ("tools.bash", "narrowed"), ("tools.read", "defaulted")}})


def test_prose_sections_become_a_structured_description():
    assert_converts(PROSE_BRIEF, "prose", path="reviewer.txt", write={"opencode": """\
---
description: |-
  Reviews diffs.

  WHEN TO USE:
  - after a change
  - before a merge

  DON'T USE FOR:
  - writing code
mode: subagent
---

Be brief.
"""}, losses={"opencode": set()})


def test_one_line_examples_are_re_emitted_as_blocks():
    assert_converts(CLAUDE_WITH_EXAMPLE, "claude", write={"opencode": """\
---
description: |-
  Helps.

  <example>
  user: hi
  assistant: I'll use the helper agent.
  </example>
mode: subagent
---
Help.
""", "prose": """\
Helps.

<example>
user: hi
assistant: I'll use the helper agent.
</example>

INSTRUCTIONS:
Help.
"""})


def test_no_carry_drops_and_reports_dropped():
    assert_converts(CLAUDE_READ_ONLY.replace("color: blue", "color: blue\neffort: high"), "claude", carry=False,
                    write={"opencode": """\
---
description: Reviews diffs.
mode: subagent
model: anthropic/claude-sonnet-5
color: '#3B82F6'
permission:
  '*': deny
  glob: allow
  grep: allow
  read: allow
---
Be brief.
"""}, losses={"opencode": {("reasoning_effort", "dropped")}})


CLAUDE_LOSSY = CLAUDE_READ_ONLY.replace("color: blue", "color: blue\neffort: high")


@pytest.mark.parametrize("target", ["opencode", "prose"])
def test_strict_conversion_refuses_any_loss(target):
    assert_converts(CLAUDE_LOSSY, "claude", write={target: LossError})


def test_loss_error_carries_the_same_losses_a_lenient_conversion_reports():
    doc = agentconv.loads(CLAUDE_LOSSY, "claude")
    _, expected = agentconv.to_dialect(doc, "opencode")
    with pytest.raises(LossError) as info:
        agentconv.convert(CLAUDE_LOSSY, to="opencode", on_loss="raise")
    assert info.value.losses == expected
    assert "reasoning_effort" in info.value.message and info.value.hint


def test_writing_to_the_agents_own_path_loses_nothing():
    doc = agentconv.loads(CLAUDE_WITH_EXAMPLE, "claude")
    text = agentconv.dumps(doc, "opencode", on_loss="raise", path=".opencode/agent/helper.md")
    assert doc.losses == [] and "agentconv" not in text
    styled = agentconv.dumps(doc, "opencode", on_loss="raise", path=".opencode/agent/helper.md", carry="style")
    carry = next(l for l in styled.splitlines() if l.startswith("# agentconv-style: "))
    assert set(json.loads(carry.split(": ", 1)[1])) == {"claude"}     # formatting only, for the trip back


def test_a_claude_allow_list_stays_an_allow_list_in_opencode():
    text = agentconv.convert(CLAUDE_READ_ONLY, to="opencode", carry=False)
    rules = agentconv.loads(text, "opencode").agent.tools
    for tool in ("read", "grep", "glob"):
        assert effective_action(rules, tool) == "allow"
    for tool in ("bash", "edit", "write", "webfetch", "task", "github_create_issue", "some-new-tool"):
        assert effective_action(rules, tool) == "deny", tool


def test_edit_without_write_allows_opencode_edit_which_has_the_same_power():
    # Claude's Edit creates a file when old_string is empty: it can write what Write can, so
    # opencode's one `edit` key (edit, write, apply_patch) grants nothing more
    text = "---\nname: fixer\ndescription: Fixes.\ntools: Read, Edit\n---\nFix.\n"
    doc = agentconv.loads(text, "claude")
    out = agentconv.dumps(doc, "opencode", carry=False)    # read back what opencode enforces
    rules = agentconv.loads(out, "opencode").agent.tools
    assert effective_action(rules, "write") == "allow" and effective_action(rules, "edit") == "allow"
    assert effective_action(rules, "bash") == "deny"
    assert [(l.field, l.kind) for l in doc.losses if l.field.startswith("tools")] == [("tools", "formatting")]


# -- promises over every fixture × target ------------------------------------------------------

FIXTURES = fixture_files()
PAIRS = [pytest.param(path, target, id=f"{fixture_id(path)}->{target}")
         for path in FIXTURES for target in DIALECTS if not fixture_id(path).startswith(target + "/")
         and not refuses(agentconv.load(path), target)]        # refusals: test_deepagents


@pytest.mark.parametrize("path, target", PAIRS)
def test_never_widens(path, target):
    doc = agentconv.load(path)
    text, losses = agentconv.to_dialect(doc, target, carry=False)
    if target != "prose":                      # prose has no tool access to widen
        dst = agentconv.get_dialect(target)
        written = agentconv.loads(text, target, path=str(dst.output_path(doc.agent))).agent.tools
        wide = {tool for tool, _ in widenings(doc.agent.tools, written)}
        # only what the target gives every agent and cannot withhold, or a tool it does not have,
        # each reported by element
        assert all(t in dst.always_grants or not dst.holds_tool(t) for t in wide)
        assert {f"tools.{t}" for t in wide} <= {l.field for l in losses if l.kind in ("defaulted", "dropped")}


@pytest.mark.parametrize("path, target", PAIRS)
def test_losses_name_canonical_fields(path, target):
    doc = agentconv.load(path)
    _, losses = agentconv.to_dialect(doc, target)
    native_keys = {n.key for n in doc.agent.native}
    for loss in losses:
        head, _, key = loss.field.partition(".")
        assert head in CANONICAL_FIELDS or (head == "native" and key in native_keys), loss.field
        assert (loss.source, loss.target) == (doc.dialect, target)


@pytest.mark.parametrize("path, target", PAIRS)
def test_trip_back_restores_the_canonical_agent(path, target):
    doc = agentconv.load(path)
    back, losses = round_trip(doc, target)
    assert canonical_diff(doc.agent, back.agent) == {}, [str(l) for l in losses]


@pytest.mark.parametrize("path, target", PAIRS)
def test_no_carry_leaves_no_comment_and_reports_drops(path, target):
    doc = agentconv.load(path)
    text, losses = agentconv.to_dialect(doc, target, carry=False)
    assert "agentconv" not in text
    assert all(loss.kind != "carried" for loss in losses)
    carried = {l.field for l in agentconv.to_dialect(doc, target)[1] if l.kind == "carried"}
    assert carried == {l.field for l in losses if l.kind == "dropped"}


@pytest.mark.parametrize("path", fixture_files("claude"), ids=fixture_id)
def test_claude_agents_become_opencode_subagents(path):
    text = agentconv.convert(path.read_bytes(), to="opencode", path=path)
    assert re.search(r"\nmode: subagent\r?\n", text)
    assert agentconv.loads(text, "opencode").agent.mode == "subagent"


@pytest.mark.parametrize("path", [p for p in FIXTURES if agentconv.load(p).agent.examples], ids=fixture_id)
def test_examples_survive_as_structured_examples(path):
    doc = agentconv.load(path)
    assert all(turn.text for example in doc.agent.examples for turn in example.turns)
    for target in DIALECTS:
        if refuses(doc, target):
            continue
        text, _ = agentconv.to_dialect(doc, target, carry=False)
        examples = agentconv.loads(text, target).agent.examples
        if target == "cursor":                 # one line: the layout goes (reported), the turns stay
            examples = [e.model_copy(update={"inline": False}) for e in examples]
            assert [e.turns for e in examples] == [e.turns for e in doc.agent.examples], target
            continue
        assert examples == doc.agent.examples, target


def test_prose_sections_map_to_fields_and_back():
    doc = agentconv.loads(PROSE_BRIEF, "prose", path="reviewer.txt")
    agent = doc.agent
    assert (agent.description, agent.when_to_use, agent.not_for, agent.prompt) == (
        "Reviews diffs.", ["after a change", "before a merge"], ["writing code"], "Be brief.")
    for target in ("claude", "opencode", "copilot"):
        text, _ = agentconv.to_dialect(doc, target, carry=False)
        again = agentconv.loads(text, target).agent
        assert (again.when_to_use, again.not_for) == (agent.when_to_use, agent.not_for)
        assert agentconv.convert(text, read=target, to="prose").startswith(PROSE_BRIEF[:PROSE_BRIEF.index("Be brief")])


def test_carry_comment_is_yaml_the_target_ignores():
    text = agentconv.convert(CLAUDE_LOSSY, to="opencode")
    import yaml
    front = text.split("---\n")[1]
    assert "agentconv" not in json.dumps(yaml.safe_load(front))
    carried = "\n".join(l[3:] for l in front.splitlines() if l.startswith("#   "))
    assert yaml.safe_load(carried) == {"effort": "high"}
