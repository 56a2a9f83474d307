"""``agentconv mappings``: the model, tool and colour tables each dialect writes with, merged
with the configuration's overrides, every entry with where it came from (the shipped data and
the client it was verified against, or the configuration file and line)."""

from __future__ import annotations

from typing import Any

from . import vocabulary
from .config import Config
from .data import mapping

Entry = dict[str, Any]


def effective(dialects: list[str], config: Config) -> dict[str, Any]:
    """The stable JSON document: ``{"config": path|null, "dialects": [...]}``."""
    return {"config": str(config.source) if config.source else None,
            "dialects": [dialect_tables(name, config) for name in dialects]}


def dialect_tables(name: str, config: Config) -> dict[str, Any]:
    from .registry import get_dialect
    table = mapping(name)
    verified = table.get("verified")
    return {"dialect": name, "title": get_dialect(name).title,
            "verified": {"client": verified.get("client"), "date": verified.get("date")} if verified else None,
            "models": _shipped_models(table) + _overrides(config, "models", name),
            "tools": _shipped_tools(table) + _overrides(config, "tools", name),
            "colors": [{"color": c, "origin": "shipped", "at": None} for c in _colors(table)]}


def _shipped_models(table: dict[str, Any]) -> list[Entry]:
    models = table.get("models", {})
    return [{"native": spelling, "canonical": model, "origin": "shipped", "at": None}
            for part in ("aliases", "own") for spelling, model in models.get(part, {}).items()]


def _shipped_tools(table: dict[str, Any]) -> list[Entry]:
    """Both shapes of ``[tools]``: canonical id → name(s), or name → ``{grants = [...]}``."""
    by_tool: dict[str, list[str]] = {}
    for key, value in table.get("tools", {}).items():
        if isinstance(value, dict):
            for canon in value.get("grants", []):
                by_tool.setdefault(canon, []).append(key)
        else:
            by_tool.setdefault(key, []).extend([value] if isinstance(value, str) else value)
    return [{"canonical": canon, "native": names, "origin": "shipped", "at": None} for canon, names in by_tool.items()]


def _overrides(config: Config, kind: str, name: str) -> list[Entry]:
    out: list[Entry] = []
    for key, spelled in (config.models if kind == "models" else config.tools).get(name, {}).items():
        at = config.origin(kind, name, key)
        if kind == "models":
            out.append({"native": spelled, "canonical": vocabulary.qualified_model(key), "key": key,
                        "origin": "config", "at": at})
        else:
            out.append({"canonical": key, "native": [spelled], "key": key, "origin": "config", "at": at})
    return out


def _colors(table: dict[str, Any]) -> list[str]:
    colors = table.get("colors", {})
    return list(colors.get("valid", [])) + list(colors.get("themes", []))


def text_lines(document: dict[str, Any]) -> list[str]:
    """The readable table: one block per dialect, one line per entry."""
    lines = [f"configuration: {document['config'] or 'none found'}"]
    for d in document["dialects"]:
        lines += ["", f"{d['dialect']} ({d['title']}): {_verified(d['verified'])}"]
        rows = [("model", f"{e['native']} = {e['canonical']}" if e["origin"] == "shipped"
                 else f"{e['key']} -> {e['native']}", _origin(e)) for e in d["models"]]
        rows += [("tool", f"{e['canonical']} = {', '.join(e['native'])}", _origin(e)) for e in d["tools"]]
        rows += [("colour", e["color"], _origin(e)) for e in d["colors"]]
        if not rows:
            lines.append("  (no model, tool or colour table)")
        width = max((len(r[1]) for r in rows), default=0)
        lines += [f"  {kind:<6}  {what:<{width}}  {origin}" for kind, what, origin in rows]
    return lines


def _verified(verified: dict[str, Any] | None) -> str:
    if not verified:
        return "unverified (from documentation only)"
    return f"verified against {verified['client']}" + (f" on {verified['date']}" if verified.get("date") else "")


def _origin(entry: Entry) -> str:
    return "shipped" if entry["origin"] == "shipped" else f"config {entry['at']}"
