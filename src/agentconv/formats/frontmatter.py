"""Split a markdown file into front matter and body, keeping every byte of both."""

from __future__ import annotations

import re

from ..errors import ParseError
from ..structs import struct

_OPEN = re.compile(r"---[ \t]*(\r?\n)")
# Real files close with a longer rule (`-----…`) now and then; Claude's own regex accepts it.
_CLOSE = re.compile(r"-{3,}[ \t]*(\r?\n|\Z)")


@struct
class Split:
    opening: str          # "---\n" exactly as written
    yaml: str             # text between the delimiters
    closing: str          # the closing rule with its line end ("" at EOF without newline is kept)
    body: str             # everything after, verbatim
    yaml_line: int        # 1-based line number of the first front-matter line
    newline: str          # the opening line's newline, used for lines we add


def has_front_matter(text: str) -> bool:
    return _OPEN.match(text) is not None


def closed(text: str) -> bool:
    """Whether ``text`` opens front matter and closes it (a YAML file may start with ``---``)."""
    try:
        return split(text) is not None
    except ParseError:
        return False


def newline_of(text: str) -> str:
    index = text.find("\n")
    return "\r\n" if index > 0 and text[index - 1] == "\r" else "\n"


def split(text: str, path: str | None = None) -> Split | None:
    """Return the parts of a front-matter file, or None when there is no front matter."""
    opening = _OPEN.match(text)
    if not opening:
        return None
    pos = opening.end()
    while pos <= len(text):
        end = text.find("\n", pos)
        line_end = len(text) if end < 0 else end + 1
        close = _CLOSE.match(text, pos)
        if close and close.end() == line_end:
            return Split(opening.group(0), text[opening.end():pos], text[pos:line_end], text[line_end:],
                         2, opening.group(1))
        if end < 0:
            break
        pos = line_end
    raise ParseError("front matter opened with '---' is never closed", path=path, line=1, column=1,
                     hint="add a line '---' after the last front-matter key")
