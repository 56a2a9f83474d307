"""What an agent may actually do: evaluate ordered tool rules, find widenings and narrowings,
and refuse access values no reader can interpret.

Rules are compared by *power*, the way the real tools grant it: Claude Code's Edit creates a
file when ``old_string`` is empty and rewrites any file otherwise, Write rewrites any file,
and opencode's one ``edit`` permission governs edit, write and apply_patch. So every file
writing tool has the same power, and an agent that may use any of them may write any file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fnmatch import fnmatchcase
from functools import cache, lru_cache
from typing import Any, Protocol, cast

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
_SHARED_POWER = set(SAME_POWER) | set(SAME_POWER.values())


#: canonical ids of permission rules that guard something other than a tool call (paths
#: outside the project, a call repeated in a loop, entering or leaving plan mode): a dialect
#: without the guard has no place for the rule, and never writes it as a tool name
GUARDS = frozenset({"external_directory", "doom_loop", "plan_enter", "plan_exit"})


def power_of(tool: str) -> str:
    return SAME_POWER.get(tool, tool)


@cache
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
    return evaluator(rules).power(tool, arg)


def evaluator(rules: Iterable[ToolRule]) -> Evaluator:
    """The Evaluator of a rule list, shared: a conversion asks about the same lists again and
    again (writing, reading back, diffing), and ToolRules are frozen."""
    return _evaluator(tuple(rules))


@lru_cache(maxsize=64)
def _evaluator(rules: tuple[ToolRule, ...]) -> Evaluator:
    return Evaluator(rules)


def sample(pattern: str) -> str:
    """An argument ``pattern`` matches."""
    return pattern.replace("**", "x").replace("*", "x").replace("?", "x")


def wildcard_sample(tool: str) -> str | None:
    """A tool name the wildcard ``tool`` matches and no rule is likely to name (``mcp:*`` →
    ``mcp:some-tool``): a probe for the tools only the wildcard speaks of. None for ``*``
    (OTHER_TOOL probes it) and for a pattern the sample does not match."""
    if tool == ALL_TOOLS:
        return None
    name = tool.replace("**", "*").replace("*", "some-tool").replace("?", "x")
    return name if fnmatchcase(name, tool) else None


def wildcards_sampled(*rule_lists: Iterable[ToolRule]) -> dict[str, str]:
    """Probe tool → the wildcard it stands for: what a probe finds is said of ``mcp:*``, and a
    deny the engine adds is a deny of ``mcp:*``, never of the made-up name."""
    return {name: rule.tool for rules in rule_lists for rule in rules
            if rule.is_wildcard and (name := wildcard_sample(rule.tool)) is not None}


def probes(*rule_lists: Iterable[ToolRule], extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    tools = {OTHER_TOOL, *extra_tools}
    args: dict[str, set[str]] = {}
    for rules in rule_lists:
        for rule in rules:
            if not rule.is_wildcard:
                tools.add(rule.tool)
            elif (named := wildcard_sample(rule.tool)) is not None:
                # an allow on every tool of a server (or of every server) that disappears
                # must show, as a named tool's would
                tools.add(named)
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


_GLOB_CHARS = frozenset("*?[")


class Evaluator:
    """``effective_action`` for one rule list, indexed by tool and by the literal start of
    each pattern, so that asking about every probe costs about n log n, not n squared."""

    def __init__(self, rules: Iterable[ToolRule]):
        self._tools: dict[str, _ToolRules] = {}
        self._wildcards: list[tuple[int, ToolRule]] = []
        self._wild_for: dict[str, list[tuple[int, ToolRule]]] = {}
        for index, rule in enumerate(rules):
            self._tools.setdefault(rule.tool, _ToolRules()).add(index, rule)
            if rule.is_wildcard:
                self._wildcards.append((index, rule))

    def names(self, tool: str) -> bool:
        """Some rule is about ``tool`` itself (not a wildcard)."""
        return tool in self._tools

    def power(self, tool: str, arg: str | None = None) -> str:
        """``power_action`` for this rule list."""
        if tool not in _SHARED_POWER:
            return self.action(tool, arg)
        members = [t for t in power_members(tool) if t in _EVERYWHERE or self.names(t)] or [tool]
        return max((self.action(t, arg) for t in members), key=RANK.__getitem__)

    def action(self, tool: str, arg: str | None = None) -> str:
        own = self._tools.get(tool)
        best = own.last_match(arg) if own is not None else (-1, "allow")
        for index, rule in self._wild_matching(tool):
            if index > best[0] and _matches_arg(rule.pattern, arg):
                best = (index, rule.action)
        return best[1]

    def _wild_matching(self, tool: str) -> list[tuple[int, ToolRule]]:
        if tool not in self._wild_for:
            self._wild_for[tool] = [(i, r) for i, r in self._wildcards
                                    if r.tool == ALL_TOOLS or fnmatchcase(tool, r.tool)]
        return self._wild_for[tool]


def _matches_arg(pattern: str | None, arg: str | None) -> bool:
    if pattern is None or pattern == "*":
        return True
    return arg is not None and fnmatchcase(arg, pattern)


class _ToolRules:
    """One tool's rules: the last rule for every argument, exact patterns, patterns by the
    literal text before their first wildcard. Each entry is (rule index, action)."""

    __slots__ = ("any_arg", "exact", "prefix", "other", "lengths")

    def __init__(self) -> None:
        self.any_arg: tuple[int, str] = (-1, "allow")
        self.exact: dict[str, tuple[int, str]] = {}
        self.prefix: dict[str, tuple[int, str]] = {}           # "git diff*" under "git diff"
        self.other: dict[str, list[tuple[int, str, str]]] = {}  # by the literal start
        self.lengths: set[int] = set()

    def add(self, index: int, rule: ToolRule) -> None:
        pattern = rule.pattern
        if pattern is None or pattern == "*":
            self.any_arg = (index, rule.action)
            return
        first = next((i for i, c in enumerate(pattern) if c in _GLOB_CHARS), None)
        if first is None:
            self.exact[pattern] = (index, rule.action)
            return
        literal = pattern[:first]
        self.lengths.add(len(literal))
        if first == len(pattern) - 1 and pattern[-1] == "*":
            self.prefix[literal] = (index, rule.action)
        else:
            self.other.setdefault(literal, []).append((index, pattern, rule.action))

    def last_match(self, arg: str | None) -> tuple[int, str]:
        best = self.any_arg
        if arg is None:
            return best
        hit = self.exact.get(arg)
        if hit is not None and hit[0] > best[0]:
            best = hit
        for length in self.lengths:
            if length > len(arg):
                continue
            start = arg[:length]
            hit = self.prefix.get(start)
            if hit is not None and hit[0] > best[0]:
                best = hit
            for index, pattern, action in self.other.get(start, ()):
                if index > best[0] and fnmatchcase(arg, pattern):
                    best = (index, action)
        return best


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
    before, after = evaluator(source), evaluator(target)
    named = wildcards_sampled(source, target)
    found = ((named.get(tool, tool), tool, arg) for tool, arg in power_probes(source, target, extra_tools=extra_tools)
             if holds(tool) and RANK[after.power(tool, arg)] > RANK[before.power(tool, arg)])
    return tuple(dict.fromkeys((name, arg) for name, tool, arg in found
                               if name not in accepted and tool not in accepted))


def narrowings(source: list[ToolRule], target: list[ToolRule], holds: Holds | None = None
               ) -> dict[str, list[tuple[str | None, str, str]]]:
    """Tool (by power) → [(argument, source action, target action)] where the target is stricter."""
    holds = holds or _held_by_all
    old, new = evaluator(source), evaluator(target)
    out: dict[str, list[tuple[str | None, str, str]]] = {}
    named = wildcards_sampled(source, target)
    for tool, arg in power_probes(source, target):
        if tool == OTHER_TOOL or not holds(tool):
            continue
        before, after = old.power(tool, arg), new.power(tool, arg)
        if RANK[after] < RANK[before]:
            out.setdefault(named.get(tool, tool), []).append((arg, before, after))
    other = (old.power(OTHER_TOOL), new.power(OTHER_TOOL))
    if RANK[other[1]] < RANK[other[0]]:
        out[ALL_TOOLS] = [(None, *other)]
    return out


def same_power(a: list[ToolRule], b: list[ToolRule], holds: Holds | None = None) -> bool:
    """Two rule lists grant the same (every probe answers alike, by power)."""
    left, right = tuple(a), tuple(b)
    if len(left) + len(right) <= _KEPT_RULES:      # a writer asks again for each render of one agent
        return _same_power(left, right, holds)
    return bool(_same_power.__wrapped__(left, right, holds))


#: verdicts kept only for lists short enough to be worth keeping (agents of thousands exist)
_KEPT_RULES = 128


@lru_cache(maxsize=256)
def _same_power(a: tuple[ToolRule, ...], b: tuple[ToolRule, ...], holds: Holds | None) -> bool:
    holds = holds or _held_by_all
    left, right = evaluator(a), evaluator(b)
    return all(left.power(t, x) == right.power(t, x) for t, x in power_probes(a, b) if holds(t))


@lru_cache(maxsize=1024)
def restricts(source: tuple[ToolRule, ...], target: tuple[ToolRule, ...]) -> bool:
    """Some call is less free under ``target`` than under ``source`` (by power)."""
    before, after = evaluator(source), evaluator(target)
    return any(RANK[after.power(tool, arg)] < RANK[before.power(tool, arg)]
               for tool, arg in power_probes(source, target))


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


class _Claiming(Protocol):
    exclusive_keys: frozenset[str]

    def exclusive_shape(self, values: dict[str, Any]) -> bool: ...


def looks_like(dialect: Any, values: dict[str, Any]) -> Any:
    """Another dialect whose own keys or value shapes ``values`` has (registry claims)."""
    from .registry import DIALECTS, get_dialect
    for name in DIALECTS:
        other = get_dialect(name)
        if other.name == dialect.name or not hasattr(other, "exclusive_shape"):
            continue
        claiming = cast(_Claiming, other)       # it has exclusive_shape: a front-matter dialect
        if claiming.exclusive_shape(values) or any(k in values for k in claiming.exclusive_keys):
            return other
    return None
