"""A dialect's JSON Schema in words: the values its tool accepts for each key."""

from __future__ import annotations

from typing import Any

from ..data import schema

Node = dict[str, Any]


def agent_schema(dialect: str, keys: set[str]) -> tuple[Node, Node]:
    """(the schema of one agent, the whole schema for ``$ref``): of the schema and its ``$defs``,
    the object whose properties share most keys with ``keys`` (a container's agent or mode)."""
    whole: Node = schema(dialect) or {}
    candidates = [whole, *whole.get("$defs", {}).values()]
    best = max(candidates, key=lambda node: len(keys & set(node.get("properties", {}))))
    return best, whole


def domain(node: Node, whole: Node, depth: int = 0) -> str:
    """``node`` as a short phrase: ``one of `a`, `b` ``, ``integer ≥ 1``, ``list of strings``."""
    if depth > 3:
        return "…"
    if "$ref" in node:
        return domain(_resolved(node["$ref"], whole), whole, depth + 1)
    if "const" in node:
        return f"`{_literal(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{_literal(v)}`" for v in node["enum"])
    for combined in ("anyOf", "oneOf"):
        if combined in node:
            return " or ".join(dict.fromkeys(domain(n, whole, depth + 1) for n in node[combined]))
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(_typed({**node, "type": k}, whole, depth) for k in kind)
    return _typed(node, whole, depth) if kind else "any value"


def _typed(node: Node, whole: Node, depth: int) -> str:
    kind = node["type"]
    if kind == "array":
        items = node.get("items")
        return "list" + (f" of {_plural(domain(items, whole, depth + 1))}" if isinstance(items, dict) else "")
    words = {"string": "text", "boolean": "`true` or `false`", "integer": "integer", "number": "number",
             "object": "map", "null": "`null`"}.get(kind, str(kind))
    limits = [f"≥ {node['minimum']}" if "minimum" in node else "", f"≤ {node['maximum']}" if "maximum" in node else "",
              f"> {node['exclusiveMinimum']}" if "exclusiveMinimum" in node else "",
              "not empty" if node.get("minLength") == 1 else "",
              f"matching `{node['pattern']}`" if "pattern" in node else ""]
    return " ".join([words, *(limit for limit in limits if limit)])


def _plural(phrase: str) -> str:
    return {"text": "texts", "integer": "integers", "number": "numbers", "map": "maps"}.get(phrase, phrase)


def _resolved(ref: str, whole: Node) -> Node:
    node: Any = whole
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _literal(value: Any) -> str:
    if isinstance(value, str) and value in ("true", "false", "null"):
        return f'"{value}"'                 # the text, beside the YAML value it spells
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)
