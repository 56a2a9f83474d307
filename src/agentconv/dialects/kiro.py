"""Kiro CLI custom agents: ``.kiro/agents/NAME.json``, one JSON object per agent (the Kiro IDE's
markdown agents share the folder: only ``.json`` files are this dialect). Stated as it differs
from the one-agent JSON base; the tables are in ``dialects/kiro/mapping.toml``, the facts in
its REFERENCE.md (no offline client).

How Kiro differs: ``tools`` lists what the agent may use (built-in names, ``*``, ``@builtin``,
``@server`` and ``@server/tool`` for MCP), ``allowedTools`` which of those run without asking
(the others ask); a tool not listed is denied. ``prompt`` is inline or ``file://PATH``,
relative to the agent file. A missing ``tools`` is read as no tools (the narrowest reading)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from .. import access
from ..access import OTHER_ARG, evaluator, power_of
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from ..promptref import Syntax
from .base import MISSING, NativeItems, cached_rules
from .fields import Code, Description, FieldTable, Key
from .jsonagent import JsonAgentDialect
from .kiro_ide import _read_model, _server_map, kiro_model, read_server_map

_TABLE = mapping("kiro")
_TOOLS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLE["tools"].items()}
_ALIASES: dict[str, str] = dict(_TABLE.get("aliases", {}))
_GROUPS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _TABLE.get("groups", {}).items()}
_RESTRICTING = frozenset(_TABLE["settings"]["restricting"])
_KEYS = _TABLE["keys"]
_RANK = {"deny": 0, "ask": 1, "allow": 2}
_BUILTIN = tuple(dict.fromkeys(t for members in _TOOLS.values() for t in members))


class Kiro(FieldTable, JsonAgentDialect):
    name = "kiro"
    title = "Kiro CLI"
    layout = ".kiro/agents"
    agent_globs = (".kiro/agents/*.json",)          # the Kiro IDE's *.md there is another dialect
    reading_model = "kiro"
    known_keys = frozenset(_KEYS["known"])
    key_order = tuple(_KEYS["known"])
    key_types = dict(_KEYS["types"])
    exclusive_keys = frozenset({"allowedTools", "toolsSettings", "toolAliases", "resources", "includeMcpJson",
                                "useLegacyMcpJson", "keyboardShortcut", "welcomeMessage"})
    # resources load files into every conversation; aliases and settings change what a tool does
    capability_keys = frozenset({"resources", "toolsSettings", "toolAliases", "hooks", "includeMcpJson",
                                 "useLegacyMcpJson"})
    prompt_syntax = Syntax("file://")
    required = ("name",)
    field_defaults = {"mode": "subagent"}

    def tool_name(self, canon: str) -> str:
        return _name_of(canon) or canon

    fields = (
        Code("name", read="read_name", write="write_name"),
        Description(),
        Key("mcpServers", "mcp_servers", read=read_server_map, write=_server_map),
        Code("tools", "allowedTools", read="read_tools", write="write_tools"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: kiro_model(m)),
    )

    def read_name(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        if isinstance(values.get("name"), str):
            fields["name"] = values["name"]
        elif "name" in values:
            fields["native"].append(NativeField(dialect=self.name, key="name", value=values["name"]))

    def write_name(self, agent: Agent, out: NativeItems) -> None:
        # a fresh file says its name; one that let its file name say it keeps doing so
        if "name" in out.old or not out.old:
            out.put("name", agent.name, lambda v: v, agent.name)

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, allowed = values.get("tools", MISSING), values.get("allowedTools", MISSING)
        rules = parse_tools(tools, allowed)
        if rules is None:
            what = "tools" if _names(tools) is None else "allowedTools"
            rules = access.unreadable(Kiro, what, values[what], "a list of tool names", values, warn)
        fields["tools"] = _with_restrictions(rules, values.get("toolsSettings"), warn)

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        old_tools, old_allowed = out.old.get("tools", MISSING), out.old.get("allowedTools", MISSING)
        old_rules = parse_tools(old_tools, old_allowed)
        if old_rules is not None and (old_tools is not MISSING or out.old) \
                and _with_restrictions(old_rules, out.old.get("toolsSettings"), []) == agent.tools:
            out.add("tools", old_tools)
            out.add("allowedTools", old_allowed)
            return
        tools, allowed = render_tools(agent.tools)
        out.add("tools", tools)
        if allowed:
            out.add("allowedTools", allowed)


def _names(value: Any) -> list[str] | None:
    if value is MISSING:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    return None


def _canon(name: str) -> tuple[str, ...]:
    """The canonical tools one entry of ``tools`` stands for."""
    if name.startswith("@"):
        server, _, tool = name[1:].partition("/")
        return (f"mcp:{server}/{tool or '*'}",)
    name = _ALIASES.get(name, name)
    if name in _GROUPS:
        return tuple(t for member in _GROUPS[name] for t in _TOOLS[member])
    return _TOOLS.get(name, (name,))


@cached_rules
def parse_tools(tools: Any, allowed: Any) -> list[ToolRule] | None:
    """Kiro's tools (what the agent may use) and allowedTools (what of it runs unasked)."""
    names, trusted = _names(tools), _names(allowed)
    if names is None or trusted is None:
        return None
    every = ALL_TOOLS in names
    rules = [ToolRule(tool=ALL_TOOLS, action=_action(ALL_TOOLS, trusted) if every else "deny")]
    for name in names:
        if name == ALL_TOOLS:
            continue
        members = _BUILTIN if name == "@builtin" else _canon(name)
        rules += [ToolRule(tool=c, action=_action(name, trusted)) for c in members]
    # a name allowedTools trusts inside a wider one of tools (@server/tool in @server, read in *)
    for pattern in trusted:
        if pattern not in names and not any(c in pattern for c in "*?[") \
                and any(_covers(name, pattern) for name in names):
            rules += [ToolRule(tool=c) for c in _canon(pattern)]
    return normalise_rules(rules)


def _action(name: str, trusted: list[str]) -> str:
    return "allow" if any(_matches(pattern, name) for pattern in trusted) else "ask"


def _matches(pattern: str, name: str) -> bool:
    if pattern == "@builtin":
        return not name.startswith("@") and name != ALL_TOOLS
    return fnmatchcase(name, pattern) or fnmatchcase(_ALIASES.get(name, name), _ALIASES.get(pattern, pattern))


def _covers(name: str, pattern: str) -> bool:
    if name == ALL_TOOLS:
        return True
    if name == "@builtin":
        return not pattern.startswith("@")
    return name.startswith("@") and "/" not in name and pattern.startswith(name + "/")


def _with_restrictions(rules: list[ToolRule], settings: Any, warn: list[Diagnostic]) -> list[ToolRule]:
    """A tool whose toolsSettings refuse some of its calls (``deniedCommands``: regular
    expressions canonical rules cannot say) is read as denied whole: never as allowed."""
    if not isinstance(settings, dict):
        return rules
    denied: list[str] = []
    for name, setting in settings.items():
        if isinstance(setting, dict) and _RESTRICTING & set(setting):
            denied += _canon(name)
            refusing = ", ".join(sorted(_RESTRICTING & set(setting)))
            warn.append(Diagnostic(message=f"toolsSettings.{name} refuses some calls ({refusing}); "
                                           f"agentconv reads {name} as denied", field=f"tools.{name}",
                                   hint="state the tool's limits in the target by hand"))
    if not denied:
        return rules
    kept = [r for r in rules if r.tool not in denied]
    return normalise_rules(kept + [ToolRule(tool=t, action="deny") for t in denied])


def _name_of(canon: str) -> str | None:
    for name, members in _TOOLS.items():
        if canon in members:
            return name
    if canon.startswith("mcp:"):
        server, _, tool = canon[4:].partition("/")
        return None if server == "*" else f"@{server}" if tool in ("", "*") else f"@{server}/{tool}"
    return None


def render_tools(rules: list[ToolRule]) -> tuple[list[str], list[str]]:
    """(tools, allowedTools) granting no call more than ``rules`` do: each Kiro tool gets the
    least of what its canonical tools may do, with any argument (a rule on some commands only
    makes the whole tool that strict)."""
    actions = evaluator(tuple(rules))
    patterns: dict[str, list[str]] = {}
    for rule in rules:
        if rule.pattern is not None:
            patterns.setdefault(power_of(rule.tool), []).append(rule.pattern)

    def least(canon: str) -> str:
        probes = [None, OTHER_ARG, *patterns.get(power_of(canon), [])]
        return min((actions.power(canon, p) for p in probes), key=_RANK.__getitem__)

    named = list(_TOOLS) + [n for n in dict.fromkeys(_name_of(r.tool) for r in rules if r.tool.startswith("mcp:"))
                            if n is not None]
    if not rules:
        return [ALL_TOOLS], list(_TOOLS)
    tools, allowed = [], []
    for name in named:
        members = _TOOLS.get(name) or _canon(name)
        action = min((least(c) for c in members), key=_RANK.__getitem__)
        if action != "deny":
            tools.append(name)
        if action == "allow":
            allowed.append(name)
    return tools, allowed
