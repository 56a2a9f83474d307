"""Plain prose briefs: no front matter; a summary, WHEN TO USE-style sections, then the
instructions. The file name is the agent's name."""

from __future__ import annotations

import re
from typing import Any

from .. import briefs
from ..carry import Carry, logical_lines, parse_lines
from ..document import Document
from ..errors import ParseError
from ..formats import frontmatter
from ..model import Agent
from ..structs import struct
from .base import Dialect, path_stem

_CARRY_OPEN = "<!-- agentconv"
_CARRY_END = re.compile(r"-->[ \t]*(\r?\n)?\Z")
_BRIEF_FIELDS = briefs.DESCRIPTION_FIELDS
_MARKER_LINE = re.compile(r"[ \t]*INSTRUCTIONS:[ \t]*\r?\n?")


@struct
class ProseTrivia:
    brief: str        # summary + sections, verbatim
    marker: str       # the INSTRUCTIONS: line, if the file had one
    region: str       # the instructions (prompt), verbatim
    newline: str
    carry_text: str = ""
    carry: Any = None
    synthetic: bool = False        # rebuilt from carried style hints, not read from a file
    end: str | None = None         # what follows the prompt, when not one newline


class Prose(Dialect):
    name = "prose"
    title = "plain prose brief"
    layout = "agents"
    path_hints = ()
    expresses_access = False
    shows_style = frozenset({"newline"})

    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("no-front-matter",),)

    def claim(self, text: str) -> float:
        plain = bool(text.strip()) and not frontmatter.has_front_matter(text) and "\x00" not in text
        return self.STRONG if plain else self.NO_CLAIM

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path)

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        if frontmatter.has_front_matter(text):
            raise ParseError("a prose brief has no front matter, but this file starts with '---'",
                             path=path, line=1, column=1, hint="read it as claude or opencode (--from)")
        body, carry, carry_text = _split_carry(text)
        brief, marker, region = _split_brief(body)
        fields: dict[str, Any] = _content(brief, region)
        fields["name"] = self.name_from_path(path)
        fields["mode"] = "subagent"          # a brief describes an agent to hand work to
        agent = Agent.model_validate(fields)
        restored, refused = [], []
        if apply_carry and carry:
            outcome = self.restore_carry(agent, carry, path, trust=trust_carry)
            agent, restored, refused = outcome.agent, outcome.restored, outcome.refused
        trivia = ProseTrivia(brief, marker, region, frontmatter.newline_of(text), carry_text, carry)
        style = carry.style if carry else None
        return Document(agents=[agent], dialect=self.name, path=path, trivia=trivia, restored=restored,
                        refused=refused, style=style if isinstance(style, dict) else {})

    def file_carry(self, trivia: Any) -> Any:
        return trivia.carry if isinstance(trivia, ProseTrivia) else None

    def style_of(self, trivia: Any, agent: Agent, full: bool = True) -> dict[str, Any] | None:
        """A brief's line ends and what follows its prompt, where a fresh write differs."""
        if not isinstance(trivia, ProseTrivia) or trivia.synthetic or not trivia.region.strip():
            return None
        style: dict[str, Any] = {}
        if trivia.newline != "\n":
            style["newline"] = trivia.newline
        end = trivia.region[len(trivia.region.rstrip()):]
        if end != trivia.newline:
            style["end"] = end
        if trivia.marker and not _fresh_marker(trivia, agent):
            style["marker"] = trivia.marker
        return style or None

    def trivia_from_style(self, style: dict[str, Any] | None, agent: Agent) -> Any:
        if not style:
            return None
        newline: str = style["newline"] if style.get("newline") in ("\n", "\r\n") else "\n"
        end = style.get("end")
        end = end if isinstance(end, str) and not end.strip() else None
        marker = style.get("marker")
        marker = marker if isinstance(marker, str) and _MARKER_LINE.fullmatch(marker) else ""
        return ProseTrivia("", marker, "", newline, synthetic=True, end=end)

    def write(self, agent: Agent, trivia: ProseTrivia | None = None, carry: Any = None,
              path: str | None = None) -> str:
        newline = trivia.newline if trivia else "\n"

        def fresh(text: str) -> str:
            return text.replace("\r\n", "\n").replace("\n", newline)

        prompt = agent.prompt or ""
        implied = _implied_by_prompt(agent)
        synthetic = trivia is not None and trivia.synthetic
        end = trivia.end if trivia is not None and synthetic else None
        styled_marker = trivia.marker if trivia is not None and synthetic else ""
        trivia = None if synthetic else trivia
        keep_brief = trivia is not None and (
            (not trivia.brief.strip() and implied) or _brief_fields(trivia.brief) == _agent_brief(agent))
        keep_region = trivia is not None and trivia.region.strip().replace("\r\n", "\n") == prompt
        rendered = "" if implied else briefs.render_description(agent) or ""
        brief = trivia.brief if keep_brief and trivia is not None else (fresh(rendered + "\n") if rendered else "")
        if keep_brief and keep_region and trivia is not None:
            text = brief + trivia.marker + trivia.region
        else:
            region = (trivia.region if keep_region and trivia is not None else fresh(prompt + "\n")) if prompt else ""
            if end is not None and region:
                region = region.rstrip("\r\n") + end
            own_marker = (trivia.marker if keep_region and trivia else "") or styled_marker
            text = _joined(brief, own_marker, region, newline, agent)
        if frontmatter.has_front_matter(text) and not keep_brief:
            text = newline + text          # a brief opening with '---' must not read as front matter
        if carry and trivia is not None and trivia.carry_text and carry.same_meaning(trivia.carry):
            return text + (re.sub(r"^\r?\n", "", trivia.carry_text) if text.endswith("\n") else trivia.carry_text)
        if carry:
            lines = logical_lines(carry, self.title)
            if lines:
                text = text.rstrip("\r\n") + newline + "<!-- " + newline.join(lines) + newline + "-->" + newline
        return text


def _split_carry(text: str) -> tuple[str, Carry | None, str]:
    """(body, carry, the comment as written): the carry is the file's last HTML comment.
    Found without a backtracking regex, which took quadratic time on a line of many openers."""
    end = _CARRY_END.search(text)
    if not end:
        return text, None, ""
    start = text.rfind(_CARRY_OPEN, 0, end.start())
    if start < 0 or "-->" in text[start:end.start()] or (start and text[start - 1] not in "\n"):
        return text, None, ""
    content = text[start + len("<!-- "):end.start()]
    carry = parse_lines([line.rstrip() for line in content.replace("\r\n", "\n").split("\n")])
    if carry is None:
        return text, None, ""
    lead = "\r\n" if text.endswith("\r\n", 0, start) else "\n" if text.endswith("\n", 0, start) else ""
    cut = start - len(lead)
    carry.text = text[cut:]
    return text[:cut] + lead, carry, text[cut:]


def _implied_by_prompt(agent: Agent) -> bool:
    """A brief that is only the description the reader derives from the prompt says nothing
    the prompt does not: it is not written."""
    if not agent.prompt:
        return False
    return agent.description == briefs.derive_description(agent.prompt) \
        and not agent.examples and not any(getattr(agent, f) for f in briefs.SECTION_FIELDS)


def _split_brief(text: str) -> tuple[str, str, str]:
    """(brief, marker, region): an INSTRUCTIONS: line splits explicitly; otherwise the brief
    runs to the end of the last section's list, and without sections there is no brief."""
    marker = briefs.INSTRUCTIONS_LINE.search(text)
    if marker:
        end = marker.end() + (1 if text[marker.end():marker.end() + 1] == "\n" else 0)
        return text[:marker.start()], text[marker.start():end], text[end:]
    before, examples = briefs.parse_examples(text)
    sections = briefs.parse_sections(before)
    if sections.items and not examples:
        return text[:sections.end], "", text[sections.end:]
    return "", "", text


def _joined(brief: str, marker: str, region: str, newline: str, agent: Agent) -> str:
    """Brief and instructions, with an INSTRUCTIONS: line only where the author wrote one or
    the text would read differently without it (a brief with no sections, a prompt that
    opens with a section label): a heading the author never wrote is not added."""
    if marker:
        return _marked(brief, marker, region, newline)
    plain = _paragraphs(brief, region, newline)
    marked = _marked(brief, newline.join(("INSTRUCTIONS:", "")), region.lstrip("\r\n"), newline)
    if _reads_as(plain, agent):
        return plain
    if _reads_as(marked, agent) or brief.strip():
        return marked         # needed, or (text prose cannot say exactly) it keeps the brief apart
    return plain


def _fresh_marker(trivia: ProseTrivia, agent: Agent) -> bool:
    """A fresh write gives the file's INSTRUCTIONS: line: the house one, where it is needed."""
    needed = not _reads_as(_paragraphs(trivia.brief, trivia.region, trivia.newline), agent)
    return needed and trivia.marker == "INSTRUCTIONS:" + trivia.newline


def _marked(brief: str, marker: str, region: str, newline: str) -> str:
    if brief.strip() and not brief.endswith(newline * 2):
        brief = brief.rstrip("\r\n") + newline * 2
    return brief + marker + region


def _paragraphs(brief: str, region: str, newline: str) -> str:
    if not (brief.strip() and region.strip()):
        return brief + region
    return brief.rstrip("\r\n") + newline * 2 + region.lstrip("\r\n")


def _reads_as(text: str, agent: Agent) -> bool:
    brief, _, region = _split_brief(text)
    said = _content(brief, region)
    meant = _agent_brief(agent)
    if not any(meant.values()):                  # no brief to write: the reader derives one
        meant = briefs.description_fields(_content("", agent.prompt or ""))
    return briefs.description_fields(said) == meant and said["prompt"] == (agent.prompt or None)


def _content(brief: str, region: str) -> dict[str, Any]:
    """What a brief and its instructions say: the description's fields and the prompt;
    without a brief, the description is the one derived from the prompt."""
    fields: dict[str, Any] = briefs.parse_description(brief.replace("\r\n", "\n")) if brief.strip() else {}
    fields["prompt"] = region.strip().replace("\r\n", "\n") or None
    if not brief.strip() and fields["prompt"]:
        fields["description"] = briefs.derive_description(fields["prompt"])
    return fields


def _agent_brief(agent: Agent) -> dict[str, Any]:
    return {k: getattr(agent, k) for k in _BRIEF_FIELDS}


def _brief_fields(brief: str) -> dict[str, Any]:
    return briefs.description_meaning(brief.replace("\r\n", "\n")) if brief.strip() else briefs.description_fields({})
