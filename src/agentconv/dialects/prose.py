"""Plain prose briefs: no front matter; a summary, WHEN TO USE-style sections, then the
instructions. The file name is the agent's name."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .. import briefs
from ..document import Document
from ..errors import ParseError
from ..formats import frontmatter, yamlsrc
from ..model import CANONICAL_FIELDS, Agent
from .base import Dialect, path_stem

_CARRY_OPEN = "<!-- agentconv-carry: {"
_CARRY_END = re.compile(r"\} -->[ \t]*(\r?\n)?\Z")
_BRIEF_FIELDS = briefs.DESCRIPTION_FIELDS


@dataclass
class ProseTrivia:
    brief: str        # summary + sections, verbatim
    marker: str       # the INSTRUCTIONS: line, if the file had one
    region: str       # the instructions (prompt), verbatim
    newline: str
    carry_text: str = ""


class Prose(Dialect):
    name = "prose"
    title = "plain prose brief"
    layout = "agents"
    path_hints = ()
    expresses_access = False
    # A brief describes an agent to delegate to: a sub-agent, never the one the user talks to.
    implied = {"mode": "subagent"}

    def claim(self, text: str) -> int:
        plain = bool(text.strip()) and not frontmatter.has_front_matter(text) and "\x00" not in text
        return self.STRONG if plain else self.NO_CLAIM

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path)

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True) -> Document:
        if frontmatter.has_front_matter(text):
            raise ParseError("a prose brief has no front matter, but this file starts with '---'",
                             path=path, line=1, column=1, hint="read it as claude or opencode (--from)")
        body, carry, carry_text = _split_carry(text)
        brief, marker, region = _split_brief(body)
        fields: dict[str, Any] = dict(self.implied)
        fields.update(briefs.parse_description(brief.replace("\r\n", "\n")) if brief.strip() else {})
        fields["name"] = self.name_from_path(path)
        fields["prompt"] = region.strip().replace("\r\n", "\n") or None
        agent = Agent.model_validate(fields)
        if apply_carry and carry:
            agent = self.restore_carry(agent, carry, path)
        trivia = ProseTrivia(brief, marker, region, frontmatter.newline_of(text), carry_text)
        style = carry.get("style") if carry else None
        return Document(agents=[agent], dialect=self.name, path=path, trivia=trivia,
                        style=style if isinstance(style, dict) else {})

    def restore_carry(self, agent: Agent, payload: dict, path: str | None) -> Agent:
        # Prose expresses only the brief and the prompt; everything carried is restorable.
        fields = {k: v for k, v in payload.items() if k in CANONICAL_FIELDS and k not in _BRIEF_FIELDS + ("prompt",)}
        if "name" in fields and agent.name is not None and path is not None:
            fields.pop("name")
        return super().restore_carry(agent, {**fields, "native": payload.get("native", [])}, path)

    def write(self, agent: Agent, trivia: ProseTrivia | None = None, carry: dict | None = None,
              path: str | None = None) -> str:
        newline = trivia.newline if trivia else "\n"

        def fresh(text: str) -> str:
            return text.replace("\r\n", "\n").replace("\n", newline)

        prompt = agent.prompt or ""
        keep_brief = trivia is not None and _brief_fields(trivia.brief) == _agent_brief(agent)
        keep_region = trivia is not None and trivia.region.strip().replace("\r\n", "\n") == prompt
        rendered = briefs.render_description(agent) or ""
        brief = trivia.brief if keep_brief else (fresh(rendered + "\n") if rendered else "")
        if keep_brief and keep_region:
            text = brief + trivia.marker + trivia.region
        else:
            region = (trivia.region if keep_region else fresh(prompt + "\n")) if prompt else ""
            own_marker = trivia.marker if keep_region and trivia else ""
            text = _joined(brief, own_marker, region, newline, agent)
        if frontmatter.has_front_matter(text) and not keep_brief:
            text = newline + text          # a brief opening with '---' must not read as front matter
        if carry and trivia is not None and trivia.carry_text and _split_carry(trivia.carry_text)[1] == carry:
            return text + (re.sub(r"^\r?\n", "", trivia.carry_text) if text.endswith("\n") else trivia.carry_text)
        if carry:
            text = text.rstrip("\r\n") + newline + "<!-- agentconv-carry: " + _carry_json(carry) + " -->" + newline
        return text


def _split_carry(text: str) -> tuple[str, dict | None, str]:
    """(body, payload, the carry comment as written): the comment is the file's last line.
    Found without a backtracking regex, which took quadratic time on a line of many openers."""
    end = _CARRY_END.search(text)
    if not end:
        return text, None, ""
    line_start = text.rfind("\n", 0, end.start()) + 1
    start = text.find(_CARRY_OPEN, line_start, end.start() + 1)
    if start < 0:
        return text, None, ""
    try:
        payload = json.loads(text[start + len(_CARRY_OPEN) - 1:end.start() + 1])
    except (json.JSONDecodeError, RecursionError):
        return text, None, ""
    if not isinstance(payload, dict) or yamlsrc.nesting_depth(payload) > yamlsrc.MAX_DEPTH:
        return text, None, ""
    lead = "\r\n" if text.endswith("\r\n", 0, start) else "\n" if text.endswith("\n", 0, start) else ""
    cut = start - len(lead)
    return text[:cut] + lead, payload, text[cut:]


def _carry_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("-->", "--\\u003e")


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
    if not marker:
        plain = _paragraphs(brief, region, newline)
        if _reads_as(plain, agent):
            return plain
        marker = newline.join(("INSTRUCTIONS:", ""))
        region = region.lstrip("\r\n")
    if marker and brief.strip() and not brief.endswith(newline * 2):
        brief = brief.rstrip("\r\n") + newline * 2
    return brief + marker + region


def _paragraphs(brief: str, region: str, newline: str) -> str:
    if not (brief.strip() and region.strip()):
        return brief + region
    return brief.rstrip("\r\n") + newline * 2 + region.lstrip("\r\n")


def _reads_as(text: str, agent: Agent) -> bool:
    brief, _, region = _split_brief(text)
    return _brief_fields(brief) == _agent_brief(agent) and \
        (region.strip().replace("\r\n", "\n") or None) == (agent.prompt or None)


def _agent_brief(agent: Agent) -> dict:
    return {k: getattr(agent, k) for k in _BRIEF_FIELDS}


def _brief_fields(brief: str) -> dict:
    return briefs.description_fields(briefs.parse_description(brief.replace("\r\n", "\n")) if brief.strip() else {})
