"""opencode agents: ``.opencode/agent/**/*.md`` (also ``agents/``); the path is the name."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from .. import briefs
from ..access import RANK
from ..data import mapping
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, NativeField, ToolRule, normalise_rules
from .. import vocabulary
from . import toolnames
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules, path_stem

_TABLE = mapping("opencode")
_KEY_OF: dict[str, str] = dict(_TABLE.get("tools", {}))
_EXPANDS: dict[str, list[str]] = dict(_TABLE.get("expands", {}))
_ACTION_ONLY = set(_TABLE.get("action_only", {}).get("keys", []))
_THEMES = set(_TABLE.get("colors", {}).get("themes", []))
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ACTIONS = ("allow", "ask", "deny")
_SANITIZE_LINE = re.compile(r"^([a-zA-Z_][a-zA-Z0-9_]*):[ \t]*(.*?)(\r?)$")


class OpenCode(MarkdownDialect):
    name = "opencode"
    title = "opencode"
    layout = ".opencode/agent"
    path_hints = (".opencode/agent/", ".opencode/agents/", ".config/opencode/agent")
    agent_globs = (".opencode/agent/**/*.md", ".opencode/agents/**/*.md")
    reserved_names = frozenset({"build", "plan", "general", "explore", "compaction", "summary", "title"})
    has_repair = True
    reading_model = "opencode"
    requires_front_matter = False
    known_keys = frozenset({"name", "description", "mode", "model", "variant", "temperature", "top_p",
                            "prompt", "tools", "permission", "disable", "hidden", "color", "steps",
                            "maxSteps", "options"})
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

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("tools"), dict)

    def weak_claim(self, values: dict[str, Any]) -> bool:
        return "description" in values and not isinstance(values.get("name"), str)   # named by its path

    def agent_shape(self, values: dict[str, Any]) -> bool:
        # a docs page has a description too, and keys opencode would send the model as options
        return isinstance(values.get("description"), str) and set(values) <= self.known_keys

    def name_from_path(self, path: str | None) -> str | None:
        return _name_from_path(path)

    # -- native → canonical ---------------------------------------------------------------
    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        fields: dict[str, Any] = {"name": self.name_from_path(path), "native": []}
        rules = parse_access(values.get("tools", MISSING), values.get("permission", MISSING))
        for key, value in values.items():
            taken = rules is not None if key in ("tools", "permission") else self._take(key, value, fields, values)
            if not taken:
                fields["native"].append(NativeField(dialect=self.name, key=key, value=value))
                if key in self.known_keys and key not in ("variant", "prompt", "options", "maxSteps"):
                    warn.append(Diagnostic(message=f"opencode rejects {key}: {value!r}",
                                           hint="opencode refuses to start with this value"))
        if rules is not None:
            fields["tools"] = rules
        return fields

    def _take(self, key: str, value: Any, fields: dict[str, Any], values: dict[str, Any]) -> bool:
        if key in ("tools", "permission"):
            return parse_access(values.get("tools", MISSING), values.get("permission", MISSING)) is not None
        if key == "name" and isinstance(value, str):
            fields["name"] = value
        elif key == "description" and isinstance(value, str):
            fields.update(briefs.parse_description(value))
        elif key == "mode" and value in ("primary", "subagent", "all"):
            fields["mode"] = value
        elif key == "model" and isinstance(value, str):
            fields["model"] = vocabulary.qualified_model(value)
        elif key in ("temperature", "top_p") and _number(value):
            fields[key] = float(value)
        elif key == "steps" and _count(value):
            fields["max_turns"] = value
        elif key == "maxSteps" and _count(value) and "steps" not in values:
            fields["max_turns"] = value
        elif key in ("hidden", "disable") and isinstance(value, bool):
            fields["hidden" if key == "hidden" else "disabled"] = value
        elif key == "color" and isinstance(value, str) and (_HEX.match(value) or value in _THEMES):
            fields["color"] = vocabulary.canonical_color(value)
        else:
            return False
        return True

    # -- canonical → native ---------------------------------------------------------------
    def native_items(self, agent: Agent, old: dict[str, Any] | None) -> list[tuple[str, Any]]:
        out = NativeItems(old)
        same = lambda v: v
        if "name" in out.old:
            out.put("name", agent.name, same, agent.name)
        out.put_description(agent)
        out.put("mode", agent.mode, same, agent.mode)
        out.put("model", agent.model, vocabulary.qualified_model, lambda: opencode_model(agent.model))
        out.put("temperature", agent.temperature, float, agent.temperature)
        out.put("top_p", agent.top_p, float, agent.top_p)
        steps_key = "maxSteps" if "maxSteps" in out.old and "steps" not in out.old else "steps"
        out.put(steps_key, agent.max_turns, same, agent.max_turns)
        out.put("hidden", agent.hidden, same, agent.hidden)
        out.put("disable", agent.disabled, same, agent.disabled)
        out.put("color", agent.color, vocabulary.canonical_color, lambda: opencode_color(agent.color))
        old_tools, old_perm = out.old.get("tools", MISSING), out.old.get("permission", MISSING)
        if (old_tools is not MISSING or old_perm is not MISSING) and parse_access(old_tools, old_perm) == agent.tools:
            out.add("tools", old_tools)
            out.add("permission", old_perm)
        elif agent.tools:
            out.add("permission", render_permission(agent.tools))
        return out.put_natives(agent, self.name)


@lru_cache(maxsize=256)
def _name_from_path(path: str | None) -> str | None:
    # every read of an output names the agent from its path again
    if not path:
        return None
    parts = PurePath(path).parts
    anchors = [i for i, p in enumerate(parts[:-1]) if p in ("agent", "agents")]
    if anchors:
        rest = list(parts[anchors[-1] + 1:])
        rest[-1] = path_stem(rest[-1]) or rest[-1]
        return "/".join(rest)
    return path_stem(path)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# -- access ---------------------------------------------------------------------------------

_BUILTIN = set(_KEY_OF) | set(_KEY_OF.values())


def _canon(key: str) -> list[str]:
    if key == ALL_TOOLS:
        return [ALL_TOOLS]
    if key not in _BUILTIN and "_" in key.strip("_"):
        server, _, tool = key.partition("_")        # opencode names MCP tools <server>_<tool>
        return [f"mcp:{server}/{tool}"]
    return list(_EXPANDS.get(key, [key]))


@cached_rules
def parse_access(tools: Any, permission: Any) -> list[ToolRule] | None:
    """The deprecated ``tools`` map and ``permission`` → ordered rules (None: bad shape)."""
    rules: list[ToolRule] = []
    if tools is not MISSING and tools is not None:
        if not isinstance(tools, dict) or not all(isinstance(v, bool) for v in tools.values()):
            return None
        for key, on in tools.items():
            tool = str(key) if str(key) in _BUILTIN else _canon(str(key))[0]
            rules += [ToolRule(tool=tool, action="allow" if on else "deny")]
    if permission is not MISSING and permission is not None:
        if permission in _ACTIONS:
            rules.append(ToolRule(tool=ALL_TOOLS, action=permission))
        elif isinstance(permission, dict):
            for key, value in permission.items():
                for tool in _canon(str(key)):
                    parsed = _permission_rules(tool, value)
                    if parsed is None:
                        return None
                    rules += parsed
        else:
            return None
    return normalise_rules(rules)


def _permission_rules(tool: str, value: Any) -> list[ToolRule] | None:
    if value in _ACTIONS:
        return [ToolRule(tool=tool, action=value)]
    if isinstance(value, dict) and all(v in _ACTIONS for v in value.values()):
        return [ToolRule(tool=tool, pattern=None if p == "*" else str(p), action=a) for p, a in value.items()]
    return None


def render_permission(rules: list[ToolRule]) -> dict[str, Any]:
    """Rules → a permission map. Several canonical tools sharing one key (write and edit)
    get the narrowest of their actions."""
    rendered = _rendered_permission(tuple(rules))
    return {key: dict(value) if isinstance(value, dict) else value for key, value in rendered.items()}


@lru_cache(maxsize=1024)
def _rendered_permission(rules: tuple[ToolRule, ...]) -> dict[str, Any]:
    # every write of an agent renders its rules again; callers get a copy of the cached map
    perm: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for key, rule in _keyed(rules):
        action = rule.action
        if rule.pattern in (None, ALL_TOOLS):      # "*" matches every argument: a plain action
            current = perm.get(key)
            if isinstance(current, str) and owner.get(key) not in (None, rule.tool):
                action = min(current, action, key=RANK.__getitem__)
            if isinstance(current, dict):
                current.pop(ALL_TOOLS, None)
                current[ALL_TOOLS] = action
            else:
                perm[key] = action
        elif key not in _ACTION_ONLY:
            current = perm.get(key)
            table = current if isinstance(current, dict) else ({ALL_TOOLS: current} if current else {})
            table.pop(rule.pattern, None)
            table[rule.pattern] = action
            perm[key] = table
        owner.setdefault(key, rule.tool)
    return perm


def _keyed(rules: list[ToolRule]) -> list[tuple[str, ToolRule]]:
    """Rules with their opencode key, ordered by key between wildcard rules (as the model
    orders canonical rules), so equal rule sets render as equal maps."""
    out: list[tuple[str, ToolRule]] = []
    segment: list[tuple[str, ToolRule]] = []
    for rule in rules:
        key = ALL_TOOLS if rule.tool == ALL_TOOLS else _KEY_OF.get(rule.tool) or toolnames.native(rule.tool, {}, "opencode")
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
