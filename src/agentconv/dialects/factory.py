"""Factory droids: ``.factory/droids/*.md``. Stated as it differs from the markdown base; the
tables are in ``dialects/factory/mapping.toml``, the facts (droid 0.225.2, judged by
``tests/judges/factory.sh``) in its REFERENCE.md.

How Factory differs: ``tools`` is a category (``read-only``, ``edit``, ``execute``, ``web``) or
a list of Factory's own tool ids, any other name is dropped silently, and every droid gets
``Skill`` whatever the list says; omitted, the droid has every tool. No deny list, no patterns,
no colour, no turn limit, no permission mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import access, vocabulary
from ..access import OTHER_TOOL, evaluator, power_of
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, ToolRule, normalise_rules
from . import toolnames
from .base import MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, UNSET, Code, Description, FieldTable, Key, Reader, model_reader, names, one_of, or_raise

_TABLE = mapping("factory")
_CANON_OF, _NAME_OF = toolnames.tables(_TABLE.get("tools", {}))
_ALWAYS = tuple(_TABLE.get("always", {}).get("tools", []))
_CATEGORIES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLE.get("categories", {}).items()}
_MODELS = _TABLE.get("models", {})
_CUSTOM = "custom"                  # Factory's own provider: custom:<id> names a bring-your-own model
_EFFORTS = tuple(_TABLE.get("values", {}).get("reasoningEffort", []))
#: tool ids only Factory uses: a list holding one is a droid's
_OWN_NAMES = frozenset({"Execute", "Create", "FetchUrl", "ApplyPatch", "AskUser", "ToolSearch"})


class Factory(FieldTable, MarkdownDialect):
    name = "factory"
    title = "Factory"
    layout = ".factory/droids"
    path_hints = (".factory/droids/", "droids/")       # droids/: a Factory plugin's folder
    agent_globs = (".factory/droids/*.md",)
    nested_files = False
    reading_model = "factory"
    required = ("name", "description")
    skipped_without = "name"
    #: droid 0.225.2 writes its own mission droids into ~/.factory/droids: a project droid of
    #: one of these names is not offered
    reserved_names = frozenset(_TABLE.get("reserved", {}).get("names", []))
    #: every key droid 0.225.2 reads (its zod schema strips the others silently)
    known_keys = frozenset({"name", "description", "model", "reasoningEffort", "tools", "mcpServers"})
    capability_keys = frozenset({"mcpServers"})
    # reasoningEffort alone claims nothing: opencode files carry it as a provider option

    # what the claim predicates below read: a tool category or one of its own tool names
    shape_values = (("names", "tools", *sorted(_OWN_NAMES), *sorted(_CATEGORIES)),)

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        tools = values.get("tools")
        if isinstance(tools, str):
            return tools.strip().lower() in _CATEGORIES
        return isinstance(tools, list) and any(isinstance(t, str) and t in _OWN_NAMES for t in tools)

    def agent_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str) and isinstance(values.get("description"), str) \
            and self.exclusive_shape(values)

    always_grants = frozenset(_ALWAYS)

    def name_problem(self, name: str) -> str | None:
        if name in self.reserved_names:
            return f"{name!r} is one of Factory's own droids (droid writes it into ~/.factory/droids), " \
                   f"so droid does not offer a project droid of that name"
        return super().name_problem(name)

    def holds_tool(self, canon: str) -> bool:
        # Factory has no other tool (a rule on one is dropped); Skill it holds but always grants
        return canon in _NAME_OF

    def tool_name(self, canon: str) -> str:
        return _NAME_OF.get(canon, canon)

    fields = (
        NAME,
        Description(),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: factory_model(m),
            meaning=lambda v: None if _read_model(v) is UNSET else _read_model(v)),
        Key("reasoningEffort", "reasoning_effort", read=one_of(*_EFFORTS),
            write=lambda e: e if e in _EFFORTS else None),
        Code("tools", read="read_tools", write="write_tools"),
        Key("mcpServers", "mcp_servers", read=names,
            write=lambda s: s if s and all(isinstance(x, str) for x in s) else None),
    )
    field_defaults = {"mode": "subagent"}       # a droid is started by the Task tool

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        if "tools" in values:
            fields["tools"] = parse_tools(values["tools"]) or access.unreadable(
                Factory, "tools", values["tools"], "a category or a list of Factory tool ids", values, warn)

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        out.put("tools", agent.tools, _parsed, lambda: render_tools(agent.tools))

    def check_read(self, taken: set[str], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        super().check_read(taken, fields, warn)
        if "description" not in taken:
            warn.append(Diagnostic(message="no 'description': Factory does not offer this droid",
                                   hint="add 'description: ...' to the front matter"))


# -- tools --------------------------------------------------------------------------------------

def _tool_ids(value: Any) -> list[str] | None:
    if isinstance(value, str):
        category = _CATEGORIES.get(value.strip().lower())
        return list(category) if category is not None else [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, list) and all(isinstance(n, str) for n in value):
        return [n.strip() for n in value]
    return None


@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    """``tools`` → rules as droid grants them: the Factory ids it names (others are dropped),
    and Skill always (None: a value Factory's schema refuses)."""
    ids = _tool_ids(value)
    if ids is None:
        return None
    allowed = {_CANON_OF[i] for i in ids if i in _CANON_OF} | set(_ALWAYS)
    return normalise_rules([ToolRule(tool=ALL_TOOLS, action="deny"), *(ToolRule(tool=t) for t in sorted(allowed))])


_parsed = or_raise(lambda v: parse_tools(v), "tools")


def render_tools(rules: list[ToolRule]) -> Any:
    """Rules → ``tools``: omitted for every tool, else the Factory ids of the tools the agent
    may use wholly (no deny, no patterns: those narrow, and the engine says so)."""
    if not rules or evaluator(tuple(rules)).action(OTHER_TOOL) == "allow" and not _restricted(rules):
        return None
    whole = _wholly_allowed(rules)
    return [name for canon, name in _NAME_OF.items() if whole(canon) and canon not in _ALWAYS]   # Skill: implied


def _restricted(rules: list[ToolRule]) -> bool:
    return any(r.action != "allow" for r in rules)


def _wholly_allowed(rules: list[ToolRule]) -> Callable[[str], bool]:
    allowed = evaluator(tuple(rules))
    limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}
    return lambda tool: power_of(tool) not in limited and allowed.power(tool) == "allow" \
        and allowed.power(tool, access.OTHER_ARG) == "allow"


# -- models -------------------------------------------------------------------------------------

def _canonical_model(spelling: str) -> str | None:
    value = spelling.strip()
    if value == _MODELS.get("inherit", "inherit"):
        return None
    provider, colon, ident = value.partition(":")
    if colon and provider == _CUSTOM and ident:
        return f"{_CUSTOM}/{ident}"                  # a BYOK model: custom:<id>
    return vocabulary.qualified_model(value)


_read_model: Reader = model_reader(_canonical_model)


def factory_model(model: str | None) -> str | None:
    if not model or not model.strip():
        return None
    model = vocabulary.nearest_model(model) or model
    provider, _, ident = model.partition("/")
    if provider == _CUSTOM and ident:
        return f"{_CUSTOM}:{ident}"
    return ident if ident and provider in _MODELS.get("providers", []) else model
