"""The one interface every block syntax (YAML front matter, a JSON object, ...) offers the
dialects: the entries of a parsed mapping with their spans, and span-preserving edits.

A dialect picks its splitter (front matter, a whole file, a member of a container), its block
syntax (a ``BlockSyntax``) and its carry codec; the engine only ever sees these methods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class BlockEntry(Protocol):
    key: str
    value: Any
    line: int            # 1-based line of the key in the file
    text: str            # the entry exactly as the file wrote it


class Block(Protocol):
    """A parsed mapping that remembers how it was written."""

    newline: str
    carry: Any           # the agentconv comment read from it (carry.Carry), or None

    def values(self) -> dict[str, Any]: ...

    def entry(self, key: str) -> BlockEntry | None: ...

    def render(self, items: Iterable[tuple[str, Any]], carry_text: str | None = None) -> str:
        """The block holding ``items`` (in order): an entry whose value is unchanged keeps its
        bytes, a changed one is re-rendered in the block's own style, a new one is added in it."""
        ...


class BlockSyntax(Protocol):
    """Parsing and fresh rendering of one block syntax."""

    #: whether the syntax has comments (a carry can ride in one); JSON has none
    has_comments: bool

    def parse(self, text: str, *, path: str | None = None, first_line: int = 1) -> Block: ...

    def fresh(self, items: Iterable[tuple[str, Any]], newline: str = "\n") -> str: ...
