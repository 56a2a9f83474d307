"""A tool's own tool names as data: each native name grants some canonical tools (``editor``
grants ``edit`` and ``write``). Dialects whose tools take an allow-list and/or a deny-list of
such names (Cline, Augment, Junie) read and write them through one ``ToolGroups`` built from
their ``mapping.toml``:

    [tools.editor]
    grants = ["edit", "write"]
    aliases = ["replace_in_file"]      # other spellings the tool reads as this name

A name is written in an allow-list only when the agent may use every tool it grants wholly
(never wider); in a deny-list when the agent may not use some tool it grants (never wider
either). A canonical tool no name grants has no place in the dialect (``holds``): its rules
are reported, never written as a name the tool does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from .. import access
from ..access import evaluator, power_of
from ..model import ALL_TOOLS, ToolRule
from ..structs import field, struct

DENY_ALL = ToolRule(tool=ALL_TOOLS, action="deny")


@struct(frozen=True)
class ToolGroups:
    grants: dict[str, tuple[str, ...]]                # native name -> canonical tools
    alias: dict[str, str]                             # every spelling (folded) -> native name
    fold: Callable[[str], str] = lambda n: n          # how the tool compares names
    #: names the tool resolves but agentconv maps to no canonical tool (kept as their own id)
    own: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_table(cls, table: dict[str, Any], *, fold: Callable[[str], str] = lambda n: n) -> ToolGroups:
        grants = {k: tuple(v.get("grants", ())) for k, v in table.items()}
        alias = {fold(a): k for k, v in table.items() for a in [k, *v.get("aliases", ())]}
        return cls(grants, alias, fold, frozenset(k for k, g in grants.items() if not g))

    # -- reading ------------------------------------------------------------------------------
    def tools_of(self, name: str) -> tuple[str, ...]:
        native = self.alias.get(self.fold(name.strip()))
        if native is None:
            return (name.strip(),)                    # a name the tool does not know: its own id
        return self.grants[native] or (native,)

    def allow_list(self, names: list[str]) -> list[ToolRule]:
        """Only the tools ``names`` grant."""
        allows = {ToolRule(tool=t) for n in names for t in self.tools_of(n)}
        ordered = sorted(allows, key=lambda r: (r.is_wildcard, r.tool))
        return [DENY_ALL, *ordered]

    def deny_list(self, names: list[str]) -> list[ToolRule]:
        denies = {ToolRule(tool=t, action="deny") for n in names for t in self.tools_of(n)}
        return sorted(denies, key=lambda r: (r.is_wildcard, r.tool))

    # -- writing ------------------------------------------------------------------------------
    @property
    def granted(self) -> frozenset[str]:
        return frozenset(t for tools in self.grants.values() for t in tools) | self.own

    def holds(self, canon: str) -> bool:
        return canon == ALL_TOOLS or canon in self.granted

    def allowed_names(self, rules: list[ToolRule]) -> list[str]:
        """The names whose every tool ``rules`` allow wholly, in table order."""
        whole = _wholly_allowed(tuple(rules))
        return [n for n, tools in self.grants.items() if all(whole(t) for t in tools or (n,))]

    def denied_names(self, rules: list[ToolRule]) -> list[str]:
        """The names granting some tool ``rules`` do not allow wholly, in table order."""
        allowed = evaluator(tuple(rules))
        restricted = {r.tool for r in rules if r.action != "allow"}
        return [n for n, tools in self.grants.items()
                if any(t in restricted or allowed.action(t) != "allow" or allowed.action(t, access.OTHER_ARG) != "allow"
                       for t in tools or (n,))]

    def is_allow_list(self, rules: list[ToolRule]) -> bool:
        """Whether ``rules`` allow only what they name (a tool they do not name is denied)."""
        return evaluator(tuple(rules)).action(access.OTHER_TOOL) != "allow"

    def needs_allow_list(self, rules: list[ToolRule]) -> bool:
        """Whether ``rules`` can only be written as an allow-list: they allow only what they name,
        or they restrict a tool no name of this table grants (a deny-list cannot say that rule, so
        the tools it does not name are narrowed rather than widened)."""
        if self.is_allow_list(rules):
            return True
        return any(r.action != "allow" and r.tool != ALL_TOOLS and not self.holds(r.tool) for r in rules)


def _wholly_allowed(rules: tuple[ToolRule, ...]) -> Callable[[str], bool]:
    allowed = evaluator(rules)
    # one power for every file writing tool (access.SAME_POWER): Edit alone may be written `editor`
    limited = {power_of(r.tool) for r in rules if r.pattern is not None and r.action != "allow"}
    return lambda tool: power_of(tool) not in limited and allowed.power(tool) == "allow" \
        and allowed.power(tool, access.OTHER_ARG) == "allow"


def names_of(value: Any) -> list[str] | None:
    """A list of strings or a comma-separated string → the names (None: another type)."""
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, list) and all(isinstance(n, str) for n in value):
        return [n.strip() for n in value if n.strip()]
    return None


class GroupedTools:
    """A dialect whose tool names each grant a group of canonical tools (``tool_groups``):
    it holds a tool some name grants, and writes a tool as the first name that grants it."""

    tool_groups: ClassVar[ToolGroups]

    def holds_tool(self, canon: str) -> bool:
        return self.tool_groups.holds(canon)

    def tool_name(self, canon: str) -> str:
        return next((n for n, g in self.tool_groups.grants.items() if canon in g), canon)
