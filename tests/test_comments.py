"""Comments in front matter are the author's words: they travel above the target key that
says the same, or inside the carry next to a kept key, or are reported as formatting (issue 9,
build item 2) — never a loss under --strict."""

from __future__ import annotations

from helpers import loss_pairs

import agentconv

CLAUDE = """\
---
# Reviewer for the payments team.
name: reviewer
description: Reviews diffs.
# read-only on purpose
tools:
  - Read
  - Grep   # search only
# plan mode keeps it from editing
permissionMode: plan
---
Review.
"""


def _front(text: str) -> list[str]:
    return text.split("---\n")[1].splitlines()


def test_a_comment_stands_above_the_target_key_that_says_the_same():
    out = _front(agentconv.convert(CLAUDE, to="opencode", on_loss="ignore"))
    assert out[0] == "# Reviewer for the payments team."
    assert out[out.index("# read-only on purpose") + 1] == "permission:"


def test_a_comment_on_a_carried_key_stays_beside_it_in_the_carry():
    out = _front(agentconv.convert(CLAUDE, to="opencode", on_loss="ignore"))
    assert out[out.index("#   # plan mode keeps it from editing") + 1] == "#   permissionMode: plan"


def test_a_comment_inside_a_value_is_reported_as_formatting_and_strict_still_passes():
    doc = agentconv.loads(CLAUDE.replace("permissionMode: plan", "model: sonnet"))
    agentconv.dumps(doc, "opencode", on_loss="raise")                 # formatting is no loss
    assert loss_pairs(doc.losses) == {("tools", "formatting")}
    assert "# search only" in doc.losses[0].detail


def test_prose_has_no_place_for_comments_and_says_so():
    doc = agentconv.loads(CLAUDE)
    agentconv.dumps(doc, "prose", on_loss="ignore")
    assert {f for f, k in loss_pairs(doc.losses) if k == "formatting"} == {"name", "tools", "permission_mode"}


def test_comments_come_back_on_the_trip_back():
    middle = agentconv.convert(CLAUDE, to="opencode", on_loss="ignore")
    back = agentconv.convert(middle, read="opencode", to="claude", path=".opencode/agent/reviewer.md",
                             on_loss="ignore")
    assert "# Reviewer for the payments team." in back and "# read-only on purpose" in back
