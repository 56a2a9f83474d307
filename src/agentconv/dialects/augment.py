"""Augment subagents (Auggie CLI): ``.augment/agents/*.md`` (also ``.txt``, sub-folders named
``folder:file``). Stated as it differs from the markdown base; tables in
``dialects/augment/mapping.toml``, facts (read in @augmentcode/auggie 0.36.0) in its REFERENCE.md.

Auggie's tool rules: a non-empty ``tools`` allows only the tools it names, a name Auggie does
not have grants nothing, an empty one is no restriction; ``disabled_tools`` removes tools, and
when both are given Auggie ignores ``tools``. agentconv never writes both.
"""

from __future__ import annotations

import re
from typing import Any

from .. import access, vocabulary
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, Code, Description, FieldTable, Key
from .stemname import StemNamed
from .toolgroups import DENY_ALL, GroupedTools, ToolGroups, names_of

_TABLE = mapping("augment")
_GROUPS = ToolGroups.from_table(_TABLE.get("tools", {}))
_NO_TOOLS = _TABLE.get("no_tools", {}).get("name", "none")
_ALIASES: dict[str, str] = dict(_TABLE.get("models", {}).get("aliases", {}))
_COLORS = frozenset(_TABLE.get("colors", {}).get("valid", []))
_PLAIN_PROVIDERS = ("anthropic/", "openai/", "google/")
_EXPECTED = "a list of tool names (or a comma-separated string)"
_EMPTY_BLOCK = re.compile(r"\A---(\r?\n)---(?=\r?\n|\Z)")


class Augment(GroupedTools, StemNamed, FieldTable, MarkdownDialect):
    name = "augment"
    tool_groups = _GROUPS
    title = "Augment"
    layout = ".augment/agents"
    path_hints = (".augment/agents/",)
    agent_globs = (".augment/agents/**/*.md", ".augment/agents/**/*.txt")
    reading_model = "auggie"
    known_keys = frozenset({"name", "description", "model", "color", "tools", "disabled_tools", "hidden",
                            "finish_tool", "provider_model", "provider_api_key", "provider_base_url",
                            "replace_system_prompt", "disable_rules", "disable_workspace_guidelines",
                            "disable_skills", "tool_description", "instruction_description"})
    # a provider endpoint and key send the conversation elsewhere; a replaced system prompt drops Augment's rules
    capability_keys = frozenset({"provider_model", "provider_api_key", "provider_base_url", "replace_system_prompt"})
    exclusive_keys = frozenset({"disabled_tools", "finish_tool", "provider_model", "provider_api_key",
                                "provider_base_url", "replace_system_prompt", "disable_rules",
                                "disable_workspace_guidelines", "disable_skills", "tool_description",
                                "instruction_description"})

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        text = super().write(agent, trivia, carry, path)
        if trivia is None or getattr(trivia, "synthetic", False):
            # Auggie needs a line between the two '---' (else the whole file is its prompt)
            text = _EMPTY_BLOCK.sub(r"---\1\1---", text, count=1)
        return text

    def name_problem(self, name: str) -> str | None:
        shown = augment_name(name)
        if shown != name:
            return f"Augment names this agent {shown!r} (it keeps letters, digits, '_' and '-' only): {name!r}"
        return super().name_problem(name)


    fields = (
        NAME,
        Description(),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: augment_model(m),
            meaning=lambda v: _read_model(v)),
        Key("color", "color",
            read=lambda v: vocabulary.canonical_color(v.strip()) if isinstance(v, str) and v.strip() else None,
            write=lambda c: augment_color(c)),
        Code("tools", "disabled_tools", read="read_access", write="write_access"),
    )
    field_defaults = {"mode": "subagent"}

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, denied = values.get("tools", MISSING), values.get("disabled_tools", MISSING)
        rules = parse_access(tools, denied)
        if rules is None:
            key, value = ("tools", tools) if not _readable(tools) else ("disabled_tools", denied)
            rules = access.unreadable(Augment, key, value, _EXPECTED, values, warn)
        elif names_of(tools) and names_of(denied):
            warn.append(Diagnostic(message="tools and disabled_tools both given: Augment ignores tools "
                                   "and applies disabled_tools only", hint="keep one of the two keys",
                                   field="tools"))
        fields["tools"] = rules

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        for key, value in zip(("tools", "disabled_tools"), access_values(agent.tools, out.old), strict=True):
            out.add(key, value)


def augment_name(name: str) -> str:
    """The name Auggie 0.36.0 gives an agent (``DU``)."""
    return re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9_-]", "-", re.sub(r"\s+", "-", name.strip())))


def _readable(value: Any) -> bool:
    return value is MISSING or value is None or names_of(value) is not None


@cached_rules
def parse_access(tools: Any, denied: Any) -> list[ToolRule] | None:
    """Auggie's rules (None: a value that is not names). Auggie reads ``disabled_tools`` alone
    when both are given; a name it does not have grants nothing."""
    if not _readable(tools) or not _readable(denied):
        return None
    denied_names = names_of(denied) if denied not in (MISSING, None) else []
    allowed = names_of(tools) if tools not in (MISSING, None) else []
    if denied_names:
        return normalise_rules(_GROUPS.deny_list(denied_names))
    if allowed:
        return normalise_rules(_GROUPS.allow_list([n for n in allowed if n in _GROUPS.alias]))
    return []


def access_values(rules: list[ToolRule], old: dict[str, Any]) -> tuple[Any, Any]:
    old_pair = old.get("tools", MISSING), old.get("disabled_tools", MISSING)
    if old_pair != (MISSING, MISSING) and parse_access(*old_pair) == rules:
        return old_pair
    if not rules:
        return MISSING, MISSING
    if _GROUPS.needs_allow_list(rules):
        return (_GROUPS.allowed_names(rules) or [_NO_TOOLS]), MISSING
    return MISSING, (_GROUPS.denied_names(rules) or MISSING)


def _read_model(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or value.strip() == "default":
        return None
    spelled = value.strip()
    return _ALIASES.get(spelled) or vocabulary.qualified_model(spelled)


def augment_model(model: str | None) -> str | None:
    if not model or not model.strip():
        return None
    short = next((a for a, m in _ALIASES.items() if m == model), None)
    if short:
        return short
    return model.split("/", 1)[1] if model.startswith(_PLAIN_PROVIDERS) else model


def augment_color(color: str | None) -> str | None:
    if color is None:
        return None
    canonical = vocabulary.canonical_color(color)
    return canonical if canonical in _COLORS else vocabulary.nearest_named(canonical, _COLORS)


__all__ = ["Augment", "DENY_ALL", "access_values", "parse_access"]
