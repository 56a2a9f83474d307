"""Comparing what a tool reports with what agentconv meant. Each check takes one case and
returns its problems as sentences (empty = the tool agrees).

Three questions per output:
- does the tool read the fields as our reader reads the file (``effect``: carried fields are
  not in effect), normalised as the tool reports them;
- does every difference from the source appear in the loss report;
- does the tool grant nothing the source did not allow (never widen).
"""

from __future__ import annotations

import re
from typing import Any

from agentconv.access import RANK, effective_action, power_action, power_of, probes, same_power
from agentconv.briefs import DESCRIPTION_FIELDS
from agentconv.data import mapping
from agentconv.dialects import copilot as copilot_dialect
from agentconv.dialects import opencode as opencode_dialect
from agentconv.dialects import toolnames
from agentconv.dialects.base import MISSING
from agentconv.dialects.claude import canonical_model
from agentconv.model import ToolRule
from agentconv.vocabulary import canonical_color, qualified_model

from .judges import ClaudeSession, Verdict
from .sample import Case

#: fields every target expresses in some form: a change must be in the loss report
ACCOUNTED = ("name", *DESCRIPTION_FIELDS, "model", "tools", "mode")
OTHER_ARG = "zz-unmatched-argument"


def loaded(case: Case, verdict: Verdict) -> list[str]:
    problems = [] if case.shown_name in verdict.agents else [f"{verdict.tool} did not load agent {case.shown_name!r}"]
    where = str(case.path)
    problems += [f"{verdict.tool} says: {line}" for line in verdict.complaints
                 if (where in line or line.startswith(f"{case.name}:")) and not _merely_ignored(line)]
    return problems


def _merely_ignored(complaint: str) -> bool:
    """Keys the tool passes on or ignores: the agent loads (check --for reports them)."""
    return "provider options" in complaint or "does not recognize or apply" in complaint \
        or re.search(r": unknown fields? ignored: ", complaint) is not None \
        or complaint.endswith("Dropping field.")                      # Qwen Code 0.24.4: a value it drops


def accounted(case: Case) -> list[str]:
    """Every field the output changed, relative to the source, is named in the loss report."""
    return [f"{field} changed ({_brief(getattr(case.original, field))} → {_brief(getattr(case.effect, field))}) "
            f"without a loss report" for field in ACCOUNTED
            if _changed(field, case) and not _reported(field, case)]


def _changed(field: str, case: Case) -> bool:
    before, after = getattr(case.original, field), getattr(case.effect, field)
    # tools that grant alike by power (Write, MultiEdit ↔ Edit, Write) are not a change
    return before != after and not (field == "tools" and same_power(before, after))


def _reported(field: str, case: Case) -> bool:
    description_part = field in DESCRIPTION_FIELDS
    lost = {f.partition(".")[0] if not f.startswith("native.") else f for f in case.lost}   # tools.read
    return field in lost or (description_part and any(f in lost for f in ("description", "examples")))


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:69] + "…"


def _mismatch(what: str, tool: str, told: Any, meant: Any) -> list[str]:
    if told == meant:
        return []
    if isinstance(told, list) and isinstance(meant, list):
        extra = [x for x in told if x not in meant]
        missing = [x for x in meant if x not in told]
        if extra or missing:
            return [f"{what}: {tool} also reads {extra}, but not {missing}"]
        return [f"{what}: {tool} reads the same items in another order: {told}, agentconv meant {meant}"]
    return [f"{what}: {tool} reads {_brief(told)}, agentconv meant {_brief(meant)}"]


def _access_mismatch(what: str, tool: str, told: list[ToolRule] | None, meant: list[ToolRule]) -> list[str]:
    """Rule lists that answer every call alike are the same, however they are spelled."""
    if told is None:
        return [f"{what}: {tool} reports a shape agentconv cannot read"]
    differ = [f"{t}({a or ''}): {effective_action(told, t, a)} vs {effective_action(meant, t, a)}"
              for t, a in probes(told, meant) if effective_action(told, t, a) != effective_action(meant, t, a)]
    return [f"{what}: {tool} answers otherwise than agentconv meant: {'; '.join(differ)}"] if differ else []


# -- Claude Code ---------------------------------------------------------------------------

_CLAUDE_CANON, _CLAUDE_NAME = toolnames.tables(mapping("claude").get("tools", {}))
#: tools Claude adds to a sub-agent by itself: memory gives file tools, plan mode its exit
_CLAUDE_IMPLIED = {"memory": ("Write", "Edit", "Read")}
#: this build searches through Bash (embedded rg/find) and adds Grep and Glob tools only to
#: an agent without Bash: with Bash granted, listed Grep/Glob are served, not withheld
_SEARCH_THROUGH_BASH = {"Grep", "Glob"}


def claude_fields(case: Case, verdict: Verdict, session: ClaudeSession, baseline: set[str]) -> list[str]:
    told = verdict.agents[case.name]
    meant_description = case.front_matter.get("description", "").replace("\\n", "\n")
    model = told.get("model")
    return (_mismatch("description", "claude", told.get("description"), meant_description)
            + _mismatch("model", "claude", None if model is None else canonical_model(model), case.effect.model)
            + _mismatch("declared tools", "claude",
                        _tool_set(declared_tools(session.listing, case.name, meant_description)),
                        _tool_set(claude_display(case)))
            + claude_grants_as_read(case, session, baseline))


def claude_grants_as_read(case: Case, session: ClaudeSession, baseline: set[str]) -> list[str]:
    """The tools Claude ran the agent with are the ones our reading of the file allows:
    nothing more, and nothing less among the tools this build has (``baseline``: what an
    unrestricted agent gets; an allow-list may name a few more, such as Grep)."""
    granted = set(session.granted.get(case.name, ()))
    served = granted | (_SEARCH_THROUGH_BASH if "Bash" in granted else set())
    implied = _implied(case)
    named = {_claude_name(r.tool) for r in case.effect.tools if r.action != "deny" and not r.is_wildcard}
    expected = named if case.effect.is_allow_list else baseline | named
    withheld = sorted(t for t in expected & (baseline | granted_anywhere(session))
                      if t not in served and allows_some(case.effect.tools, _CLAUDE_CANON.get(t, t), by_power=False))
    extra = sorted(t for t in granted - implied
                   if not allows_some(case.effect.tools, _CLAUDE_CANON.get(t, t), by_power=False))
    return ([f"granted tools: claude withholds {withheld}, which agentconv reads as allowed"] if withheld else []) + \
        ([f"granted tools: claude grants {extra}, which agentconv reads as denied"] if extra else [])


def granted_anywhere(session: ClaudeSession) -> set[str]:
    return {t for tools in session.granted.values() for t in tools}


def _implied(case: Case) -> set[str]:
    implied = {"ExitPlanMode"} if case.effect.permission_mode == "plan" else set()
    if case.effect.native_value("memory", "claude") in ("user", "project", "local"):
        implied |= set(_CLAUDE_IMPLIED["memory"])
    return implied


def _claude_name(canonical: str) -> str:
    return toolnames.native(canonical, _CLAUDE_NAME, mcp_style="claude")


def declared_tools(listing: str, name: str, description: str) -> str | None:
    """The "(Tools: ...)" Claude shows for an agent in its agent list (descriptions may span
    lines, so the entry is found by its full text rather than by line)."""
    head = f"- {name}: {description} (Tools: "
    start = listing.find(head)
    if start < 0:
        return None
    start += len(head)
    end = listing.find(")\n", start)
    return listing[start:end if end >= 0 else len(listing.rstrip()) - 1]


def claude_display(case: Case) -> str:
    """Our output's tools / disallowedTools as Claude prints them ("Read, Grep", "All tools
    except Bash"), split the way our reader splits them. Claude prints an empty `tools` as
    "All tools" too, which is why the granted tools are checked separately."""
    allowed = _claude_list(case.front_matter.get("tools", MISSING))
    denied = _claude_list(case.front_matter.get("disallowedTools", MISSING))
    if allowed is not None and case.front_matter.get("memory") in ("user", "project", "local"):
        allowed += [t for t in _CLAUDE_IMPLIED["memory"] if t not in allowed]
    if allowed and denied:
        kept = [t for t in allowed if t not in set(denied)]
        return ", ".join(kept) if kept else "None"
    if allowed:
        return ", ".join(allowed)
    return f"All tools except {', '.join(denied)}" if denied else "All tools"


def _claude_list(value: Any) -> list[str] | None:
    """None: every tool (omitted, or `*` listed); []: no tool (null, '' or [])."""
    if value is MISSING:
        return None
    names = toolnames.split_list(value) if isinstance(value, (str, list)) else []
    return None if "*" in names else names


def _tool_set(display: str | None) -> frozenset[str]:
    if display is None:
        return frozenset({"<not reported>"})
    for head in ("All tools except ",):
        if display.startswith(head):
            return frozenset({"All tools", *(f"-{t}" for t in toolnames.split_list(display[len(head):]))})
    return frozenset(toolnames.split_list(display) if display not in ("All tools", "None") else [display])


def claude_never_widens(case: Case, session: ClaudeSession) -> list[str]:
    """Every tool Claude handed the running sub-agent is one the source allowed."""
    if case.name not in session.granted:
        if _names_no_tool_claude_has(case, session):
            return []
        return [f"claude did not run sub-agent {case.name!r}"]
    implied = _implied(case)
    return [f"claude grants {tool}, which the source does not allow"
            for tool in session.granted[case.name]
            if tool not in implied and not allows_some(case.original.tools, _CLAUDE_CANON.get(tool, tool))]


def _names_no_tool_claude_has(case: Case, session: ClaudeSession) -> bool:
    """Claude Code 2.1.332 lists, but never starts, a sub-agent whose `tools` names no tool it
    hands sub-agents (only VS Code tool names, MCP tools of servers not configured, TodoWrite:
    a Copilot agent's list, seen with crafted files): such an agent is granted nothing."""
    names = toolnames.split_list(case.front_matter.get("tools"))
    offered = granted_anywhere(session)
    return bool(names) and not any(toolnames.split_call(n)[0] in offered for n in names)


def allows_some(rules: list[ToolRule], tool: str, extra_args: tuple[str, ...] = (), *, by_power: bool = True) -> bool:
    """By power (for widening): every file writing tool can write any file (access.SAME_POWER),
    so an agent that may use one of them may be offered edit, write or apply_patch. Without
    ``by_power``: whether our reading allows that very tool."""
    action = power_action if by_power else effective_action
    args = [None, OTHER_ARG, *extra_args, *(_sample(r.pattern) for r in rules
                                             if r.pattern and power_of(r.tool) == power_of(tool))]
    return any(action(rules, tool, arg) != "deny" for arg in args)


def source_action(rules: list[ToolRule], tool: str, arg: str) -> str:
    return power_action(rules, tool, arg)


def _sample(pattern: str) -> str:
    return pattern.replace("**", "x").replace("*", "x").replace("?", "x")


# -- opencode ------------------------------------------------------------------------------

#: opencode's tool ids (1.18.33); write and apply_patch are governed by the `edit` permission
OPENCODE_TOOLS = ("bash", "read", "glob", "grep", "list", "lsp", "edit", "write", "apply_patch", "task",
                  "webfetch", "websearch", "codesearch", "todowrite", "todoread", "skill", "question")
_PERMISSION_OF = {"write": "edit", "apply_patch": "edit"}
_CANON_OF_TOOL = {"apply_patch": "patch"}
_OPENCODE_KEY: dict[str, str] = dict(mapping("opencode").get("tools", {}))


def opencode_fields(case: Case, verdict: Verdict) -> list[str]:
    told = verdict.agents[case.name]
    meant = case.effect
    # opencode reports the deprecated `tools` map as written and `permission` merged from it
    access = opencode_dialect.parse_access(MISSING, told["permission"]) if told.get("permission") \
        else opencode_dialect.parse_access(told.get("tools") or MISSING, MISSING)
    natives = {n.key: n.value for n in meant.native
               if n.dialect == "opencode" and n.key not in opencode_dialect.OpenCode.known_keys}
    return (_mismatch("description", "opencode", told.get("description"), case.front_matter.get("description"))
            + _mismatch("mode", "opencode", told.get("mode"), meant.mode)
            + _mismatch("model", "opencode", told.get("model") and qualified_model(told["model"]), meant.model)
            + _access_mismatch("tools/permission", "opencode", access, meant.tools)
            + _mismatch("temperature", "opencode", told.get("temperature"), meant.temperature)
            + _mismatch("top_p", "opencode", told.get("top_p"), meant.top_p)
            + _mismatch("steps", "opencode", told.get("steps"), meant.max_turns)
            + _mismatch("hidden", "opencode", told.get("hidden"), meant.hidden)
            + _mismatch("disable", "opencode", told.get("disable"), meant.disabled)
            + _mismatch("color", "opencode", told.get("color") and canonical_color(told["color"]), meant.color)
            + _mismatch("provider options (unknown keys)", "opencode",
                        _unredacted(told.get("unknown_keys") or {}, natives), natives)
            + _mismatch("prompt", "opencode", _lf(told.get("prompt")), meant.prompt))


def _unredacted(told: Any, meant: Any) -> Any:
    """`opencode debug config` prints '***' for values under keys that look secret (a
    permission pattern '**/*.secret' included): such a value stands for the one meant."""
    if told == "***":
        return meant
    if isinstance(told, dict) and isinstance(meant, dict):
        return {k: _unredacted(v, meant.get(k)) for k, v in told.items()}
    return told


def _lf(text: str | None) -> str | None:
    """The canonical prompt has LF line ends; the tools keep CRLF as written."""
    return text.replace("\r\n", "\n") if text else None


def wildcard(text: str, pattern: str) -> bool:
    """opencode's Wildcard.match (1.18.33): `*` any run, `?` one character, and a trailing
    " *" also matches nothing ("git log *" matches "git log")."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    if regex.endswith(r"\ .*"):
        regex = regex[:-4] + "( .*)?"
    return re.fullmatch(regex, text, re.DOTALL) is not None


def opencode_action(rules: list[dict], permission: str, arg: str) -> str:
    """The action opencode takes for a call: the last rule matching both permission and argument."""
    action = "ask"
    for rule in rules:
        if wildcard(permission, rule["permission"]) and wildcard(arg, rule["pattern"]):
            action = rule["action"]
    return action


def opencode_tool_on(rules: list[dict], tool: str) -> bool:
    """opencode's own test for offering a tool at all: off when the last rule for its
    permission is a deny of every argument."""
    permission = _PERMISSION_OF.get(tool, tool)
    last = next((r for r in reversed(rules) if wildcard(permission, r["permission"])), None)
    return not (last is not None and last["pattern"] == "*" and last["action"] == "deny")


def opencode_never_widens(case: Case, resolved: dict[str, list[dict]]) -> list[str]:
    """No tool opencode offers, and no call it allows, is wider than what the source allowed."""
    if case.name not in resolved:
        return [f"opencode resolved no rules for {case.name!r}"]
    rules, source = resolved[case.name], case.original.tools
    problems = [f"opencode offers {tool}, which the source does not allow"
                for tool in OPENCODE_TOOLS
                if opencode_tool_on(rules, tool) and not allows_some(source, _CANON_OF_TOOL.get(tool, tool),
                                                                      _patterns(rules, tool))]
    for tool, permission in _probed_tools(source):
        for arg in sorted({OTHER_ARG, *_patterns(rules, tool),
                           *(_sample(r.pattern) for r in source if r.tool == tool and r.pattern)}):
            theirs, ours = opencode_action(rules, permission, arg), source_action(source, tool, arg)
            if RANK[theirs] > RANK[ours]:
                problems.append(f"opencode answers {theirs} to {tool}({arg}), the source says {ours}")
    return problems


def _probed_tools(source: list[ToolRule]) -> list[tuple[str, str]]:
    canon = {_CANON_OF_TOOL.get(t, t) for t in OPENCODE_TOOLS} | {r.tool for r in source if not r.is_wildcard}
    return sorted((tool, _permission_key(tool)) for tool in canon)


def _permission_key(tool: str) -> str:
    if tool in _OPENCODE_KEY:
        return _OPENCODE_KEY[tool]
    return _PERMISSION_OF.get(tool, toolnames.native(tool, {}, "opencode"))


def _patterns(rules: list[dict], tool: str) -> tuple[str, ...]:
    permission = _permission_key(_CANON_OF_TOOL.get(tool, tool))
    return tuple(_sample(r["pattern"]) for r in rules
                 if r["pattern"] != "*" and wildcard(permission, r["permission"]) and not r["pattern"].startswith("/"))


# -- GitHub Copilot --------------------------------------------------------------------------

def copilot_fields(case: Case, verdict: Verdict) -> list[str]:
    """The Copilot CLI's event lists description, model (and its fallbacks) and tools as it
    took them from the file; tools as a list of names, every tool as ['*']."""
    told = verdict.agents[case.shown_name]
    meant = case.effect
    models = [meant.model, *meant.model_fallbacks] if meant.model else []
    told_model = told.get("model") and copilot_dialect.canonical_model(told["model"])
    tools = told.get("tools")
    return (_mismatch("description", "Copilot", told.get("description"), case.front_matter.get("description"))
            + _mismatch("model", "Copilot", told_model, models[0] if models else None)
            + _access_mismatch("tools", "Copilot", _copilot_rules(tools), meant.tools or _ALL)
            + _mismatch("user-invocable", "Copilot", told.get("user_invocable"), not meant.hidden)
            + _mismatch("disable-model-invocation", "Copilot", told.get("disable_model_invocation"),
                        meant.mode == "primary"))


_ALL = [ToolRule(tool="*", action="allow")]


def _copilot_rules(tools: Any) -> list[ToolRule] | None:
    return copilot_dialect.parse_tools(tools) if isinstance(tools, list) else None


def copilot_never_widens(case: Case, verdict: Verdict) -> list[str]:
    """No tool the Copilot CLI hands the agent is wider than what the source allowed."""
    told = verdict.agents.get(case.shown_name)
    if told is None:
        return [f"Copilot loaded no agent {case.shown_name!r}"]
    rules = _copilot_rules(told.get("tools"))
    if rules is None:
        return [f"Copilot reports tools agentconv cannot read: {told.get('tools')!r}"]
    from agentconv.access import widenings
    wide = widenings(case.original.tools, rules)
    return [f"Copilot allows {tool}({arg or ''}), which the source does not" for tool, arg in wide]
