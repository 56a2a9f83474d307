"""The idioms of "when to use" text: ``<example>`` blocks and WHEN TO USE-style sections.

``parse_description`` and ``render_description`` are inverse on their own output
(parse(render(x)) == x), which is what makes X→Y→X trips exact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from .lazyre import compile_later
from .model import Agent, Example, ExampleTurn, SectionField
from .structs import field, struct

SECTION_FIELDS: tuple[SectionField, ...] = ("when_to_use", "scenarios", "deliverables", "not_for", "triggers")
DESCRIPTION_FIELDS = ("description", "examples", *SECTION_FIELDS, "section_headings", "section_order")
"""The canonical fields a description's text holds."""
SECTION_LABELS: dict[SectionField, str] = {
    "when_to_use": "WHEN TO USE",
    "scenarios": "SPECIFIC SCENARIOS",
    "deliverables": "DELIVERABLES",
    "not_for": "DON'T USE FOR",
    "triggers": "TRIGGER THIS AGENT WITH",
}
_SECTION_PATTERNS: dict[SectionField, str] = {
    "when_to_use": r"WHEN TO USE(?: THIS AGENT)?",
    "scenarios": r"(?:SPECIFIC )?SCENARIOS",
    "deliverables": r"DELIVERABLES(?: THIS AGENT CREATES)?",
    "not_for": r"DON['’]?T USE FOR|DO NOT USE FOR",
    "triggers": r"TRIGGER THIS AGENT WITH|TRIGGERS",
}
_LABEL_LINE = compile_later(
    r"^[ \t]*(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _SECTION_PATTERNS.items()) + r"):[ \t]*\r?$",
    re.MULTILINE)
INSTRUCTIONS_LINE = compile_later(r"^[ \t]*INSTRUCTIONS:[ \t]*\r?$", re.MULTILINE)
_BULLET = compile_later(r"^[ \t]*(?:[-*•]|\d+[.)])[ \t]+")
_EXAMPLE = compile_later(r"<example>(.*?)</example>", re.IGNORECASE | re.DOTALL)
_EXAMPLE_CLOSE = compile_later(r"</example>", re.IGNORECASE)
# A commentary does not run past the next <commentary>: unclosed tags would make the scan quadratic
_TURN = compile_later(r"(?:(?<=\s)|^)(?P<label>context|user|assistant|human)\s*:|"
                   r"<commentary>(?P<commentary>(?:(?!<commentary>).)*?)</commentary>", re.IGNORECASE | re.DOTALL)
_ROLE_OF = {"context": "context", "user": "user", "human": "user", "assistant": "assistant"}
_STANDARD_LABEL = {"context": "Context", "user": "user", "assistant": "assistant"}


_HEADING_OF = {key: compile_later(pattern) for key, pattern in _SECTION_PATTERNS.items()}
#: every label holds one of these (case as written): a text without them has no sections,
#: told without compiling the label pattern
_IN_EVERY_LABEL = ("USE", "SCENARIOS", "DELIVERABLES", "TRIGGER")


@struct
class Sections:
    lead: str
    items: dict[SectionField, list[str]] = field(default_factory=dict)
    headings: dict[SectionField, str] = field(default_factory=dict)     # where the author's differs
    rest: str = ""
    end: int = 0          # offset in the text where the last section's items end


def own_headings(headings: dict[SectionField, str], sections: object) -> dict[SectionField, str]:
    """The headings worth keeping: those of written sections that differ from the standard
    label, in the order sections are written. A heading the parser would not read as its
    section is refused, since the trip back would lose the section."""
    for key, heading in headings.items():
        if not _HEADING_OF[key].fullmatch(heading):
            raise ValueError(f"{heading!r} is not a heading of {key}; use one like {SECTION_LABELS[key]!r}")
    return {key: headings[key] for key in SECTION_FIELDS
            if key in headings and headings[key] != SECTION_LABELS[key] and getattr(sections, key)}


def own_order(order: list[SectionField], sections: object) -> list[SectionField]:
    """The written sections in the author's order, or [] when that is the standard one."""
    written = [key for key in SECTION_FIELDS if getattr(sections, key)]
    return _unless_standard([key for key in dict.fromkeys(order) if key in written]
                            + [key for key in written if key not in order])


def _unless_standard(order: list[SectionField]) -> list[SectionField]:
    return [] if order == sorted(order, key=SECTION_FIELDS.index) else order


def own_label(role: str, label: str) -> str | None:
    """A turn's label worth keeping: one that differs from the standard label of its role.
    A label the parser would read as another role (or none) is refused."""
    if role not in _STANDARD_LABEL or _ROLE_OF.get(label.lower()) != role:
        raise ValueError(f"{label!r} is not a label of a {role} turn")
    return None if label == _STANDARD_LABEL[role] else label


def parse_examples(text: str) -> tuple[str, list[Example]]:
    """Split text into the part before the first example and the structured examples."""
    last_close = None
    for match in _EXAMPLE_CLOSE.finditer(text):
        last_close = match
    # no <example> after the last </example> can close: stopping there keeps the scan linear
    matches = list(_EXAMPLE.finditer(text, 0, last_close.end())) if last_close else []
    if not matches:
        return text, []
    examples = []
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        after = text[match.end():stop].strip() or None
        examples.append(Example(turns=parse_turns(match.group(1)), after=after,
                                inline=_in_line(text, match)))
    return text[:matches[0].start()], examples


def _in_line(text: str, match: re.Match[str]) -> bool:
    """The example is one line and shares its line with the text before it (or opens it)."""
    before = text[:match.start()]
    gap = before[len(before.rstrip()):]
    return not any(end in match.group(0) or end in gap for end in "\r\n")


def parse_turns(inner: str) -> list[ExampleTurn]:
    turns: list[ExampleTurn] = []
    role, label, start = "text", None, 0

    def close(stop: int) -> None:
        chunk = inner[start:stop].strip()
        if chunk or role != "text":
            turns.append(ExampleTurn(role=role, text=chunk, label=label))

    for match in _TURN.finditer(inner):
        close(match.start())
        if match.group("commentary") is not None:
            turns.append(ExampleTurn(role="commentary", text=match.group("commentary").strip()))
            role, label, start = "text", None, match.end()
        else:
            label = match.group("label")
            role, start = _ROLE_OF[label.lower()], match.end()
    close(len(inner))
    return turns


def render_example(example: Example) -> str:
    said = []
    for turn in example.turns:
        if turn.role == "commentary":
            said.append(f"<commentary>{turn.text}</commentary>" if example.inline
                        else f"<commentary>\n{turn.text}\n</commentary>")
        elif turn.role == "text":
            said.append(turn.text)
        else:
            said.append(f"{turn.label or _STANDARD_LABEL[turn.role]}: {turn.text}")
    if example.inline:
        text = "<example>" + " ".join(said) + "</example>"
    else:
        text = "\n".join(["<example>", *said, "</example>"])
    if not example.after:
        return text
    return text + (" " if example.inline and "\n" not in example.after else "\n\n") + example.after


def parse_sections(text: str) -> Sections:
    """Find WHEN TO USE-style sections; ``rest`` is any text after the last section's list."""
    labels = list(_LABEL_LINE.finditer(text)) if any(word in text for word in _IN_EVERY_LABEL) else []
    if not labels:
        return Sections(lead=text)
    result = Sections(lead=text[:labels[0].start()])
    for i, label in enumerate(labels):
        # the pattern's groups are named by the section fields
        key = cast(SectionField, next(k for k, v in label.groupdict().items() if v is not None))
        if label.group(key) != SECTION_LABELS[key]:
            result.headings[key] = label.group(key)
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        items, used = _section_items(text, label.end(), stop)
        if not items or key in result.items or (text[used:stop].strip() and i + 1 < len(labels)):
            return Sections(lead=text)          # not a clean brief (an empty section would vanish): one text
        result.items[key] = items
        result.end = used
    result.rest = text[result.end:]
    return result


def _section_items(text: str, start: int, stop: int) -> tuple[list[str], int]:
    items: list[str] = []
    pos, used, blank = start, start, False
    for line in text[start:stop].splitlines(keepends=True):
        content = line.strip()
        if not content:
            blank = True
        elif _BULLET.match(line):
            items.append(_BULLET.sub("", line, count=1).rstrip())
            blank = False
            used = pos + len(line)
        elif items and not blank and line[:1] in " \t":
            items[-1] += "\n" + content
            used = pos + len(line)
        elif not items and not blank:
            items.append(content)
            used = pos + len(line)
        else:
            break
        pos += len(line)
    return items, used


def render_sections(items: Mapping[SectionField, list[str]], headings: Mapping[SectionField, str] | None = None,
                    order: Sequence[SectionField] | None = None) -> str:
    blocks = []
    for key in dict.fromkeys([*(order or ()), *SECTION_FIELDS]):
        if items.get(key):
            heading = (headings or {}).get(key, SECTION_LABELS[key])
            lines = [heading + ":"] + ["- " + item.replace("\n", "\n  ") for item in items[key]]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def parse_description(text: str | None) -> dict[str, Any]:
    """Description text → canonical fields (description, examples, sections)."""
    if text is None:
        return {"description": None}
    examples, sections, headings, description = _description_parts(text)
    copies = [e.model_copy(update={"turns": [t.model_copy() for t in e.turns]}) for e in examples]
    return _fields(copies, sections, headings, description)


def description_meaning(text: str | None) -> dict[str, Any]:
    """``description_fields(parse_description(text))`` for comparing only: the examples are
    the cached ones, not copies, so the caller must not change them."""
    if text is None:
        return description_fields({"description": None})
    examples, sections, headings, description = _description_parts(text)
    return description_fields(_fields(list(examples), sections, headings, description))


def _fields(examples: list[Example], sections: tuple[tuple[SectionField, tuple[str, ...]], ...],
            headings: tuple[tuple[str, str], ...], description: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"examples": examples}
    fields.update((key, list(items)) for key, items in sections)
    fields["section_headings"] = dict(headings)
    fields["section_order"] = _unless_standard([key for key, _ in sections])
    fields["description"] = description
    return fields


@lru_cache(maxsize=64)
def _description_parts(text: str) -> tuple[tuple[Example, ...], tuple[tuple[SectionField, tuple[str, ...]], ...],
                                           tuple[tuple[str, str], ...], str | None]:
    # The engine reads a description five to ten times per conversion (each read-back, each
    # reuse check): the examples are kept built and validated; each caller gets copies of its
    # own (a copy of a record is not validated again).
    before, examples = parse_examples(text)
    sections = parse_sections(before)
    items: dict[SectionField, list[str]] = {}
    headings: dict[SectionField, str] = {}
    if sections.items and not sections.rest.strip():
        items, headings = sections.items, sections.headings
        before = sections.lead
    # surrounding whitespace is how the file wrote it (a '|' block keeps a final newline)
    description = before.strip() or None
    return (tuple(examples),
            tuple((key, tuple(values)) for key, values in items.items()), tuple(headings.items()), description)


def description_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The description part of parsed or dumped fields, unset ones as the model's defaults."""
    empty: dict[str, Any] = {"description": None, "section_headings": {}}
    return {k: fields.get(k, empty.get(k, [])) for k in DESCRIPTION_FIELDS}


def render_description(agent: Agent) -> str | None:
    """Canonical fields → description text (inverse of parse_description)."""
    text = agent.description or ""
    sections = render_sections({k: getattr(agent, k) for k in SECTION_FIELDS}, agent.section_headings,
                               agent.section_order)
    if sections:
        text = text + "\n\n" + sections if text else sections
    for example in agent.examples:
        gap = (" " if example.inline else "\n\n") if text else ""
        text += gap + render_example(example)
    return text or agent.description


_WHEN_HEADING = compile_later(r"^#{1,6}[ \t]+when to use[^\n]*$", re.IGNORECASE | re.MULTILINE)
_ANY_HEADING = compile_later(r"^#{1,6}[ \t]", re.MULTILINE)


def derive_description(prompt: str) -> str | None:
    """A description for a prompt that has none: its 'When to Use' section if it has one,
    else its first plain paragraph (not a heading, list or code)."""
    when = _WHEN_HEADING.search(prompt)
    if when:
        rest = prompt[when.end():]
        following = _ANY_HEADING.search(rest)
        section = rest[:following.start() if following else len(rest)].strip()
        if section:
            return section
    for paragraph in re.split(r"\n[ \t]*\n", prompt):
        lines = paragraph.strip().splitlines()
        while lines and lines[0].lstrip().startswith("#"):
            lines.pop(0)                       # a heading glued to its first paragraph
        text = "\n".join(lines).strip()
        if text and not text.startswith(("-", "*", "```", "|", ">", "<")) and not _BULLET.match(text):
            return text
    return None
