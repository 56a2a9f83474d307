"""Tool-name spellings shared by dialects: splitting lists, MCP names, table lookups."""

from __future__ import annotations

import re
from typing import Any

from .. import overrides

_CALL = re.compile(r"^([^()]+)\((.*)\)$", re.DOTALL)


def tables(tools: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """mapping.toml [tools] (canonical id → name or names) → (native→canonical, canonical→native)."""
    canon_of: dict[str, str] = {}
    name_of: dict[str, str] = {}
    for canon, names in tools.items():
        names = [names] if isinstance(names, str) else list(names)
        name_of.setdefault(canon, names[0])
        for name in names:
            canon_of.setdefault(name, canon)
    return canon_of, name_of


def split_list(value: Any) -> list[str]:
    """Split 'Read, Grep Bash(git diff:*)' or a list of such strings on commas and
    whitespace outside parentheses, as Claude Code does."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else [value]
    tokens: list[str] = []
    for part in parts:
        depth, current = 0, ""
        for ch in str(part):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            if depth == 0 and (ch == "," or ch.isspace()):
                if current:
                    tokens.append(current)
                current = ""
            else:
                current += ch
        if current:
            tokens.append(current)
    return tokens


def split_call(token: str) -> tuple[str, str | None]:
    match = _CALL.match(token)
    return (match.group(1), match.group(2)) if match else (token, None)


def canonical(name: str, canon_of: dict[str, str], mcp_style: str) -> str:
    if name in canon_of:
        return canon_of[name]
    if mcp_style == "claude" and name.startswith("mcp__"):
        server, _, tool = name[5:].partition("__")
        return f"mcp:{server}/{tool or '*'}"
    return name


def native(canon: str, name_of: dict[str, str], mcp_style: str, *, pinned_too: bool = True) -> str:
    """How the dialect names ``canon``; ``pinned_too``: as the configuration pins it, if it does."""
    pinned = overrides.tool_spelling(canon) if pinned_too else None
    if pinned is not None:
        return pinned
    if canon in name_of:
        return name_of[canon]
    if canon.startswith("mcp:"):
        server, _, tool = canon[4:].partition("/")
        if mcp_style == "claude":
            return f"mcp__{server}__{tool}"
        return f"{server}_{tool}"
    return canon
