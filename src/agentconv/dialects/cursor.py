"""Cursor sub-agents: ``.cursor/agents/*.md``. Stated as it differs from the markdown base; the
tables are in ``dialects/cursor/mapping.toml``, the facts in its REFERENCE.md (no offline
client: checked against the documented fields and schema only).

How Cursor differs: its one restriction is ``readonly: true`` (no writes, no MCP), so an agent
that may not use everything is written read-only and every other tool it had is reported
narrowed; a widening to ``readonly: false`` only when the user accepts it per tool. Its parser
reads no block scalars, so a description is written on one line (its line breaks, the layout of
``<example>`` blocks, are reported). No tool list, colour, effort, turn limit or permission mode."""

from __future__ import annotations

import re
from typing import Any

from .. import access, briefs, vocabulary
from ..access import widenings
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, NativeItems
from .fields import NAME, UNSET, Code, Description, FieldTable, Key, Reader, aliased_model, model_reader

_TABLE = mapping("cursor")
READ_ONLY = normalise_rules([ToolRule(tool=ALL_TOOLS, action="deny"),
                             *(ToolRule(tool=t) for t in _TABLE.get("readonly", {}).get("grants", []))])
_MODELS = _TABLE.get("models", {})
_OWN_MODELS: dict[str, str] = dict(_MODELS.get("own", {}))
_BREAKS = re.compile(r"[ \t]*\r?\n[ \t\r\n]*")


class OneLineDescription(Description):
    """``description`` written on one line: Cursor's parser reads no block scalar."""

    def put(self, dialect: Any, agent: Agent, out: NativeItems) -> None:
        current = {k: getattr(agent, k) for k in briefs.DESCRIPTION_FIELDS}
        out.put(self.key, current, briefs.description_meaning,
                lambda: one_line_description(agent))


def one_line_description(agent: Agent) -> str | None:
    """The description as Cursor can hold it: examples in the line of the text, the rest of
    its line breaks as spaces (a fixed point: read back, it writes the same line)."""
    inline = [e.model_copy(update={"inline": True}) for e in agent.examples]
    return one_line(briefs.render_description(agent.model_copy(update={"examples": inline})))


def one_line(text: str | None) -> str | None:
    return _BREAKS.sub(" ", text).strip() if text else text


class Cursor(FieldTable, MarkdownDialect):
    name = "cursor"
    title = "Cursor"
    layout = ".cursor/agents"
    path_hints = (".cursor/agents/",)
    agent_globs = (".cursor/agents/*.md",)
    nested_files = False
    reading_model = "cursor"
    required = ("name", "description")
    skipped_without = "name"
    known_keys = frozenset({"name", "description", "model", "readonly", "is_background"})
    capability_keys = frozenset({"is_background"})
    exclusive_keys = frozenset({"readonly", "is_background"})
    #: read-only is the narrowest Cursor agent: no rule withholds reading files
    always_grants = frozenset(_TABLE.get("readonly", {}).get("grants", []))

    fields = (
        NAME,
        OneLineDescription(),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: cursor_model(m),
            meaning=lambda v: None if _read_model(v) is UNSET else _read_model(v)),
        Code("readonly", read="read_readonly", write="write_readonly"),
    )
    field_defaults = {"mode": "subagent"}

    def same_words(self, agent: Agent, other: Agent) -> bool:
        return one_line_description(agent) == one_line_description(other)

    def read_readonly(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        value = values.get("readonly", MISSING)
        if value is True:
            fields["tools"] = list(READ_ONLY)
        elif value is not MISSING and value is not False:
            fields["tools"] = access.unreadable(Cursor, "readonly", value, "true or false", values, warn)

    def write_readonly(self, agent: Agent, out: NativeItems) -> None:
        out.put("readonly", agent.tools, _rules_of, lambda: True if needs_read_only(agent.tools) else None)


def _rules_of(value: Any) -> list[ToolRule]:
    if value is True:
        return list(READ_ONLY)
    if value is False:
        return []
    raise ValueError("not a readonly value")


def needs_read_only(rules: list[ToolRule]) -> bool:
    """Whether ``readonly: false`` (every tool) would grant something the agent may not use,
    and the user did not accept that widening by name."""
    return bool(rules) and bool(widenings(rules, []))


_read_model: Reader = model_reader(aliased_model(_MODELS.get("inherit", "inherit"), _OWN_MODELS))


def cursor_model(model: str | None) -> str | None:
    if not model or not model.strip():
        return None
    own = {v: k for k, v in _OWN_MODELS.items()}
    if model in own:
        return own[model]
    model = vocabulary.nearest_model(model) or model
    return model.partition("/")[2] or model
