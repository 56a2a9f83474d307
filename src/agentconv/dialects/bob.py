"""IBM Bob custom modes (``.bob/custom_modes.yaml``): Roo Code's modes with Bob's own tool groups
(``execute`` where Roo says ``command``; ``skill``, ``workflow``, ``todo``, ``subtask``,
``subagent``, ``mode``) and ``allowedSubagents``. Stated as it differs from Roo Code (``roo.py``);
tables in ``dialects/bob/mapping.toml``, facts in its REFERENCE.md."""

from __future__ import annotations

from typing import Any

from ..data import mapping
from .roo import Roo
from .toolgroups import ToolGroups

_TABLE = mapping("bob")


class Bob(Roo):
    name = "bob"
    title = "IBM Bob"
    file_name = _TABLE["container"]["file_name"]
    path_hints = (".bob/",)
    agent_globs = (".bob/custom_modes.yaml",)
    accepted_keys = frozenset(_TABLE["keys"]["accepted"])
    groups = ToolGroups.from_table(_TABLE["groups"])
    always = tuple(_TABLE["access"]["always"])
    always_grants = frozenset(_TABLE["access"]["always"])
    reserved_names = frozenset(_TABLE["access"]["builtin"])

    def content_claim(self, values: list[dict[str, Any]]) -> float:
        own = set(self.groups.grants) - set(Roo.groups.grants)
        said = any("allowedSubagents" in v or own & {g for g in v.get("groups") or [] if isinstance(g, str)}
                   for v in values)
        return 1.0 if said else -1.0
