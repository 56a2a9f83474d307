"""What an agent may actually do: evaluate ordered tool rules, find widenings and narrowings,
and refuse access values no reader can interpret.

Rules are compared by *power*, the way the real tools grant it: Claude Code's Edit creates a
file when ``old_string`` is empty and rewrites any file otherwise, Write rewrites any file,
and opencode's one ``edit`` permission governs edit, write and apply_patch. So every file
writing tool has the same power, and an agent that may use any of them may write any file.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from .errors import SchemaError
from .losses import Diagnostic
from .model import ALL_TOOLS, ToolRule

RANK = {"deny": 0, "ask": 1, "allow": 2}
#: probes for a tool no rule names, and an argument no pattern matches
OTHER_TOOL = "some-other-tool"
OTHER_ARG = "zz-unmatched-argument"

#: canonical tools → the tool whose power they have (see the module docstring)
SAME_POWER = {"write": "edit", "multiedit": "edit", "patch": "edit"}
_EVERYWHERE = {"edit", "write"}


#: canonical ids of permission rules that guard something other than a tool call (paths
#: outside the project, a call repeated in a loop, entering or leaving plan mode): a dialect
#: without the guard has no place for the rule, and never writes it as a tool name
GUARDS = frozenset({"external_directory", "doom_loop", "plan_enter", "plan_exit"})


def power_of(tool: str) -> str:
    return SAME_POWER.get(tool, tool)


def power_members(tool: str) -> tuple[str, ...]:
    power = power_of(tool)
    return (power, *sorted(t for t, p in SAME_POWER.items() if p == power))


def effective_action(rules: Iterable[ToolRule], tool: str, arg: str | None = None) -> str:
    """The action for calling ``tool`` (with ``arg``): the last matching rule wins; no rule
    means the host's default, which we treat as allow (the widest)."""
    action = "allow"
    for rule in rules:
        if not (rule.tool == tool or (rule.is_wildcard and fnmatchcase(tool, rule.tool))):
            continue
        if rule.pattern is not None and rule.pattern != "*":
            if arg is None or not fnmatchcase(arg, rule.pattern):
                continue
        action = rule.action
    return action


def power_action(rules: Iterable[ToolRule], tool: str, arg: str | None = None) -> str:
    """What the agent may do with ``tool``'s power: the widest action among the tools that have
    it. Edit and Write are in every dialect here; MultiEdit and apply_patch count only where
    the rules name them (`disallowedTools: Edit, Write` leaves no way to write a file)."""
    rules = tuple(rules)
    members = [t for t in power_members(tool) if t in _EVERYWHERE or any(r.tool == t for r in rules)]
    return max((effective_action(rules, t, arg) for t in members or [tool]), key=RANK.__getitem__)


def sample(pattern: str) -> str:
    """An argument ``pattern`` matches."""
    return pattern.replace("**", "x").replace("*", "x").replace("?", "x")


def probes(*rule_lists: Iterable[ToolRule], extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    tools = {OTHER_TOOL, *extra_tools}
    args: dict[str, set[str]] = {}
    for rules in rule_lists:
        for rule in rules:
            if not rule.is_wildcard:
                tools.add(rule.tool)
            if rule.pattern:
                args.setdefault(rule.tool, set()).add(sample(rule.pattern))
    out: list[tuple[str, str | None]] = []
    for tool in sorted(tools):
        out.append((tool, None))
        for arg in sorted(args.get(tool, set()) | {OTHER_ARG} if tool in args else set()):
            out.append((tool, arg))
    return out


def power_probes(*rule_lists: Iterable[ToolRule], extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """Probes by power: one tool per power, with the arguments of every tool that has it."""
    out: dict[tuple[str, str | None], None] = {}
    raw = probes(*rule_lists, extra_tools=extra_tools)
    args = {(power_of(t), a) for t, a in raw}
    for tool, arg in sorted(args, key=lambda p: (p[0], p[1] or "")):
        out[(tool, arg)] = None
    return list(out)


Holds = Callable[[str], bool]


def _held_by_all(tool: str) -> bool:
    return True


def widenings(source: list[ToolRule], target: list[ToolRule], extra_tools: Iterable[str] = (),
              holds: Holds | None = None, *, accepted: bool = True) -> list[tuple[str, str | None]]:
    """Calls the target allows more freely than the source: must be empty after a conversion.
    ``holds`` says which tools the target can state rules for at all (a rule it has no place
    for is reported as dropped, not measured here). Tools the user accepts widening for
    (``accepting_widenings``) are left out unless ``accepted`` is False."""
    return list(_widenings(tuple(source), tuple(target), tuple(extra_tools), holds or _held_by_all,
                           _ACCEPTED.get() if accepted else frozenset()))


@lru_cache(maxsize=1024)
def _widenings(source: tuple[ToolRule, ...], target: tuple[ToolRule, ...], extra_tools: tuple[str, ...],
               holds: Holds, accepted: frozenset[str]) -> tuple[tuple[str, str | None], ...]:
    # the engine checks every output (and every carry trial) against its source: the same
    # rule sets recur across a tree, and ToolRules are frozen, so they key a cache
    return tuple((tool, arg) for tool, arg in power_probes(source, target, extra_tools=extra_tools)
                 if holds(tool) and tool not in accepted
                 and RANK[power_action(target, tool, arg)] > RANK[power_action(source, tool, arg)])


def narrowings(source: list[ToolRule], target: list[ToolRule], holds: Holds | None = None
               ) -> dict[str, list[tuple[str | None, str, str]]]:
    """Tool (by power) → [(argument, source action, target action)] where the target is stricter."""
    holds = holds or _held_by_all
    out: dict[str, list[tuple[str | None, str, str]]] = {}
    for tool, arg in power_probes(source, target):
        if tool == OTHER_TOOL or not holds(tool):
            continue
        before, after = power_action(source, tool, arg), power_action(target, tool, arg)
        if RANK[after] < RANK[before]:
            out.setdefault(tool, []).append((arg, before, after))
    other = (power_action(source, OTHER_TOOL), power_action(target, OTHER_TOOL))
    if RANK[other[1]] < RANK[other[0]]:
        out[ALL_TOOLS] = [(None, *other)]
    return out


def same_power(a: list[ToolRule], b: list[ToolRule], holds: Holds | None = None) -> bool:
    """Two rule lists grant the same (every probe answers alike, by power)."""
    holds = holds or _held_by_all
    return all(power_action(a, t, x) == power_action(b, t, x) for t, x in power_probes(a, b) if holds(t))


def stated_tools(rules: Iterable[ToolRule]) -> set[str]:
    return {r.tool for r in rules if not r.is_wildcard}


# -- values no reader can interpret ----------------------------------------------------------

_LENIENT: ContextVar[bool] = ContextVar("agentconv_lenient_access", default=False)
_ACCEPTED: ContextVar[frozenset[str]] = ContextVar("agentconv_accepted_widenings", default=frozenset())
_LINES: ContextVar[Callable[[str], int | None] | None] = ContextVar("agentconv_key_lines", default=None)
NO_TOOLS = [ToolRule(tool=ALL_TOOLS, action="deny")]


@contextmanager
def lenient_access(on: bool) -> Iterator[None]:
    """Within this block, an unreadable access value narrows the agent to no tools (reported)
    instead of being an error."""
    token = _LENIENT.set(bool(on))
    try:
        yield
    finally:
        _LENIENT.reset(token)


@contextmanager
def accepting_widenings(tools: Iterable[str]) -> Iterator[None]:
    """Within this block, a target that cannot say a tool's rules grants the tool whole
    instead of denying it, for the canonical tools named (reported as widened). Off unless
    the user names the tool."""
    token = _ACCEPTED.set(frozenset(power_of(str(t).strip().lower()) for t in tools))
    try:
        yield
    finally:
        _ACCEPTED.reset(token)


def accepted_widenings() -> frozenset[str]:
    return _ACCEPTED.get()


@contextmanager
def key_lines(lookup: Callable[[str], int | None] | None) -> Iterator[None]:
    """Tell the readers inside the block where each front-matter key is (for errors)."""
    token = _LINES.set(lookup)
    try:
        yield
    finally:
        _LINES.reset(token)


def unreadable(dialect: Any, key: str, value: Any, expected: str, values: dict[str, Any],
               warn: list[Diagnostic]) -> list[ToolRule]:
    """An access value ``dialect`` cannot interpret: an error, or under ``lenient_access`` no
    tools at all (never every tool, which is what the real tool may make of it)."""
    lookup = _LINES.get()
    line = lookup(key) if lookup else None
    message = f"{key}: {value!r} is not {expected}"
    looks = looks_like(dialect, values)
    if _LENIENT.get():
        warn.append(Diagnostic(message=f"{message}; the agent was narrowed to no tools", line=line,
                               hint=f"write {key} as {expected}", field=f"tools.{key}"))
        return list(NO_TOOLS)
    hint = f"write {key} as {expected}"
    if looks:
        hint = f"this looks like a {looks.title} file: read it with --from {looks.name}"
    raise SchemaError(f"{message}; agentconv will not guess what it grants", path=None, line=line,
                      hint=hint + " (or pass --lenient-access / lenient_access=True to narrow the agent to no tools)")


def looks_like(dialect: Any, values: dict[str, Any]) -> Any:
    """Another dialect whose own keys or value shapes ``values`` has (registry claims)."""
    from .registry import DIALECTS, get_dialect
    for name in DIALECTS:
        other = get_dialect(name)
        if other.name == dialect.name or not hasattr(other, "exclusive_shape"):
            continue
        if other.exclusive_shape(values) or any(k in values for k in other.exclusive_keys):
            return other
    return None


# -- what a conversion did to access, element by element -------------------------------------

#: how a report says "before using the tool on X"
_VERBS = {"read": "reading", "edit": "editing", "bash": "running", "powershell": "running",
          "webfetch": "fetching", "grep": "searching", "glob": "searching", "list": "listing",
          "task": "starting the sub-agent", "skill": "loading the skill"}


def tool_changes(source: list[ToolRule], result: list[ToolRule], src: Any, dst: Any) -> list[tuple[str, str, str]]:
    """(field, kind, detail) for every access element the conversion changed, judged by power
    in the target: a different spelling of the same grant is no change."""
    holds = dst.holds_tool
    out = [(f"tools.{tool}", "narrowed", _why(tool, calls, source, dst))
           for tool, calls in narrowings(source, result, holds).items()]
    unheld = [t for t in dict.fromkeys(r.tool for r in source) if t != ALL_TOOLS and not holds(t)]
    out += [(f"tools.{t}", "dropped", f"{dst.title} has no rule for '{t}'") for t in unheld]
    wide = dict.fromkeys(t for t, _ in widenings(source, result, holds=holds, accepted=False))
    out += [(f"tools.{t}", "widened", f"{dst.title} cannot say every rule for {dst.tool_name(t)}; "
             f"granted whole, as --accept-widening {t} asks") for t in wide]
    if src is not None and src.name != dst.name:
        out += _defaults_applied(source, result, src, dst, {f for f, _, _ in out})
    return out


def _why(tool: str, calls: list[tuple[str | None, str, str]], source: list[ToolRule], dst: Any) -> str:
    if tool == ALL_TOOLS:
        before = calls[0][1]
        return (f"{dst.title} cannot ask before using a tool; the tools this agent does not name are denied"
                if before == "ask" else f"{dst.title} cannot grant the tools this agent does not name; denied")
    name = dst.tool_name(tool)
    patterns = {sample(r.pattern): r.pattern for r in source
                if r.pattern and power_of(r.tool) == tool}
    whole = power_action(source, tool, OTHER_ARG)
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
    restricted = [p for s, p in patterns.items() if power_action(source, tool, s) != "allow"]
    if restricted and whole == "allow":
        return f"{dst.title} cannot restrict {name} for '{restricted[0]}' alone; {denied}"
    return f"{dst.title} cannot say these rules for {name}; {denied}"


def _defaults_applied(source: list[ToolRule], result: list[ToolRule], src: Any, dst: Any,
                      reported: set[str]) -> list[tuple[str, str, str]]:
    """Tools the source leaves to its host, whose defaults restrict them: the target's own
    defaults apply instead (a note, not a loss of the agent's rules)."""
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
