"""Access to the declarative dialect data (``dialects/<name>/`` at the repository root,
shipped inside the wheel as ``agentconv/_data/dialects``)."""

from __future__ import annotations

import binascii
import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


@cache
def _root() -> str:
    # strings, not pathlib: reading a table is on every command's start
    shipped = os.path.join(os.path.dirname(__file__), "_data", "dialects")
    if os.path.isdir(shipped):
        return shipped
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))), "dialects")


def data_root() -> Path:
    from pathlib import Path
    return Path(_root())


#: plugin dialect name -> its own ``dialects/<name>/`` folder (see ``add_folder``)
_PLUGIN_FOLDERS: dict[str, str] = {}


def add_folder(dialect: str, folder: Path | str) -> None:
    """Where a plugin dialect keeps its data (its ``mapping.toml``, ``schema.json``), so that
    ``mapping(dialect)`` and ``schema(dialect)`` read it. Never for a name whose data agentconv
    ships: a plugin cannot change a shipped dialect's tables."""
    if os.path.exists(os.path.join(_root(), dialect)) or dialect.startswith("_"):
        raise ValueError(f"agentconv ships data for {dialect!r}: a plugin cannot replace it")
    _PLUGIN_FOLDERS[dialect] = os.fspath(folder)
    mapping.cache_clear()
    schema.cache_clear()


def folder(dialect: str) -> Path:
    """The folder holding a dialect's data."""
    from pathlib import Path
    return Path(_folder(dialect))


def _folder(dialect: str) -> str:
    plugin = _PLUGIN_FOLDERS.get(dialect)
    return plugin if plugin is not None else os.path.join(_root(), dialect)


@cache
def mapping_bytes(dialect: str, file: str = "mapping.toml") -> bytes:
    """The file's bytes as they are (b"" when it is missing): a cheap test before a parse."""
    path = os.path.join(_folder(dialect), file)
    if not os.path.isfile(path):
        return b""
    with open(path, "rb") as handle:
        return handle.read()


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
    path = os.path.join(_folder(dialect), "schema.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        table: dict[str, Any] = json.loads(handle.read())
    return table
