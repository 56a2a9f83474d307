#!/usr/bin/env python3
"""Rule-count bench: one agent file with N tool rules, converted to the other dialect.

    python bench/rules.py            # N = 1,000 and 10,000
    python bench/rules.py --n 20000

Comparing access rules (the widening check, narrowing, rendering permission maps) must grow
about linearly with the number of rules: issue 10 found 4,000 tools in one 24 kB file taking
25 s. The target is 10,000 rules converting in under a second. Each case is timed in-process
(the best of 3 runs after a warm-up, so imports are not counted; every run has tool names of its
own, so no cache carries over from one run to the next).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import agentconv  # noqa: E402

TARGET_SECONDS = 1.0


def claude_tools(n: int, run: str) -> str:
    return "---\nname: many\ndescription: d\ntools: " + \
        ", ".join(f"mcp__srv__tool{run}{i}" for i in range(n)) + "\n---\nBody.\n"


def claude_bash(n: int, run: str) -> str:
    return "---\nname: many\ndescription: d\ntools: Read, " + \
        ", ".join(f"Bash(cmd{run}{i}:*)" for i in range(n)) + "\n---\nBody.\n"


def opencode_permission(n: int, run: str) -> str:
    keys = "".join(f"  srv_tool{run}{i}: allow\n" for i in range(n))
    return f"---\ndescription: d\npermission:\n  '*': deny\n{keys}---\nBody.\n"


def opencode_bash(n: int, run: str) -> str:
    patterns = "".join(f"    'cmd{run}{i} *': allow\n" for i in range(n))
    return f"---\ndescription: d\npermission:\n  bash:\n    '*': deny\n{patterns}---\nBody.\n"


CASES = [("claude: N distinct tools", claude_tools, "claude", "opencode"),
         ("claude: N Bash patterns", claude_bash, "claude", "opencode"),
         ("opencode: N permission keys", opencode_permission, "opencode", "claude"),
         ("opencode: N bash patterns", opencode_bash, "opencode", "claude")]


def best_of(make, n: int, read: str, to: str, runs: int = 3) -> tuple[float, int, int]:
    agentconv.convert(make(10, "warm"), to=to, read=read, on_loss="ignore")
    times = []
    for run in range(runs):
        text = make(n, f"r{run}x")
        started = time.perf_counter()
        written = agentconv.convert(text, to=to, read=read, on_loss="ignore")
        times.append(time.perf_counter() - started)
    return min(times), len(agentconv.loads(written, to).agent.tools), len(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="rule counts (default 1,000 and 10,000)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    counts = args.n or [1000, 10000]
    slow = False
    print(f"{'case':<30} {'N':>7} {'written':>7} {'kB':>6} {'seconds':>8}")
    for label, make, read, to in CASES:
        for n in counts:
            seconds, rules, size = best_of(make, n, read, to)
            mark = "" if seconds < TARGET_SECONDS or n < 10000 else "  SLOW"
            slow |= bool(mark)
            print(f"{label:<30} {n:>7,} {rules:>7,} {size / 1024:>6.0f} {seconds:>8.2f}{mark}")
    print(f"target: 10,000 rules under {TARGET_SECONDS:.0f} s: {'missed' if slow else 'met'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
