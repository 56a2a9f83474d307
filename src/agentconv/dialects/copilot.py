"""GitHub Copilot custom agents: ``.github/agents/NAME.agent.md`` (any ``.md`` there). The file
name is the identity; ``name`` is only what Copilot shows. Stated as it differs from the markdown
base; the tables are in ``dialects/copilot/mapping.toml``, the facts in its REFERENCE.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .. import access, overrides, vocabulary
from ..access import evaluator, power_of
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .base import MarkdownDialect, NativeItems, cached_rules, names_below
from .fields import Code, Description, FieldTable, Key, comma_names, or_raise

_TABLE = mapping("copilot")
#: alias written -> canonical tools it grants; every alias (lower case) -> the alias written
_GRANTS: dict[str, tuple[str, ...]] = {k: tuple(v["grants"]) for k, v in _TABLE.get("tools", {}).items()}
_ALIAS: dict[str, str] = {a: k for k, v in _TABLE.get("tools", {}).items() for a in [k, *v["aliases"]]}
_GRANTED = frozenset(t for tools in _GRANTS.values() for t in tools)
_MODELS = _TABLE.get("models", {})
_PLAIN_PROVIDERS = frozenset(_MODELS.get("providers", []))
_DOTTED = frozenset(_MODELS.get("dotted_versions", []))
_VENDOR = re.compile(r"\s*\([^()]*\)\s*$")          # "GPT-4.1 (copilot)"
_DOT_VERSION = re.compile(r"(?<=\d)\.(?=\d)")
_DASH_VERSION = re.compile(r"(?<=-)(\d{1,2})-(\d{1,2})(?=$|-)")
#: who may call the agent: read together (``_mode``, ``_hidden``), written back together
_INVOCATION = ("disable-model-invocation", "user-invocable", "infer")


class Copilot(FieldTable, MarkdownDialect):
    spells_models = True               # its model list is written by _copilot_id: overridable
    name = "copilot"
    title = "GitHub Copilot"
    layout = ".github/agents"
    extension = ".agent.md"
    path_hints = (".github/agents/", ".copilot/agents/", "*.agent.md")
    # Copilot CLI 1.0.102 loads every .md below .github/agents, sub-folders too (named a--b)
    agent_globs = (".github/agents/**/*.md", ".copilot/agents/**/*.md")
    reading_model = "copilot"
    required = ("description",)
    #: a mode Copilot cannot restrict an agent to -> the mode its reading gives (a note, not a loss:
    #: the agent still does its job, and no tool is granted)
    modes_offered = {"subagent": "all"}
    #: every key Copilot CLI 1.0.102 reads without a warning ("unknown field ignored" otherwise)
    known_keys = frozenset({"name", "description", "tools", "model", "model-policy", "reasoning-effort",
                            "disable-model-invocation", "user-invocable", "infer", "mcp-servers", "hooks",
                            "include-custom-instructions", "deferred-tool-loading", "strict-tools-list"})
    #: MCP servers and hooks run code; handoffs hand the task to another agent
    capability_keys = frozenset({"mcp-servers", "hooks", "handoffs"})
    exclusive_keys = frozenset({"disable-model-invocation", "user-invocable", "infer", "mcp-servers", "target",
                                "handoffs", "model-policy", "reasoning-effort", "include-custom-instructions",
                                "deferred-tool-loading", "strict-tools-list", "metadata"})

    shape_values = (("list", "model"),)     # what the claim predicates below read: model fallbacks

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("model"), list)          # a model with fallbacks

    def agent_shape(self, values: dict[str, Any]) -> bool:
        # outside .github/agents: a description and a key only Copilot reads (others are Claude's shape)
        return isinstance(values.get("description"), str) and bool(self.exclusive_keys & set(values)) \
            and not {"allowed-tools"} & set(values)

    def name_from_path(self, path: str | None) -> str | None:
        return _name_from_path(path)

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        Code("name", read="read_name", write="write_name"),
        Description(),
        Code("tools", read="read_tools", write="write_tools"),
        Key("model", None, read=lambda v: _read_models(v),
            get=lambda a: [a.model, *a.model_fallbacks] if a.model else [],
            meaning=lambda v: [canonical_model(m) for m in _models(v)], write=lambda m: copilot_model(m)),
        Key("reasoning-effort", "reasoning_effort", write=lambda e: e if isinstance(e, str) else None),
        Code(*_INVOCATION, read="read_invocation", write="write_invocation"),
    )

    def read_name(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        value = values.get("name")
        if not isinstance(value, str):
            if "name" in values:
                fields["native"].append(NativeField(dialect=self.name, key="name", value=value))
        elif fields.get("name") is None:
            fields["name"] = value
        elif value != fields["name"]:
            fields["display_name"] = value         # what Copilot shows; the path is the identity

    def write_name(self, agent: Agent, out: NativeItems) -> None:
        shown = agent.display_name or (agent.name if "name" in out.old else None)
        out.put("name", shown, lambda v: v, shown)

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        if "tools" in values:
            fields["tools"] = parse_tools(values["tools"]) or access.unreadable(
                Copilot, "tools", values["tools"], "a list of tool names (or a comma-separated string)", values, warn)

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        out.put("tools", agent.tools, _parsed_tools, lambda: render_tools(agent.tools))

    def read_invocation(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        fields["mode"] = _mode(values)
        if _hidden(values):
            fields["hidden"] = True
        for key in _INVOCATION:           # a value Copilot does not read stays the file's
            if key in values and not isinstance(values[key], bool):
                fields["native"].append(NativeField(dialect=self.name, key=key, value=values[key]))

    def write_invocation(self, agent: Agent, out: NativeItems) -> None:
        for key, value in _invocation_items(agent, out.old):
            out.add(key, value)

    def check_read(self, taken: set[str], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        if "description" not in taken:
            warn.append(Diagnostic(message="no 'description': GitHub Copilot does not load this file",
                                   hint="add 'description: ...' to the front matter"))


def _read_models(value: Any) -> dict[str, Any] | None:
    models = [canonical_model(m) for m in _models(value)]
    return {"model": models[0], "model_fallbacks": models[1:]} if models else None


@lru_cache(maxsize=256)
def _name_from_path(path: str | None) -> str | None:
    """Copilot's id: the path below ``agents/`` without ``.agent.md``/``.md``, folders joined by
    ``--`` (Copilot CLI 1.0.102 names ``agents/sub/x.agent.md`` ``sub--x``)."""
    return "--".join(names_below(path)) if path else None


# -- invocation: who may call the agent ---------------------------------------------------------

def _model_invocable(values: dict[str, Any]) -> bool:
    value = values.get("disable-model-invocation")
    if isinstance(value, bool):                  # it wins over the retired `infer`
        return not value
    return values.get("infer") is not False


def _mode(values: dict[str, Any]) -> str:
    """A Copilot agent is a main agent a user picks and one the model calls: mode ``all``;
    ``disable-model-invocation: true`` leaves a main agent only (``primary``), ``user-invocable:
    false`` one only the model calls (a hidden ``subagent``)."""
    if not _model_invocable(values):
        return "primary"
    return "subagent" if _hidden(values) else "all"


def _hidden(values: dict[str, Any]) -> bool:
    return values.get("user-invocable") is False


def _invocation_items(agent: Agent, old: dict[str, Any]) -> list[tuple[str, Any]]:
    """The old invocation keys while they still mean the agent's mode, else the plainest ones."""
    wanted = (_written_mode(agent.mode, agent.hidden), agent.hidden or None)
    fresh = {}
    if wanted[0] == "primary":
        fresh["disable-model-invocation"] = True
    if agent.hidden:
        fresh["user-invocable"] = False
    kept = {k: old[k] for k in _INVOCATION if k in old}
    for items in (kept, {**kept, **fresh}):
        if items and (_mode(items), _hidden(items) or None) == wanted:
            return list(items.items())
    return list(fresh.items())


def _written_mode(mode: str | None, hidden: bool | None) -> str:
    if mode == "primary":
        return "primary"
    # a subagent the user may mention: Copilot has no such agent, it offers it to pick as well
    return "subagent" if mode == "subagent" and hidden else "all"


# -- tools --------------------------------------------------------------------------------------

@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    """``tools`` → rules: a list narrows to the tools it names, ``*`` is every tool (None: a
    value Copilot rejects)."""
    names = comma_names(value)
    if names is None:
        return None
    if ALL_TOOLS in names:
        return [ToolRule(tool=ALL_TOOLS, action="allow")]
    allows: set[ToolRule] = set()
    for name in names:
        alias = _ALIAS.get(name.lower())
        allows.update(ToolRule(tool=t) for t in (_GRANTS[alias] if alias else (_tool_of(name),)))
    # every rule after the deny allows: their order means nothing, so one order for all spellings
    ordered = sorted(allows, key=lambda r: (r.is_wildcard, r.tool))
    return normalise_rules([ToolRule(tool=ALL_TOOLS, action="deny"), *ordered])


_parsed_tools = or_raise(lambda v: parse_tools(v), "tools")


def _tool_of(name: str) -> str:
    server, slash, tool = name.partition("/")
    return f"mcp:{server}/{tool}" if slash and server and tool else name


def _native_name(tool: str) -> str:
    return tool[4:] if tool.startswith("mcp:") else tool


def render_tools(rules: list[ToolRule]) -> Any:
    """Rules → ``tools``: omitted for every tool, else the names of what the agent may use
    wholly, by power (Copilot has no deny and no argument patterns: those narrow, and the engine
    says so)."""
    if not rules:
        return None
    if rules == [ToolRule(tool=ALL_TOOLS, action="allow")]:
        return ["*"]
    whole = _wholly_allowed(tuple(rules))
    names = [alias for alias, tools in _GRANTS.items() if all(whole(t) for t in tools)]
    names += [_native_name(r.tool) for r in rules if r.action == "allow" and r.pattern is None
              and _own_name(r.tool) and whole(r.tool)]
    names = list(dict.fromkeys(names))
    return ", ".join(names) if names else []


def can_grant(rules: list[ToolRule], tool: str) -> bool:
    """Copilot can grant ``tool`` without granting more: every tool of its alias is wholly
    allowed, or it goes by a name of its own (never "every tool but these": no deny)."""
    whole = _wholly_allowed(tuple(rules))
    group = next((tools for tools in _GRANTS.values() if tool in tools), None)
    return all(whole(t) for t in group) if group else _own_name(tool) and whole(tool)


def _own_name(tool: str) -> bool:
    """A tool no alias grants, written by its own name, unless Copilot would read that name as
    an alias (``multiedit`` is ``edit``)."""
    return (tool != ALL_TOOLS and tool not in _GRANTED and tool.lower() not in _ALIAS
            # Copilot names a server's tools ``server/tool``: ``mcp:*`` (every server) has no name
            and _tool_of(_native_name(tool)) == tool)


def _wholly_allowed(rules: tuple[ToolRule, ...]) -> Callable[[str], bool]:
    allowed = evaluator(rules)
    # one power for every file writing tool (access.SAME_POWER): Edit alone may be written `edit`
    limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}
    return lambda tool: power_of(tool) not in limited and allowed.power(tool) == "allow"


# -- models -------------------------------------------------------------------------------------

def _models(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip():
        return [value]
    if isinstance(value, list) and value and all(isinstance(m, str) and m.strip() for m in value):
        return list(value)
    return []


def canonical_model(spelling: str) -> str:
    """Copilot's id or display name → canonical id (``Claude Sonnet 4.5 (copilot)`` →
    ``anthropic/claude-sonnet-4-5``)."""
    ident = _VENDOR.sub("", spelling.strip())
    if "/" not in ident:
        ident = "-".join(ident.lower().split())
    qualified = vocabulary.qualified_model(ident)
    provider, _, rest = qualified.partition("/")
    if rest and provider in _DOTTED:
        return f"{provider}/{_DOT_VERSION.sub('-', rest)}"
    return qualified


def copilot_model(models: list[str]) -> Any:
    """Canonical ids → ``model`` (a list when there are fallbacks)."""
    spelled = [_copilot_id(m if overrides.model_spelling(m) else vocabulary.nearest_model(m) or m) for m in models]
    if not spelled:
        return None
    return spelled[0] if len(spelled) == 1 else spelled


def _copilot_id(model: str) -> str:
    pinned = overrides.model_spelling(model)
    if pinned is not None:
        return pinned
    provider, _, ident = model.partition("/")
    if not ident or provider not in _PLAIN_PROVIDERS:
        return model
    return _DASH_VERSION.sub(r"\1.\2", ident) if provider in _DOTTED else ident
