"""Mistral Vibe agent profiles: ``.vibe/agents/NAME.toml``, the whole file one TOML table. How
it differs, as tables in ``dialects/vibe/mapping.toml`` (facts, read in PyPI mistral-vibe 3.0.3,
in its REFERENCE.md):

- the name is the file stem (a ``name`` key is an unknown setting); ``main`` is refused;
- the prompt is ``instructions``, or the prompt file ``system_prompt_id`` names, found in the
  ``prompts`` folder beside the agents folder (``.vibe/prompts/ID.md``); ``instructions`` wins;
- every key but ``display_name``, ``description``, ``safety``, ``agent_type`` and
  ``instructions`` is a session setting: ``active_model``, ``enabled_tools`` (only these
  tools), ``disabled_tools`` (not these), ``[tools.NAME] permission = always|ask|never``.

Vibe's tool rules as canonical rules: a non-empty ``enabled_tools`` is an allow-list,
``permission = "ask"`` asks, ``disabled_tools`` and ``permission = "never"`` deny. A rule Vibe
cannot say on part of a tool (a command pattern) is written on the whole tool, never wider:
a tool partly denied is disabled, a tool partly asked about asks.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from typing import Any

from .. import access, vocabulary
from ..access import evaluator
from ..data import mapping
from ..errors import ParseError, SchemaError
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .base import MISSING, NativeItems, cached_rules, path_stem
from .fields import Code, Description, FieldTable, Key
from .stemname import flat_file_name
from .structured import StructuredDialect, StructuredTrivia, writing
from .toolgroups import ToolGroups, names_of

_TABLE = mapping("vibe")
_GROUPS = ToolGroups.from_table(_TABLE["tools"], fold=lambda n: n.strip().lower())
_PERMISSION = dict(_TABLE["permissions"])
_PERMISSION_OF = {v: k for k, v in _PERMISSION.items()}
_MODES = dict(_TABLE["modes"])
_MODE_OF = {v: k for k, v in _MODES.items()}
_VALUES = _TABLE["values"]
BUILTIN_PROMPTS = frozenset(_VALUES["builtin_prompts"])
_NO_EFFECT = frozenset(_TABLE["no_effect"]["names"])
_EXPECTED = "a list of tool names"
_PROMPT_KEYS = ("instructions", "system_prompt_id")


class Vibe(FieldTable, StructuredDialect):
    name = "vibe"
    title = "Mistral Vibe"
    layout = ".vibe/agents"
    extension = ".toml"
    path_hints = (".vibe/agents/",)
    agent_globs = (".vibe/agents/*.toml",)
    reading_model = "vibe"
    reserved_names = frozenset({"ask", "accept-edits", "smart-approve", "auto-approve", "explore", "lean"})
    exclusive_keys = frozenset({"system_prompt_id", "enabled_tools", "disabled_tools", "active_model",
                                "agent_type", "safety", "display_name", "instructions"})
    capability_keys = frozenset({"mcp_servers", "bypass_tool_permissions", "providers", "models", "tools"})

    fields = (
        Key("display_name", "display_name"),
        Description(),
        Key("agent_type", "mode", read=lambda v: _MODES.get(v) if isinstance(v, str) else None,
            write=lambda m: None if m in (None, "primary") else _MODE_OF.get(m, "subagent")),
        Key("active_model", "model", read=lambda v: vocabulary.qualified_model(v.strip())
            if isinstance(v, str) and v.strip() else None, write=lambda m: vibe_model(m)),
        Code("enabled_tools", "disabled_tools", "tools", read="read_access", write="write_access"),
        Code(*_PROMPT_KEYS, write="write_prompt"),
    )
    field_defaults = {"mode": "primary"}

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path) if path else None

    def output_file_name(self, agent: Agent) -> str:
        return flat_file_name(self, agent)

    def name_problem(self, name: str) -> str | None:
        if name.casefold() == _VALUES["reserved_stem"]:
            return f"Mistral Vibe refuses an agent file named {name!r} (reserved for hook matching)"
        return super().name_problem(name)

    def holds_tool(self, canon: str) -> bool:
        return _GROUPS.holds(canon)

    def tool_name(self, canon: str) -> str:
        return next((n for n, g in _GROUPS.grants.items() if canon in g), canon)

    # -- the prompt: instructions, or a prompt file ------------------------------------------
    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        """The table's fields; the prompt file a profile names stays a setting of Vibe's (a trip
        back names the same file), its text is the prompt (``read_prompt``)."""
        fields = super().agent_fields(values, path, warn)
        inline, ref = values.get("instructions", MISSING), values.get("system_prompt_id", MISSING)
        if inline is not MISSING and not isinstance(inline, str):
            fields["native"].append(NativeField(dialect=self.name, key="instructions", value=inline))
        if ref is not MISSING:
            fields["native"].append(NativeField(dialect=self.name, key="system_prompt_id", value=ref))
        return fields

    def read_prompt(self, values: dict[str, Any], path: str | None, trivia: StructuredTrivia,
                    fields: dict[str, Any], warn: list[Diagnostic]) -> str | None:
        inline, ref = values.get("instructions"), values.get("system_prompt_id")
        if isinstance(inline, str) and inline.strip():
            return inline.strip().replace("\r\n", "\n") or None
        if not isinstance(ref, str) or ref.lower() in BUILTIN_PROMPTS:
            return None
        found = prompt_file(ref, path)
        if found is None:
            warn.append(Diagnostic(message=f"system_prompt_id {ref!r}: no prompt file {_where(ref, path)}",
                                   hint="Mistral Vibe fails when the agent starts; converting it elsewhere "
                                        "is refused until the file is there"))
            return None
        trivia.prompt_source = found
        return found.strip().replace("\r\n", "\n") or None

    def prompt_items(self, agent: Agent, old: dict[str, Any], trivia: StructuredTrivia | None,
                     path: str | None = None) -> list[tuple[str, Any]]:
        """``instructions`` as the file wrote it, or the prompt file it names while that file,
        beside the output, holds the prompt; else the prompt inline (which wins over the file)."""
        inline, named = old.get("instructions"), _native(agent, "system_prompt_id")
        ref = old.get("system_prompt_id", named)
        if isinstance(inline, str) and (inline.strip().replace("\r\n", "\n") or None) == (agent.prompt or None):
            kept_ref = [("system_prompt_id", ref)] if ref is not None and named is None else []
            return [("instructions", inline), *kept_ref]
        if isinstance(ref, str) and not isinstance(inline, str):
            read = trivia.prompt_source if trivia is not None and trivia.prompt_source is not None else \
                _quietly(prompt_file, ref, path)
            if read is not None and read.strip().replace("\r\n", "\n") == agent.prompt and _beside(ref, path, read):
                return [("system_prompt_id", ref)]
        if not agent.prompt or not agent.prompt.strip():
            return []
        return [("instructions", agent.prompt + "\n")]

    def native_items(self, agent: Agent, old: dict[str, Any] | None) -> list[tuple[str, Any]]:
        """A prompt file named where the output has no such file is left out: Vibe refuses the
        agent for it even beside ``instructions`` (its text is written inline, the name reported)."""
        ref, (_, path) = _native(agent, "system_prompt_id"), writing()
        if path is not None and agent.prompt and isinstance(ref, str) and ref.lower() not in BUILTIN_PROMPTS \
                and _quietly(prompt_file, ref, path) is None:
            agent = agent.model_copy(update={"native": [n for n in agent.native
                                                        if (n.dialect, n.key) != (self.name, "system_prompt_id")]})
        return super().native_items(agent, old)

    def prompt_key_of(self, values: dict[str, Any]) -> str | None:
        inline = values.get("instructions")
        return "instructions" if isinstance(inline, str) and inline.strip() else None

    def unresolved(self, agent: Agent) -> str | None:
        """Why the agent cannot leave Vibe: its prompt is in a file agentconv could not read."""
        ref = _native(agent, "system_prompt_id")
        if agent.prompt is None and isinstance(ref, str) and ref.lower() not in BUILTIN_PROMPTS:
            return f"the prompt is in the prompt file {ref!r} (system_prompt_id), which was not found"
        return None

    # -- access -------------------------------------------------------------------------------
    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        enabled, disabled = values.get("enabled_tools", MISSING), values.get("disabled_tools", MISSING)
        table = values.get("tools", MISSING)
        for key, value in (("enabled_tools", enabled), ("disabled_tools", disabled)):
            if value is not MISSING and names_of(value) is None or isinstance(value, str):
                fields["tools"] = access.unreadable(Vibe, key, value, _EXPECTED, values, warn)
                return
        permissions, extras = split_tool_table(table)
        if permissions is None:
            fields["tools"] = access.unreadable(Vibe, "tools", table, "tables of 'permission = \"always\"|"
                                                "\"ask\"|\"never\"'", values, warn)
            return
        if extras:
            fields["native"].append(NativeField(dialect=self.name, key="tools", value=extras))
        fields["tools"] = parse_access(enabled, disabled, permissions)

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        extras = _native(agent, "tools") or {}
        enabled, disabled, permissions = access_values(agent.tools, out.old)
        out.add("enabled_tools", enabled)
        out.add("disabled_tools", disabled)
        table = merge_tool_table(permissions, extras) if permissions is not MISSING else MISSING
        if table is not MISSING:
            old = out.old.get("tools")
            out.add("tools", old if old == table else table)


def _quietly(read: Callable[[str, str | None], str | None], ref: str, path: str | None) -> str | None:
    try:
        return read(ref, path)
    except (SchemaError, ParseError):
        return None


def _beside(ref: str, path: str | None, text: str) -> bool:
    """Whether the file written at ``path`` finds the prompt ``text`` through ``ref`` (an output
    written elsewhere has no prompt file beside it: its prompt goes inline)."""
    try:
        return path is None or prompt_file(ref, path) == text
    except (SchemaError, ParseError):
        return False


def _native(agent: Agent, key: str) -> Any:
    return next((n.value for n in agent.native if n.dialect == "vibe" and n.key == key), None)


# -- prompt files -------------------------------------------------------------------------------

def prompt_file(ref: str, path: str | None) -> str | None:
    """The text of the prompt file ``ref`` names, as Vibe finds it: ``ID.md`` in the prompts
    folder beside the agent's folder (``.vibe/prompts``, ``~/.vibe/prompts``). None when there
    is none; a reference that is not a bare file name is an error (Vibe refuses it too)."""
    if not ref or ref in (".", "..") or "/" in ref or "\\" in ref:
        raise SchemaError(f"system_prompt_id {ref!r} must be a bare file name", path=path,
                          hint="Mistral Vibe refuses a prompt id with a path in it: name a file of the prompts folder")
    if not path:
        return None
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))), _VALUES["prompts_folder"])
    candidate = os.path.join(folder, ref + ".md")
    if not os.path.isfile(candidate):
        return None
    real = os.path.realpath(candidate)
    home = os.path.realpath(os.path.dirname(folder))
    if os.path.commonpath([real, home]) != home:
        raise ParseError(f"system_prompt_id {ref!r}: {candidate} leads outside the project ({real})", path=path,
                         hint="agentconv reads a prompt file only inside the folder that holds the agents")
    with open(candidate, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParseError(f"system_prompt_id {ref!r}: {candidate} is not UTF-8 text", path=path,
                         hint="save the prompt file as UTF-8") from None


def _where(ref: str, path: str | None) -> str:
    if not path:
        return "can be found without the agent file's path"
    return "at " + os.path.join(os.path.dirname(os.path.dirname(path)) or ".", _VALUES["prompts_folder"], ref + ".md")


# -- tool rules ---------------------------------------------------------------------------------

def split_tool_table(table: Any) -> tuple[dict[str, str] | None, dict[str, Any]]:
    """``[tools.NAME]`` tables → ({name: permission}, {name: other settings}); (None, {}) for a
    value that is not tables of known permissions."""
    if table is MISSING or table is None:
        return {}, {}
    if not isinstance(table, dict):
        return None, {}
    permissions, extras = {}, {}
    for name, settings in table.items():
        if not isinstance(settings, dict):
            return None, {}
        permission = settings.get("permission", MISSING)
        if permission is not MISSING:
            if not isinstance(permission, str) or permission.lower() not in _PERMISSION:
                return None, {}
            permissions[name] = permission
        rest = {k: v for k, v in settings.items() if k != "permission"}
        if rest or permission is MISSING:
            extras[name] = rest
    return permissions, extras


def merge_tool_table(permissions: dict[str, str], extras: dict[str, Any]) -> Any:
    names = list(dict.fromkeys([*extras, *permissions]))
    table = {n: {**({"permission": permissions[n]} if n in permissions else {}), **extras.get(n, {})} for n in names}
    return table or MISSING


def tool_names(pattern: str) -> list[str]:
    """The native names a name or pattern of ``enabled_tools``/``disabled_tools`` selects (a
    pattern that selects no tool Vibe ships stays a tool of its own)."""
    folded = pattern.strip().lower()
    if folded in _NO_EFFECT:
        return []
    if folded.startswith("re:"):
        try:
            rx = re.compile(folded[3:], re.IGNORECASE)
        except re.error:
            return [pattern.strip()]
        found = [n for n in _GROUPS.grants if rx.fullmatch(n)]
    elif any(c in folded for c in "*?["):
        found = [n for n in _GROUPS.grants if fnmatch.fnmatchcase(n, folded)]
    else:
        return [pattern.strip()]
    return found or [pattern.strip()]


@cached_rules
def parse_access(enabled: Any, disabled: Any, permissions: Any) -> list[ToolRule]:
    """Vibe's rules: a non-empty ``enabled_tools`` allows only what it names, then
    ``disabled_tools`` and ``permission = "never"`` take tools away, ``"ask"`` asks."""
    listed = names_of(enabled) if enabled is not MISSING else None
    allowed = [n for p in listed or [] for n in tool_names(p)]
    removed = [n for p in (names_of(disabled) or []) for n in tool_names(p)] if disabled is not MISSING else []
    asked: list[str] = []
    for name, permission in (permissions or {}).items():
        if name.strip().lower() in _NO_EFFECT:
            continue
        action = _PERMISSION[permission.lower()]
        (removed if action == "deny" else asked if action == "ask" else []).append(name)
    gone = {r.tool for r in _GROUPS.deny_list(removed)}
    asks = [ToolRule(tool=t, action="ask") for n in asked for t in _GROUPS.tools_of(n) if t not in gone]
    if not listed:
        return normalise_rules(_deduplicated(asks + _GROUPS.deny_list(removed)))
    kept = [r for r in _GROUPS.allow_list(allowed) if r.tool not in gone]
    granted = {r.tool for r in kept}
    return normalise_rules(_deduplicated(kept + [r for r in asks if r.tool in granted]))


def _deduplicated(rules: list[ToolRule]) -> list[ToolRule]:
    return list(dict.fromkeys(rules))


def access_values(rules: list[ToolRule], old: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(enabled_tools, disabled_tools, {name: permission}): the old ones while they still mean
    ``rules``, else the narrowest Vibe can say that does not widen them."""
    old_permissions, _ = split_tool_table(old.get("tools", MISSING))
    old_three = (old.get("enabled_tools", MISSING), old.get("disabled_tools", MISSING), old_permissions)
    if old_three[:2] != (MISSING, MISSING) or old_permissions:
        if old_permissions is not None and parse_access(*old_three) == rules:
            return old_three[0], old_three[1], old_permissions or MISSING
    if not rules:
        return MISSING, MISSING, MISSING
    whole = evaluator(tuple(rules))
    denied: list[str] = []
    asked: list[str] = []
    free: list[str] = []
    for name, tools in _GROUPS.grants.items():
        actions = {_strictest(rules, whole, t) for t in tools or (name,)}
        (denied if "deny" in actions else asked if "ask" in actions else free).append(name)
    permissions = {n: _PERMISSION_OF["ask"] for n in asked} or MISSING
    if _GROUPS.needs_allow_list(rules):
        enabled = [n for n in _GROUPS.grants if n in free or n in asked]
        if not enabled:                 # an empty list is no restriction: enable one, disable it
            first = next(iter(_GROUPS.grants))
            return [first], [first], MISSING
        return enabled, MISSING, permissions
    return MISSING, (denied or MISSING), permissions


def _strictest(rules: list[ToolRule], whole: Any, tool: str) -> str:
    """The strictest action any call of ``tool`` meets (a rule on part of it counts whole)."""
    actions = {whole.action(tool), whole.action(tool, access.OTHER_ARG)}
    actions |= {r.action for r in rules if r.tool == tool or (r.is_wildcard and fnmatch.fnmatchcase(tool, r.tool)
                                                                and r.action != "allow" and r.tool != ALL_TOOLS)}
    return "deny" if "deny" in actions else "ask" if "ask" in actions else "allow"


def vibe_model(model: str | None) -> str | None:
    """Canonical id → Vibe's ``active_model`` (a model alias of its config: the id without a
    provider Vibe would not name)."""
    if not model or not model.strip():
        return None
    provider, slash, ident = model.partition("/")
    return ident if slash and vocabulary.qualified_model(ident) == model else model


__all__ = ["Vibe", "access_values", "parse_access", "prompt_file"]
