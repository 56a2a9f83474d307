"""Kiro IDE sub-agents: ``.kiro/agents/**/*.md`` (the Kiro CLI's JSON agents share the folder:
only ``.md`` files are this dialect). Stated as it differs from the markdown base; the tables
are in ``dialects/kiro-ide/mapping.toml``, the facts in its REFERENCE.md (no offline client).

How Kiro differs: ``tools`` holds category tags (``read``, ``write``, ``shell``, ``web``,
``subagent``), ``*``, and MCP servers as ``@server`` or ``@server/tool``; a tag is written only
when the agent may use every tool it grants. Omitted ``tools`` is read as no tools (Kiro's
default is not documented) and never written: an output always says its tools. The path below
``agents/`` names the agent (``team/planner``) unless ``name`` says otherwise."""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from .. import access, vocabulary
from ..access import OTHER_ARG, evaluator, power_of, widenings
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules, names_below
from .fields import Code, Description, FieldTable, Key, comma_names

_TABLE = mapping("kiro-ide")
_TAGS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLE.get("tags", {}).items()}
_PROVIDERS = frozenset(_TABLE.get("models", {}).get("providers", []))
_DOT_VERSION = re.compile(r"(?<=\d)\.(?=\d)")
_DASH_VERSION = re.compile(r"(?<=-)(\d{1,2})-(\d{1,2})(?=$|-)")
_EVERY = [ToolRule(tool=ALL_TOOLS, action="allow")]
#: the path the file being written will have (a name it already says is not written again)
_WRITTEN_AT: ContextVar[str | None] = ContextVar("kiro_written_at", default=None)


class KiroIde(FieldTable, MarkdownDialect):
    name = "kiro-ide"
    title = "Kiro IDE"
    layout = ".kiro/agents"
    path_hints = (".kiro/agents/",)
    agent_globs = (".kiro/agents/**/*.md",)          # the Kiro CLI's *.json there is another dialect
    reading_model = "kiro-ide"
    required = ("description",)
    known_keys = frozenset({"name", "description", "tools", "model", "includeMcpJson", "includePowers",
                            "mcpServers", "permissions"})
    capability_keys = frozenset({"includeMcpJson", "includePowers", "mcpServers", "permissions"})
    exclusive_keys = frozenset({"includeMcpJson", "includePowers"})

    def name_from_path(self, path: str | None) -> str | None:
        return "/".join(names_below(path)) if path else None

    fields = (
        Code("name", read="read_name", write="write_name"),      # else the path names the agent
        Description(),
        Code("tools", read="read_tools", write="write_tools"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: kiro_model(m)),
        Key("mcpServers", "mcp_servers", read=lambda v: read_server_map(v), write=lambda s: _server_map(s)),
    )
    field_defaults = {"mode": "subagent"}

    def read_name(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        if isinstance(values.get("name"), str):
            fields["name"] = values["name"]
        elif "name" in values:
            fields["native"].append(NativeField(dialect=self.name, key="name", value=values["name"]))

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        token = _WRITTEN_AT.set(path)
        try:
            return super().write(agent, trivia, carry, path)
        finally:
            _WRITTEN_AT.reset(token)

    def write_name(self, agent: Agent, out: NativeItems) -> None:
        path = _WRITTEN_AT.get()
        # a file whose path says its name needs no `name` (unless it had one)
        if "name" in out.old or (path is not None and self.name_from_path(path) != agent.name):
            out.put("name", agent.name, lambda v: v, agent.name)

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        rules = parse_tools(values.get("tools", MISSING))
        fields["tools"] = rules if rules is not None else access.unreadable(
            KiroIde, "tools", values["tools"], "a list of tool tags (or a comma-separated string)", values, warn)

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        if "tools" not in out.old and out.old and parse_tools(MISSING) == agent.tools:
            return                                   # a file that never said its tools keeps not saying them
        out.put("tools", agent.tools, _parsed, lambda: render_tools(agent.tools))


def _server_map(servers: list[Any] | None) -> dict[str, Any] | None:
    """Canonical servers → Kiro's map (name → configuration); a server named only (its
    configuration is elsewhere) cannot be said, and is dropped alone (the read-back reports it)."""
    configured = {k: v for s in servers or () if isinstance(s, dict) and len(s) == 1 for k, v in s.items()}
    return configured or None


def read_server_map(value: Any) -> list[dict[str, Any]] | None:
    """Kiro's map (name → configuration) → canonical servers; ``{}`` is no server, as an absent key is."""
    return [{k: c} for k, c in value.items()] or None if isinstance(value, dict) else None


@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    if value is MISSING:
        return [ToolRule(tool=ALL_TOOLS, action="deny")]
    tags = comma_names(value)
    if tags is None:
        return None
    if ALL_TOOLS in tags:
        return []                                    # every tool: no rule at all
    allowed: set[str] = set()
    for tag in tags:
        allowed.update(_TAGS.get(tag, ()) or (_mcp(tag),))
    return normalise_rules([ToolRule(tool=ALL_TOOLS, action="deny"), *(ToolRule(tool=t) for t in sorted(allowed))])


def _mcp(tag: str) -> str:
    if tag == "@mcp":
        return "mcp:*"
    if tag.startswith("@"):
        server, _, tool = tag[1:].partition("/")
        return f"mcp:{server}/{tool or '*'}"
    return tag


def _parsed(value: Any) -> list[ToolRule]:
    rules = parse_tools(value)
    if rules is None:
        raise ValueError("not a tools value")
    return rules


def render_tools(rules: list[ToolRule]) -> list[str]:
    if not rules or not widenings(rules, _EVERY):
        return [ALL_TOOLS]
    actions = evaluator(tuple(rules))
    limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}

    def whole(tool: str) -> bool:
        return power_of(tool) not in limited and all(actions.power(tool, a) == "allow" for a in (None, OTHER_ARG))

    tags = [tag for tag, tools in _TAGS.items() if all(whole(t) for t in tools)]
    granted = {t for tag in tags for t in _TAGS[tag]}
    own = [r.tool for r in rules if r.action == "allow" and r.pattern is None
           and r.tool not in granted and whole(r.tool) and r.tool.startswith("mcp:")]
    return tags + [_tag_of(t) for t in dict.fromkeys(own)]


def _tag_of(tool: str) -> str:
    server, _, name = tool[4:].partition("/")
    return "@mcp" if server == "*" else f"@{server}" if name in ("", "*") else f"@{server}/{name}"


def _read_model(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    ident = value.strip()
    qualified = vocabulary.qualified_model(ident)
    provider, _, rest = qualified.partition("/")
    return f"{provider}/{_DOT_VERSION.sub('-', rest)}" if rest and provider in _PROVIDERS else qualified


def kiro_model(model: str | None) -> str | None:
    """Canonical id → Kiro's (claude-sonnet-4.5); a model of a provider Kiro does not offer is
    dropped (reported), and the agent runs on the one the user picked."""
    if not model:
        return None
    model = vocabulary.nearest_model(model) or model
    provider, _, ident = model.partition("/")
    return _DASH_VERSION.sub(r"\1.\2", ident) if ident and provider in _PROVIDERS else None
