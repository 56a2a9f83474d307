"""Antigravity (Google's IDE and its CLI ``agy``) custom agents: ``.agents/agents/*.md``. No
offline client exists, so every rule here is the documented one (REFERENCE.md). How it differs:
``tools`` is a list of Antigravity's own tool names whose documented default is ``[]``: left out
(or empty) the agent has its default tools, as real files rely on; no tools at all is a list
naming no tool. ``mainAgent`` and ``subagent`` say who may call the agent. Tables:
``dialects/antigravity/mapping.toml``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import access
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent, NativeField, ToolRule
from .base import MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, Code, Description, FieldTable, Key, Reader, aliased_model, flag, model_reader, names, or_raise
from .namelist import NameTable, every_tool, string_list

_TABLE = mapping("antigravity")
TOOLS = NameTable.from_mapping(_TABLE)
_MODELS = _TABLE.get("models", {})
_ALIASES: dict[str, str] = dict(_MODELS.get("aliases", {}))
_DETECT = frozenset(_TABLE.get("detect", {}).get("names", []))
#: who may call the agent: read together, written back together
_INVOCATION = ("mainAgent", "subagent")


class Antigravity(FieldTable, MarkdownDialect):
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    name = "antigravity"
    title = "Antigravity"
    layout = ".agents/agents"
    path_hints = (".agents/agents/", ".gemini/config/agents/")
    agent_globs = (".agents/agents/*.md", ".agents/agents/*/agent.md")
    reading_model = "antigravity"
    required = ("name", "description")
    #: the documented keys (CLI v1.1.6+), with hidden and inheritMcp from its release notes
    known_keys = frozenset({"name", "description", "tools", "mainAgent", "subagent", "model", "commandExecutionPolicy",
                            "mcpServers", "skills", "plugins", "hidden", "inheritMcp"})
    #: MCP servers and plugins run code; the policy decides whether commands run sandboxed
    capability_keys = frozenset({"mcpServers", "plugins", "inheritMcp", "commandExecutionPolicy"})
    exclusive_keys = frozenset({"mainAgent", "subagent", "commandExecutionPolicy", "plugins", "inheritMcp"})

    # what the claim predicates below read: a tool list holding one of its own names
    shape_values = (("names", "tools", *sorted(_DETECT)),)

    def tool_names(self, values: dict[str, Any]) -> int:
        return sum(1 for n in string_list(values.get("tools")) or [] if n in _DETECT)

    def agent_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str) and isinstance(values.get("description"), str) \
            and bool(self.exclusive_keys & set(values))

    def tool_name(self, canon: str) -> str:
        return TOOLS.display(canon)

    def holds_tool(self, canon: str) -> bool:
        return canon not in access.GUARDS

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        NAME,
        Description(),
        Code("tools", read="read_tools", write="write_tools"),
        Code(*_INVOCATION, read="read_invocation", write="write_invocation"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: antigravity_model(m),
            meaning=lambda v: canonical_model(v)),
        Key("skills", "skills", read=lambda v: names(v) if isinstance(v, list) else None),
        Key("hidden", "hidden", read=flag),
    )

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        rules = parse_tools(values.get("tools", []))
        if rules is None:
            rules = access.unreadable(Antigravity, "tools", values["tools"], "a list of Antigravity tool names",
                                      values, warn)
        fields["tools"] = rules

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        out.put("tools", agent.tools, _parsed, lambda: render_tools(agent.tools))

    def read_invocation(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        main, sub = (values.get(k, True) for k in _INVOCATION)
        readable = all(isinstance(v, bool) for v in (main, sub)) and (main or sub)
        if readable:
            fields["mode"] = _mode(main, sub)
        for key in _INVOCATION:           # a value that is no mode stays the file's own
            if key in values and not readable:
                fields["native"].append(NativeField(dialect=self.name, key=key, value=values[key]))

    def write_invocation(self, agent: Agent, out: NativeItems) -> None:
        for key, value in _invocation_items(agent.mode, out.old):
            out.add(key, value)


def _mode(main: bool, sub: bool) -> str:
    return "all" if main and sub else "primary" if main else "subagent"


def _invocation_items(mode: str | None, old: dict[str, Any]) -> list[tuple[str, Any]]:
    """The old keys while they still mean the mode, else the fewest that say it (both default true)."""
    kept = {k: old[k] for k in _INVOCATION if k in old}
    wanted = mode or "all"
    if kept and all(isinstance(v, bool) for v in kept.values()) and \
            _mode(kept.get("mainAgent", True), kept.get("subagent", True)) == wanted:
        return list(kept.items())
    return {"all": [], "primary": [("subagent", False)], "subagent": [("mainAgent", False)]}[wanted]


@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    """``tools`` → rules: absent or empty, the default tools (every tool); else the tools named."""
    listed = string_list(value)
    if listed is None:
        return None
    return TOOLS.allow_list(listed) if listed else []


_parsed = or_raise(lambda v: parse_tools(v), "tools")


def render_tools(rules: list[ToolRule]) -> Any:
    """Rules → ``tools``: left out for every tool, else the names of every tool the agent may use
    wholly (none: the one name that names no tool); deny rules and patterns narrow, reported."""
    if every_tool(rules):
        return None
    return TOOLS.granted_names(rules) or [TOOLS.no_tools]


canonical_model: Callable[[str], str | None] = aliased_model(_MODELS.get("inherit", "inherit"), _ALIASES)


_read_model: Reader = model_reader(canonical_model, read_blank=True)


def antigravity_model(model: str | None) -> str | None:
    """Canonical id → Antigravity's: its alias where one stands for it, a Gemini id, or none
    (another provider's model is not documented: dropped, reported)."""
    if model is None:
        return None
    alias = next((a for a, m in _ALIASES.items() if m == model), None)
    if alias:
        return alias
    provider, _, ident = model.partition("/")
    return ident if ident and provider == _MODELS.get("provider", "google") else None
