"""Comments in front matter are the author's words: they travel to the target next to the key
that says what the key they annotated said, or are reported (as formatting, not a loss)."""

from __future__ import annotations

import re
from typing import Any

from .lazyre import compile_later
from .losses import Loss
from .model import CANONICAL_FIELDS, Agent
from .structs import struct

_INLINE = compile_later(r"[ \t]+#[^\n]*$")


@struct
class Comment:
    key: str | None          # the source key it stands above (None: below the last key)
    lines: list[str]         # comment lines, without line ends
    inline: bool = False     # inside the key's value: it has no place of its own in a target
    lead: bool = False       # above the first key: it may speak of the whole front matter


def of_block(block: Any) -> list[Comment]:
    """Comment lines of a parsed front-matter block, each attached to the key below it."""
    if block is None:
        return []
    out: list[Comment] = []
    keys = [e.key for e in block.entries]
    above = [block.lead] + [e.gap for e in block.entries]
    for index, trivia in enumerate(above):
        lines = [line.strip() for line in trivia.splitlines() if line.strip().startswith("#")]
        if lines:
            out.append(Comment(keys[index] if index < len(keys) else None, lines, lead=index == 0))
    for entry in block.entries:
        inline = _inline_comments(entry)
        if inline:      # on a one-line entry it speaks of the key: it may stand above it
            out.append(Comment(entry.key, inline, inline=len(entry.text.strip().splitlines()) > 1))
    return out


def _inline_comments(entry: Any) -> list[str]:
    """Comments inside an entry's own lines: a ' # …' tail that, taken away, leaves the same
    value (so it was no part of a string)."""
    if "#" not in entry.text:
        return []
    from .errors import AgentconvError
    from .formats.yamlsrc import load_yaml
    lines = entry.text.splitlines()
    found = [m.group().strip() for m in (_INLINE.search(line) for line in lines) if m]
    if not found:
        return []
    stripped = "\n".join(_INLINE.sub("", line) for line in lines) + "\n"
    try:
        _, value = load_yaml(stripped)
    except (AgentconvError, RecursionError):
        return []
    return found if isinstance(value, dict) and value.get(entry.key) == entry.value else []


def target_key(source: Any, target: Any, agent: Agent, key: str, value: Any) -> tuple[str | None, str | None]:
    """(the canonical field a source key states, the target key that states it now)."""
    if key == getattr(source, "prompt_key_of", lambda values: None)({key: value}):
        return "prompt", None           # the key holding the prompt (a whole-file block's)
    try:
        stated = source.agent_fields({key: value}, None, [])
        baseline = source.agent_fields({}, None, [])
    except Exception:        # noqa: BLE001 - a key its own reader cannot take has no field
        return None, None
    fields = [f for f in CANONICAL_FIELDS if f in stated and stated.get(f) != baseline.get(f)]
    if not fields:
        return f"native.{key}", None
    field = fields[0]
    items = target.native_items(agent, {})
    default = Agent.model_fields[field].get_default(call_default_factory=True)
    without = dict(target.native_items(agent.model_copy(update={field: default}), {}))
    for name, rendered in items:
        if name not in without or without[name] != rendered:
            return field, name
    return field, None


def attach(text: str, comments: list[Comment], source: Any, target: Any, agent: Agent,
           values: dict[str, Any], newline: str) -> tuple[str, list[Loss]]:
    """Put each comment above the target key that says what its key said (the lead ones at
    the top); report the ones that have no place."""
    notes: list[Loss] = []
    if not comments:
        return text, notes
    can_hold = bool(getattr(target, "shows_style", frozenset())) and text.startswith("---")
    lines = text.split(newline) if can_hold else []
    for comment in comments:
        field, key = (None, None) if comment.key is None else \
            target_key(source, target, agent, comment.key, values.get(comment.key))
        where = _line_of(lines, key) if key else None
        block = comment.lines
        if where is None and comment.key is not None and not comment.inline:
            where = _line_of(lines, comment.key, carried=True)        # kept in the carry: say it there
            block = ["#   " + line for line in comment.lines]
        if where is None and can_hold and not comment.inline and (comment.lead or comment.key is None):
            where, block = (1 if comment.lead else _closing_line(lines)), comment.lines
        # Claude Code ends the front matter at the first '---' anywhere, a comment included
        dashed = any("---" in line for line in block)
        if comment.inline or where is None or dashed:
            notes.append(Loss(field=field or "description", kind="formatting", source=source.name,
                              target=target.name, agent=agent.name,
                              detail=f"comment {comment.lines[0]!r}"
                                     f"{f' (+{len(comment.lines) - 1} line(s))' if len(comment.lines) > 1 else ''}"
                                     + (" holds '---', where the real tools end the front matter" if dashed
                                        else f" has no place in {target.title}")))
            continue
        lines[where:where] = block
    return (newline.join(lines) if can_hold else text), notes


def _closing_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[1:], start=1):
        if line.startswith("---") or line.startswith("# agentconv"):
            return index
    return None


def _line_of(lines: list[str], key: str, carried: bool = False) -> int | None:
    prefix, name = (r"#   " if carried else ""), re.escape(key)
    pattern = re.compile(rf"^{prefix}(?:{name}|'{name}'|\"{name}\"):")
    for index, line in enumerate(lines[1:], start=1):
        if line.startswith("---"):
            return None
        if pattern.match(line):
            return index
    return None
