"""Access to the declarative dialect data (``dialects/<name>/`` at the repository root,
shipped inside the wheel as ``agentconv/_data/dialects``)."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_root() -> Path:
    shipped = Path(__file__).parent / "_data" / "dialects"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "dialects"


@cache
def mapping(dialect: str, file: str = "mapping.toml") -> dict[str, Any]:
    path = data_root() / dialect / file
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def schema(dialect: str) -> dict[str, Any] | None:
    path = data_root() / dialect / "schema.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
