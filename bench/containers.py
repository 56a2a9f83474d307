"""Many agents in one file must cost linear time: a claude-json file of 186 agents (~1.4 MB,
prompts ~7 kB) and the same at 2x and 4x, read and written back (identity), split into
one-agent Claude files, and those joined back into one container file; the same for a Roo Code
``.roomodes`` of 186 modes (YAML, ~1.4 MB, a list rather than a map).

    python bench/containers.py            # prints one line per size and the growth per doubling
    python bench/containers.py --quick    # 186 and 372 agents, one run

Per-agent times stay flat as the file grows; a quadratic core (re-rendering the whole file for
each agent) would double them with every doubling of the file."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import agentconv  # noqa: E402
from agentconv import Document  # noqa: E402

WORDS = ("review", "change", "test", "module", "caller", "config", "release", "branch", "diff", "report",
         "check", "file", "function", "error", "value", "schema", "agent", "prompt", "tool", "rule")
TOOLS = ("Read", "Grep", "Glob", "Edit", "Write", "Bash(git diff:*)", "Bash(git log:*)", "WebFetch")


def _prose(rng: random.Random, words: int) -> str:
    lines, line = [], []
    for _ in range(words):
        line.append(rng.choice(WORDS))
        if len(line) > 12:
            lines.append(" ".join(line).capitalize() + ".")
            line = []
    return "\n\n".join(lines)


def container(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    agents = {}
    for i in range(n):
        agents[f"mode-{i:04d}"] = {
            "description": f"Use for {rng.choice(WORDS)} work: " + _prose(rng, 20),
            "prompt": _prose(rng, 1000),
            "tools": rng.sample(TOOLS, 4),
            "model": rng.choice(["sonnet", "opus", "haiku"]),
        }
    return json.dumps(agents, indent=2) + "\n"


def modes(n: int, seed: int = 7) -> str:
    """A ``.roomodes`` as Roo Code writes one: a YAML list of modes, long prompts in block scalars."""
    rng = random.Random(seed)
    out = ["customModes:"]
    for i in range(n):
        out += [f"  - slug: mode-{i:04d}", f"    name: Mode {i}",
                f"    roleDefinition: You are mode {i}, for {rng.choice(WORDS)} work.",
                f"    whenToUse: Use for {rng.choice(WORDS)} work.", "    customInstructions: |",
                *("      " + line if line else "" for line in _prose(rng, 1000).split("\n")),
                "    groups:", *(f"      - {g}" for g in rng.sample(["read", "edit", "command", "mcp", "browser"], 3))]
    return "\n".join(out) + "\n"


def _timed(action, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def measure(n: int, runs: int, dialect: str = "claude-json") -> dict:
    text = container(n) if dialect == "claude-json" else modes(n)
    doc = agentconv.loads(text, dialect)
    assert agentconv.dumps(doc) == text
    parts = agentconv.each_agent(doc)
    files = [agentconv.to_dialect(p, "claude")[0] for p in parts]
    agents = [agentconv.loads(f, "claude").agent for f in files]
    joined = agentconv.to_dialect(Document(agents=agents), dialect, accept_widening=WIDENINGS)[0]
    assert [a.name for a in agentconv.loads(joined, dialect).agents] == [a.name for a in doc.agents]
    return {
        "agents": n, "megabytes": len(text.encode()) / 1e6,
        "identity": _timed(lambda: agentconv.dumps(agentconv.loads(text, dialect)), runs),
        "split": _timed(lambda: [agentconv.to_dialect(p, "claude") for p in
                                 agentconv.each_agent(agentconv.loads(text, dialect))], runs),
        "join": _timed(lambda: agentconv.to_dialect(Document(agents=agents), dialect,
                                                    accept_widening=WIDENINGS), runs),
    }


#: every Roo Code mode has these: accepted as a user migrating there would
WIDENINGS = ("question", "task", "todowrite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="186 and 372 agents, one run")
    args = parser.parse_args()
    sizes, runs = ((186, 372), 1) if args.quick else ((186, 372, 744), 3)
    for dialect in ("claude-json", "roo"):
        table(dialect, [measure(n, runs, dialect) for n in sizes])


def table(dialect: str, rows: list[dict]) -> None:
    print(f"\n{dialect}:")
    print("| agents | MB | identity | per agent | split into Claude files | per agent | join into one file | per agent |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['agents']} | {r['megabytes']:.2f} | " + " | ".join(
            f"{r[k]:.3f} s | {r[k] / r['agents'] * 1e6:,.0f} µs" for k in ("identity", "split", "join")) + " |")
    first, last = rows[0], rows[-1]
    growth = {k: (last[k] / last["agents"]) / (first[k] / first["agents"]) for k in ("identity", "split", "join")}
    print("per-agent time, largest over smallest file (1.0 = linear): "
          + ", ".join(f"{k} {v:.2f}" for k, v in growth.items()))
    if any(v > 1.6 for v in growth.values()):
        sys.exit("not linear: per-agent time grows with the file")


if __name__ == "__main__":
    main()
