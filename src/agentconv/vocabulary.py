"""The canonical vocabulary (``dialects/_canonical/vocabulary.toml``): one colour palette and
provider-qualified model ids. Dialects map their own spellings to and from these; no table
pairs two dialects."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .data import mapping

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return mapping("_canonical", "vocabulary.toml")


def palette() -> dict[str, str]:
    """Canonical colour name → its hex value."""
    return {k: v for k, v in _table().get("colors", {}).items() if isinstance(v, str)}


def color_roles() -> dict[str, str]:
    """Theme role (success, error, …) → the palette colour nearest to it."""
    return dict(_table().get("colors", {}).get("roles", {}))


@lru_cache(maxsize=256)
def canonical_color(spelling: str) -> str:
    """A colour as the canonical vocabulary names it: a palette name for its hex value."""
    if _HEX.match(spelling):
        for name, value in palette().items():
            if value.lower() == spelling.lower():
                return name
        return spelling
    return spelling.lower() if spelling.lower() in palette() or spelling.lower() in color_roles() else spelling


def nearest_named(color: str, names: frozenset[str] | set[str]) -> str | None:
    """The colour among ``names`` nearest to a canonical colour (None: nothing near)."""
    near = _table().get("colors", {}).get("near", {})
    for candidate in (color, color_roles().get(color), near.get(color)):
        if candidate in names:
            return candidate
    return None


def hex_of(color: str) -> str | None:
    if _HEX.match(color):
        return color
    return palette().get(color) or palette().get(color_roles().get(color, ""))


def qualified_model(model: str) -> str:
    """``claude-x`` → ``anthropic/claude-x``; an id with a provider, or of an unknown
    family, stays as it is."""
    if "/" in model:
        return model
    for prefix, provider in _table().get("models", {}).get("providers", {}).items():
        if model.startswith(prefix):
            return f"{provider}/{model}"
    return model


def nearest_model(model: str) -> str | None:
    """For a name that stands for several models (a variant), the nearest single id."""
    nearest: str | None = _table().get("models", {}).get("variants", {}).get(model)
    return nearest


def other_tool_folders() -> dict[str, str]:
    """Agent folders of tools agentconv does not read (folder → tool)."""
    return dict(_table().get("other_tools", {}))
