"""TOML tables with spans: the ``Block`` interface (formats/block.py) for TOML, on tomlkit,
which keeps comments, whitespace, quoting and key order; imported only where a TOML block is
read (tomlkit is not needed to start the CLI).

An unchanged table writes back as the same bytes; an edit replaces only the values that changed
(tomlkit renders a new value in TOML's own style) and leaves every other line, comments
included, as it was. TOML has comments, so a carry can ride in one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..errors import ParseError


@dataclass
class Entry:
    key: str
    value: Any
    line: int
    text: str             # the line the key stands on


@dataclass
class TomlBlock:
    source: str = field(repr=False)
    document: Any = field(repr=False)
    newline: str = "\n"
    carry: Any = None
    _values: dict | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return self.source

    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = self.document.unwrap()
        return self._values

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
        comments around them); ``carry_text`` (comment lines) goes at the end."""
        import tomlkit
        from .jsonsrc import same_value
        items = list(items)
        old = self.values()
        wanted = dict(items)
        if list(wanted) == list(old) and all(same_value(old[k], v) for k, v in items) and not carry_text:
            return self.source
        document = tomlkit.parse(self.source)
        for key in [k for k in document if k not in wanted]:
            del document[key]
        for key, value in items:
            if key not in old or not same_value(old[key], value):
                document[key] = value
        text = tomlkit.dumps(document)
        if self.newline != "\n" and "\r\n" not in text:
            text = text.replace("\n", self.newline)
        if carry_text:
            text += ("" if text.endswith(("\n", "\r")) or not text else self.newline) + carry_text
        return text


def parse(text: str, *, path: str | None = None, first_line: int = 1) -> TomlBlock:
    import tomlkit
    from tomlkit.exceptions import ParseError as TomlError
    try:
        document = tomlkit.parse(text)
    except TomlError as exc:
        raise ParseError(f"invalid TOML: {exc}", path=path, line=getattr(exc, "line", 1) + first_line - 1,
                         column=getattr(exc, "col", None), hint="check the quotes and the '=' near there") from None
    return TomlBlock(text, document, "\r\n" if "\r\n" in text else "\n")
