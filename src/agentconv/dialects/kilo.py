"""Kilo Code custom modes (``.kilocodemodes``, YAML or JSON): Roo Code's ``customModes:`` list as
the Kilo CLI reads it, migrating each mode to a primary agent. Stated as it differs from Roo
Code (``roo.py``); tables in ``dialects/kilo/mapping.toml``, facts (@kilocode/cli 7.7.7,
``ModesMigrator``) in its REFERENCE.md.

The groups mean other things there: ``browser`` grants ``bash`` (as ``command`` does), and
access is a deny-list: of read, edit, bash and MCP, what no group grants is denied, and every
other tool keeps Kilo's default, allowed. Kilo skips a mode with one of its own agents' slugs."""

from __future__ import annotations

from typing import ClassVar

from ..data import mapping
from ..model import ToolRule, normalise_rules
from .roo import Roo
from .toolgroups import ToolGroups

_TABLE = mapping("kilo")


class Kilo(Roo):
    name = "kilo"
    title = "Kilo Code"
    file_name = _TABLE["container"]["file_name"]
    path_hints = ("*.kilocodemodes",)
    agent_globs = (".kilocodemodes",)
    groups = ToolGroups.from_table(_TABLE["groups"])
    always = ()
    always_grants = frozenset()        # but every tool a mode cannot name (see group_rules)
    governed: ClassVar[tuple[str, ...]] = tuple(_TABLE["access"]["governed"])
    reserved_names = frozenset(_TABLE["access"]["builtin"])
    field_defaults = {"mode": "primary"}

    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("never",),)

    def claim(self, text: str) -> float:
        return self.NO_CLAIM           # the same shape as Roo Code's: only the file name tells

    def holds_tool(self, canon: str) -> bool:
        return True                    # a tool the modes cannot name keeps Kilo's default

    def group_rules(self, granted: tuple[str, ...]) -> list[ToolRule]:
        allowed = {t for g in granted for t in self.groups.tools_of(g)}
        return normalise_rules([ToolRule(tool=t, action="deny") for t in self.governed if t not in allowed])

    def groups_for(self, rules: list[ToolRule]) -> list[str]:
        return [n for n in super().groups_for(rules) if self.groups.grants[n]]   # `modes` means nothing there

    def name_problem(self, name: str) -> str | None:
        if name in self.reserved_names:
            return f"{name!r} is one of Kilo Code's own agents: its migration skips a mode of that slug"
        return super().name_problem(name)
