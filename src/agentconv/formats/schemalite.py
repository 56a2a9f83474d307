"""The part of JSON Schema the dialects' ``schema.json`` files use, to tell that a value is
valid without importing jsonschema (it costs start-up time, and every output is judged).

``verdict`` answers True (valid, as jsonschema's Draft 2020-12 would say), False (invalid) or
None (not sure: a keyword or value this module does not judge). Only True is acted on;
anything else asks jsonschema, which also words the error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

_IGNORED = frozenset({"description", "title", "$comment", "default", "examples"})
_TYPES = {"string": (str,), "boolean": (bool,), "object": (dict,), "array": (list,), "null": (type(None),)}


def verdict(schema: Any, defs: dict[str, Any], value: Any) -> bool | None:
    if schema is True or schema is False:
        return schema
    if not isinstance(schema, dict):
        return None
    answers = []
    for keyword, spec in schema.items():
        if keyword in _IGNORED or keyword.startswith("x-"):
            continue
        check = _KEYWORDS.get(keyword)
        answer = check(spec, schema, defs, value) if check is not None else None
        if answer is False:
            return False
        answers.append(answer)
    return None if None in answers else True


def _type(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
    names = spec if isinstance(spec, list) else [spec]
    answers = [_one_type(name, value) for name in names]
    return True if True in answers else (None if None in answers else False)


def _one_type(name: Any, value: Any) -> bool | None:
    if name in _TYPES:
        return type(value) in _TYPES[name]
    if name == "number":
        return type(value) in (int, float)
    if name == "integer":
        return True if type(value) is int else (None if type(value) is float else False)
    return None


def _enum(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
    if not isinstance(spec, list):
        return None
    if any(type(option) is type(value) and option == value for option in spec):
        return True
    return None                                # jsonschema's own equality says the rest


def _ref(spec: Any, _schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    prefix = "#/$defs/"
    if not isinstance(spec, str) or not spec.startswith(prefix) or spec[len(prefix):] not in defs:
        return None
    return verdict(defs[spec[len(prefix):]], defs, value)


def _any_of(spec: Any, _schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    if not isinstance(spec, list):
        return None
    answers = [verdict(option, defs, value) for option in spec]
    return True if True in answers else (None if None in answers else False)


def _not(spec: Any, _schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    answer = verdict(spec, defs, value)
    return None if answer is None else not answer


def _items(spec: Any, _schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) is not list:
        return True
    if not isinstance(spec, (dict, bool)):
        return None
    return _all(verdict(spec, defs, item) for item in value)


def _properties(spec: Any, _schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) is not dict:
        return True
    if not isinstance(spec, dict):
        return None
    return _all(verdict(spec[key], defs, item) for key, item in value.items() if key in spec)


def _additional(spec: Any, schema: dict[str, Any], defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) is not dict:
        return True
    if "patternProperties" in schema:
        return None
    named = schema.get("properties", {})
    return _all(verdict(spec, defs, item) for key, item in value.items() if key not in named)


def _required(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) is not dict:
        return True
    return all(key in value for key in spec) if isinstance(spec, list) else None


def _pattern(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) is not str:
        return True
    compiled = _compiled(spec)
    return None if compiled is None else compiled.search(value) is not None


@cache
def _compiled(pattern: Any) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern) if isinstance(pattern, str) else None
    except re.error:
        return None


def _minimum(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
    if type(value) not in (int, float):
        return True
    return not value < spec if type(spec) in (int, float) else None     # as jsonschema compares


def _length(bound: str) -> Callable[[Any, dict[str, Any], dict[str, Any], Any], bool | None]:
    def check(spec: Any, _schema: dict[str, Any], _defs: dict[str, Any], value: Any) -> bool | None:
        if type(value) is not str:
            return True
        if type(spec) is not int:
            return None
        return len(value) >= spec if bound == "min" else len(value) <= spec
    return check


def _all(answers: Iterable[bool | None]) -> bool | None:
    seen_none = False
    for answer in answers:
        if answer is False:
            return False
        seen_none = seen_none or answer is None
    return None if seen_none else True


_KEYWORDS = {
    "type": _type, "enum": _enum, "$ref": _ref, "anyOf": _any_of, "not": _not, "items": _items,
    "properties": _properties, "additionalProperties": _additional, "required": _required,
    "pattern": _pattern, "minimum": _minimum, "minLength": _length("min"), "maxLength": _length("max"),
}
