"""Quill agents: ``.quill/agents/*.md``, front matter of ``name``, ``description``, ``model``,
``tools`` (a list of Quill's tool names: an allow-list; omitted, every tool), ``temperature``
and ``rounds`` (a turn limit, the key only Quill reads). Quill is a made-up tool: this package
shows agentconv's plugin contract (docs/adding-a-dialect.md, "A plugin dialect")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentconv import access, vocabulary
from agentconv.data import add_folder, mapping
from agentconv.dialects.base import MarkdownDialect, NativeItems, cached_rules
from agentconv.dialects.fields import NAME, Code, Description, FieldTable, Key, number, or_raise, positive_int
from agentconv.dialects.namelist import NameTable, every_tool, string_list
from agentconv.losses import Diagnostic
from agentconv.model import Agent, ToolRule

add_folder("quill", Path(__file__).parent / "dialects" / "quill")
TOOLS = NameTable.from_mapping(mapping("quill"))


class Quill(FieldTable, MarkdownDialect):
    name = "quill"
    title = "Quill"
    layout = ".quill/agents"
    path_hints = (".quill/agents/",)
    agent_globs = (".quill/agents/*.md",)
    required = ("name", "description")
    known_keys = frozenset({"name", "description", "model", "tools", "temperature", "rounds"})
    exclusive_keys = frozenset({"rounds"})

    fields = (
        NAME,
        Description(),
        Key("model", "model", read=lambda v: vocabulary.qualified_model(v) if isinstance(v, str) else None),
        Code("tools", read="read_tools", write="write_tools"),
        Key("temperature", "temperature", read=number, meaning=float),
        Key("rounds", "max_turns", read=positive_int),
    )
    field_defaults = {"mode": "subagent"}

    def tool_name(self, canon: str) -> str:
        return TOOLS.display(canon)

    def holds_tool(self, canon: str) -> bool:
        return canon not in access.GUARDS

    def read_tools(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        rules = parse_tools(values["tools"]) if "tools" in values else []
        if rules is None:
            rules = access.unreadable(Quill, "tools", values["tools"], "a list of Quill tool names", values, warn)
        fields["tools"] = rules

    def write_tools(self, agent: Agent, out: NativeItems) -> None:
        out.put("tools", agent.tools, or_raise(parse_tools, "tools"),
                lambda: None if every_tool(agent.tools) else TOOLS.granted_names(agent.tools))


@cached_rules
def parse_tools(value: Any) -> list[ToolRule] | None:
    names = string_list(value)
    return None if names is None else TOOLS.allow_list(names)
