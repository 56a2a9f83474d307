"""Qwen Code sub-agents: ``.qwen/agents/*.md``. Claude-shaped keys (0.24.x reads Claude's
``permissionMode``, ``maxTurns``, ``mcpServers``, ``hooks`` and colours) with Qwen's own tool
names. How it differs from Claude Code: ``tools: []``, ``""`` or null give *every* tool (so no
tools at all is a list naming no tool), a name Qwen does not know grants nothing, and the prompt
must have 10 characters. Outputs are written for both clients: lists as ``  - item`` lines and
strings plain or double-quoted on one line, which 0.15.x's line parser reads too (a multi-line
description it shows with its ``\\n`` escapes). Tables: ``dialects/qwen/mapping.toml``; facts:
its REFERENCE.md."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from .. import access, vocabulary
from ..data import mapping
from ..errors import AgentconvError
from ..formats import lineyaml, yamlsrc, yamlwrite
from ..formats.values import same_value
from ..losses import Diagnostic
from ..model import Agent, ToolRule, normalise_rules
from .base import MISSING, MarkdownDialect, MarkdownTrivia, NativeItems, cached_rules
from .fields import NAME, UNSET, Code, Description, FieldTable, Key, Reader, a_map, model_reader, one_of
from .namelist import McpSpelling, NameTable, allows_others, every_tool

_TABLE = mapping("qwen")
TOOLS = NameTable.from_mapping(_TABLE, McpSpelling("mcp__", "__", re.compile(r"^[A-Za-z0-9_.-]+$")))

_COLORS = frozenset(_TABLE.get("colors", {}).get("valid", []))
_AUTO_COLOR = _TABLE.get("colors", {}).get("auto", "auto")
_INHERIT = _TABLE.get("models", {}).get("inherit", "inherit")
_SELECTORS = frozenset(_TABLE.get("models", {}).get("selectors", []))
_PERMISSION_MODES = tuple(_TABLE.get("values", {}).get("permissionMode", []))
_DETECT = frozenset(_TABLE.get("detect", {}).get("names", []))
_NAME = re.compile(r"^[\w-]+$")
RESERVED = frozenset({"self", "system", "user", "model", "tool", "config", "default", "main"})
_REPAIR_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]+([^\"'|>\[{\s].*?)(\r?)$")


class Qwen(FieldTable, MarkdownDialect):
    names_tools = True                 # tool names go through toolnames/NameTable: overridable
    known_tools: ClassVar[tuple[str, ...]] = tuple(_TABLE.get("tools", {}))
    name = "qwen"
    title = "Qwen Code"
    layout = ".qwen/agents"
    path_hints = (".qwen/agents/",)
    agent_globs = (".qwen/agents/*.md",)             # one folder, no sub-folders
    reading_model = "qwen-code"
    required = ("name", "description")
    # Qwen Code 0.24.4's own agents: a project agent of the same name replaces it
    reserved_names = frozenset({"general-purpose", "Explore", "statusline-setup"})
    has_repair = True
    empty_front_matter = "\n"        # its delimiter needs a line between the two rules
    #: its quoting is its own (what both clients read), so another dialect's is carried
    shows_style = MarkdownDialect.shows_style - {"quotes"}
    lenient_hint = "Qwen Code reads this line by line (its fallback parser); quote the value (\"...\")"
    #: every key Qwen Code 0.24.4 reads (parseSubagentContent); others are ignored
    known_keys = frozenset({"name", "description", "tools", "disallowedTools", "model", "modelConfig", "runConfig",
                            "color", "approvalMode", "background", "permissionMode", "maxTurns", "mcpServers",
                            "hooks", "executor", "executionBackend"})
    #: MCP servers, hooks and an external executor run code; approvalMode yolo runs without asking
    capability_keys = frozenset({"mcpServers", "hooks", "executor", "executionBackend", "approvalMode", "background"})
    exclusive_keys = frozenset({"approvalMode", "runConfig", "modelConfig", "executor", "executionBackend"})

    # what the claim predicates below read: a tool list holding one of its own names
    shape_values = (("names", "tools", *sorted(_DETECT)),)

    def tool_names(self, values: dict[str, Any]) -> int:
        return sum(1 for n in _names(values.get("tools")) or [] if n in _DETECT)

    def agent_shape(self, values: dict[str, Any]) -> bool:
        return isinstance(values.get("name"), str) and isinstance(values.get("description"), str) \
            and bool(self.exclusive_keys & set(values))

    def repair(self, yaml_text: str) -> str:
        """What the line parser Qwen Code falls back to reads in an unquoted value holding ': '
        (the whole rest of the line), quoted so that YAML reads the same."""
        out = []
        for line in yaml_text.splitlines(keepends=True):
            stripped = line.rstrip("\r\n")
            match = _REPAIR_LINE.match(stripped)
            if match and ": " in match.group(2):
                value = match.group(2).strip().replace("\\", "\\\\").replace('"', '\\"')
                line = f'{match.group(1)}: "{value}"{match.group(3)}' + line[len(stripped):].lstrip("\r")
            out.append(line)
        return "".join(out)

    def tool_name(self, canon: str) -> str:
        return TOOLS.display(canon)

    def name_problem(self, name: str) -> str | None:
        return name_rule(name) or super().name_problem(name)

    def render_entry(self, key: str, value: Any, newline: str) -> str:
        return render_entry(key, value, newline)

    def trivia_from_style(self, style: dict[str, Any] | None, agent: Agent) -> MarkdownTrivia | None:
        """Another dialect's formatting, where 0.15.x's line parser reads it as YAML does."""
        if style:
            style = {**style, "quotes": {k: q for k, q in (style.get("quotes") or {}).items() if q in ('"', "plain")},
                     "text": {k: t for k, t in (style.get("text") or {}).items() if _both_read(k, t)}}
        return super().trivia_from_style(style, agent)

    # -- the table: native key ↔ canonical field, in the order a fresh file writes them ----------
    fields = (
        NAME,
        Description(),
        Code("tools", "disallowedTools", read="read_access", write="write_access"),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: qwen_model(m),
            meaning=lambda v: canonical_model(str(v))),
        Key("color", "color", read=lambda v: _read_color(v), write=lambda c: qwen_color(c),
            meaning=lambda v: None if v == _AUTO_COLOR else vocabulary.canonical_color(v)),
        Key("permissionMode", "permission_mode", read=one_of(*_PERMISSION_MODES)),
        Key("maxTurns", "max_turns", read=lambda v: _max_turns(v)),
        Key("mcpServers", "mcp_servers", read=lambda v: _read_servers(v), write=lambda s: qwen_servers(s)),
        Key("hooks", "hooks", read=a_map),
    )
    field_defaults = {"mode": "subagent"}

    def read_access(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        tools, denied = values.get("tools", MISSING), values.get("disallowedTools", MISSING)
        rules = parse_access(tools, denied)
        if rules is None:
            key, value = ("tools", tools) if _names(tools) is None else ("disallowedTools", denied)
            rules = access.unreadable(Qwen, key, value, "a list of Qwen Code tool names (or a comma-separated string)",
                                      values, warn)
        fields["tools"] = rules

    def write_access(self, agent: Agent, out: NativeItems) -> None:
        old_tools, old_denied = out.old.get("tools", MISSING), out.old.get("disallowedTools", MISSING)
        if old_tools is not MISSING or old_denied is not MISSING:
            before = parse_access(old_tools, old_denied)
            if before is not None and (before == agent.tools or access.same_power(before, agent.tools)):
                out.add("tools", old_tools)
                out.add("disallowedTools", old_denied)
                return
        tools, denied = render_access(agent.tools)
        out.add("tools", tools)
        out.add("disallowedTools", denied)


# -- access -----------------------------------------------------------------------------------

def _names(value: Any) -> list[str] | None:
    """``tools`` / ``disallowedTools`` as Qwen Code 0.24.x reads them: a list (its strings) or a
    comma-separated string; absent or null: nothing."""
    if value is MISSING or value is None:
        return []
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, list):
        return [n for n in value if isinstance(n, str)] if all(isinstance(n, (str, type(None))) for n in value) \
            else None
    return None


@cached_rules
def parse_access(tools: Any, denied: Any) -> list[ToolRule] | None:
    """tools / disallowedTools → rules: an empty or absent ``tools`` is every tool; names Qwen
    Code does not know grant (or deny) nothing."""
    allowed, blocked = _names(tools), _names(denied)
    if allowed is None or blocked is None:
        return None
    # a name that is none of Qwen Code's grants nothing (an older tool name included)
    rules = TOOLS.allow_list([n for n in allowed if TOOLS.knows(n)]) if allowed else []
    rules += [ToolRule(tool=_denied_tool(n), action="deny") for n in blocked]
    return normalise_rules(rules)


def _denied_tool(name: str) -> str:
    """A deny is a pattern for MCP tools (``mcp__server`` is all of them), an exact name otherwise
    (one agentconv does not know is kept as written: it may name a tool of this installation)."""
    server = name[5:] if name.startswith("mcp__") and "__" not in name[5:] else ""
    return f"mcp:{server}/*" if server else TOOLS.canonical(name)


def render_access(rules: list[ToolRule]) -> tuple[Any, Any]:
    """Rules → (tools, disallowedTools): omitted for every tool; an allow-list as the names of
    the tools the agent may use wholly (one name that names no tool when there are none); every
    tool but some as ``disallowedTools``. Argument patterns and ``ask`` cannot be said: the
    engine narrows them, reported by element."""
    if every_tool(rules):
        return MISSING, MISSING
    if allows_others(rules):
        denied = TOOLS.denied_names(rules, as_written=True)
        return MISSING, (denied or MISSING)
    return (TOOLS.granted_names(rules) or [TOOLS.no_tools]), MISSING


# -- values -----------------------------------------------------------------------------------

def name_rule(name: Any) -> str | None:
    """Why Qwen Code refuses ``name`` (its SubagentValidator), or None."""
    if not isinstance(name, str):
        return None
    text = name.strip()
    if not 2 <= len(text) <= 50:
        return f"Qwen Code refuses agent names shorter than 2 or longer than 50 characters: {text!r}"
    if not _NAME.match(text) or text[0] in "-_" or text[-1] in "-_":
        return f"Qwen Code refuses agent names other than letters, digits, '-' and '_' (not first or last): {text!r}"
    if text.lower() in RESERVED:
        return f"Qwen Code keeps the agent name {text!r} for itself"
    return None


def canonical_model(spelling: str) -> str | None:
    """``inherit`` is the parent's model; ``AUTHTYPE:id`` and a bare id name the model by id."""
    value = spelling.strip()
    if not value or value == _INHERIT:
        return None
    return vocabulary.qualified_model(value)


_read_model: Reader = model_reader(lambda v: canonical_model(v))       # canonical_model is declared below


def qwen_model(model: str | None) -> str | None:
    """Canonical id → the id Qwen Code asks its configured provider for."""
    if model is None or not model.strip():
        return None
    model = vocabulary.nearest_model(model) or model
    provider, _, ident = model.partition("/")
    spelled = ident if ident and provider != model else model
    return None if spelled in _SELECTORS else spelled


def _read_color(value: Any) -> Any:
    if value == _AUTO_COLOR:
        return UNSET                      # Qwen picks one: no colour of its own
    return vocabulary.canonical_color(value) if isinstance(value, str) and value in _COLORS else None


def qwen_color(color: str | None) -> str | None:
    if color is None:
        return None
    canonical = vocabulary.canonical_color(color)
    return canonical if canonical in _COLORS else vocabulary.nearest_named(canonical, _COLORS)


def _max_turns(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("+").isdigit():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def _read_servers(value: Any) -> list[dict[str, Any]] | None:
    """``mcpServers``: an object of server name → spec (specs that are not objects are dropped)."""
    if not isinstance(value, dict):
        return None
    servers = [{k: v} for k, v in value.items() if isinstance(v, dict)]
    return servers or None


def qwen_servers(servers: list[Any] | None) -> dict[str, Any] | None:
    """Servers given with their spec; one named only (configured elsewhere) cannot be said."""
    if not servers or not all(isinstance(s, dict) and len(s) == 1 for s in servers):
        return None
    merged: dict[str, Any] = {}
    for server in servers:
        merged.update(server)
    return merged


# -- writing what both clients read -------------------------------------------------------------

def render_entry(key: str, value: Any, newline: str) -> str:
    """An entry 0.15.x's line parser reads as YAML does: a list of strings as ``  - item`` lines,
    a string that cannot stand bare double-quoted on one line."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return f"{key}:{newline}" + "".join(f"  - {_scalar(v)}{newline}" for v in value)
    if isinstance(value, str) and not _plain_for_both(value):
        return f"{key}: {_quoted(value)}{newline}"
    return yamlwrite.render_entry(key, value, newline)


def _both_read(key: str, text: Any) -> bool:
    """An entry's text that the line parser reads as YAML does."""
    if not isinstance(text, str):
        return False
    try:
        _, value = yamlsrc.load_yaml(text)
    except AgentconvError:
        return False
    return isinstance(value, dict) and same_value(lineyaml.parse(text.replace("\r\n", "\n")), value)


def _scalar(value: str) -> str:
    return value if _plain_for_both(value) else _quoted(value)


#: characters YAML does not allow in a stream, even inside quotes, and the line separators it
#: folds there (U+2028, U+2029): written as escapes
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _quoted(value: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _plain_for_both(value: str) -> bool:
    return yamlwrite.render_entry("k", value, "\n") == f"k: {value}\n" and value[:1] not in "-[{" \
        and not re.fullmatch(r"[-+.0-9eExXoObB_]+|inf|nan|Infinity", value)
