"""formats/schemalite.py says "valid" only where jsonschema does: on every key of every
dialect's schema.json, for generated values built from the schema's own words (enum
members, property names) and from anything else JSON-ish."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from test_properties import PROPERTY

from agentconv.data import schema
from agentconv.formats.schemalite import verdict
from agentconv.registry import dialect_names

KEYS = [(d, k) for d in dialect_names() for k in sorted((schema(d) or {}).get("properties", {}))]


def words_of(spec) -> list:
    """Every enum member, property name and string in a schema (the values near its edges)."""
    found: list = []

    def walk(node):
        if isinstance(node, dict):
            found.extend(node.get("enum", []))
            found.extend(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)
    walk(spec)
    return found


def values(words: list) -> st.SearchStrategy:
    scalars = (st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats() | st.text(max_size=8)
               | st.sampled_from(words or ["x"])
               | st.sampled_from(["#A855F7", "#fff", "allow", "ask", "deny", "0", ""]))
    keys = st.sampled_from(words or ["x"]) | st.text(max_size=5)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


@pytest.mark.parametrize("dialect,key", KEYS, ids=[f"{d}-{k}" for d, k in KEYS])
@PROPERTY
@given(data=st.data())
def test_valid_only_where_jsonschema_says_valid(dialect, key, data):
    full = schema(dialect)
    spec, defs = full["properties"][key], full.get("$defs", {})
    value = data.draw(values(words_of(spec) + words_of(defs)))
    valid = Draft202012Validator({**spec, "$defs": defs}).is_valid(value)
    answer = verdict(spec, defs, value)
    assert answer is None or answer == valid, json.dumps(value, default=str)[:200]


@pytest.mark.parametrize("schema_, value, expected", [
    ({"type": "integer"}, True, False),                    # a bool is no integer
    ({"type": "integer"}, 2.0, None),                      # 2.0 is one to jsonschema: not judged here
    ({"enum": [1]}, True, None),                           # jsonschema's own equality decides
    ({"not": {"minimum": 1}}, float("nan"), False),        # nan < 1 is false: nan passes minimum
    ({"pattern": "^a"}, "ba", False),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}, False),
    ({"$ref": "#/$defs/x"}, "v", None),                    # an unknown reference: not judged
    ({"format": "email"}, "v", None),                      # an unknown keyword: not judged
])
def test_edges(schema_, value, expected):
    assert verdict(schema_, {}, value) is expected
