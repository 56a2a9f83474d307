#!/usr/bin/env python3
"""Generate N realistic Claude Code agents for the speed bench.

    python bench/generate.py DIR N [--seed S] [--quoted-copy DIR2]

Writes ``DIR/.claude/agents/agent-NNNNN.md``. The mix follows what ../shared/research/corpus.md
measured on real Claude agents: prompt bodies median ~6 kB (log-normal, p90 ~13 kB, capped at
64 kB), about a third without a final newline, descriptions with ``<example>`` blocks written
with literal ``\\n`` escapes, tool lists as comma strings and YAML lists (``Bash(git diff:*)``,
MCP tools), and ~13% whose description is not valid YAML (an unquoted ``: ``, which Claude Code
repairs and loads anyway). Output is deterministic for a given seed.

``--quoted-copy DIR2`` writes the same agents with those invalid descriptions quoted: rulesync
aborts the whole run on one invalid file, so it gets this copy.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
from dataclasses import dataclass

WORDS = ("code review security performance tests coverage module function class interface api "
         "endpoint database query index migration schema cache latency memory request response "
         "handler error logging metrics deployment pipeline container service client server "
         "component state render hook dependency package version release branch commit diff "
         "refactor pattern contract invariant edge case regression benchmark profile trace").split()
HEADINGS = ("Focus Areas", "Approach", "Output", "Workflow", "Checklist", "Rules", "Examples",
            "Communication Protocol", "Quality Gates", "When Invoked", "Constraints", "Deliverables")
TOOL_SETS = (
    "Read, Write, Edit, Bash, Glob, Grep",
    "Read, Grep, Glob, WebFetch, WebSearch",
    "Read, Write, Edit, Glob, Grep, WebFetch, WebSearch",
    "Read, Grep, Glob",
    "LS, Read, Grep, Glob, Bash",
    "Read, Write, Edit, MultiEdit, Bash, Grep, Glob, LS, WebFetch",
    "Read, Grep, Glob, Bash(git diff:*), Bash(git log:*), Bash(npm test:*)",
    "Read, Edit, Bash(pytest:*), mcp__github__get_issue, mcp__github__create_pull_request",
)
TOOL_LISTS = (["Read", "Edit", "Bash"], ["Read", "Grep", "Glob", "Bash(git diff:*)"],
              ["Read", "Write", "Edit", "Bash(make:*)", "TodoWrite"])
MODELS = ("sonnet", "opus", "haiku", "inherit", "claude-opus-4-1-20250805", None)
COLORS = ("blue", "red", "green", "purple", "orange", "yellow", "cyan", "pink", None, None)


@dataclass
class Agent:
    text: str              # the file as generated
    quoted: str            # the same agent with a valid-YAML description (for rulesync)
    invalid: bool          # description is not valid YAML as written


def _sentence(rng: random.Random, lo: int = 6, hi: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _body(rng: random.Random, size: int) -> str:
    parts = [f"You are a senior {rng.choice(WORDS)} specialist. {_sentence(rng)}\n"]
    length = len(parts[0])
    while length < size:
        kind = rng.random()
        if kind < 0.25:
            block = f"\n## {rng.choice(HEADINGS)}\n"
        elif kind < 0.6:
            block = "\n" + "".join(f"- {_sentence(rng, 4, 12)}\n" for _ in range(rng.randint(3, 8)))
        elif kind < 0.7:
            block = ("\n```bash\n" + "\n".join(f"git {rng.choice(['diff', 'log', 'status'])} -- {rng.choice(WORDS)}"
                                                for _ in range(rng.randint(2, 5))) + "\n```\n")
        else:
            block = "\n" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 6))) + "\n"
        parts.append(block)
        length += len(block)
    return "".join(parts)


def _examples(rng: random.Random, name: str, count: int) -> str:
    """Claude Code's own style: <example> blocks joined with literal \\n escapes."""
    out = []
    for _ in range(count):
        out.append(f"<example>\\nContext: The user changed the {rng.choice(WORDS)} {rng.choice(WORDS)}.\\n"
                   f"user: \\\"Please check the {rng.choice(WORDS)} I just wrote\\\"\\n"
                   f"assistant: \\\"I'll use the {name} agent to review it.\\\"\\n"
                   f"<commentary>\\nCode changed, so the {name} agent should look at it.\\n</commentary>\\n"
                   f"</example>")
    return "\\n\\n".join(out)


def _description(rng: random.Random, name: str, invalid: bool) -> tuple[str, str]:
    """(line as written, a valid-YAML line meaning the same to Claude Code)."""
    if invalid:
        # Claude Code retries such a line quoted; rulesync (and plain YAML) reject it
        if rng.random() < 0.5:
            value = f"Use this agent when: {_sentence(rng)} Triggers on: {rng.choice(WORDS)}, {rng.choice(WORDS)}"
        else:
            value = f"Use this agent for {rng.choice(WORDS)} work. Examples:\\n\\n" + _examples(rng, name, 2).replace('\\"', '"')
        return f"description: {value}", "description: " + json.dumps(value, ensure_ascii=False)
    kind = rng.random()
    if kind < 0.45:
        line = f"description: {_sentence(rng)} Use proactively after {rng.choice(WORDS)} changes."
    elif kind < 0.85:
        line = (f'description: "Use this agent when the {rng.choice(WORDS)} needs work. Examples:\\n\\n'
                + _examples(rng, name, rng.randint(1, 3)) + '"')
    elif kind < 0.93:
        line = f"description: '{_sentence(rng)} It''s read-only.'"
    else:
        line = f"description: |\n  {_sentence(rng)}\n  {_sentence(rng)}"
    return line, line


def agent(i: int, seed: int = 0) -> Agent:
    rng = random.Random(seed * 1_000_003 + i)
    name = f"agent-{i:05d}"
    invalid = rng.random() < 0.13
    desc, quoted_desc = _description(rng, name, invalid)
    head = [f"name: {name}", None]
    tools = rng.random()
    if tools < 0.6:
        head.append(f"tools: {rng.choice(TOOL_SETS)}")
    elif tools < 0.8:
        head.append("tools:\n" + "".join(f"  - {t}\n" for t in rng.choice(TOOL_LISTS)).rstrip("\n"))
    model, color = rng.choice(MODELS), rng.choice(COLORS)
    if model:
        head.append(f"model: {model}")
    if color:
        head.append(f"color: {color}")
    if rng.random() < 0.1:
        head.append(rng.choice(["permissionMode: acceptEdits", "maxTurns: 20", "skills: [threat-modeling]",
                                "memory: project", "disallowedTools: Bash(rm:*)"]))
    size = min(64_000, max(600, int(6000 * math.exp(rng.gauss(0, 0.6)))))
    body = _body(rng, size)
    if rng.random() < 0.33:
        body = body.rstrip("\n")
    render = lambda d: "---\n" + "\n".join(d if h is None else h for h in head) + "\n---\n\n" + body
    return Agent(render(desc), render(quoted_desc), invalid)


def generate(root: str, n: int, *, seed: int = 0, quoted_root: str | None = None) -> dict:
    """Write N agents under ROOT/.claude/agents (and the quoted copy); return counts."""
    folders = [os.path.join(r, ".claude", "agents") for r in (root, quoted_root) if r]
    for folder in folders:
        os.makedirs(folder, exist_ok=True)
    invalid = size = 0
    for i in range(n):
        a = agent(i, seed)
        invalid += a.invalid
        size += len(a.text.encode())
        with open(os.path.join(folders[0], f"agent-{i:05d}.md"), "w", encoding="utf-8", newline="") as f:
            f.write(a.text)
        if quoted_root:
            with open(os.path.join(folders[1], f"agent-{i:05d}.md"), "w", encoding="utf-8", newline="") as f:
                f.write(a.quoted)
    return {"files": n, "invalid_yaml": invalid, "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quoted-copy", metavar="DIR2")
    args = parser.parse_args()
    stats = generate(args.dir, args.n, seed=args.seed, quoted_root=args.quoted_copy)
    print(f"{stats['files']} agents, {stats['invalid_yaml']} with invalid-YAML descriptions, "
          f"{stats['bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
