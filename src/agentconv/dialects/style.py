"""Formatting hints that let a markdown agent survive a trip through another dialect byte
for byte: key order, quoting, values spelled differently from the house style (``model:
inherit``, a tool list in its own order) and the whitespace around the prompt.

Only what a fresh write would get wrong is recorded, so a file already in house style needs
no hints at all."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..formats import frontmatter, yamlsrc
from ..formats.values import same_value
from ..lazyre import compile_later
from ..model import Agent

if TYPE_CHECKING:
    from .base import MarkdownDialect, MarkdownTrivia

_QUOTE = re.compile(r"[^:]*:[ \t]*([\"']|[|>][-+0-9]*)?")


_FLOW = re.compile(r"[^:]*:[ \t]*\[")
_ITEM_INDENT = re.compile(r"[^\n]*\n([ \t]*)- ")


def _quote(entry_text: str) -> str:
    """How an entry's value is written: a quote, a block indicator, 'flow' for [a, b],
    'indent:N' for a block list indented N spaces, or 'plain'."""
    if _FLOW.match(entry_text):
        return "flow"
    item = _ITEM_INDENT.match(entry_text)
    if item:
        return f"indent:{len(item.group(1))}"
    match = _QUOTE.match(entry_text)
    return (match.group(1) if match and match.group(1) else "plain") if match else "plain"


def markdown_style(dialect: MarkdownDialect, trivia: MarkdownTrivia, agent: Agent,
                   full: bool = True) -> dict[str, Any] | None:
    block, split = trivia.block, trivia.split
    if block is None or split is None or block.mode not in ("yaml", "repaired") or trivia.synthetic:
        return None
    if not full:
        return _shown_style(dialect, block, split, trivia)
    written = _as_written(dialect, block, trivia) or agent
    house = dict(dialect.native_items(written, None))
    style: dict[str, Any] = {}
    order = [e.key for e in block.entries]
    rebuilt = [k for k, _ in dialect.native_items(written, block.values())]   # as a trip back orders them
    if order != [k for k in rebuilt if k in order] + [k for k in order if k not in rebuilt]:
        style["order"] = order
    values = {e.key: e.value for e in block.entries
              if e.key not in house or not same_value(house[e.key], e.value)}
    if values:
        style["values"] = values
    quotes = {e.key: _quote(e.text) for e in block.entries if isinstance(e.value, (str, list))
              and _quote(e.text) != _quote(dialect.render_entry(e.key, e.value, "\n"))}
    if block.lead:
        style["lead"] = block.lead
    if quotes:
        style["quotes"] = quotes
    newline = trivia.newline
    texts = {e.key: e.text for e in block.entries
             if _styled_entry(dialect, e.key, e.value, quotes.get(e.key), newline) != e.text}
    if texts:
        style["text"] = texts
    gaps = {e.key: e.gap for e in block.entries if e.gap}
    if gaps:
        style["gaps"] = gaps
    return {**style, **_framing(split, trivia)} or None


def _shown_style(dialect: MarkdownDialect, block: yamlsrc.Block, split: frontmatter.Split,
                 trivia: MarkdownTrivia) -> dict[str, Any] | None:
    """Only what another markdown dialect shows itself (api.split_style): the framing and
    how a description is quoted — cheap, for conversions that carry no formatting."""
    style: dict[str, Any] = {}
    entry = block.entry("description")
    if entry is not None and isinstance(entry.value, str):
        quote = _quote(entry.text)
        if quote != _quote(dialect.render_entry(entry.key, entry.value, "\n")):
            style["quotes"] = {"description": quote}
    return {**style, **_framing(split, trivia)} or None


def _framing(split: frontmatter.Split, trivia: MarkdownTrivia) -> dict[str, Any]:
    style: dict[str, Any] = {}
    prompt = trivia.body.strip()
    if prompt:
        start = trivia.body.find(prompt)
        framing = [trivia.body[:start], trivia.body[start + len(prompt):]]
        if framing != [trivia.newline, trivia.newline]:
            style["body"] = framing
    if trivia.newline != "\n":
        style["newline"] = trivia.newline
    for key, text in (("opening", split.opening), ("closing", split.closing)):
        if text != "---" + trivia.newline:
            style[key] = text
    return style


def _as_written(dialect: MarkdownDialect, block: yamlsrc.Block, trivia: MarkdownTrivia) -> Agent | None:
    """The agent exactly as the file states it (no carry restored): what a fresh write of
    the file's own content would be compared with."""
    try:
        fields = dialect.agent_fields(block.values(), None, [])
        fields["prompt"] = trivia.body.strip().replace("\r\n", "\n") or None
        return Agent.model_validate(fields)
    except Exception:       # an unusual file: fall back to the agent as restored
        return None


def _styled_entry(dialect: MarkdownDialect, key: str, value: Any, quote: str | None, newline: str) -> str:
    text = None
    if isinstance(value, str) and quote == '"':
        text = f"{key}: {json.dumps(value, ensure_ascii=False)}{newline}"
    elif isinstance(value, str) and quote == "'" and "\n" not in value:
        text = f"{key}: '{value.replace(chr(39), chr(39) * 2)}'{newline}"
    elif isinstance(value, str) and quote == "plain":
        text = f"{key}: {value}{newline}"
    elif isinstance(value, list) and quote == "flow" and all(isinstance(v, str) for v in value):
        text = f"{key}: [{', '.join(value)}]{newline}"
    elif isinstance(value, list) and quote and quote.startswith("indent:"):
        pad = " " * int(quote.split(":")[1])
        text = re.sub(r"(?m)^- ", pad + "- ", dialect.render_entry(key, value, "\n")).replace("\n", newline)
    # a run of dashes ends the front matter in the real tools: house style escapes it
    if text is not None and "---" not in text and _reads_back(dialect, text, key, value):
        return text
    rendered: str = dialect.render_entry(key, value, newline)
    return rendered


def _reads_back(dialect: MarkdownDialect, text: str, key: str, value: Any) -> bool:
    """The styled entry means the same to the dialect's own reader (with its repair: a plain
    'description: Use when: x' is what Claude Code accepts, so it may be written back)."""
    from ..errors import AgentconvError
    try:
        block, notes = yamlsrc.parse_block(text, repair=dialect.repair if dialect.has_repair else None,
                                           known_keys=dialect.known_keys)
    except AgentconvError:
        return False
    return not notes and block.mode != "lenient" and same_value(block.values(), {key: value})


_RULE = compile_later(r"^-{3,}[ \t]*(\r?\n)?$")
_QUOTES = compile_later(r"^(?:[\"']|plain|flow|indent:[0-9]{1,2}|[|>][-+0-9]?)$")


def safe_style(style: Any) -> dict[str, Any]:
    """Only the hints a style may give: formatting, never text of its own. A carried style
    is untrusted input (anyone can write one), so a hint that could put keys, comments or
    words into the output is dropped: delimiters must be plain rules, framing whitespace."""
    if not isinstance(style, dict):
        return {}
    safe: dict[str, Any] = {}
    newline = style.get("newline", "\n")
    if newline in ("\n", "\r\n"):
        safe["newline"] = newline
    for key in ("opening", "closing"):
        if isinstance(style.get(key), str) and _RULE.match(style[key]):
            safe[key] = style[key]
    if isinstance(style.get("lead"), str) and _inert(style["lead"]):
        safe["lead"] = style["lead"]
    for key in ("text", "gaps"):
        if isinstance(style.get(key), dict):
            safe[key] = {k: v for k, v in style[key].items() if isinstance(k, str) and isinstance(v, str)
                         and "agentconv" not in v and (key == "text" or _inert(v))}
    body = style.get("body")
    if isinstance(body, list) and len(body) == 2 and all(isinstance(b, str) and not b.strip() for b in body):
        safe["body"] = body
    if isinstance(style.get("order"), list) and all(isinstance(k, str) for k in style["order"]):
        safe["order"] = style["order"]
    if isinstance(style.get("values"), dict):
        safe["values"] = {k: v for k, v in style["values"].items() if isinstance(k, str)}
    if isinstance(style.get("quotes"), dict):
        safe["quotes"] = {k: q for k, q in style["quotes"].items()
                          if isinstance(k, str) and isinstance(q, str) and _QUOTES.match(q)}
    return safe


def _inert(text: str) -> bool:
    """Blank lines and comments only (and none that could pass for an agentconv comment)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()) \
        and "agentconv" not in text


def markdown_trivia(dialect: MarkdownDialect, style: dict[str, Any], agent: Agent) -> MarkdownTrivia:
    from .base import MarkdownTrivia
    style = safe_style(style)
    newline = style.get("newline", "\n")
    items = dialect.native_items(agent, dict(style.get("values", {})))
    values = dict(items)
    order = [k for k in style.get("order", []) if k in values] + [k for k, _ in items]
    quotes, texts, gaps = style.get("quotes", {}), style.get("text", {}), style.get("gaps", {})
    entries, seen = [], set()
    for key in order:
        if key not in seen:
            seen.add(key)
            text = texts.get(key)
            if text is None or not _reads_back(dialect, text, key, values[key]):
                text = _styled_entry(dialect, key, values[key], quotes.get(key), newline)
            entries.append(yamlsrc.Entry(key, text, values[key], 0, gaps.get(key, "")))
    block = yamlsrc.Block(lead=style.get("lead", ""), entries=entries, newline=newline)
    prefix, suffix = style.get("body", [newline, newline])
    prompt = (agent.prompt or "").replace("\n", newline)
    body = prefix + prompt + suffix if prompt else ""
    split = frontmatter.Split(_rule(style, "opening", newline), "", _rule(style, "closing", newline),
                              body, 2, newline)
    return MarkdownTrivia(split, block, body, newline, synthetic=True)


def _rule(style: dict[str, Any], key: str, newline: str) -> str:
    """The opening or closing line as the source wrote it, unless the real tools would read
    it otherwise (a longer rule '-----' leaves '--' in their prompt)."""
    text = style.get(key, "---" + newline)
    return text if isinstance(text, str) and re.fullmatch(r"---[ \t]*(\r?\n)?", text) else "---" + newline
