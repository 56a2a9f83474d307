"""TOML tables with spans: the ``Block`` interface (formats/block.py) for TOML, on tomlkit,
which keeps comments, whitespace, quoting and key order; imported only where a TOML block is
read (tomlkit is not needed to start the CLI).

An unchanged table writes back as the same bytes; an edit replaces only the values that changed
(tomlkit renders a new value in TOML's own style) and leaves every other line, comments
included, as it was. TOML has comments, so a carry can ride in one: agentconv's comment lines
are taken out of the text when it is parsed (``carry``) and written back at the end of the file.
A text of several lines is written as a multi-line string, opening on a line of its own."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..errors import ParseError
from ..structs import field, struct
from .gates import may_hold_toml_keys


@struct
class Entry:
    key: str
    value: Any
    line: int
    text: str             # the line the key stands on
    gap: str = ""         # the comment lines above it (and above its later tables)


#: the syntax has comments: a carry can ride in one
has_comments = True


@struct
class TomlBlock:
    source: str = field(repr=False)         # the text without agentconv's comment
    document: Any = field(repr=False)
    newline: str = "\n"
    carry: Any = None
    carry_at: int = -1                      # where the comment stood in the text, if anywhere
    _values: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.source

    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = self.document.unwrap()
        return self._values

    @property
    def entries(self) -> list[Entry]:
        """The top-level keys in the file's order, each with the comments above it."""
        return _layout(self.source, self.values())[1]

    @property
    def lead(self) -> str:
        """The comment lines above the first key."""
        return _layout(self.source, self.values())[0]

    def raw(self, key: str) -> str | None:
        """The value of top-level ``key`` exactly as the file spells it (a string's quotes
        included), or None."""
        item = self.document.get(key) if key in self.values() else None
        text = item.as_string() if item is not None and hasattr(item, "as_string") else None
        return text if text and text in self.source else None

    def entry(self, key: str) -> Entry | None:
        if key not in self.values():
            return None
        quoted = re.escape(key) if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f"[\"']{re.escape(key)}[\"']"
        match = re.search(rf"(?m)^[ \t]*(?:{quoted})[ \t]*[=.].*$|^[ \t]*\[\[?[ \t]*{quoted}[ \t]*[.\]].*$",
                          self.source)
        line = self.source.count("\n", 0, match.start()) + 1 if match else 1
        return Entry(key, self.values()[key], line, match.group(0) if match else "")

    def render(self, items: Iterable[tuple[str, Any]], carry_text: str | None = None) -> str:
        """The table holding ``items``: values that did not change keep their bytes (and the
        comments around them); ``carry_text`` (comment lines) goes where the file's own carry
        stood, else at the end."""
        import tomlkit

        from .values import same_value
        items = list(items)
        old = self.values()
        wanted = dict(items)
        if list(wanted) == list(old) and all(same_value(old[k], v) for k, v in items):
            text = self.source
        else:
            document = tomlkit.parse(self.source)
            for key in [k for k in document if k not in wanted]:
                del document[key]
            for key, value in items:
                if key not in old or not same_value(old[key], value):
                    document[key] = item(value, like=document.get(key))
            text = tomlkit.dumps(document)
            if self.newline != "\n" and "\r\n" not in text:
                text = text.replace("\n", self.newline)
        return _with_carry(text, carry_text, self.carry_at if text is self.source else -1, self.newline)


_KEY_LINE = re.compile(r"""^[ \t]*(?:\[\[?[ \t]*)?("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)""")


def _layout(source: str, values: dict[str, Any]) -> tuple[str, list[Entry]]:
    """(lead comments, entries): which top-level key each line starts, outside multi-line
    strings; an entry's ``gap`` is the comment lines after it, up to the next key (as YAML's)."""
    lead, entries, by_key, comments = "", [], {}, []
    in_string, last, in_table = None, None, False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if in_string:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(line)
            continue
        match = _KEY_LINE.match(line) if stripped and (stripped.startswith("[") or not in_table) else None
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_string = quote
        if match is None:
            if stripped:
                comments.clear()        # comments inside a table: not of a top-level key
            continue
        key = match.group(1).strip("\"'")
        gap, comments = "".join(comments), []
        if last is None:
            lead += gap
        else:
            last.gap += gap
        in_table = stripped.startswith("[")
        if key not in by_key and key in values:
            by_key[key] = Entry(key, values[key], number, line.rstrip("\r\n"))
            entries.append(by_key[key])
        last = by_key.get(key, last)
    if last is not None:
        last.gap += "".join(comments)
    return lead, entries


def _with_carry(text: str, carry_text: str | None, at: int, newline: str) -> str:
    if not carry_text:
        return text
    if 0 <= at <= len(text):
        return text[:at] + carry_text + text[at:]
    return text + ("" if text.endswith(("\n", "\r")) or not text else newline) + carry_text


def item(value: Any, like: Any = None) -> Any:
    """``value`` as a tomlkit item: a text of several lines as a multi-line string whose first
    line is its own (a TOML reader drops that first line break), tables as tables; a one-line
    text replacing a 'literal' string stays literal where it can (decided here, not left to the
    tomlkit release: 0.15 began keeping the old quoting, earlier ones did not)."""
    import tomlkit
    if isinstance(value, str) and "\n" in value:
        return tomlkit.parse("v = " + multiline(value))["v"]
    if isinstance(value, str):          # a literal holds no quote and no control but a tab
        literal = _is_literal(like) and "'" not in value and not _CONTROL.search(value)
        return tomlkit.string(value, literal=literal)
    return value


def _is_literal(like: Any) -> bool:
    from tomlkit.items import String
    raw = like.as_string() if isinstance(like, String) else ""
    return raw.startswith("'") and not raw.startswith("'''")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def multiline(text: str) -> str:
    """A basic multi-line TOML string holding exactly ``text``."""
    body = text.replace("\\", "\\\\").replace('"""', '""\\"')
    body = _CONTROL.sub(lambda m: "\\r" if m.group() == "\r" else f"\\u{ord(m.group()):04x}", body)
    if body.endswith('"'):
        body = body[:-1] + '\\"'          # four quotes in a row would close the string early
    return '"""\n' + body + '"""'


def fresh(items: Iterable[tuple[str, Any]], newline: str = "\n", carry_text: str | None = None) -> str:
    """A new file holding ``items`` in order (TOML puts tables after plain keys)."""
    import tomlkit
    document = tomlkit.document()
    for key, value in items:
        document[key] = item(value)
    text = tomlkit.dumps(document)
    text += "" if text.endswith("\n") or not text else "\n"
    if newline != "\n":
        text = text.replace("\n", newline)
    return _with_carry(text, carry_text, -1, newline)


may_hold_keys = may_hold_toml_keys       # the cheap sniff lives with the claim gates


def parse(text: str, *, path: str | None = None, first_line: int = 1) -> TomlBlock:
    import tomlkit
    from tomlkit.exceptions import ParseError as TomlError
    source, carry, at = _extract_carry(text)
    try:
        document = tomlkit.parse(source)
    except TomlError as exc:
        raise ParseError(f"invalid TOML: {exc}", path=path, line=getattr(exc, "line", 1) + first_line - 1,
                         column=getattr(exc, "col", None), hint="check the quotes and the '=' near there") from None
    return TomlBlock(source, document, "\r\n" if "\r\n" in text else "\n", carry=carry, carry_at=at)


def _extract_carry(text: str) -> tuple[str, Any, int]:
    """(the text without agentconv's comment, the comment parsed, where it stood). Only whole
    comment lines at the top level count; the comment is parsed, not trusted (see carry.py)."""
    if "agentconv" not in text:
        return text, None, -1
    from ..carry import is_carry_comment, parse_lines
    lines = text.splitlines(keepends=True)
    offset = 0
    for n, line in enumerate(lines):
        content = _comment_content(line)
        if content is None or not is_carry_comment(content):
            offset += len(line)
            continue
        end = n + 1
        while end < len(lines):
            more = _comment_content(lines[end])
            if more is None or not (more[:1] in (" ", "\t") or is_carry_comment(more)):
                break
            end += 1
        carry = parse_lines([c for x in lines[n:end] if (c := _comment_content(x)) is not None])
        if carry is None:
            offset += len(line)
            continue
        carry.text = "".join(lines[n:end])
        remaining = text[:offset] + text[offset + len(carry.text):]
        if not _same_values(text, remaining):       # comment-like lines of a multi-line string
            offset += len(line)
            continue
        return remaining, carry, offset
    return text, None, -1


def _comment_content(line: str) -> str | None:
    stripped = line.rstrip("\r\n")
    if not stripped.startswith("#"):
        return None
    return stripped[2:] if stripped.startswith("# ") else stripped[1:]


def _same_values(text: str, other: str) -> bool:
    import tomllib
    try:
        return tomllib.loads(text) == tomllib.loads(other)
    except ValueError:
        return False
