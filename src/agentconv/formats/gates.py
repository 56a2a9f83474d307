"""Claim gates: what a text must show before a dialect can claim it (``Dialect.claim_gate``).

A gate is a tuple of clauses, any one of which lets the text through:

- ``("any",)`` / ``("never",)``
- ``("json",)``: the text opens with ``{``; ``("toml",)``: it can be a TOML document holding a key
- ``("no-front-matter",)``; ``("no-split",)``: no front matter with its closing line
- ``("keys", k, ...)``: front matter holding one of the keys
- ``("names", key, n, ...)``: the value under ``key`` (a list, or a comma-separated string)
  holds one of the names (compared stripped and case-blind)
- ``("mcp", key, prefix, sep)``: it holds an MCP tool spelled ``prefix SERVER sep TOOL``
- ``("list", key)``: the value under ``key`` is a list

A front-matter clause lets through every text whose front matter is not strict YAML (a
dialect's repair may read keys there). Detection checks the generated gates of every dialect
(``_dialectindex.py``) before importing it; each markdown claim checks its own gate on the
values it read with ``values_pass``, so a text a gate keeps out is claimed by nothing, by
construction. Cheap by design: no dialect, tomlkit or jsonschema is imported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from ..errors import ParseError

Clause = tuple[str, ...]
Gate = tuple[Clause, ...]

ANY: Gate = (("any",),)
_FRONT_MATTER_CLAUSES = frozenset({"keys", "names", "mcp", "list"})


def clauses(gate: Iterable[Any]) -> Gate:
    """The gate as clauses; a flat tuple (``("keys", "a", "b")``, as plugins may state it) is one."""
    gate = tuple(gate)
    if not gate:
        return ANY
    if isinstance(gate[0], str):
        return (tuple(gate),)
    return tuple(tuple(c) for c in gate)


def values_pass(gate: Iterable[Any], values: dict[str, Any]) -> bool:
    """Whether front matter read as ``values`` passes ``gate`` (clauses on other texts than
    front matter say nothing about it: they pass)."""
    return any(_clause_passes(clause, values) for clause in clauses(gate))


def _clause_passes(clause: Clause, values: dict[str, Any]) -> bool:
    kind = clause[0]
    if kind == "keys":
        return any(k in values for k in clause[1:])
    if kind == "names":
        wanted = {n.lower() for n in clause[2:]}
        return any(item.strip().lower() in wanted for item in _items(values.get(clause[1])))
    if kind == "mcp":
        prefix, sep = clause[2], clause[3]
        return any(item.startswith(prefix) and item[len(prefix):][:len(sep)] not in ("", sep)
                   for item in _items(values.get(clause[1])))
    if kind == "list":
        return isinstance(values.get(clause[1]), list)
    return kind != "never"


def _items(value: Any) -> list[str]:
    """A tool list as any dialect reads one: a list's strings, or a string's comma-separated parts."""
    if isinstance(value, str):
        return [value, *value.split(",")]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class GateFacts:
    """What the gates ask of one text, each found once and only when asked."""

    def __init__(self, text: str):
        self.text = text
        self._split: Any = _UNSET
        self._values: Any = _UNSET

    def passes(self, gate: Iterable[Any]) -> bool:
        return any(self._passes(clause) for clause in clauses(gate))

    def _passes(self, clause: Clause) -> bool:
        kind = clause[0]
        if kind in _FRONT_MATTER_CLAUSES:
            values = self.front_matter_values()
            return values is None or _clause_passes(clause, values)
        if kind == "json":
            return self.text.lstrip().startswith("{")
        if kind == "toml":
            return may_hold_toml_keys(self.text)
        if kind == "no-front-matter":
            from .frontmatter import has_front_matter
            return not has_front_matter(self.text)
        if kind == "no-split":
            return not self.split()
        return kind != "never"

    def split(self) -> Any:
        """The front matter's parts; None without one; False when it is never closed (each
        markdown dialect's claim raises that error)."""
        if self._split is _UNSET:
            from .frontmatter import split
            try:
                self._split = split(self.text)
            except ParseError:
                self._split = False
        return self._split

    def front_matter_values(self) -> dict[str, Any] | None:
        """The front matter's top-level values as strict YAML reads them (none for another
        value, or no front matter); None when it is not strict YAML."""
        if self._values is _UNSET:
            self._values = self._read_values()
        values: dict[str, Any] | None = self._values
        return values

    def _read_values(self) -> dict[str, Any] | None:
        found = self.split()
        if found is False:
            return None
        if found is None:
            return {}
        from .yamlsrc import top_level_values
        return top_level_values(found.yaml)


_UNSET: Any = object()

_BARE_OR_QUOTED = r"""(?:"[^"\r\n]*"|'[^'\r\n]*'|[A-Za-z0-9_-]+)"""
#: a line '---' alone, as front matter opens: a bare key with no '=' after it
_FRONT_MATTER_OPENINGS = ("---\n", "---\r", "\ufeff---\n", "\ufeff---\r")


def may_hold_toml_keys(text: str) -> bool:
    """Whether ``text`` can be a TOML document holding a key: its first line that is neither
    blank nor a comment opens a table or sets a key, as every such document's does. Cheap, so
    that telling a markdown file's dialect does not import tomlkit to see it fail (nor compile
    the patterns for a file that opens front matter)."""
    if text.startswith(_FRONT_MATTER_OPENINGS):
        return False
    blank_or_comment_lines, table_or_key = _toml_patterns()
    start = blank_or_comment_lines.match(text)
    return bool(table_or_key.match(text, start.end() if start else 0))


@cache
def _toml_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return (re.compile(r"\ufeff?(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n|\r))*"),
            re.compile(rf"[ \t]*(?:\[|{_BARE_OR_QUOTED}(?:[ \t]*\.[ \t]*{_BARE_OR_QUOTED})*[ \t]*=)"))
