"""Writing YAML front matter: fresh values in the house style, and whole blocks that reuse
the original text of every entry whose value did not change (see yamlsrc for reading)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..lazyre import AsciiFirst, compile_later
from .pyyaml import yaml
from .values import same_value as same_value  # also imported from here
from .yamlsrc import Block

_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class Dumper(_BaseDumper):  # type: ignore[misc,valid-type]  # the C dumper when PyYAML has it
    """House style for fresh values: block style, literal blocks for multi-line text."""

    def ignore_aliases(self, data: Any) -> bool:
        return True          # a value used twice must not become an anchor: the reader refuses aliases


#: line breaks of YAML's own besides \n and \r: PyYAML ends a literal block on one without the
#: final \n (the next key, or the closing '---', then joins its last line): double-quoted, escaped
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "---" in value or any(b in value for b in _UNICODE_BREAKS) \
        else "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _represent_str)


class AstralDumper(yaml.SafeDumper):
    """The same house style through PyYAML's Python emitter, for text holding characters past
    U+FFFF (emoji): libyaml escapes them (``"\\U0001F41B"``), the Python emitter writes them
    as they are, as YAML allows."""

    ignore_aliases = Dumper.ignore_aliases


AstralDumper.add_representer(str, _represent_str)



# no control characters, line breaks (YAML counts \x85 \u2028 \u2029) or BOM in a bare value
_PLAIN_SAFE = AsciiFirst("^[A-Za-z_/(][^\n\r\t#:'\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*$",
                         "^[A-Za-z_/(][^\n\r\t#:'\"\x00-\x1f\x7f]*$")


def _plain(value: str) -> bool:
    """A string that YAML (1.1 and 1.2) reads back as the same string when written bare."""
    if not _PLAIN_SAFE.match(value) or value != value.strip() or len(value) > 200:
        return False
    if value.lower() in ("yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"):
        return False
    return not any(rx.match(value) for rx in (_INTLIKE, _FLOATLIKE))


_INTLIKE = re.compile(r"^[-+]?[0-9_]+$")
_FLOATLIKE = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.inf|\.nan)$", re.I)
_KEY_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def render_entry(key: str, value: Any, newline: str = "\n") -> str:
    if _has_dash_run(key) or _has_dash_run(value):
        return break_dash_runs(_dump(key, value)).replace("\n", newline)
    if _KEY_SAFE.match(key):
        if isinstance(value, str) and _plain(value):
            return f"{key}: {value}{newline}"
        if isinstance(value, bool):
            return f"{key}: {'true' if value else 'false'}{newline}"
        if isinstance(value, int):
            return f"{key}: {value}{newline}"
    frozen = _frozen(value)
    text = _dumped(key, frozen) if frozen is not None else _dump(key, value)
    return text.replace("\n", newline)


# Claude Code ends the front matter at the first '---' anywhere in it, even inside a value,
# and gray-matter (opencode) at the first line starting with '---': a string holding '---' is
# written double-quoted (see _represent_str) with every third dash of a run escaped, so no
# run of three dashes appears in the text and the value reads back the same.
_DASH_RUN = compile_later(r"-{3,}")


def break_dash_runs(text: str) -> str:
    """Every third dash of a run as the escape \\u002d (YAML double quotes and JSON alike);
    only for text whose dash runs all sit in double-quoted strings."""
    return _DASH_RUN.sub(lambda m: "".join("\\u002d" if i % 3 == 2 else "-" for i in range(len(m.group()))),
                         text)


def _has_dash_run(value: Any) -> bool:
    if isinstance(value, str):
        return "---" in value
    if isinstance(value, dict):
        return any(_has_dash_run(k) or _has_dash_run(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_dash_run(v) for v in value)
    return False


def _dump(key: str, value: Any) -> str:
    dumper = AstralDumper if _has_astral(value) else Dumper
    text = yaml.dump({key: value}, Dumper=dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=2**31 - 1)
    if "\\" in text and not _holds_backslash(value):
        text = _JSON_STYLE_BREAKS.sub(_as_json_escape, text)
    return text


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _has_astral(value: Any) -> bool:
    if isinstance(value, str):
        return _ASTRAL.search(value) is not None
    if isinstance(value, dict):
        return any(_has_astral(k) or _has_astral(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_astral(v) for v in value)
    return False


def _holds_backslash(value: Any) -> bool:
    if isinstance(value, str):
        return "\\" in value
    if isinstance(value, dict):
        return any(_holds_backslash(k) or _holds_backslash(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_backslash(v) for v in value)
    return False


# PyYAML escapes those breaks as \N \L \P, which YAML 1.1 parsers (and JSON) do not know: the
# \x85 / \u2028 / \u2029 spelling reads the same everywhere. Only where no string holds a
# backslash of its own, so that every backslash in the text is an escape the emitter wrote (an
# even run before the letter is escaped backslashes, not an escape).
_JSON_STYLE_BREAKS = compile_later(r"(?<!\\)((?:\\\\)*)\\([NLP])")
_BREAK_ESCAPES = {"N": "\\x85", "L": "\\u2028", "P": "\\u2029"}


def _as_json_escape(match: re.Match[str]) -> str:
    return match.group(1) + _BREAK_ESCAPES[match.group(2)]


@lru_cache(maxsize=256)
def _dumped(key: str, frozen: tuple[Any, ...]) -> str:
    # Each write of an agent renders the same values again (the engine writes, reads back,
    # writes the carry), and batches repeat permission maps: yaml.dump is the costly part.
    return _dump(key, _thawed(frozen))


_SCALARS = (str, int, bool, type(None))


def _frozen(value: Any) -> tuple[Any, ...] | None:
    """A hashable key that tells apart every two values yaml.dump renders differently
    (1 from True and 1.0, -0.0 from 0.0, key order); None for types it does not know."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is float:
        return (float, repr(value))
    if kind is list or kind is dict:
        items = value.items() if kind is dict else enumerate(value)
        parts = []
        for k, v in items:
            fv = _frozen(v)
            fk = _frozen(k) if kind is dict else k
            if fv is None or fk is None:
                return None
            parts.append((fk, fv))
        return (kind, tuple(parts))
    return None


def frozen(value: Any) -> tuple[Any, ...] | None:
    """A hashable stand-in for a YAML value that equals another's only when the values are
    the same to a writer (see ``same_value``); None for a value with none."""
    return _frozen(value)


def thawed(key: tuple[Any, ...]) -> Any:
    """The value ``frozen`` stands for, built anew."""
    return _thawed(key)


def _thawed(frozen: tuple[Any, ...]) -> Any:
    kind, inner = frozen
    if kind is float:
        return float(inner)
    if kind is dict:
        return {_thawed(k): _thawed(v) for k, v in inner}
    if kind is list:
        return [_thawed(v) for _, v in inner]
    return inner


def comment_block(lines: list[str], newline: str) -> str:
    """Comment content lines as YAML comment lines."""
    return "".join(("# " + line if line else "#") + newline for line in lines)


def dump_block(items: list[tuple[str, Any]], original: Block | None, newline: str,
               carry: str | None = None, render: Any = None) -> str:
    """Render items as front matter, reusing the original text of every unchanged entry;
    ``carry`` is comment text, placed where the file's own carry stood, else at the end;
    ``render`` writes a changed entry (default ``render_entry``: a dialect whose tool reads
    only part of YAML gives its own)."""
    render = render or render_entry
    if original is not None and original.mode == "flow":
        only = original.entries[0]
        if same_value(dict(items), only.value):
            return only.text + _carry_text(carry, newline)
        original = None
    old = {e.key: e for e in original.entries} if original else {}
    order = _merge_order([k for k, _ in items], [e.key for e in original.entries] if original else [])
    values = dict(items)
    parts: list[str] = [original.lead if original else ""]
    slot_texts: list[str] = []
    for key in order:
        entry = old.get(key)
        if entry is not None and same_value(entry.value, values[key]):
            text = entry.text
        else:
            text = render(key, values[key], newline)
            if entry is not None and not entry.text.endswith(("\n", "\r")):
                text = text.rstrip("\r\n")
        slot_texts.append(text + (entry.gap if entry is not None else ""))
    return _place_carry(parts[0], slot_texts, order, original, carry, newline)


def _merge_order(new: list[str], old: list[str]) -> list[str]:
    order = [k for k in old if k in new]
    for i, key in enumerate(new):
        if key in order:
            continue
        before = next((new[j] for j in range(i - 1, -1, -1) if new[j] in order), None)
        order.insert(order.index(before) + 1 if before else 0, key)
    return order


def _carry_text(carry: str | None, newline: str) -> str:
    return carry or ""


def _place_carry(lead: str, slots: list[str], order: list[str], original: Block | None,
                 carry: str | None, newline: str) -> str:
    if not carry:
        return lead + "".join(slots)
    line = carry
    if original is not None and original.carry_slot is not None:
        index, offset = original.carry_slot
        if index < 0:
            return lead[:offset] + line + lead[offset:] + "".join(slots)
        key = original.entries[index].key if index < len(original.entries) else None
        if key in order:
            pos = order.index(key)
            entry = original.entries[index]
            text = slots[pos]
            cut = len(text) - len(entry.gap) + offset if text.endswith(entry.gap) else len(text)
            slots[pos] = text[:cut] + line + text[cut:]
            return lead + "".join(slots)
    body = lead + "".join(slots)
    if body and not body.endswith("\n"):
        body += newline
    return body + line
