"""What a conversion did to access, element by element: each narrowed, dropped or widened
tool with the reason, judged by power in the target (access.py), and the source tool's own
defaults that the target's replace (a note, not a loss)."""

from __future__ import annotations

from typing import Any

from .access import (
    OTHER_ARG,
    accepted_widenings,
    evaluator,
    narrowings,
    power_action,
    power_of,
    sample,
    stated_tools,
    widenings,
)
from .model import ALL_TOOLS, ToolRule

#: how a report says "before using the tool on X"
_VERBS = {"read": "reading", "edit": "editing", "bash": "running", "powershell": "running",
          "webfetch": "fetching", "grep": "searching", "glob": "searching", "list": "listing",
          "task": "starting the sub-agent", "skill": "loading the skill"}


def tool_changes(source: list[ToolRule], result: list[ToolRule], src: Any, dst: Any) -> list[tuple[str, str, str]]:
    """(field, kind, detail) for every access element the conversion changed, judged by power
    in the target: a different spelling of the same grant is no change."""
    holds = dst.holds_tool
    changed = narrowings(source, result, holds).items() if source != result else ()
    out = [(f"tools.{tool}", "narrowed", _why(tool, calls, source, dst)) for tool, calls in changed]
    # a tool the target always grants is held: withholding it is a widening (refused unless accepted)
    unheld = [t for t in dict.fromkeys(r.tool for r in source) if t != ALL_TOOLS and not holds(t)]
    out += [(f"tools.{t}", "dropped", f"{dst.title} has no rule for '{t}'") for t in unheld]
    # the engine lets through only the widenings the user accepted
    wide = dict.fromkeys(t for t, _ in widenings(source, result, holds=holds, accepted=False)) \
        if accepted_widenings() and source != result else {}
    out += [(f"tools.{t}", "widened", f"{dst.title} cannot say every rule for {dst.tool_name(t)}; "
             f"granted whole, as --accept-widening {t} asks") for t in wide]
    if src is not None and src.name != dst.name:
        out += _defaults_applied(source, result, src, dst, {f for f, _, _ in out})
    if source != result and all(kind == "defaulted" for _, kind, _ in out):
        # the same grants in other words (Write, MultiEdit → edit): carried for the trip back
        out.append(("tools", "formatting", f"the same access, as {dst.title} says it"))
    return out


def _why(tool: str, calls: list[tuple[str | None, str, str]], source: list[ToolRule], dst: Any) -> str:
    if tool == ALL_TOOLS:
        before = calls[0][1]
        # the engine's allow-list for a target whose deny-list has no name for a wildcard
        unsaid = [r.tool for r in source if r.is_wildcard and r.tool != ALL_TOOLS and r.action != "allow"
                  and dst.holds_tool(r.tool)]
        if before == "allow" and unsaid and dst.known_tools:
            return (f"{dst.title} cannot withhold '{unsaid[0]}' but by naming the tools it grants; "
                    "the tools this agent does not name are denied")
        return (f"{dst.title} cannot ask before using a tool; the tools this agent does not name are denied"
                if before == "ask" else f"{dst.title} cannot grant the tools this agent does not name; denied")
    wildcard = any(c in tool for c in "*?[")
    if wildcard and all(before == "allow" for _, before, _ in calls):
        return f"{dst.title} has no name for every tool '{tool}' matches; denied"
    name = tool if wildcard else dst.tool_name(tool)
    patterns = {sample(r.pattern): r.pattern for r in source
                if r.pattern and power_of(r.tool) == tool}
    power = evaluator(source).power
    whole = power(tool, OTHER_ARG)
    denied = "denied" if all(after == "deny" for _, _, after in calls) else "asks"
    for arg, before, after in calls:
        pattern = patterns.get(arg or "")
        if before == "ask" and after == "deny":
            if pattern is None:
                what = f"using {name}"
            else:
                what = f"{_VERBS[tool]} '{pattern}'" if tool in _VERBS else f"using {name} on '{pattern}'"
            return f"{dst.title} cannot ask before {what}; {denied}"
        if pattern and whole != "allow":
            return f"{dst.title} cannot limit {name} to '{pattern}'; {denied}"
    restricted = [p for s, p in patterns.items() if power(tool, s) != "allow"]
    if restricted and whole == "allow":
        return f"{dst.title} cannot restrict {name} for '{restricted[0]}' alone; {denied}"
    return f"{dst.title} cannot say these rules for {name}; {denied}"


def _defaults_applied(source: list[ToolRule], result: list[ToolRule], src: Any, dst: Any,
                      reported: set[str]) -> list[tuple[str, str, str]]:
    """Tools the source leaves to its host, whose defaults restrict them: the target's own
    defaults apply instead (a note, not a loss of the agent's rules)."""
    if list(src.access_defaults) == list(dst.access_defaults):
        return []                    # two forms of one tool (opencode.json, opencode): the same defaults
    out = []
    stated = {power_of(t) for t in stated_tools(source)}
    for tool in dict.fromkeys(power_of(r.tool) for r in src.access_defaults if not r.is_wildcard):
        restricted = [r.pattern or "*" for r in src.access_defaults
                      if power_of(r.tool) == tool and r.action != "allow"]
        # only defaults on some calls of a tool the agent may use (read asks for *.env)
        if tool in stated or restricted in ([], ["*"]) or f"tools.{tool}" in reported \
                or not dst.holds_tool(tool) or power_action(result, tool, OTHER_ARG) == "deny":
            continue
        asks = any(r.action == "ask" for r in src.access_defaults if power_of(r.tool) == tool)
        verb = _VERBS.get(tool, f"using {src.tool_name(tool)}")
        what = "', '".join(p for p in restricted if p != "*")
        out.append((f"tools.{tool}", "defaulted",
                    f"{src.title} {'asks before' if asks else 'denies'} {verb} '{what}' by default; "
                    f"{dst.title}'s own defaults apply"))
    return out
