"""JetBrains Junie CLI subagents: ``.junie/agents/*.md``. Claude-shaped keys, Junie's own tool
groups; how it differs is stated as tables (``dialects/junie/mapping.toml``, facts and sources in
its REFERENCE.md). No offline client: checked against the documented fields only.

Junie's tool rules: a non-empty ``tools`` allows only the groups it names, an empty one is no
restriction at all; ``disallowedTools`` removes groups after that. So "no tools" is written as
one group allowed and the same group removed (``tools: [Read]``, ``disallowedTools: [Read]``).
"""

from __future__ import annotations

import re
from typing import Any

from .. import access, vocabulary
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, Code, Description, FieldTable, Key, a_list, names, positive_int, text
from .stemname import StemNamed
from .toolgroups import GroupedTools, ToolGroups, names_of

_TABLE = mapping("junie")
_GROUPS = ToolGroups.from_table(_TABLE.get("tools", {}))
_NAME_RULE = re.compile(_TABLE.get("values", {}).get("name", "^[a-z][a-z0-9-]*$"))
_PLAIN_PROVIDERS = ("anthropic/", "openai/", "google/")
_EXPECTED = "a list of tool group names"


class Junie(GroupedTools, StemNamed, FieldTable, MarkdownDialect):
    name = "junie"
    tool_groups = _GROUPS
    title = "Junie"
    layout = ".junie/agents"
    path_hints = (".junie/agents/",)
    agent_globs = (".junie/agents/*.md",)
    reading_model = "junie"
    required = ("description",)
    skipped_without = "description"
    known_keys = frozenset({"name", "description", "tools", "disallowedTools", "model", "permissionMode",
                            "reasoningLevel", "maxTurns", "skills", "mcpServers", "allowPromptArgument"})
    capability_keys = frozenset({"mcpServers"})
    exclusive_keys = frozenset({"reasoningLevel", "allowPromptArgument"})

    def name_problem(self, name: str) -> str | None:
        if not _NAME_RULE.match(name):
            return f"Junie names must match [a-z][a-z0-9-]* (lower case, digits, '-'): {name!r}"
        return super().name_problem(name)


    fields = (
        NAME,
        Description(),
        Code("tools", "disallowedTools", read="read_access", write="write_access"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: junie_model(m)),
        Key("permissionMode", "permission_mode", read=text),
        Key("reasoningLevel", "reasoning_effort", read=text, write=lambda e: e if isinstance(e, str) else None),
        Key("maxTurns", "max_turns", read=positive_int),
        Key("skills", "skills", read=names),
        Key("mcpServers", "mcp_servers", read=a_list),
    )
    field_defaults = {"mode": "subagent"}

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, denied = values.get("tools", MISSING), values.get("disallowedTools", MISSING)
        rules = parse_access(tools, denied)
        if rules is None:
            key, value = ("tools", tools) if not _readable(tools) else ("disallowedTools", denied)
            rules = access.unreadable(Junie, key, value, _EXPECTED, values, warn)
        fields["tools"] = rules

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        for key, value in zip(("tools", "disallowedTools"), access_values(agent.tools, out.old), strict=True):
            out.add(key, value)


def _readable(value: Any) -> bool:
    return value is MISSING or value is None or names_of(value) is not None


@cached_rules
def parse_access(tools: Any, denied: Any) -> list[ToolRule] | None:
    """Junie's rules: a non-empty ``tools`` is an allow-list, ``disallowedTools`` removes after it
    (None: a value that is not a list of names)."""
    if not _readable(tools) or not _readable(denied):
        return None
    allowed = names_of(tools) if tools not in (MISSING, None) else []
    removed = _GROUPS.deny_list(names_of(denied) or []) if denied not in (MISSING, None) else []
    if not allowed:
        return normalise_rules(removed)
    gone = {r.tool for r in removed}
    return normalise_rules([r for r in _GROUPS.allow_list(allowed) if r.tool not in gone])


def access_values(rules: list[ToolRule], old: dict[str, Any]) -> tuple[Any, Any]:
    """(tools, disallowedTools): the old ones while they still mean ``rules``, else fresh lists."""
    old_pair = old.get("tools", MISSING), old.get("disallowedTools", MISSING)
    if old_pair != (MISSING, MISSING) and parse_access(*old_pair) == rules:
        return old_pair
    if not rules:
        return MISSING, MISSING
    if _GROUPS.needs_allow_list(rules):
        allowed = _GROUPS.allowed_names(rules)
        if not allowed:                 # an empty `tools` is no restriction: allow one, remove it
            first = next(iter(_GROUPS.grants))
            return [first], [first]
        return allowed, MISSING
    return MISSING, (_GROUPS.denied_names(rules) or MISSING)


def _read_model(value: Any) -> str | None:
    return vocabulary.qualified_model(value.strip()) if isinstance(value, str) and value.strip() else None


def junie_model(model: str | None) -> str | None:
    """Canonical id → Junie's: the model id without its provider (``claude-sonnet-5``)."""
    if not model or not model.strip():
        return None
    return model.split("/", 1)[1] if model.startswith(_PLAIN_PROVIDERS) else model
