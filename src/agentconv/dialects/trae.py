"""Trae (ByteDance) agents: ``.trae/agents/*.md``. Claude-shaped: Claude Code's tool names,
``tools`` as one comma-separated string (``""``: no tools; omitted: every tool) and
``disallowedTools``; stated as it differs from the markdown base, with Trae's own table in
``dialects/trae/mapping.toml`` and the facts in its REFERENCE.md (no offline client).

How Trae differs from Claude Code: no argument patterns (``Bash(git *)`` is no tool name it
knows), only its built-in model names, a name that starts with a letter and has at most 50
characters, and no colour, effort, turn limit, permission mode, skills or hooks."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from .. import access
from ..access import OTHER_ARG, OTHER_TOOL, evaluator, power_of
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, ToolRule, normalise_rules
from . import toolnames
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, Code, Description, FieldTable, Key, a_list, text

_TABLE = mapping("trae")
_CANON_OF, _NAME_OF = toolnames.tables(_TABLE.get("tools", {}))
_MAX_NAME = int(_TABLE.get("names", {}).get("max_length", 50))
_NAME_RULE = re.compile(r"^[A-Za-z]")


class Trae(FieldTable, MarkdownDialect):
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    known_tools: ClassVar[tuple[str, ...]] = tuple(_TABLE.get("tools", {}))
    name = "trae"
    title = "Trae"
    layout = ".trae/agents"
    path_hints = (".trae/agents/",)
    agent_globs = (".trae/agents/*.md",)
    nested_files = False
    reading_model = "trae"
    required = ("name", "description")
    skipped_without = "name"
    known_keys = frozenset({"name", "description", "tools", "disallowedTools", "mcpServers", "model"})
    capability_keys = frozenset({"mcpServers"})

    def holds_tool(self, canon: str) -> bool:
        return _sayable(canon)              # Trae has no other tool: a rule on one is dropped

    def tool_name(self, canon: str) -> str:
        return toolnames.native(canon, _NAME_OF, mcp_style="claude")

    def name_problem(self, name: str) -> str | None:
        if not _NAME_RULE.match(name):
            return f"Trae wants an agent name that starts with a letter: {name!r}"
        if len(name) > _MAX_NAME:
            return f"Trae refuses agent names longer than {_MAX_NAME} characters ({len(name)})"
        return super().name_problem(name)

    fields = (
        NAME,
        Description(),
        Code("tools", read="read_access", write="write_allowed"),
        Code("disallowedTools", write="write_denied"),
        Key("mcpServers", "mcp_servers", read=a_list),
        # built-in names only: a model id from elsewhere is not one of them (dropped, reported)
        Key("model", "model", read=text, write=lambda m: None),
    )
    field_defaults = {"mode": "subagent"}

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, denied = values.get("tools", MISSING), values.get("disallowedTools", MISSING)
        rules = parse_access(tools, denied)
        if rules is None:
            key, value = ("tools", tools) if not _readable(tools) else ("disallowedTools", denied)
            rules = access.unreadable(Trae, key, value, "a comma-separated string of tool names", values, warn)
        fields["tools"] = rules

    def write_allowed(self, agent: Agent, out: NativeItems) -> None:
        old = (out.old.get("tools", MISSING), out.old.get("disallowedTools", MISSING))
        kept = old if (old != (MISSING, MISSING) and parse_access(*old) == agent.tools) else render_access(agent.tools)
        out.memo["access"] = kept
        out.add("tools", kept[0])

    def write_denied(self, agent: Agent, out: NativeItems) -> None:
        out.add("disallowedTools", out.memo["access"][1])


def _readable(value: Any) -> bool:
    return value is MISSING or isinstance(value, str)


def _rule(name: str, action: str) -> ToolRule:
    return ToolRule(tool=toolnames.canonical(name, _CANON_OF, mcp_style="claude"), action=action)


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.split(",") if n.strip()]


@cached_rules
def parse_access(tools: Any, denied: Any) -> list[ToolRule] | None:
    """(tools, disallowedTools) → rules: a list narrows to the tools it names (``""``: none),
    disallowedTools removes tools (None: a value Trae does not read as names)."""
    if not _readable(tools) or not _readable(denied):
        return None
    rules: list[ToolRule] = []
    if tools is not MISSING:
        rules.append(ToolRule(tool=ALL_TOOLS, action="deny"))
        rules += sorted({_rule(n, "allow") for n in _names(tools)}, key=lambda r: r.tool)
    if denied is not MISSING:
        rules += [_rule(n, "deny") for n in _names(denied)]
    return normalise_rules(rules)


def render_access(rules: list[ToolRule]) -> tuple[Any, Any]:
    """Rules → (tools, disallowedTools): an allow-list names what the agent may use wholly;
    every other agent is every tool but those it may not use wholly."""
    if not rules:
        return MISSING, MISSING
    actions = evaluator(tuple(rules))
    limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}

    def whole(tool: str) -> bool:
        return power_of(tool) not in limited and all(actions.power(tool, a) == "allow" for a in (None, OTHER_ARG))

    stated = sorted({r.tool for r in rules if not r.is_wildcard and r.tool not in access.GUARDS})
    if actions.action(OTHER_TOOL) != "allow":
        known = [t for t in [*_NAME_OF, *stated] if _sayable(t)]
        return ", ".join(dict.fromkeys(_native(t) for t in known if whole(t))), MISSING
    denied = [_native(t) for t in stated if not whole(t) and _sayable(t)]
    return MISSING, (", ".join(denied) if denied else MISSING)


def _sayable(tool: str) -> bool:
    return tool in _NAME_OF or tool.startswith("mcp:")


def _native(tool: str) -> str:
    return toolnames.native(tool, _NAME_OF, mcp_style="claude")
