"""Comparing parsed values as a writer must (no syntax here, so every block syntax shares it)."""

from __future__ import annotations

from typing import Any


def same_value(a: Any, b: Any) -> bool:
    """Equality that tells 1 from True and 1.0 from 1 (Python's == does not), key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
