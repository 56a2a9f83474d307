"""opencode agents: ``.opencode/agent/**/*.md`` (also ``agents/``); the path is the name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, ClassVar

from .. import access, overrides, vocabulary
from ..data import mapping
from ..lazyre import compile_later
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, ToolRule, normalise_rules
from ..paths import path_parts
from . import toolnames
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules, path_stem
from .fields import Code, Description, FieldTable, Key, count, flag, number, one_of, same

_TABLE = mapping("opencode")
_KEY_OF: dict[str, str] = dict(_TABLE.get("tools", {}))
_EXPANDS: dict[str, list[str]] = dict(_TABLE.get("expands", {}))
_ACTION_ONLY = set(_TABLE.get("action_only", {}).get("keys", []))
_THEMES = set(_TABLE.get("colors", {}).get("themes", []))
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ACTIONS = ("allow", "ask", "deny")
_SANITIZE_LINE = compile_later(r"^([a-zA-Z_][a-zA-Z0-9_]*):[ \t]*(.*?)(\r?)$")


#: every key of opencode 1.18.33's V1 agent schema (markdown front matter and opencode.json)
KNOWN_KEYS = frozenset({"name", "description", "mode", "model", "variant", "temperature", "top_p",
                        "prompt", "tools", "permission", "disable", "hidden", "color", "steps",
                        "maxSteps", "options"})


class OpenCodeFields(FieldTable):
    """opencode's agent fields as both its forms spell them (a markdown file's front matter,
    an entry of ``opencode.json``'s ``agent`` object): one mapping of native keys to canonical
    fields."""
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    known_tools: ClassVar[tuple[str, ...]] = tuple(_TABLE.get("tools", {}))

    native_dialect = "opencode"
    reserved_names = frozenset({"build", "plan", "general", "explore", "compaction", "summary", "title"})
    merges_built_ins = True
    rejects_unreadable = KNOWN_KEYS - {"variant", "prompt", "options", "maxSteps"}

    guards = frozenset(k for k in access.GUARDS if k in _KEY_OF)

    def tool_name(self, canon: str) -> str:
        return _KEY_OF.get(canon) or toolnames.native(canon, {}, "opencode")

    @property
    def access_defaults(self) -> list[ToolRule]:
        return DEFAULTS

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        Key("name", "name", only_if_present=True),          # the path names the agent
        Description(),
        Key("mode", "mode", read=one_of("primary", "subagent", "all")),
        Key("model", "model", read=lambda v: vocabulary.qualified_model(v) if isinstance(v, str) else None,
            write=lambda m: opencode_model(m), meaning=lambda v: vocabulary.qualified_model(v)),
        Key("temperature", "temperature", read=number, meaning=float),
        Key("top_p", "top_p", read=number, meaning=float),
        Key("steps", "max_turns", read=count, aliases=("maxSteps",), meaning=same),
        Key("hidden", "hidden", read=flag),
        Key("disable", "disabled", read=flag),
        Key("color", "color", read=lambda v: _read_color(v), write=lambda c: opencode_color(c),
            meaning=vocabulary.canonical_color),
        Code("tools", "permission", read="read_access", write="write_access"),
    )

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        fields["tools"] = parse_access(values.get("tools", MISSING), values.get("permission", MISSING), values, warn)

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        old_tools, old_perm = out.old.get("tools", MISSING), out.old.get("permission", MISSING)
        if (old_tools is not MISSING or old_perm is not MISSING) and _grants_alike(_parsed_access(old_tools, old_perm),
                                                                                   agent.tools):
            out.add("tools", old_tools)
            out.add("permission", old_perm)
        elif agent.tools and render_permission(agent.tools):
            out.add("permission", render_permission(agent.tools))



class OpenCode(OpenCodeFields, MarkdownDialect):
    name = "opencode"
    title = "opencode"
    layout = ".opencode/agent"
    path_hints = (".opencode/agent/", ".opencode/agents/", ".config/opencode/agent")
    agent_globs = (".opencode/agent/**/*.md", ".opencode/agents/**/*.md")
    has_repair = True
    reading_model = "opencode"
    requires_front_matter = False
    known_keys = KNOWN_KEYS
    lenient_hint = "opencode itself will ignore this front matter and use the whole file as the prompt"

    def repair(self, yaml_text: str) -> str:
        """opencode's sanitize pass: an unquoted top-level value holding ':' is read as the
        plain string (opencode rewrites it to a |- block; quoting it on its own line means
        the same and keeps line numbers, which spans rely on)."""
        out = []
        for line in yaml_text.splitlines(keepends=True):
            m = _SANITIZE_LINE.match(line)
            value = m.group(2) if m else ""
            if m and value and ":" in value and value[0] not in "\"'|>":
                escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
                line = f'{m.group(1)}: "{escaped}"{m.group(3)}\n'
            out.append(line)
        return "".join(out)

    exclusive_keys = frozenset({"mode", "temperature", "top_p", "steps", "maxSteps", "permission", "hidden",
                                "disable", "variant"})

    shape_keys = frozenset({"tools", "description"})      # what the claim predicates below read

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("tools"), dict)

    def weak_claim(self, values: dict[str, Any]) -> bool:
        return "description" in values and not isinstance(values.get("name"), str)   # named by its path

    def agent_shape(self, values: dict[str, Any]) -> bool:
        # a docs page has a description too, and keys opencode would send the model as options
        return isinstance(values.get("description"), str) and set(values) <= self.known_keys

    def name_from_path(self, path: str | None) -> str | None:
        return _name_from_path(path)


def _read_color(value: Any) -> str | None:
    if isinstance(value, str) and (_HEX.match(value) or value in _THEMES):
        return vocabulary.canonical_color(value)
    return None


@lru_cache(maxsize=256)
def _name_from_path(path: str | None) -> str | None:
    # every read of an output names the agent from its path again
    if not path:
        return None
    parts = path_parts(path)
    anchors = [i for i, p in enumerate(parts[:-1]) if p in ("agent", "agents")]
    if anchors:
        rest = list(parts[anchors[-1] + 1:])
        rest[-1] = path_stem(rest[-1]) or rest[-1]
        return "/".join(rest)
    return path_stem(path)


def _grants_alike(old: list[ToolRule] | None, rules: list[ToolRule]) -> bool:
    """The old tools/permission values still grant what ``rules`` do (a file keeps its words)."""
    return old is not None and (old == rules or access.same_power(old, rules))


def _tools_map_or_none(value: Any) -> bool:
    return value is MISSING or value is None or _tools_map(value)


def _permission_or_none(value: Any) -> bool:
    return value is MISSING or value is None or _permission_value(value)


# -- access ---------------------------------------------------------------------------------

_BUILTIN = set(_KEY_OF) | set(_KEY_OF.values())
def _canon(key: str) -> list[str]:
    if key == ALL_TOOLS:
        return [ALL_TOOLS]
    if key not in _BUILTIN and "_" in key.strip("_"):
        server, _, tool = key.partition("_")        # opencode names MCP tools <server>_<tool>
        return [f"mcp:{server}/{tool}"]
    return list(_EXPANDS.get(key, [key]))


_NOT_ACCESS = "an action (allow, ask, deny) or a map of them"


def parse_access(tools: Any, permission: Any, values: dict[str, Any] | None = None,
                 warn: list[Diagnostic] | None = None) -> list[ToolRule]:
    """The deprecated ``tools`` map and ``permission`` → ordered rules. A value of another
    shape is an error (or, read leniently, no tools at all): opencode may read it otherwise."""
    rules = _parsed_access(tools, permission)
    if rules is not None:
        return rules
    values, warn = values or {}, warn if warn is not None else []
    if not _tools_map_or_none(tools):
        return access.unreadable(OpenCode, "tools", tools, "a map of tool names to true or false", values, warn)
    return access.unreadable(OpenCode, "permission", permission, _NOT_ACCESS + " per tool", values, warn)


def _tools_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, bool) for v in value.values())


def _permission_value(value: Any) -> bool:
    if value in _ACTIONS:
        return True
    return isinstance(value, dict) and all(
        v in _ACTIONS or (isinstance(v, dict) and all(a in _ACTIONS for a in v.values())) for v in value.values())


@cached_rules
def _parsed_access(tools: Any, permission: Any) -> list[ToolRule] | None:
    """None when a value has a shape opencode does not read as access rules.

    As opencode 1.18.33 merges them (``AgentConfig`` decode): the tools map becomes one
    action per permission key (write, edit and patch all set ``edit``), then ``permission``
    replaces a key's value where it names the key, and the keys keep their first place."""
    if not _tools_map_or_none(tools) or not _permission_or_none(permission):
        return None
    merged: dict[str, Any] = {}
    for key, on in (tools or {}).items() if tools is not MISSING else ():
        merged[_KEY_OF.get(str(key), str(key)) if _KEY_OF.get(str(key)) == "edit" else str(key)] = \
            "allow" if on else "deny"
    if permission is not MISSING and permission is not None:
        merged.update({ALL_TOOLS: permission} if permission in _ACTIONS else {str(k): v for k, v in permission.items()})
    rules = [rule for key, value in merged.items() for tool in _canon(key) for rule in _permission_rules(tool, value)]
    return normalise_rules(rules)


def _permission_rules(tool: str, value: Any) -> list[ToolRule]:
    if value in _ACTIONS:
        return [ToolRule(tool=tool, action=value)]
    return [ToolRule(tool=tool, pattern=None if p == "*" else str(p), action=a) for p, a in value.items()]


#: opencode's own defaults, which apply before an agent's rules (its defaults, not the agent's)
DEFAULTS: list[ToolRule] = normalise_rules([
    rule for key, value in _TABLE.get("defaults", {}).get("permission", {}).items()
    for tool in _canon(key) for rule in _permission_rules(tool, value)])


def render_permission(rules: list[ToolRule]) -> dict[str, Any]:
    """Rules → a permission map. Tools sharing one key (edit, write, patch) have one power:
    the key gets what the widest of them may do (see access.SAME_POWER)."""
    # the rest narrows; a deny of a name opencode reads as another tool still only narrows, but
    # a wildcard it cannot name (every MCP tool) would be a key matching nothing meant
    rules = [r for r in rules if says(r.tool) or (r.action == "deny" and not r.is_wildcard)]
    rendered = _rendered_permission(tuple(rules), access.accepted_widenings(), overrides.pinned_tools())
    return {key: dict(value) if isinstance(value, dict) else value for key, value in rendered.items()}


@lru_cache(maxsize=1024)
def _rendered_permission(rules: tuple[ToolRule, ...], accepted: frozenset[str] = frozenset(),
                         pinned: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    # every write of an agent renders its rules again; callers get a copy of the cached map
    perm: dict[str, Any] = {}
    for key, rule in _keyed(_one_per_power(list(rules))):
        action = rule.action
        if rule.pattern in (None, ALL_TOOLS):      # "*" matches every argument: a plain action
            current = perm.get(key)
            if isinstance(current, dict):
                current.pop(ALL_TOOLS, None)
                current[ALL_TOOLS] = action
            else:
                perm[key] = action
        elif key in _ACTION_ONLY:
            # one action only: a pattern's wider action is granted whole when accepted
            current = perm.get(key)
            stronger = current is None or access.RANK[action] > access.RANK[current]
            if access.power_of(rule.tool) in accepted and stronger:
                perm[key] = action
        else:
            current = perm.get(key)
            table = current if isinstance(current, dict) else ({ALL_TOOLS: current} if current else {})
            table.pop(rule.pattern, None)
            table[rule.pattern] = action
            perm[key] = table
    return perm


def _one_per_power(rules: list[ToolRule]) -> list[ToolRule]:
    """Rules for tools of one power (write, multiedit, patch: edit's) become rules for that
    power, saying per argument what the widest of them may do, where its first rule was."""
    shared = {access.power_of(r.tool) for r in rules if len(access.power_members(r.tool)) > 1}
    if not shared:
        return rules
    out: list[ToolRule] = []
    done: set[str] = set()
    for rule in rules:
        power = access.power_of(rule.tool)
        if power not in shared:
            out.append(rule)
        elif power not in done:
            done.add(power)
            out += _merged(rules, power)
    return out


def _merged(rules: list[ToolRule], power: str) -> list[ToolRule]:
    mine = [r for r in rules if access.power_of(r.tool) == power]
    others = [r for r in rules if access.power_of(r.tool) != power]
    action = access.evaluator(rules).power
    base = action(power, access.OTHER_ARG)
    patterns = list(dict.fromkeys(r.pattern for r in mine if r.pattern not in (None, ALL_TOOLS)))
    entries = [(p, action(power, access.sample(p))) for p in patterns]
    entries = [(p, a) for p, a in entries if a != base]
    if not entries and base == access.power_action(others, power, access.OTHER_ARG):
        return []            # what the other rules give already
    return [ToolRule(tool=power, action=base)] + [ToolRule(tool=power, pattern=p, action=a) for p, a in entries]



def _key(tool: str) -> str:
    if tool == ALL_TOOLS:
        return ALL_TOOLS
    return overrides.tool_spelling(tool) or _KEY_OF.get(tool) or toolnames.native(tool, {}, "opencode")


@lru_cache(maxsize=1024)
def says(tool: str) -> bool:
    """opencode has a key for ``tool`` that reads back as that tool: not so for a tool named
    like an MCP one (``git_diff`` is opencode's name for the tool diff of a server git)."""
    return tool in _KEY_OF or tool in _canon(
        _KEY_OF.get(tool) or toolnames.native(tool, {}, "opencode", pinned_too=False))


def _keyed(rules: list[ToolRule]) -> list[tuple[str, ToolRule]]:
    """Rules with their opencode key, ordered by key between wildcard rules (as the model
    orders canonical rules), so equal rule sets render as equal maps."""
    out: list[tuple[str, ToolRule]] = []
    segment: list[tuple[str, ToolRule]] = []
    for rule in rules:
        key = _key(rule.tool)
        if "*" in key:
            out += sorted(segment, key=lambda kr: kr[0]) + [(key, rule)]
            segment = []
        else:
            segment.append((key, rule))
    return out + sorted(segment, key=lambda kr: kr[0])


def opencode_model(model: str | None) -> str | None:
    """Canonical id → opencode's ``provider/model``; a name for several models is written as
    the nearest one (reported by the engine as approximated)."""
    if model is None or "/" in model:
        return model
    return vocabulary.nearest_model(model) or vocabulary.qualified_model(model)


def opencode_color(color: str | None) -> str | None:
    if color is None or _HEX.match(color) or color in _THEMES:
        return color
    return vocabulary.hex_of(color)
