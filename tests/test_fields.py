"""The value readers dialect tables share (dialects/fields.py), one row per case."""

from __future__ import annotations

import pytest

from agentconv.dialects.fields import UNSET, aliased_model, comma_names, model_reader, names, or_raise

CANONICAL = aliased_model("inherit", {"pro": "google/gemini-2.5-pro"})


@pytest.mark.parametrize("value, read_blank, expected", [
    ("pro", False, "google/gemini-2.5-pro"),            # the dialect's alias
    (" gemini-2.5-flash ", False, "google/gemini-2.5-flash"),   # a bare id gets its provider
    ("inherit", False, UNSET),                           # the parent's model: no model of its own
    ("", False, None), ("  ", False, None),              # blank: no model read
    ("", True, ""),                                      # ... unless the dialect reads blank as text
    (5, False, None), (["pro"], False, None), (None, False, None),
])
def test_model_reader(value, read_blank, expected):
    assert model_reader(CANONICAL, read_blank=read_blank)(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Read, Grep", ["Read", "Grep"]), ("a b, c", ["a b", "c"]), (" , x,", ["x"]),
    ([" a ", "b c"], ["a", "b c"]), (["a", 1], None), (3, None), ("", []),
])
def test_comma_names_split_only_on_commas(value, expected):
    assert comma_names(value) == expected


def test_names_split_on_whitespace_too_where_comma_names_do_not():
    assert names("Read Grep") == ["Read", "Grep"] and comma_names("Read Grep") == ["Read Grep"]


def test_or_raise_refuses_what_its_reader_reads_as_nothing():
    parsed = or_raise(lambda v: v if isinstance(v, list) else None, "tools")
    assert parsed([]) == []
    with pytest.raises(ValueError, match="not a tools value"):
        parsed("x")
