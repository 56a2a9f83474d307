"""Zoo Code custom modes (``.roomodes``): Roo Code's modes, continued after its end of life, with
``allowedMcpServers``, the MCP servers a mode's ``mcp`` group is limited to. Stated as it differs
from Roo Code (``roo.py``); facts in ``dialects/zoo/REFERENCE.md``. A ``.roomodes`` without the key
means the same to both tools: it is read as Roo Code's."""

from __future__ import annotations

from typing import Any

from ..data import mapping
from ..losses import Diagnostic
from ..model import ToolRule, normalise_rules
from .fields import Code
from .roo import Roo

_TABLE = mapping("zoo")
_ALL_MCP = "mcp:*"


class Zoo(Roo):
    name = "zoo"
    title = "Zoo Code"
    path_hints = ("*.roomodes",)
    accepted_keys = frozenset(_TABLE["keys"]["accepted"])
    access_keys = ("allowedMcpServers",)
    fields = (*Roo.fields, Code("allowedMcpServers"))

    def holds_tool(self, canon: str) -> bool:
        return canon.startswith("mcp:") or super().holds_tool(canon)     # one server's tools too

    def content_claim(self, values: list[dict[str, Any]]) -> float:
        return 1.0 if any("allowedMcpServers" in v for v in values) else -1.0

    def scoped(self, values: dict[str, Any], rules: list[ToolRule], warn: list[Diagnostic]) -> list[ToolRule]:
        servers = values.get("allowedMcpServers")
        if servers is None or ToolRule(tool=_ALL_MCP) not in rules:
            return rules
        if not (isinstance(servers, list) and all(isinstance(s, str) for s in servers)):
            warn.append(Diagnostic(message=f"allowedMcpServers: {servers!r} is not a list of server names: "
                                           "read as no MCP server", field="tools.mcp"))
            servers = []
        kept = [r for r in rules if r.tool != _ALL_MCP]
        return normalise_rules(kept + [ToolRule(tool=f"mcp:{s}/*") for s in servers])

    def access_items(self, rules: list[ToolRule]) -> list[tuple[str, Any]]:
        groups = self.groups_for(rules)
        if "mcp" in groups:
            return [("groups", groups)]
        servers = [r.tool[4:-2] for r in rules if r.action == "allow" and r.pattern is None
                   and r.tool.startswith("mcp:") and r.tool.endswith("/*") and r.tool != _ALL_MCP]
        if not servers:
            return [("groups", groups)]
        order = list(self.groups.grants)
        groups = sorted([*groups, "mcp"], key=order.index)
        return [("groups", groups), ("allowedMcpServers", servers)]
