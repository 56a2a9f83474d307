"""Gemini CLI sub-agents: ``.gemini/agents/*.md``. A strict schema: a key Gemini CLI does not
know, a tool name it does not know or a name that is not a slug, and it does not load the file;
so nothing else is ever written as a key (a carry rides in a YAML comment). Omitted ``tools``
is every tool, ``[]`` none (no sub-agent starts another agent, in Gemini CLI as in Claude Code). The tables are in
``dialects/gemini/mapping.toml``, the facts in its REFERENCE.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import access
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent, ToolRule
from .base import MarkdownDialect, NativeItems, cached_rules
from .fields import (
    NAME,
    Code,
    Description,
    FieldTable,
    Key,
    Reader,
    aliased_model,
    count,
    model_reader,
    number,
    or_raise,
)
from .namelist import McpSpelling, NameTable, every_tool, string_list

_TABLE = mapping("gemini")
#: mcp_SERVER_TOOL: the server ends at the first '_' (Gemini's parseMcpToolName)
TOOLS = NameTable.from_mapping(_TABLE, McpSpelling("mcp_", "_", re.compile(r"^[A-Za-z0-9.:-]+$"), "mcp_*"))
_MODELS = _TABLE.get("models", {})
_ALIASES: dict[str, str] = dict(_MODELS.get("aliases", {}))
_DETECT = frozenset(_TABLE.get("detect", {}).get("names", []))
_SLUG = re.compile(r"^[a-z0-9-_]+$")


class Gemini(FieldTable, MarkdownDialect):
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    name = "gemini"
    title = "Gemini CLI"
    layout = ".gemini/agents"
    path_hints = (".gemini/agents/",)
    # loadAgentsFromDirectory: the folder itself, no sub-folders; a name starting with '_' is skipped
    agent_globs = (".gemini/agents/[!_]*.md",)
    reading_model = "gemini-cli"
    required = ("name", "description")
    #: localAgentSchema (.strict()) and the remote agents' keys of Gemini CLI 0.61.0
    known_keys = frozenset({"kind", "name", "description", "display_name", "tools", "mcp_servers", "model",
                            "temperature", "max_turns", "timeout_mins", "agent_card_url", "agent_card_json", "auth"})
    #: MCP servers run code; a remote agent's card and auth send the task elsewhere
    capability_keys = frozenset({"mcp_servers", "agent_card_url", "agent_card_json", "auth"})
    exclusive_keys = frozenset({"kind", "display_name", "mcp_servers", "max_turns", "timeout_mins",
                                "agent_card_url", "agent_card_json"})

    rejects_unknown_keys = True
    empty_front_matter = "\n"        # its delimiter needs a line between the two rules
    # what the claim predicates below read: a tool list holding one of its own names
    shape_values = (("names", "tools", *sorted(_DETECT)), ("mcp", "tools", "mcp_", "_"))

    def tool_names(self, values: dict[str, Any]) -> int:
        names = string_list(values.get("tools")) or []
        return sum(1 for n in names if n in _DETECT or (TOOLS.mcp is not None and TOOLS.mcp.read(n)))

    def agent_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str) and isinstance(values.get("description"), str) \
            and set(values) <= self.known_keys and bool(self.exclusive_keys & set(values))

    def tool_name(self, canon: str) -> str:
        return TOOLS.display(canon)

    def holds_tool(self, canon: str) -> bool:
        return canon not in access.GUARDS

    def name_problem(self, name: str) -> str | None:
        if not _SLUG.match(name):
            return f"Gemini CLI refuses agent names that are not slugs of a-z, 0-9, '-' and '_': {name!r}"
        return super().name_problem(name)

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        Key("kind", None, read=lambda v: {} if v == "local" else None, get=lambda a: None,
            meaning=lambda v: None if v == "local" else v),
        NAME,
        Key("display_name", "display_name"),
        Description(),
        Code("tools", read="read_tools", write="write_tools"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: gemini_model(m),
            meaning=lambda v: canonical_model(v)),
        Key("temperature", "temperature", read=number, meaning=float),
        Key("max_turns", "max_turns", read=count),
    )
    field_defaults = {"mode": "subagent"}

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        fields["tools"] = parse_tools(values.get("tools")) if "tools" in values else []
        if fields["tools"] is None:
            fields["tools"] = access.unreadable(Gemini, "tools", values["tools"], "a list of Gemini CLI tool names",
                                                values, warn)

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        out.put("tools", agent.tools, _parsed, lambda: render_tools(agent.tools))


@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    names = string_list(value)
    return None if names is None else TOOLS.allow_list(names)


_parsed = or_raise(lambda v: parse_tools(v), "tools")


def render_tools(rules: list[ToolRule]) -> Any:
    """Rules → ``tools``: omitted for every tool, else the names of the tools the agent may use
    wholly: Gemini CLI has no deny and no argument patterns."""
    if every_tool(rules):
        return None
    return TOOLS.granted_names(rules)


canonical_model: Callable[[str], str | None] = aliased_model(_MODELS.get("inherit", "inherit"), _ALIASES)


_read_model: Reader = model_reader(canonical_model, read_blank=True)


def gemini_model(model: str | None) -> str | None:
    """Canonical id → a model Gemini CLI runs: Google's only (another provider's is dropped and
    the agent runs on the parent's model, reported)."""
    if model is None:
        return None
    provider, _, ident = model.partition("/")
    if not ident:
        return model if model.startswith("gemini-") else None
    return ident if provider == _MODELS.get("provider", "google") else None
