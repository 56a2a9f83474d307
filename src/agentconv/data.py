"""Access to the declarative dialect data (``dialects/<name>/`` at the repository root,
shipped inside the wheel as ``agentconv/_data/dialects``)."""

from __future__ import annotations

import binascii
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_root() -> Path:
    shipped = Path(__file__).parent / "_data" / "dialects"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "dialects"


#: plugin dialect name -> its own ``dialects/<name>/`` folder (see ``add_folder``)
_PLUGIN_FOLDERS: dict[str, Path] = {}


def add_folder(dialect: str, folder: Path) -> None:
    """Where a plugin dialect keeps its data (its ``mapping.toml``, ``schema.json``), so that
    ``mapping(dialect)`` and ``schema(dialect)`` read it. Never for a name whose data agentconv
    ships: a plugin cannot change a shipped dialect's tables."""
    if (data_root() / dialect).exists() or dialect.startswith("_"):
        raise ValueError(f"agentconv ships data for {dialect!r}: a plugin cannot replace it")
    _PLUGIN_FOLDERS[dialect] = Path(folder)
    mapping.cache_clear()
    schema.cache_clear()


def folder(dialect: str) -> Path:
    """The folder holding a dialect's data."""
    return _PLUGIN_FOLDERS.get(dialect) or data_root() / dialect


@cache
def mapping_bytes(dialect: str, file: str = "mapping.toml") -> bytes:
    """The file's bytes as they are (b"" when it is missing): a cheap test before a parse."""
    path = folder(dialect) / file
    return path.read_bytes() if path.is_file() else b""


@cache
def mapping(dialect: str, file: str = "mapping.toml") -> dict[str, Any]:
    raw = mapping_bytes(dialect, file)
    if not raw:
        return {}
    parsed = _parsed_ahead(dialect, file, raw)
    if parsed is not None:
        return parsed
    import tomllib
    return tomllib.loads(raw.decode("utf-8"))


def _parsed_ahead(dialect: str, file: str, raw: bytes) -> dict[str, Any] | None:
    """The shipped table as ``_datacache`` holds it, if made from these very bytes."""
    if dialect in _PLUGIN_FOLDERS:
        return None
    from ._datacache import DATA
    entry = DATA.get(f"{dialect}/{file}")
    if entry is None or entry[:2] != (binascii.crc32(raw), len(raw)):
        return None
    return entry[2]


@cache
def schema(dialect: str) -> dict[str, Any] | None:
    path = folder(dialect) / "schema.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
