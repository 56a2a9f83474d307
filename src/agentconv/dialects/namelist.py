"""Tool access as a list of the tool's own names (Gemini CLI, Qwen Code, Antigravity): an
allow-list, sometimes with a deny-list beside it. One ``NameTable`` per dialect, built from its
``mapping.toml``; it reads names into canonical rules and writes rules back as the names that
grant exactly what the agent may use wholly (anything less is narrowed by the engine, reported
by element)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import overrides
from ..access import evaluator, power_of
from ..model import ALL_TOOLS, ToolRule, normalise_rules
from ..structs import field, struct

#: tool ids of MCP tools, as the canonical model spells them
_MCP = re.compile(r"^mcp:([^/]+)/(.+)$")


@struct(frozen=True)
class McpSpelling:
    """How a tool spells an MCP tool: ``prefix + server + sep + tool`` (``mcp_github_get``,
    ``mcp__github__get``); ``server_chars`` is what a server name may hold to be read back."""

    prefix: str
    sep: str
    server_chars: re.Pattern[str] = re.compile(r"^[A-Za-z0-9.:-]+$")
    all_servers: str | None = None          # the name for every MCP tool ("mcp_*"), if any

    def read(self, name: str) -> str | None:
        if self.all_servers and name == self.all_servers:
            return "mcp:*/*"
        if not name.startswith(self.prefix):
            return None
        server, sep, tool = name[len(self.prefix):].partition(self.sep)
        return f"mcp:{server}/{tool}" if sep and server and tool else None

    def write(self, tool: str) -> str | None:
        if tool == "mcp:*/*":
            return self.all_servers
        match = _MCP.match(tool)
        if not match or not self.server_chars.match(match.group(1)) or self.sep in match.group(1):
            return None
        return f"{self.prefix}{match.group(1)}{self.sep}{match.group(2)}"


@struct(frozen=True)
class NameTable:
    """One tool's names: ``names`` canonical id → the names written for it (all of them: Gemini's
    ``read`` is read_file and read_many_files), ``aliases`` other names it reads, ``own`` names
    of tools with no canonical id (kept as they are)."""

    names: dict[str, tuple[str, ...]]
    aliases: dict[str, str] = field(default_factory=dict)
    own: frozenset[str] = frozenset()
    mcp: McpSpelling | None = None
    no_tools: str | None = None             # the one name written for "no tools" (it names none)

    @classmethod
    def from_mapping(cls, table: dict[str, Any], mcp: McpSpelling | None = None) -> NameTable:
        tools = table.get("tools", {})
        names = {k: tuple([v] if isinstance(v, str) else v) for k, v in tools.items()}
        return cls(names=names, aliases=dict(table.get("aliases", {})),
                   own=frozenset(table.get("own", {}).get("names", [])),
                   mcp=mcp, no_tools=table.get("no_tools", {}).get("name"))

    def canonical(self, name: str) -> str:
        """A native name → its canonical tool id (an unknown name stays as it is written)."""
        for canon, spelled in self.names.items():
            if name in spelled:
                return canon
        if name in self.aliases:
            return self.aliases[name]
        if self.mcp is not None:
            return self.mcp.read(name) or name
        return name

    def knows(self, name: str) -> bool:
        """``name`` is one of this tool's own names (an alias, an MCP tool's name) or ``*``."""
        return name == ALL_TOOLS or name in self.aliases or name in self.own or \
            any(name in spelled for spelled in self.names.values()) or \
            (self.mcp is not None and self.mcp.read(name) is not None)

    def native(self, tool: str) -> tuple[str, ...]:
        """The names that grant the canonical ``tool`` (empty: the tool cannot say it)."""
        pinned = overrides.tool_spelling(tool)
        if pinned is not None:
            return (pinned,)
        if tool in self.names:
            return self.names[tool]
        if tool in self.own:
            return (tool,)
        if tool.startswith("mcp:") and self.mcp is not None:
            spelled = self.mcp.write(tool)
            return (spelled,) if spelled else ()
        return ()

    def known(self) -> list[str]:
        """Every canonical tool this table can grant, in table order."""
        return [*self.names, *sorted(self.own)]

    def display(self, tool: str) -> str:
        return (self.native(tool) or (tool,))[0]

    # -- reading ------------------------------------------------------------------------------
    def allow_list(self, names: list[str]) -> list[ToolRule]:
        """An allow-list: ``*`` is every tool, any other name grants its tool only."""
        if ALL_TOOLS in names:
            return []
        allows = {ToolRule(tool=self.canonical(n)) for n in names if n != self.no_tools}
        return normalise_rules([ToolRule(tool=ALL_TOOLS, action="deny"),
                                *sorted(allows, key=lambda r: (r.is_wildcard, r.tool))])

    # -- writing ------------------------------------------------------------------------------
    def wholly_allowed(self, rules: list[ToolRule]) -> Callable[[str], bool]:
        """A test: the agent may use every call of a tool (by power: Edit alone may be written
        as a tool that edits and writes files, see access.SAME_POWER)."""
        allowed = evaluator(tuple(rules))
        limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}
        return lambda tool: power_of(tool) not in limited and allowed.power(tool) == "allow"

    def granted_names(self, rules: list[ToolRule]) -> list[str]:
        """The names of every tool the rules let the agent use wholly, known tools first, then
        the tools the rules name (MCP tools, tools of its own), each once."""
        whole = self.wholly_allowed(rules)
        stated = [r.tool for r in rules if r.action == "allow" and r.pattern is None and r.tool != ALL_TOOLS]
        out: list[str] = []
        for tool in dict.fromkeys([*self.known(), *stated]):
            if whole(tool):
                out += self.native(tool)
        return list(dict.fromkeys(out))

    def denied_names(self, rules: list[ToolRule], as_written: bool = False) -> list[str]:
        """For rules that allow every tool but some: the names of the tools not wholly allowed
        (``as_written``: a tool without a name here is denied by its id, as a deny-list may)."""
        whole = self.wholly_allowed(rules)
        stated = [r.tool for r in rules if r.tool != ALL_TOOLS]
        out: list[str] = []
        for tool in dict.fromkeys(stated):
            if not whole(tool):
                out += self.native(tool) or ((tool,) if as_written and not tool.startswith("mcp:") else ())
        return list(dict.fromkeys(out))


def every_tool(rules: list[ToolRule]) -> bool:
    return rules == [ToolRule(tool=ALL_TOOLS, action="allow")] or not rules


def allows_others(rules: list[ToolRule]) -> bool:
    """The rules allow tools they do not name (no leading deny of every tool)."""
    return bool(rules) and not (rules[0].tool == ALL_TOOLS and rules[0].action == "deny") and \
        evaluator(tuple(rules)).action("some-other-tool") == "allow"


def string_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


__all__ = ["McpSpelling", "NameTable", "allows_others", "every_tool", "string_list"]
