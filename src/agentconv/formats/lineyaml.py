"""The line-by-line subset of YAML Qwen Code reads front matter with: all of it in 0.15.x, and
in 0.24.x when its YAML library fails (``parseSimple`` in ``packages/core/src/utils/yaml-parser.ts``).
``key: value`` splits at the first ``:``; a list is ``  - item`` lines (two spaces); a map one
level deep is ``  key: value`` lines; only ``"..."`` is unquoted (``\\"`` and ``\\\\`` only);
``true``, ``false``, ``null`` and numbers are typed; comment and blank lines are skipped. Used
to judge what a Qwen Code client reads, never to read a file for conversion."""

from __future__ import annotations

import math
from typing import Any


def parse(text: str) -> dict[str, Any]:
    lines = [line for line in text.split("\n") if line.strip() and not line.strip().startswith("#")]
    result: dict[str, Any] = {}
    key, in_list = "", False
    items: list[Any] = []
    nested: dict[str, Any] = {}
    nested_key, in_map = "", False
    for i, line in enumerate(lines):
        if line.startswith("  - "):
            if not in_list:
                in_list, items = True, []
            items.append(value_of(line[4:].strip()))
            continue
        if in_list:
            result[key] = items
            in_list, items, key = False, [], ""
        if line.startswith("  ") and in_map:
            sub, _, rest = line.strip().partition(":")
            nested[sub.strip()] = value_of(rest.strip())
            continue
        if in_map:
            result[nested_key] = nested
            in_map, nested, nested_key = False, {}, ""
        if ":" not in line:
            continue
        name, _, rest = line.partition(":")
        rest = rest.strip()
        if rest:
            result[name.strip()] = value_of(rest)
            continue
        key = name.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following.startswith("  - "):
            continue
        if following.startswith("  "):
            in_map, nested_key, nested, key = True, key, {}, ""
    if in_list:
        result[key] = items
    if in_map:
        result[nested_key] = nested
    return result


def value_of(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    number = _number(text)
    return text if number is None else number


def _number(text: str) -> int | float | None:
    """JavaScript's ``Number(text)`` where it is finite (``""`` is handled by the caller)."""
    stripped = text.strip()
    if not stripped:
        return 0 if text else None
    try:
        value = int(stripped, 0) if stripped.lower().startswith(("0x", "0o", "0b")) else float(stripped)
    except ValueError:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if isinstance(value, float) and value.is_integer() and "." not in stripped \
        and "e" not in stripped.lower() else value
