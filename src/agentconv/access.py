"""What an agent may actually do: evaluate ordered tool rules, and find widenings."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Iterable

from .model import ALL_TOOLS, ToolRule

RANK = {"deny": 0, "ask": 1, "allow": 2}
_OTHER_TOOL = "some-other-tool"
_OTHER_ARG = "zz-unmatched-argument"


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


def _sample(pattern: str) -> str:
    return pattern.replace("**", "x").replace("*", "x").replace("?", "x")


def probes(*rule_lists: Iterable[ToolRule], extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    tools = {_OTHER_TOOL, *extra_tools}
    args: dict[str, set[str]] = {}
    for rules in rule_lists:
        for rule in rules:
            if not rule.is_wildcard:
                tools.add(rule.tool)
            if rule.pattern:
                args.setdefault(rule.tool, set()).add(_sample(rule.pattern))
    out: list[tuple[str, str | None]] = []
    for tool in sorted(tools):
        out.append((tool, None))
        for arg in sorted(args.get(tool, set()) | {_OTHER_ARG} if tool in args else set()):
            out.append((tool, arg))
    return out


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


def widenings(source: list[ToolRule], target: list[ToolRule],
              extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """Calls the target allows more freely than the source: must be empty after a conversion."""
    return list(_widenings(tuple(source), tuple(target), tuple(extra_tools)))


@lru_cache(maxsize=1024)
def _widenings(source: tuple[ToolRule, ...], target: tuple[ToolRule, ...],
               extra_tools: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    # the engine checks every output (and every carry trial) against its source: the same
    # rule sets recur across a tree, and ToolRules are frozen, so they key a cache
    before, after = Evaluator(source), Evaluator(target)
    return tuple((tool, arg) for tool, arg in probes(source, target, extra_tools=extra_tools)
                 if RANK[after.action(tool, arg)] > RANK[before.action(tool, arg)])


@lru_cache(maxsize=1024)
def restricts(source: tuple[ToolRule, ...], target: tuple[ToolRule, ...]) -> bool:
    """Some call is less free under ``target`` than under ``source``."""
    before, after = Evaluator(source), Evaluator(target)
    return any(RANK[after.action(tool, arg)] < RANK[before.action(tool, arg)]
               for tool, arg in probes(source, target))
