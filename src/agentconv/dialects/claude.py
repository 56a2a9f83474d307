"""Claude Code sub-agents: ``.claude/agents/*.md``, YAML front matter + prompt body."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from .. import access, vocabulary
from ..access import OTHER_ARG, OTHER_TOOL, power_of
from ..data import mapping
from ..lazyre import compile_later
from ..losses import Diagnostic
from ..model import ALL_TOOLS, Agent, ToolRule, normalise_rules
from . import toolnames
from .base import MISSING, MarkdownDialect, NativeItems, cached_rules
from .fields import NAME, UNSET, Code, Description, FieldTable, Key, a_list, a_map, names, positive_int, text_or_int

_TABLE = mapping("claude")
_CANON_OF, _NAME_OF = toolnames.tables(_TABLE.get("tools", {}))
_REPAIR_LINE = compile_later(r"^([a-zA-Z_-]+):[ \t]+(.+?)(\r?)$")
_SPECIAL = compile_later(r"[{}\[\]*&#!|>%@`]|: ")
_SHELLS = {"bash", "powershell"}
#: keys of Claude's skills and commands, which share name + description with agents
_OTHER_ARTEFACT_KEYS = frozenset({"allowed-tools", "argument-hint", "user-invocable", "disable-model-invocation"})
MAX_NAME = 256


class ClaudeFields(FieldTable):
    """Claude Code's agent fields as every form of a Claude Code agent spells them (a markdown
    file's front matter, an entry of ``claude --agents`` JSON): the one mapping of native keys
    to canonical fields that each form reads and writes through."""
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    known_tools: ClassVar[tuple[str, ...]] = tuple(_TABLE.get("tools", {}))

    skipped_without: ClassVar[str | None] = "name"
    # Claude Code 2.1.197's own agents; a project agent of the same name (case counts) replaces it
    reserved_names = frozenset({"claude", "Explore", "general-purpose", "Plan", "statusline-setup"})
    required: ClassVar[tuple[str, ...]] = ("name", "description")
    #: every key Claude Code 2.1.332 reads (its agent schema ``Fit``); the last seven are new
    #: since 2.1.197. Native keys that grant something: ``capability_keys`` below.
    known_keys = frozenset({"name", "description", "tools", "disallowedTools", "model", "color", "effort",
                            "permissionMode", "maxTurns", "skills", "mcpServers", "hooks", "memory",
                            "background", "isolation", "initialPrompt",
                            "autoCompactWindow", "omitClaudeMd", "observer", "observerMessage",
                            "observeToolResults", "observeSubagents", "experimental"})
    # memory gives Read, Write and Edit on the memory folder; initialPrompt runs unasked;
    # background/isolation change where it runs; observers spawn other agents
    capability_keys = frozenset({"memory", "initialPrompt", "background", "isolation", "observer",
                                 "observerMessage", "observeToolResults", "observeSubagents"})

    def tool_name(self, canon: str) -> str:
        return toolnames.native(canon, _NAME_OF, mcp_style="claude")

    def name_problem(self, name: str) -> str | None:
        """Claude Code 2.1.332 refuses these names (':' is kept for plugin namespaces)."""
        if ":" in unicodedata.normalize("NFKC", name):
            return f"Claude Code refuses agent names holding ':' (reserved for plugins): {name!r}"
        if name.startswith("-"):
            return f"Claude Code refuses agent names starting with '-': {name!r}"
        if len(name) > MAX_NAME:
            return f"Claude Code refuses agent names longer than {MAX_NAME} characters ({len(name)})"
        return super().name_problem(name)

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        NAME,
        Description(unescape=True),
        Code("tools", read="read_access", write="write_allowed"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: claude_model(m),
            meaning=lambda v: canonical_model(v)),
        # any colour but Claude Code's own it drops silently
        Key("color", "color", read=lambda v: v if isinstance(v, str) and v in _VALID_COLORS else None,
            write=lambda c: claude_color(c), meaning=vocabulary.canonical_color),
        Key("effort", "reasoning_effort", read=text_or_int),
        Key("permissionMode", "permission_mode"),
        Key("maxTurns", "max_turns", read=positive_int),
        Key("skills", "skills", read=names),
        Key("mcpServers", "mcp_servers", read=a_list),
        Key("hooks", "hooks", read=a_map),
        Code("disallowedTools", write="write_denied"),
    )
    field_defaults = {"mode": "subagent"}
    native_dialect = "claude"

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        fields["tools"] = parse_tool_access(values.get("tools", MISSING), values.get("disallowedTools", MISSING),
                                            values, warn)

    def write_allowed(self, agent: Agent, out: NativeItems) -> None:
        out.memo["access"] = tool_values(agent.tools, out.old)
        out.add("tools", out.memo["access"][0])

    def write_denied(self, agent: Agent, out: NativeItems) -> None:
        out.add("disallowedTools", out.memo["access"][1])


class Claude(ClaudeFields, MarkdownDialect):
    name = "claude"
    title = "Claude Code"
    layout = ".claude/agents"
    path_hints = (".claude/agents/", ".claude/agents")
    agent_globs = (".claude/agents/**/*.md",)          # ripgrep --glob *.md, recursive
    has_repair = True
    reading_model = "claude-code"
    lenient_hint = "Claude Code itself will skip this file; quote the description (\"...\")"

    def repair(self, yaml_text: str) -> str:
        """Claude Code's own retry: quote plain values holding ': ' or YAML indicators."""
        out = []
        for line in yaml_text.splitlines(keepends=True):
            stripped = line.rstrip("\r\n")
            ending = line[len(stripped):]
            stripped = re.sub(r"^\t+", lambda m: "  " * len(m.group(0)), stripped)
            m = _REPAIR_LINE.match(stripped)
            if m and not _quoted_or_list(m.group(2)) and _SPECIAL.search(m.group(2)):
                value = m.group(2).replace("\\", "\\\\").replace('"', '\\"')
                stripped = f'{m.group(1)}: "{value}"'
            out.append(stripped + ending)
        return "".join(out)

    exclusive_keys = frozenset({"disallowedTools", "permissionMode", "maxTurns", "skills", "mcpServers",
                                "hooks", "memory", "background", "isolation", "initialPrompt", "effort",
                                "autoCompactWindow", "omitClaudeMd", "observer", "observerMessage",
                                "observeToolResults", "observeSubagents"})

    shape_keys = frozenset({"tools", "name"})      # what the claim predicates below read

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("tools"), (str, list))     # opencode's tools is a map

    def weak_claim(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str)              # Claude Code skips a file without one

    def agent_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str) and isinstance(values.get("description"), str) \
            and not _OTHER_ARTEFACT_KEYS & set(values)


def tool_values(rules: list[ToolRule], old: dict[str, Any]) -> tuple[Any, Any]:
    """(tools, disallowedTools) values: the old ones while they still grant what ``rules`` do
    (an old `Write, MultiEdit` grants what `Edit, Write` does)."""
    old_tools, old_denied = old.get("tools", MISSING), old.get("disallowedTools", MISSING)
    if old_tools is not MISSING or old_denied is not MISSING:
        before = _parsed_access(old_tools, old_denied)
        if before is not None and (before == rules or access.same_power(before, rules, holds_tool)):
            return old_tools, old_denied
    allowed, denied = render_tool_access(rules)
    return _shaped(allowed, old_tools), _shaped(denied, old_denied)


def _shaped(names: Any, old_value: Any) -> Any:
    if names is MISSING or not isinstance(names, list):
        return names
    return names if isinstance(old_value, list) else ", ".join(names)


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _quoted_or_list(value: str) -> bool:
    v = value.strip()
    return (len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"") or (v.startswith("[") and v.endswith("]"))


# -- tools ----------------------------------------------------------------------------------

def holds_tool(canon: str) -> bool:
    return canon not in access.GUARDS          # Claude Code has none of these guards


def parse_tool_access(tools: Any, disallowed: Any, values: dict[str, Any] | None = None,
                      warn: list[Diagnostic] | None = None) -> list[ToolRule]:
    """Claude's tools / disallowedTools → ordered rules, as Claude Code applies them. A value
    of another type is an error (or, read leniently, no tools at all)."""
    rules = _parsed_access(tools, disallowed)
    if rules is not None:
        return rules
    key, value = ("tools", tools) if not _readable(tools) else ("disallowedTools", disallowed)
    return access.unreadable(Claude, key, value, "a comma-separated string or a list of tool names",
                             values or {}, warn if warn is not None else [])


@cached_rules
def _parsed_access(tools: Any, disallowed: Any) -> list[ToolRule] | None:
    """None when a value has a type Claude Code does not read as tool names."""
    if not _readable(tools) or not _readable(disallowed):
        return None
    rules: list[ToolRule] = []
    if tools is not MISSING:
        names = toolnames.split_list(tools or "")
        if ALL_TOOLS in names and all(_agent_types(n) for n in names if n != ALL_TOOLS):
            # `*` with only Agent(types) beside it: every tool, sub-agents limited to those types
            rules.append(ToolRule(tool=ALL_TOOLS, action="allow"))
            types = [t for n in names if n != ALL_TOOLS for t in _agent_types(n)]
            if types:
                rules += [ToolRule(tool="task", action="deny")] + _type_rules(types)
        else:
            # `*` among other names is an unknown tool name to Claude Code: an allow-list
            rules.append(ToolRule(tool=ALL_TOOLS, action="deny"))
            allows = [r for n in names if n != ALL_TOOLS for r in _allow_rules(n)]
            if any(r.tool == "task" and r.pattern is not None for r in allows):
                allows = [r for r in allows if not (r.tool == "task" and r.pattern is None)]
            rules += _first_whole_tool_grants(allows)
    if disallowed is not MISSING and disallowed is not None:
        rules += [_rule(n, "deny") for n in toolnames.split_list(disallowed)]
    return normalise_rules(rules)


def _readable(value: Any) -> bool:
    return value is MISSING or value is None or isinstance(value, str) or _str_list(value)


def _agent_types(token: str) -> list[str]:
    name, pattern = toolnames.split_call(token)
    if pattern is None or toolnames.canonical(name, _CANON_OF, mcp_style="claude") != "task":
        return []
    return [t.strip() for t in pattern.split(",") if t.strip()]


def _type_rules(types: list[str]) -> list[ToolRule]:
    return [ToolRule(tool="task", pattern=t, action="allow") for t in dict.fromkeys(types)]


def _first_whole_tool_grants(allows: list[ToolRule]) -> list[ToolRule]:
    """Each whole-tool grant once (its first place), every pattern grant as it comes."""
    seen: set[ToolRule] = set()
    kept = []
    for rule in allows:
        if rule.pattern is None:
            if rule in seen:
                continue
            seen.add(rule)
        kept.append(rule)
    return kept


def _rule(token: str, action: str) -> ToolRule:
    name, pattern = toolnames.split_call(token)
    tool = toolnames.canonical(name, _CANON_OF, mcp_style="claude")
    if action == "deny":
        pattern = None      # Claude Code 2.1.197 removes the whole tool for `disallowedTools: Bash(rm:*)`
    if pattern is not None and tool in _SHELLS and pattern.endswith(":*"):
        pattern = pattern[:-2] + "*"
    return ToolRule(tool=tool, pattern=pattern, action=action)


def _allow_rules(token: str) -> list[ToolRule]:
    types = _agent_types(token)
    if types:
        return _type_rules(types)           # Agent(a, b): the one pattern Claude enforces
    rule = _rule(token, "allow")
    if rule.pattern is None:
        return [rule]
    return [ToolRule(tool=rule.tool, action="allow"), rule]     # the pattern only pre-approves


def _token(rule: ToolRule) -> str:
    name = toolnames.native(rule.tool, _NAME_OF, mcp_style="claude")
    if rule.pattern is None:
        return name
    pattern = rule.pattern
    if rule.tool in _SHELLS and pattern.endswith("*") and "*" not in pattern[:-1]:
        pattern = pattern[:-1] + ":*"
    return f"{name}({pattern})"


def render_tool_access(rules: list[ToolRule]) -> tuple[Any, Any]:
    """Rules → (tools, disallowedTools) as name lists, or MISSING. Claude grants whole tools
    (and sub-agent types), so a tool whose every call the rules allow is granted and any
    other is not: the least narrowing there is. The engine checks nothing widened."""
    if not rules:
        return MISSING, MISSING
    view = _Rules([r for r in rules if _balanced(r.pattern)])
    # in the model's order (a wildcard rule between them does not reorder a fresh write)
    stated = sorted(t for t in view.by_tool if t != ALL_TOOLS and holds_tool(t))
    grants = [t for t in stated if t != "task" and view.grantable(t)]
    types = view.granted_types()
    if view.action(OTHER_TOOL) != "allow":         # an allow-list
        allowed = [_token(r) for t in grants if says(t) for r in view.grant_rules(t)]
        if types is True:
            allowed.append(_token(ToolRule(tool="task")))
        elif types:
            allowed.append(f"{_token(ToolRule(tool='task'))}({', '.join(types)})")
        return allowed, MISSING
    denied = [_token(ToolRule(tool=t)) for t in stated if t != "task" and t not in grants and not _unnamed_mcp(t)]
    tools: Any = MISSING
    if types is False:
        denied.append(_token(ToolRule(tool="task")))
    elif types is not True:
        tools = [ALL_TOOLS, f"{_token(ToolRule(tool='task'))}({', '.join(types)})"]
    return tools, (denied or MISSING)


class _Rules:
    """One rule list as Claude's renderer asks about it: by tool, answers indexed once."""

    def __init__(self, rules: list[ToolRule]):
        self.by_tool: dict[str, list[ToolRule]] = {}
        for rule in rules:
            self.by_tool.setdefault(rule.tool, []).append(rule)
        self.action = access.evaluator(rules).action

    def grantable(self, tool: str) -> bool:
        """Every call of ``tool`` is allowed (patterns only pre-approve calls in Claude); or,
        for a tool the user accepts widening for, some call is."""
        args = [None, OTHER_ARG, *(access.sample(r.pattern) for r in self.by_tool.get(tool, ()) if r.pattern)]
        if power_of(tool) in access.accepted_widenings():
            return any(self.action(tool, a) != "deny" for a in args)
        return all(self.action(tool, a) == "allow" for a in args)

    def grant_rules(self, tool: str) -> list[ToolRule]:
        """The tool's allowed patterns (each grants the whole tool and pre-approves its calls,
        as written), or the bare tool."""
        patterns = [r for r in self.by_tool.get(tool, ()) if r.pattern is not None and r.action == "allow"]
        return list(dict.fromkeys(patterns)) or [ToolRule(tool=tool)]

    def granted_types(self) -> bool | list[str]:
        """Sub-agent types: True (every type), False (none) or the names Agent(...) may start."""
        if self.grantable("task"):
            return True
        if self.action("task", OTHER_ARG) == "allow":
            return False        # every type but some: Claude can only name the types it allows
        named = [r.pattern for r in self.by_tool.get("task", ()) if r.pattern and r.action == "allow"
                 and not any(c in r.pattern for c in "*?[")]
        return [t for t in dict.fromkeys(named) if self.action("task", t) == "allow"] or False


def says(tool: str) -> bool:
    """A tool named with a space or comma ('Microsoft Docs', a Copilot list's entry) would read
    back as two names: it cannot be granted, so it is narrowed."""
    return not any(c.isspace() or c in ",()" for c in toolnames.native(tool, _NAME_OF, mcp_style="claude")) \
        and not _unnamed_mcp(tool)


def _unnamed_mcp(tool: str) -> bool:
    """An MCP tool Claude Code has no name for: every server's (``mcp__<server>`` at the widest)."""
    return tool.startswith("mcp:") and toolnames.canonical(
        toolnames.native(tool, _NAME_OF, mcp_style="claude"), _CANON_OF, mcp_style="claude") != tool


def _balanced(pattern: str | None) -> bool:
    """Claude splits tool lists on commas and spaces outside parentheses, so a pattern whose
    parentheses do not balance would swallow the next name: its rule is narrowed instead."""
    depth = 0
    for ch in pattern or "":
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


_MODELS = _TABLE.get("models", {})
_ALIASES: dict[str, str] = dict(_MODELS.get("aliases", {}))
_VALID_COLORS: frozenset[str] = frozenset(_TABLE.get("colors", {}).get("valid", []))


def canonical_model(spelling: str) -> str | None:
    """Claude's spelling → canonical id: ``inherit`` is no model of its own, an alias is the
    id it ran as, a bare ``claude-…`` id gets its provider."""
    value = spelling.strip()
    if value.lower() == _MODELS.get("inherit", "inherit"):
        return None
    if value in _ALIASES:
        return _ALIASES[value]
    return vocabulary.qualified_model(value) if vocabulary.nearest_model(value) is None else value


def _read_model(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    model = canonical_model(value)
    return UNSET if model is None else model          # inherit: no model of its own


def claude_model(model: str | None) -> str | None:
    """Canonical id → what Claude Code can run: Anthropic's models only (another
    provider's model is dropped, and the agent inherits the parent's)."""
    if model is None:
        return None
    provider, _, ident = model.partition("/")
    if not ident:
        return model
    return ident if provider == _MODELS.get("provider", "anthropic") else None


def claude_color(color: str | None) -> str | None:
    if color is None:
        return None
    canonical = vocabulary.canonical_color(color)
    return canonical if canonical in _VALID_COLORS else vocabulary.nearest_named(canonical, _VALID_COLORS)
