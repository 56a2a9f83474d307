"""Cline agent configs: ``.cline/agents/NAME.yaml`` (or ``.yml``), markdown with YAML front
matter despite the extension. Stated as it differs from the markdown base; tables in
``dialects/cline/mapping.toml``, facts (read in npm cline 3.0.65, @cline/core) in its REFERENCE.md.

Cline's tool rules: omitted ``tools`` is every tool, a list allows only the tools it names
(``[]``: none), a name Cline does not know grants nothing; ``skills`` beside a list adds the
skills tool. There is no deny-list: "every tool but these" is written as the tools it allows.
"""

from __future__ import annotations

from typing import Any

from .. import access, overrides, vocabulary
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, Code, Description, FieldTable, Key, positive_int
from .stemname import flat_file_name
from .toolgroups import GroupedTools, ToolGroups, names_of

_TABLE = mapping("cline")
_GROUPS = ToolGroups.from_table(_TABLE.get("tools", {}), fold=lambda n: n.strip().lower())
_PROVIDERS: dict[str, str] = dict(_TABLE.get("models", {}).get("providers", {}))
_NATIVE_PROVIDER = {v: k for k, v in _PROVIDERS.items()}
_EXPECTED = "a list of tool names (or a comma-separated string)"
_SKILL = "skill"


class Cline(GroupedTools, FieldTable, MarkdownDialect):
    spells_models = True               # providerId/modelId are written by write_model: overridable
    name = "cline"
    tool_groups = _GROUPS
    title = "Cline"
    layout = ".cline/agents"
    extension = ".yaml"
    path_hints = (".cline/agents/",)
    agent_globs = (".cline/agents/*.yaml", ".cline/agents/*.yml")     # one folder, not its sub-folders
    reading_model = "cline"
    required = ("name", "description", "prompt")      # Cline 3.0.65: "Missing system prompt body"
    skipped_without = "description"
    known_keys = frozenset({"name", "description", "tools", "skills", "providerId", "modelId", "maxIterations"})
    exclusive_keys = frozenset({"providerId", "modelId", "maxIterations"})


    def output_file_name(self, agent: Agent) -> str:
        return flat_file_name(self, agent)        # Cline reads its agent folder only, not sub-folders

    def name_problem(self, name: str) -> str | None:
        if not name.strip():
            return "Cline needs a non-empty name"
        return super().name_problem(name)

    fields = (
        NAME,
        Description(),
        Code("tools", "skills", read="read_access", write="write_access"),
        Code("providerId", "modelId", read="read_model", write="write_model"),
        Key("maxIterations", "max_turns", read=lambda v: v if isinstance(v, int) and positive_int(v) else None),
    )
    field_defaults = {"mode": "subagent"}

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, skills = values.get("tools", MISSING), values.get("skills", MISSING)
        if skills is not MISSING:
            if names_of(skills) is None:
                fields["native"].append(_native(self, "skills", skills))
            else:
                fields["skills"] = names_of(skills)
        rules = parse_access(tools, skills)
        if rules is None:
            rules = access.unreadable(Cline, "tools", tools, _EXPECTED, values, warn)
        fields["tools"] = rules

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        tools, skills = access_values(agent.tools, agent.skills, out.old)
        out.add("tools", tools)
        out.add("skills", skills)

    def read_model(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        model = cline_model_of(values.get("providerId"), values.get("modelId"))
        model = overrides.model_written_as(model) or model      # a pinned spelling, read back
        if model is not None:
            fields["model"] = model
            return
        for key in ("providerId", "modelId"):
            if key in values:
                fields["native"].append(_native(self, key, values[key]))

    def write_model(self, agent: Agent, out: NativeItems) -> None:
        carried = {n.key: n.value for n in agent.native if n.dialect == self.name}
        old = tuple(out.old.get(k, carried.get(k)) for k in ("providerId", "modelId"))
        pinned = overrides.model_spelling(agent.model)
        fresh = cline_model(agent.model) if pinned is None else _pinned_pair(pinned)
        mixed = tuple(o if o is not None else f for o, f in zip(old, fresh, strict=True))
        # the old spelling (a provider the file named, say) while it still means the model
        pair = fresh if pinned is not None else \
            next((p for p in (old, mixed) if agent.model is not None and cline_model_of(*p) == agent.model), fresh)
        for key, value in zip(("providerId", "modelId"), pair, strict=True):
            out.add(key, MISSING if value is None else value)


def _native(dialect: Cline, key: str, value: Any) -> NativeField:
    from ..model import NativeField
    return NativeField(dialect=dialect.name, key=key, value=value)


@cached_rules
def parse_access(tools: Any, skills: Any) -> list[ToolRule] | None:
    """Cline's rules (None: a tools value it refuses). Cline's skills tool reaches only the skills
    the agent lists, and exists only when it lists some: that is how Cline gives an agent its
    ``skills`` (the canonical field), never a skill tool of its own, so ``skill`` is denied."""
    if tools is MISSING or tools is None:
        return [ToolRule(tool=_SKILL, action="deny")]
    allowed = names_of(tools)
    if allowed is None:
        return None
    known = [n for n in allowed if _GROUPS.fold(n) in _GROUPS.alias and _GROUPS.tools_of(n) != (_SKILL,)]
    return normalise_rules(_GROUPS.allow_list(known))      # an unknown name grants nothing


def access_values(rules: list[ToolRule], skills: list[str] | None, old: dict[str, Any]) -> tuple[Any, Any]:
    """(tools, skills): the old values while they still mean the agent's, else fresh ones. A
    tools list names the skills tool whenever skills are listed (Cline drops it otherwise)."""
    old_tools, old_skills = old.get("tools", MISSING), old.get("skills", MISSING)
    if (old_tools, old_skills) != (MISSING, MISSING) and names_of(old_skills) == skills \
            and parse_access(old_tools, old_skills) == rules:
        return old_tools, old_skills
    others = [r for r in rules if r.tool != _SKILL]
    if not others or others == [ToolRule(tool=ALL_TOOLS)]:
        tools: Any = MISSING
    else:
        tools = [n for n in _GROUPS.allowed_names(others) if _GROUPS.grants[n] != (_SKILL,)]
        if skills is not None:
            tools.append(next(n for n, g in _GROUPS.grants.items() if g == (_SKILL,)))
    if skills is None:
        return tools, MISSING
    return tools, (old_skills if names_of(old_skills) == skills else skills)


def cline_model_of(provider: Any, model: Any) -> str | None:
    """``providerId`` + ``modelId`` → the canonical id (a model id alone runs with the parent's
    provider; a provider alone is no model of its own)."""
    if not isinstance(model, str) or not model.strip():
        return None
    model = model.strip()
    if isinstance(provider, str) and provider.strip():
        return f"{_PROVIDERS.get(provider.strip(), provider.strip())}/{model}"
    return vocabulary.qualified_model(model) if provider is None else None


def _pinned_pair(spelled: str) -> tuple[str | None, str | None]:
    """A model spelling the configuration pinned: ``provider/model`` or a model id alone."""
    provider, slash, ident = spelled.partition("/")
    return (provider, ident) if slash else (None, spelled)


def cline_model(model: str | None) -> tuple[str | None, str | None]:
    if not model or not model.strip():
        return None, None
    model = vocabulary.nearest_model(model) or model
    provider, slash, ident = model.partition("/")
    if not slash:
        return None, model
    if vocabulary.qualified_model(ident) == model:
        return None, ident          # the id names its provider, as agentconv reads a modelId alone
    return _NATIVE_PROVIDER.get(provider, provider), ident
