"""JSON objects with spans: the ``Block`` interface (formats/block.py) for JSON.

Parsing keeps every byte: each entry knows where its key and value stand, so writing back an
unchanged object gives the same text, and an edit re-renders only the entries that changed,
in the file's own indent, key order, escaping and line ends. Values are decoded by the C
scanner of ``json``; only the objects asked for (``depth``) are split into entries, so a
large file is read in linear time."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from ..errors import AgentconvError, ParseError
from ..structs import field, struct
from .values import same_value as same_value  # also imported from here

_WS = re.compile(r"[ \t\n\r]*")


# the pattern matches everywhere (even empty): never None, and no call of our own in the loop
_ws: Callable[[str, int], re.Match[str]] = _WS.match  # type: ignore[assignment]
_DECODER = json.JSONDecoder()
# public at run time, missing from typeshed
_scan_string: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class Raw(str):
    """JSON text to write as it is (a member another writer rendered)."""


@struct
class Entry:
    key: str
    value: Any
    line: int
    lead: str                 # whitespace before the key
    key_at: int               # offsets in the source text
    value_at: int
    end: int
    source: str = field(repr=False, default="")
    inner: JsonBlock | None = None      # the value split into entries (objects within depth)

    @property
    def text(self) -> str:
        return self.source[self.key_at:self.end]

    @property
    def value_text(self) -> str:
        return self.source[self.value_at:self.end]


@struct
class Style:
    """How the file writes JSON: indent unit, key/value separator, escapes, line end."""

    indent: str | None = "  "
    colon: str = ": "
    ascii: bool = False
    newline: str = "\n"

    inline_lists: bool = True        # ["Read", "Grep"] on one line
    comma: str = ", "                # between the items of a one-line value

    def dumps(self, value: Any, at: str, inline: bool = False) -> str:
        """``value`` as this file would write it, its inner lines indented from ``at``."""
        if isinstance(value, Raw):
            return str(value)
        if inline or self.indent is None:
            return _dumps(value, self.ascii, separators=(self.comma, self.colon))
        inner = at + self.indent
        if isinstance(value, dict) and value:
            return "{" + self.newline + inner + ("," + self.newline + inner).join(
                _dumps(k, self.ascii) + self.colon + self.dumps(v, inner)
                for k, v in value.items()) + self.newline + at + "}"
        if isinstance(value, list) and value:
            if self.inline_lists and not any(isinstance(v, (dict, list)) for v in value):
                return self.dumps(value, at, inline=True)
            return "[" + self.newline + inner + ("," + self.newline + inner).join(
                self.dumps(v, inner) for v in value) + self.newline + at + "]"
        return _dumps(value, self.ascii)


def jsonable(value: Any) -> bool:
    """Whether JSON can hold ``value`` as it is (no sets, dates, bytes, NaN)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return all(jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and jsonable(v) for k, v in value.items())
    return False


def _dumps(value: Any, ascii: bool, **options: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=ascii, allow_nan=False, **options)
    except (TypeError, ValueError) as exc:
        raise AgentconvError(f"a value cannot be written as JSON ({exc})",
                             hint="JSON holds strings, numbers, booleans, null, arrays and objects only") from None


@struct
class JsonBlock:
    """One parsed JSON object."""

    source: str = field(repr=False)
    start: int                # offset of '{'
    end: int                  # offset after '}'
    entries: list[Entry]
    tail: str                 # whitespace before '}'
    style: Style
    at: str = ""              # indentation of the line the object starts on
    carry: Any = None         # JSON has no comments: never a carry

    @property
    def newline(self) -> str:
        return self.style.newline

    @property
    def text(self) -> str:
        return self.source[self.start:self.end]

    def values(self) -> dict[str, Any]:
        return {e.key: e.value for e in self.entries}

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def line_of(self, key: str) -> int | None:
        entry = self.entry(key)
        return entry.line if entry is not None else None

    def entry_indent(self) -> str:
        """Indentation of this object's entries (one unit deeper than the object)."""
        for entry in self.entries:
            if "\n" in entry.lead:
                return entry.lead.rsplit("\n", 1)[1]
        return self.at + (self.style.indent or "")

    def render(self, items: Iterable[tuple[str, Any]], carry_text: str | None = None) -> str:
        """The object holding ``items``: unchanged entries keep their bytes, so an unchanged
        object is the source text itself (``carry_text`` is ignored: JSON has no comments)."""
        old = {e.key: e for e in self.entries}
        items = _in_old_order(list(items), old)
        if [k for k, _ in items] == list(old) and all(_unchanged(old[k], v) for k, v in items):
            return self.text
        inner = self.entry_indent()
        multiline = self.style.indent is not None and (not self.entries or "\n" in self.entries[0].lead)
        first = _plain(self.entries[0].lead) if self.entries else (self.newline + inner if multiline else "")
        lead = _plain(self.entries[1].lead) if len(self.entries) > 1 else (first if multiline else " ")
        tail = self.tail if self.entries else (self.newline + self.at if multiline else "")
        parts = []
        for i, (key, value) in enumerate(items):
            entry = old.get(key)
            # a comment before an entry (JSONC) stays with that entry
            parts.append(entry.lead if entry is not None and entry.lead.strip() else first if i == 0 else lead)
            if entry is not None and _unchanged(entry, value):
                parts.append(entry.text)
            else:
                inline = not multiline or (entry is not None and "\n" not in entry.value_text)
                parts.append(json.dumps(key, ensure_ascii=self.style.ascii) + self.style.colon
                             + self.style.dumps(value, inner, inline=inline and not isinstance(value, dict)))
            parts.append(",")
        if not parts:
            return "{" + (self.tail if not self.entries else "") + "}"
        return "{" + "".join(parts[:-1]) + tail + "}"


def _plain(lead: str) -> str:
    """The whitespace of a lead without the comment it may hold (JSONC)."""
    if not lead.strip():
        return lead
    if "\n" not in lead:
        return " "
    last = lead.rsplit("\n", 1)[1]
    return ("\r\n" if "\r\n" in lead else "\n") + last[:len(last) - len(last.lstrip(" \t"))]


def _in_old_order(items: list[tuple[str, Any]], old: dict[str, Entry]) -> list[tuple[str, Any]]:
    """Keys the object had stay where they were; new keys follow, in the order given."""
    rank = {k: i for i, k in enumerate(old)}
    return sorted(items, key=lambda kv: rank.get(kv[0], len(rank)))


def _unchanged(entry: Entry, value: Any) -> bool:
    if isinstance(value, Raw):
        return entry.value_text == value
    return same_value(entry.value, value)


# ------------------------------------------------------------------------------ parsing

def parse(text: str, *, path: str | None = None, depth: int = 1,
          comments: bool = False) -> tuple[JsonBlock, str, str]:
    """The file's one top-level object (entries split ``depth`` levels deep), with the text
    before and after it (whitespace, the final newline). With ``comments`` (JSONC), ``//`` and
    ``/* */`` comments and trailing commas are read as whitespace; the spans still point into
    ``text``, so the comments stay with the entries they stand beside."""
    source = text
    if comments:
        text = blanked(text, path)
    lines = _Lines(text)
    start = _ws(text, 0).end()
    if start >= len(text) or text[start] != "{":
        raise ParseError("not a JSON object: the file must start with '{'", path=path,
                         line=lines.line(start), column=lines.column(start),
                         hint="write the agents as one JSON object, named by their keys")
    style = detect_style(source)
    block = _object(text, start, depth, style, lines, path, source)
    after = source[block.end:]
    if text[block.end:].strip():
        at = block.end + _ws(text, block.end).end() - block.end
        raise ParseError("text after the JSON object", path=path, line=lines.line(at),
                         column=lines.column(at), hint="a file holds one JSON object")
    return block, source[:start], after


_JSONC = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*[\s\S]*?\*/|/\*|'
                    r',(?=(?:[ \t\r\n]|//[^\n]*|/\*[\s\S]*?\*/)*[}\]])')


def blanked(text: str, path: str | None = None) -> str:
    """JSONC as JSON of the same length: comments and trailing commas become spaces (line
    ends kept), so every offset, line and column still points at the original text."""
    if "/" not in text and "," not in text:
        return text

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token[0] == '"':
            return token
        if token == "/*":
            line = text.count("\n", 0, match.start()) + 1
            raise ParseError("invalid JSONC: a '/*' comment is never closed", path=path, line=line,
                             hint="close it with '*/'")
        return re.sub(r"[^\r\n]", " ", token)
    return _JSONC.sub(blank, text)


def detect_style(text: str) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    match = re.search(r"[{\[,][ \t]*\r?\n([ \t]+)[\"\[{\w-]", text)
    indent = match.group(1) if match else None
    if match is not None and indent is not None:
        # the first nested line's indent is one unit (the object starts at column 0)
        opening = text.rfind("\n", 0, match.start()) + 1
        base = len(text[opening:match.start()]) - len(text[opening:match.start()].lstrip(" \t"))
        indent = indent[base:] or indent
    colon = ": " if re.search(r"\"[ \t]*:[ \t]", text) or ":" not in text else ":"
    has_raw = any(ord(c) > 127 for c in text)
    broken_lists = re.search(r"\[[ \t]*\r?\n[ \t]*[\"\d tfn-]", text) is not None
    comma = "," if re.search(r",[\"\[{\d tfn-]", text) and not re.search(r", ", text) else ", "
    return Style(indent=indent, colon=colon, ascii=(not has_raw and "\\u" in text), newline=newline,
                 inline_lists=not broken_lists, comma=comma)


class _Lines:
    """Offsets → line and column, computed only when an error or entry asks."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None

    def line(self, at: int) -> int:
        import bisect
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self.starts, at)

    def column(self, at: int) -> int:
        return at - self.text.rfind("\n", 0, at)


def _object(text: str, start: int, depth: int, style: Style, lines: _Lines, path: str | None,
            source: str | None = None) -> JsonBlock:
    """``text`` is what is parsed, ``source`` what the spans keep (JSONC: with its comments)."""
    source = text if source is None else source
    line_start = text.rfind("\n", 0, start) + 1
    at = text[line_start:start][: len(text[line_start:start]) - len(text[line_start:start].lstrip(" \t"))]
    pos = start + 1
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    while True:
        ws_end = _ws(text, pos).end()
        if ws_end < len(text) and text[ws_end] == "}" and not entries:
            return JsonBlock(source, start, ws_end + 1, entries, source[pos:ws_end], style, at)
        if ws_end >= len(text) or text[ws_end] != '"':
            _fail(text, ws_end, lines, path, "expected a key in double quotes")
        key, after_key = _string(text, ws_end, lines, path)
        colon = _ws(text, after_key).end()
        if colon >= len(text) or text[colon] != ":":
            _fail(text, colon, lines, path, "expected ':' after the key")
        value_at = _ws(text, colon + 1).end()
        inner = None
        if depth > 1 and value_at < len(text) and text[value_at] == "{":
            inner = _object(text, value_at, depth - 1, style, lines, path, source)
            value, end = inner.values(), inner.end
        else:
            value, end = _value(text, value_at, lines, path)
        line = lines.line(ws_end)
        if key in seen:
            raise ParseError(f"key {key!r} appears twice (first on line {seen[key]})", path=path, line=line,
                             column=lines.column(ws_end), hint="keep one of them: the last one wins in JSON")
        seen[key] = line
        entries.append(Entry(key, value, line, source[pos:ws_end], ws_end, value_at, end, source, inner))
        pos = _ws(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == "}":
            return JsonBlock(source, start, pos + 1, entries, source[end:pos], style, at)
        _fail(text, pos, lines, path, "expected ',' or '}'")


def _string(text: str, at: int, lines: _Lines, path: str | None) -> tuple[str, int]:
    try:
        return _scan_string(text, at + 1, True)
    except json.JSONDecodeError as exc:
        _fail(text, exc.pos, lines, path, exc.msg)


def _value(text: str, at: int, lines: _Lines, path: str | None) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError as exc:
        _fail(text, exc.pos, lines, path, exc.msg)
    except RecursionError:
        _fail(text, at, lines, path, "nested too deeply")
    except ValueError as exc:          # an integer of thousands of digits
        _fail(text, at, lines, path, str(exc).split(":")[0])


def _fail(text: str, at: int, lines: _Lines, path: str | None, message: str) -> NoReturn:
    raise ParseError(f"invalid JSON: {message}", path=path, line=lines.line(at), column=lines.column(at),
                     hint="check the quotes, commas and braces near there")
