"""YAML front matter with spans: parse into entries that remember their exact text (writing,
which re-renders only the entries whose value changed, is in yamlwrite)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ParseError
from ..lazyre import compile_later
from ..structs import field, struct
from .pyyaml import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_EXAMPLE_LABELS = {"context", "user", "assistant", "commentary", "human", "example", "examples"}


class Loader(_BaseLoader):  # type: ignore[misc,valid-type]  # the C loader when PyYAML has it
    """Safe loader with YAML 1.2 booleans (only true/false) and no date coercion."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
for _first in list(Loader.yaml_implicit_resolvers):
    Loader.yaml_implicit_resolvers[_first] = [
        (tag, rx) for tag, rx in Loader.yaml_implicit_resolvers[_first] if tag != "tag:yaml.org,2002:bool"]
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                             list("tTfF"))


@struct
class Entry:
    key: str
    text: str            # the entry's own lines, exactly as in the source
    value: Any
    line: int            # 1-based line of the key in the file
    gap: str = ""        # blank / comment lines after the value, kept with it


@struct
class Block:
    """A parsed front-matter mapping and its trivia."""

    lead: str = ""
    entries: list[Entry] = field(default_factory=list)
    mode: str = "yaml"               # yaml | repaired | lenient
    carry: Any = None                # the agentconv comment (carry.Carry), if any
    carry_slot: tuple[int, int] | None = None   # (entry index or -1 for lead, offset in its trivia)
    newline: str = "\n"

    def values(self) -> dict[str, Any]:
        return {e.key: e.value for e in self.entries}

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def render(self, items: Iterable[tuple[str, Any]], carry_text: str | None = None) -> str:
        """The block holding ``items`` (formats/block.py): unchanged entries keep their bytes."""
        from .yamlwrite import dump_block
        return dump_block(list(items), self, self.newline, carry_text)


# ----------------------------------------------------------------------------------- parsing

def load_yaml(text: str, *, path: str | None = None, first_line: int = 1) -> tuple[Any, Any]:
    """Compose and construct one YAML document; return (node, value)."""
    try:
        node = _compose(text, first_line)
        if node is None:
            return None, None
        return node, _construct(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"invalid YAML: {exc.problem or exc.context}", path=path,
                         line=(mark.line + first_line) if mark else None,
                         column=(mark.column + 1) if mark else None,
                         hint="quote the value (\"...\") or use a block scalar (|)") from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", path=path, line=first_line) from None
    except ParseError as exc:
        exc.located(path)
        raise


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    """A node only the full constructor knows how to build (merge keys, other tags)."""


def _construct(node: Any) -> Any:
    """What Loader.construct_document gives, built directly for the maps, lists and strings
    front matter is made of; anything else (merge keys, numbers, tags, errors) goes through
    the full constructor from the top, so results and errors are the same."""
    try:
        return _plain_tree(node)
    except (_Unusual, RecursionError):
        pass
    constructor = Loader("")
    try:
        return constructor.construct_document(node)
    finally:
        constructor.dispose()


def _plain_tree(node: Any) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode and node.tag == _STR:
        return node.value
    if kind is yaml.MappingNode and node.tag == _MAP:
        mapping = {}
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.tag != _STR:
                raise _Unusual
            mapping[key.value] = _plain_tree(value)
        return mapping
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain_tree(item) for item in node.value]
    raise _Unusual


def _compose(text: str, first_line: int) -> Any:
    """The node of ``text``; an error's line counts from ``first_line``."""
    try:
        return _composed(text)
    except ParseError as exc:
        line = exc.line + first_line if exc.line is not None else None
        raise ParseError(exc.message, path=exc.path, line=line, hint=exc.hint) from None


_NODES: OrderedDict[str, Any] = OrderedDict()
_NODES_KEPT = 64


def _composed(text: str) -> Any:
    """The node of ``text``, composed once: detection, reading and the tool's own reading
    compose the same front matter (the node does not depend on where the text starts; errors
    are never cached). Values are still constructed per call, so no two documents share
    mutable objects. A tool's split that leaves out the final line break gets the node of the
    text with it, unless a block scalar ends the text (its value would keep that break)."""
    node = _NODES.get(text, _NOT_KEPT)
    if node is _NOT_KEPT and text and text[-1] not in "\r\n":
        with_break = _NODES.get(text + "\n", _NOT_KEPT)
        if with_break is not _NOT_KEPT and not _ends_in_block_scalar(with_break):
            node = with_break
    if node is _NOT_KEPT:
        node = _compose_fresh(text)
    _NODES[text] = node
    _NODES.move_to_end(text)
    if len(_NODES) > _NODES_KEPT:
        _NODES.popitem(last=False)
    return node


_NOT_KEPT = object()


def _ends_in_block_scalar(node: Any) -> bool:
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if not node.value:
            return False
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def _compose_fresh(text: str) -> Any:
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if _may_alias_or_nest_deep(text):
            _refuse_aliases(node, None, 0)
        return node
    finally:
        loader.dispose()


#: agent files never nest deeper; pydantic and json have limits of their own not far above
MAX_DEPTH = 64


def _may_alias_or_nest_deep(text: str) -> bool:
    """False when the text can hold neither: an alias is always written ``*name``, and each
    level of nesting needs one indicator of its own (``:`` ``-`` ``?`` ``[`` ``{``)."""
    return "*" in text or sum(text.count(c) for c in ":-?[{") > MAX_DEPTH


def _refuse_aliases(node: Any, path: str | None, first_line: int) -> None:
    """Agents never need anchors or deep nesting: refusing aliases defuses alias bombs, and
    the depth limit keeps every later step (validation, serialisation) within its limits."""
    seen: set[int] = set()
    stack = [(node, 0)] if node is not None else []
    while stack:
        current, depth = stack.pop()
        if id(current) in seen:
            raise ParseError("YAML aliases (*name) are not supported in agent files", path=path,
                             line=current.start_mark.line + first_line,
                             hint="write the value out instead of referring to an anchor")
        if depth > MAX_DEPTH:
            raise ParseError(f"the front matter nests more than {MAX_DEPTH} levels deep", path=path,
                             line=current.start_mark.line + first_line,
                             hint="agent files never need this much nesting")
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in current.value)


#: the nodes a file may expand to through its aliases (a file of hundreds of Roo modes that
#: share their groups by anchor stays far below; a billion-laughs file is far above)
MAX_EXPANDED = 1_000_000


def refuse_alias_bombs(node: Any, path: str | None, first_line: int = 1) -> None:
    """For files whose aliases are read (a list of modes sharing ``groups: *id001``): refuse
    one whose aliases would expand it past MAX_EXPANDED nodes or MAX_DEPTH levels, counted
    without expanding (each node's size once)."""
    if node is None:
        return
    size: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    order: list[Any] = []
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:                                    # post-order, each distinct node once
        current, done = stack.pop()
        key = id(current)
        if done:
            children = _children(current)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth_of[key] = 1 + max((depth_of[id(c)] for c in children), default=0)
            if size[key] > MAX_EXPANDED or depth_of[key] > MAX_DEPTH:
                raise ParseError("the file's YAML aliases (*name) expand it beyond any agent file", path=path,
                                 line=current.start_mark.line + first_line,
                                 hint="write the values out instead of referring to anchors")
            continue
        if key in size or key in depth_of:
            continue
        depth_of[key] = MAX_DEPTH + 1                 # a node reached again while open is a cycle
        stack.append((current, True))
        stack.extend((c, False) for c in _children(current) if id(c) not in size)
        order.append(current)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def nesting_depth(value: Any) -> int:
    """How deep lists and dicts nest in a plain value (a carry payload)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return deepest


def top_level_values(text: str) -> dict[str, Any] | None:
    """The text-keyed top-level values of a YAML mapping as strict YAML reads it (none for
    another value); None when it is not strict YAML."""
    try:
        _, value = load_yaml(text)
    except ParseError:
        return None
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str)}


def parse_block(text: str, *, path: str | None = None, first_line: int = 2, newline: str = "\n",
                repair: Callable[[str], str] | None = None, known_keys: Iterable[str] = ()) -> tuple[Block, list[str]]:
    """Parse front-matter text into a Block; returns (block, warnings).

    Tries strict YAML, then the dialect's own repair (the one the real tool applies), then a
    lenient scan in which a value runs to the next known top-level key.
    """
    warnings: list[str] = []
    try:
        node, value = load_yaml(text, path=path, first_line=first_line)
        mode = "yaml"
    except ParseError as strict_error:
        if repair is None:
            raise
        try:
            node, value = load_yaml(repair(text), path=path, first_line=first_line)
            mode = "repaired"
            if _looks_like_example_keys(node):
                raise strict_error
        except ParseError:
            block = _lenient_block(text, first_line, newline, set(known_keys), path, strict_error)
            warnings.append("front matter is not valid YAML even after the tool's own repair; read "
                            "leniently (each value runs to the next known key)")
            return _extract_carry(block), warnings
    if node is None or (isinstance(value, str) and not value.strip()):
        return _extract_carry(Block(lead=text, newline=newline, mode=mode)), warnings
    if not isinstance(node, yaml.MappingNode):
        raise ParseError("front matter is not a mapping of keys to values", path=path,
                         line=node.start_mark.line + first_line, column=node.start_mark.column + 1,
                         hint="write one 'key: value' per line between the --- lines")
    block = _block_from_node(text, node, value, first_line, newline, path)
    block.mode = mode
    return _extract_carry(block), warnings


def _looks_like_example_keys(node: Any) -> bool:
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(k.value, str) and k.value.lower() in _EXAMPLE_LABELS for k, _ in node.value)


def _block_from_node(text: str, node: yaml.MappingNode, value: dict[str, Any], first_line: int, newline: str,
                     path: str | None) -> Block:
    lines = text.splitlines(keepends=True)
    starts = [k.start_mark.line for k, _ in node.value]
    keys = [k.value for k, _ in node.value]
    for key_node, _ in node.value:
        if not isinstance(key_node.value, str) or key_node.value not in value:
            raise ParseError(f"the key {key_node.value} is not text to YAML (a number, boolean or null)", path=path,
                             line=key_node.start_mark.line + first_line, column=key_node.start_mark.column + 1,
                             hint="quote the key, e.g. \"1\": ...")
    _refuse_duplicates(keys, starts, first_line, path)
    if len(set(starts)) != len(starts):        # flow mapping or several keys on one line
        only = Entry("", text, value, first_line)
        return Block(entries=[only], newline=newline, mode="flow")
    block = Block(lead="".join(lines[:starts[0]]), newline=newline)
    for i, (key_node, value_node) in enumerate(node.value):
        start = starts[i]
        stop = starts[i + 1] if i + 1 < len(starts) else len(lines)
        end = value_node.end_mark.line + (1 if value_node.end_mark.column > 0 else 0)
        end = max(start + 1, min(end, stop))
        end = _trim_trailing_trivia(lines, start + 1, end, value_node)
        block.entries.append(Entry(key_node.value, "".join(lines[start:end]), value[key_node.value],
                                   start + first_line, "".join(lines[end:stop])))
    return block


def _trim_trailing_trivia(lines: list[str], low: int, end: int, value_node: Any) -> int:
    if getattr(value_node, "style", None) in ("|", ">"):
        return end                     # inside a block scalar '#' lines and blank lines are content
    while end > low and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _refuse_duplicates(keys: list[Any], starts: list[int], first_line: int, path: str | None) -> None:
    seen: dict[Any, int] = {}
    for key, line in zip(keys, starts, strict=True):
        if key in seen:
            raise ParseError(f"key {key!r} appears twice (first on line {seen[key] + first_line})",
                             path=path, line=line + first_line, column=1,
                             hint="keep one of them: tools disagree on which one wins")
        seen[key] = line


_KEY_LINE = compile_later(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]|$)")


def _lenient_block(text: str, first_line: int, newline: str, known: set[str], path: str | None,
                   error: ParseError) -> Block:
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines)
              if (m := _KEY_LINE.match(line)) and m.group(1) in known]
    if not starts:
        raise error
    block = Block(lead="".join(lines[:starts[0]]), newline=newline, mode="lenient")
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(lines)
        end = stop
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        entry_text = "".join(lines[start:end])
        key = _KEY_LINE.match(lines[start]).group(1)  # type: ignore[union-attr]  # starts are such lines
        block.entries.append(Entry(key, entry_text, _lenient_value(entry_text, key),
                                   start + first_line, "".join(lines[end:stop])))
    return block


def _lenient_value(entry_text: str, key: str) -> Any:
    try:
        _, value = load_yaml(entry_text)
        if isinstance(value, dict) and list(value) == [key]:
            return value[key]
    except ParseError:
        pass
    first, *rest = entry_text.split(":", 1)[1].splitlines() or [""]
    paragraphs: list[list[str]] = [[first.strip()]]
    for line in rest:
        if line.strip():
            paragraphs[-1].append(line.strip())
        else:
            paragraphs.append([])
    return "\n".join(" ".join(p for p in para if p) for para in paragraphs if para).strip()


def _extract_carry(block: Block) -> Block:
    """Take the agentconv comment out of the trivia (lead or an entry's trailing lines),
    remembering where it stood and its exact text; it is parsed, not trusted (see carry.py)."""
    from ..carry import is_carry_comment, parse_lines
    slots = [(-1, block.lead)] + [(i, e.gap) for i, e in enumerate(block.entries)]
    for index, trivia in slots:
        if "# agentconv" not in trivia:
            continue
        lines = trivia.splitlines(keepends=True)
        offset = 0
        for n, line in enumerate(lines):
            content = _comment_content(line)
            if content is None or not is_carry_comment(content):
                offset += len(line)
                continue
            taken = [content]
            end = n + 1
            while end < len(lines):
                more = _comment_content(lines[end])
                if more is None or not (more[:1] in (" ", "\t") or is_carry_comment(more)):
                    break
                taken.append(more)
                end += 1
            carry = parse_lines(taken)
            if carry is None:
                offset += len(line)
                continue
            text = "".join(lines[n:end])
            carry.text = text
            remaining = trivia[:offset] + trivia[offset + len(text):]
            if index < 0:
                block.lead = remaining
            else:
                block.entries[index].gap = remaining
            block.carry, block.carry_slot = carry, (index, offset)
            return block
    return block


def _comment_content(line: str) -> str | None:
    stripped = line.rstrip("\r\n")
    if not stripped.startswith("#"):
        return None
    return stripped[2:] if stripped.startswith("# ") else stripped[1:]
