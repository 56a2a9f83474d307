"""A list of mappings with spans, in a YAML or JSON file: the ``Block`` interface
(formats/block.py) for each item of a sequence (Roo Code's ``customModes:`` list).

The file is composed once (PyYAML's C composer; JSON is YAML here), so a large file is read in
linear time. Each item keeps its exact text; its mapping is parsed as a block of its own (YAML
front-matter blocks, or JSON objects), so writing an unchanged item gives its bytes and an edit
re-renders only the entries that changed. Everything around the items (other keys, comments,
the blank lines between items) stays as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from ..errors import ParseError
from ..structs import field, struct
from . import jsonsrc, yamlsrc, yamlwrite
from .pyyaml import yaml

if TYPE_CHECKING:
    from ..losses import Diagnostic

_DASH = re.compile(r"[ \t]*-[ \t]+$")


@struct
class Item:
    """One mapping of the list: its text (YAML: dedented to column 0; JSON: the object) and
    its block, with where it stands in the file."""

    text: str
    block: Any                      # yamlsrc.Block | jsonsrc.JsonBlock
    line: int                       # 1-based line of its first key
    start: int = 0                  # offsets of its own text in the file
    end: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)


@struct
class ItemList:
    """The list in a file: the file's text, where the items sit, the syntax they are in."""

    source: str
    items: list[Item]
    spans: list[tuple[int, int]]    # each item's own bytes in ``source``
    start: int                      # where the list's items begin and end in ``source``
    end: int
    syntax: str                     # "yaml" (a block sequence), "json" (a flow list), "root"
    #: YAML: the text before an item's first key ("  - ") and the indent of its other lines
    dash: str = "  - "
    indent: str = "    "
    newline: str = "\n"

    def original(self, index: int) -> str:
        start, end = self.spans[index]
        return self.source[start:end]

    def separator(self, index: int) -> str:
        """The text between item ``index - 1`` and item ``index`` (comments, blank lines)."""
        return self.source[self.spans[index - 1][1]:self.spans[index][0]]


def parse(text: str, at: str, *, path: str | None = None, bare_key: str | None = None) -> ItemList:
    """The list under the top-level key ``at``; a file that is one mapping holding
    ``bare_key`` is read as a list of that one mapping (``syntax="root"``)."""
    node = _node(text, path)
    newline = "\r\n" if "\r\n" in text else "\n"
    if not isinstance(node, yaml.MappingNode):
        raise ParseError(f"not a mapping with {at!r}", path=path, line=1,
                         hint=f"write the agents as a list under '{at}:'")
    seq = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == at), None)
    if seq is None and bare_key is not None and any(k.value == bare_key for k, _ in node.value):
        return _root(text, node, path, newline)
    if not isinstance(seq, yaml.SequenceNode):
        line = (seq.start_mark.line + 1) if seq is not None else 1
        raise ParseError(f"no list {at!r} holding the agents", path=path, line=line,
                         hint=f"write the agents as a list under '{at}:'")
    if seq.flow_style and not seq.value and not text.lstrip().startswith("{"):
        # `key: []` in a YAML file: items given to it are written as a block list
        return ItemList(text, [], [], seq.start_mark.index, seq.end_mark.index, "yaml", newline=newline)
    if seq.flow_style:
        return _flow(text, seq, path, newline)
    return _block(text, seq, path, newline)


def _node(text: str, path: str | None) -> Any:
    try:
        loader = yamlsrc.Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        yamlsrc.refuse_alias_bombs(node, path)
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"invalid YAML: {exc.problem or exc.context}", path=path,
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         hint="quote the value (\"...\") or use a block scalar (|)") from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", path=path, line=1) from None


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _block(text: str, seq: yaml.SequenceNode, path: str | None, newline: str) -> ItemList:
    starts = _line_starts(text)

    def offset(line: int) -> int:
        return starts[line] if line < len(starts) else len(text)

    items, spans = [], []
    dash, indent = "  - ", "    "
    for n, node in enumerate(seq.value):
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            raise ParseError("an item of the list is not a mapping of keys", path=path,
                             line=node.start_mark.line + 1, hint="write each item as '- key: value' lines")
        first = node.start_mark.line
        lead = text[starts[first]:node.start_mark.index]
        if not _DASH.fullmatch(lead):
            raise ParseError("an item's first key is not on the line of its '-'", path=path, line=first + 1,
                             hint="write each item as '- key: value'")
        end_line = _end_line(node, text, starts)
        start, end = starts[first], offset(end_line)
        if n == 0:
            dash, indent = lead, " " * len(lead)
        own = _dedent(text[start:end], len(lead))
        items.append(Item(own, _item_block(own, node, first, newline, path), first + 1, start, end))
        spans.append((start, end))
    begin = spans[0][0] if spans else seq.start_mark.index
    finish = spans[-1][1] if spans else seq.end_mark.index
    return ItemList(text, items, spans, begin, finish, "yaml", dash, indent, newline)


def _item_block(own: str, node: yaml.MappingNode, first: int, newline: str, path: str | None) -> Any:
    """The item's block, from the file's own node (no second parse; an alias ``*id001`` to an
    anchor of another item is resolved already): its marks are moved to the item's lines."""
    shifted = cast(yaml.MappingNode, _Shifted(node, first))     # the node as _block_from_node reads it
    return yamlsrc._block_from_node(own, shifted, yamlsrc._construct(node), first + 1, newline, path)


class _Shifted:
    """A mapping node seen from its item's first line (``_block_from_node`` reads only the
    keys, the lines of the marks and the value's style)."""

    def __init__(self, node: yaml.MappingNode, first: int):
        self.value = [(_Mark(k, first), _Mark(v, first)) for k, v in node.value]


class _Mark:
    def __init__(self, node: Any, first: int):
        self.value, self.style = node.value, getattr(node, "style", None)
        self.start_mark = _At(node.start_mark.line - first, node.start_mark.column)
        self.end_mark = _At(node.end_mark.line - first, node.end_mark.column)


@struct
class _At:
    line: int
    column: int


_ANCHOR = re.compile(r"&([A-Za-z0-9_-]+)")
_ALIAS = re.compile(r"\*([A-Za-z0-9_-]+)")


def resolved(item: Item, anchors: set[str]) -> str:
    """The item with its aliases to other items' anchors written out (to stand alone)."""
    from .yamlwrite import render_entry
    parts = [item.block.lead]
    for entry in item.block.entries:
        names = (set(_ALIAS.findall(entry.text)) & anchors) - set(_ANCHOR.findall(entry.text))
        parts.append((render_entry(entry.key, entry.value, item.block.newline) if names else entry.text) + entry.gap)
    return "".join(parts)


def anchors_of(text: str) -> set[str]:
    return set(_ANCHOR.findall(text)) if "&" in text else set()


def _end_line(node: yaml.MappingNode, text: str, starts: list[int]) -> int:
    """The line after the item's last value. A block collection ends where the next token
    starts (after comments and blank lines, which are the list's): its last scalar ends it."""
    last, key = node, None
    while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and not last.flow_style and last.value:
        if isinstance(last, yaml.MappingNode):
            key, last = last.value[-1]
        else:
            last = last.value[-1]
    if key is not None and last.start_mark.index < key.start_mark.index:
        return _alias_end(key, text, starts)
    return last.end_mark.line + (1 if last.end_mark.column > 0 else 0)


def _alias_end(key: yaml.Node, text: str, starts: list[int]) -> int:
    """An alias (``groups: *g``) carries the marks of the node it names, elsewhere in the file:
    the value ends with the lines indented deeper than its key."""
    line = key.start_mark.line + 1
    while line < len(starts):
        row = text[starts[line]:starts[line + 1] if line + 1 < len(starts) else len(text)]
        if not row.strip() or len(row) - len(row.lstrip(" ")) <= key.start_mark.column:
            break
        line += 1
    return line


def _dedent(text: str, width: int) -> str:
    lines = text.splitlines(keepends=True)
    pad = " " * width
    return lines[0][width:] + "".join(l[width:] if l.startswith(pad) else l.lstrip(" ") for l in lines[1:])


def indented(text: str, dash: str, indent: str) -> str:
    """A dedented item as an item of a block list (its first line after ``dash``)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return ""
    # blank as YAML sees it: a line of a no-break space is text, and must keep the indent
    return dash + lines[0] + "".join(indent + l if l.strip(" \t\r\n") else l for l in lines[1:])


def _flow(text: str, seq: yaml.SequenceNode, path: str | None, newline: str) -> ItemList:
    items, spans = [], []
    for node in seq.value:
        if not isinstance(node, yaml.MappingNode):
            raise ParseError("an item of the list is not an object", path=path, line=node.start_mark.line + 1,
                             hint="write each item as an object {...}")
        start, end = node.start_mark.index, node.end_mark.index
        own = text[start:end]
        block = _json_block(own, path, node.start_mark.line)
        items.append(Item(own, block, node.start_mark.line + 1, start, end))
        spans.append((start, end))
    inner = seq.start_mark.index + 1
    begin = spans[0][0] if spans else inner
    finish = spans[-1][1] if spans else inner
    return ItemList(text, items, spans, begin, finish, "json", newline=newline)


def _json_block(own: str, path: str | None, line: int) -> jsonsrc.JsonBlock:
    try:
        block, _, _ = jsonsrc.parse(own, path=path)
    except ParseError as exc:
        raise ParseError(exc.message, path=path, line=(exc.line or 1) + line, column=exc.column,
                         hint="write each item as a JSON object") from None
    for entry in block.entries:
        entry.line += line
    return block


def _root(text: str, node: yaml.MappingNode, path: str | None, newline: str) -> ItemList:
    starts = _line_starts(text)
    first = node.value[0][0].start_mark.line
    end_line = _end_line(node, text, starts)
    start = starts[first]
    end = starts[end_line] if end_line < len(starts) else len(text)
    own = text[start:end]
    block = _item_block(own, node, first, newline, path)
    return ItemList(text, [Item(own, block, first + 1, start, end)], [(start, end)], start, end, "root",
                    dash="", indent="", newline=newline)


# -- writing ------------------------------------------------------------------------------------

def file_value(text: str, path: str | None = None) -> Any:
    """The whole file's value, its aliases to anchors resolved (bounded: ``_node``)."""
    if text.lstrip().startswith(("{", "[")):
        return json.loads(text)
    node = _node(text, path)
    return None if node is None else yamlsrc._construct(node)


def value_of(text: str) -> Any:
    """The mapping an item's text holds (YAML or JSON)."""
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return yamlsrc.load_yaml(text)[1]


def render_item(block: Any, items: Iterable[tuple[str, Any]], render: Any = None) -> str:
    """An item's text holding ``items``: its unchanged entries keep their bytes."""
    items = list(items)
    if isinstance(block, jsonsrc.JsonBlock):
        return block.render(items)
    if block is None:
        return yamlwrite.dump_block(items, None, "\n", render=render)
    return yamlwrite.dump_block(items, block, block.newline, render=render)


def as_syntax(text: str, syntax: str, style: jsonsrc.Style, at: str) -> str:
    """An item written in one syntax (a fresh YAML item, a JSON object) as the list's own."""
    is_json = text.lstrip().startswith("{")
    if (syntax == "json") == is_json:
        return text
    value = value_of(text)
    if syntax == "json":
        return style.dumps(value, at)
    return yamlwrite.dump_block(list(value.items()), None, "\n")


def spliced(found: ItemList, members: list[tuple[str, str]], keys: list[str]) -> str:
    """The file with its items replaced by ``members`` (key, item text); ``keys`` name the
    file's items. An item the file holds keeps its bytes, and a changed one the separator
    (comments, blank lines) that stood before it."""
    place = {k: n for n, k in enumerate(keys)}
    parts = []
    for i, (key, text) in enumerate(members):
        n = place.get(key)
        if n is not None and found.items[n].text == text:
            own = found.original(n)
        elif found.syntax == "yaml":
            own = _newlines(indented(text, found.dash, found.indent), found.newline)
        else:
            own = text
        if i:
            parts.append(_separator(found, n, i))
            if found.syntax == "yaml" and not parts[-2].endswith("\n") and not parts[-1]:
                parts[-1] = found.newline
        parts.append(own)
    body = "".join(parts)
    if found.syntax == "yaml" and not found.items:
        return _into_empty(found, body)
    if found.syntax == "json" and not found.items and body:
        body = found.newline + _json_indent(found) + body + found.newline + _json_indent(found)[:-2]
    return found.source[:found.start] + body + found.source[found.end:]


def _separator(found: ItemList, n: int | None, i: int) -> str:
    if n is not None and n > 0:
        return found.separator(n)
    if found.syntax == "json":
        return found.separator(1) if len(found.items) > 1 else "," + found.newline + _json_indent(found)
    return ""


def _json_indent(found: ItemList) -> str:
    if found.items:
        start = found.spans[0][0]
        return found.source[found.source.rfind("\n", 0, start) + 1:start]
    return "    "


def _into_empty(found: ItemList, body: str) -> str:
    """``key: []`` given items: the flow list becomes a block list."""
    if not body:
        return found.source
    rest = found.source[found.end:]
    rest = rest[len(found.newline):] if rest.startswith(found.newline) else rest
    return found.source[:found.start].rstrip(" ") + found.newline + body + rest


def _newlines(text: str, newline: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", newline) if newline != "\n" else text
