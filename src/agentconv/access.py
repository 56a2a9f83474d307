"""What an agent may actually do: evaluate ordered tool rules, and find widenings."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Iterable

from .model import ToolRule

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


def widenings(source: list[ToolRule], target: list[ToolRule],
              extra_tools: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """Calls the target allows more freely than the source: must be empty after a conversion."""
    return list(_widenings(tuple(source), tuple(target), tuple(extra_tools)))


@lru_cache(maxsize=1024)
def _widenings(source: tuple[ToolRule, ...], target: tuple[ToolRule, ...],
               extra_tools: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    # the engine checks every output (and every carry trial) against its source: the same
    # rule sets recur across a tree, and ToolRules are frozen, so they key a cache
    return tuple((tool, arg) for tool, arg in probes(source, target, extra_tools=extra_tools)
                 if RANK[effective_action(target, tool, arg)] > RANK[effective_action(source, tool, arg)])
