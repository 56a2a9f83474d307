#!/usr/bin/env python3
"""Instruction counts (valgrind's callgrind): what start-up and each converted file cost, the
same whatever else the machine is doing (wall times on a shared machine vary by tens of
percent; these repeat to the last few instructions).

    python bench/instructions.py            # ~1 min; needs valgrind (Debian: apt install valgrind)

Prints, against ``python -c pass`` measured in the same run: the imports agentconv cannot do
without on the command line (PyYAML, also as agentconv imports it; click for every command but a
one-file convert), ``agentconv --version``, and a single-file ``convert``; then the
instructions one more converted file costs in one process (``convert_tree`` over N generated
Claude agents minus over one), which is what throughput and ``-j 1`` come down to.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import agent, generate  # noqa: E402

_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(cmd: list[str], env: dict[str, str], work: Path) -> int:
    """Instructions the process executes, start to exit (callgrind, no cache simulation)."""
    out = work / "callgrind.out"
    done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                          capture_output=True, text=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"bench: {' '.join(cmd)} failed under valgrind:\n{done.stderr[-1500:]}")
    out.unlink(missing_ok=True)
    return int(found.group(1))


_TREE = """
import shutil, sys
from agentconv.batch import convert_tree
shutil.rmtree(sys.argv[2], ignore_errors=True)
result = convert_tree([sys.argv[1]], sys.argv[2], to="opencode", jobs=1)
assert result.totals["converted"] == int(sys.argv[3]), result.totals
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="agents in the per-file measure (default 200)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("bench: valgrind is not installed (apt install valgrind)")
    beside = Path(sys.executable).with_name("agentconv")
    agentconv = [str(beside)] if beside.exists() else [sys.executable, "-m", "agentconv"]
    with tempfile.TemporaryDirectory(prefix="agentconv-instr-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=str(work / "pycache"), PYTHONHASHSEED="0")
        one = work / ".claude" / "agents" / "one.md"
        one.parent.mkdir(parents=True)
        one.write_text(agent(2).text, encoding="utf-8")
        generate(str(work / "many"), args.n)
        generate(str(work / "single"), 1)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            "python -c 'import yaml'": [sys.executable, "-c", "import yaml"],
            "python -c 'import click, yaml'": [sys.executable, "-c", "import click, yaml"],
            # PyYAML as agentconv imports it (formats/pyyaml.py: its reader's pattern compiled on first use)
            "python -c 'import agentconv.formats.pyyaml'": [sys.executable, "-c", "import agentconv.formats.pyyaml"],
            "agentconv --version": agentconv + ["--version"],
            "agentconv convert .claude/agents/one.md --to opencode": agentconv + ["convert", str(one), "--to",
                                                                                 "opencode"],
        }
        tree = [sys.executable, "-c", _TREE]
        # byte-compile everything first, as after an install (the cache prefix holds the
        # standard library's too: a module only the batch imports would be compiled in the
        # measured run, and its cost counted as the files')
        for cmd in [*commands.values(), tree + [str(work / "single"), str(work / "out"), "1"]]:
            subprocess.run(cmd, capture_output=True, env=env)
        counts = {name: instructions(cmd, env, work) for name, cmd in commands.items()}
        many = instructions(tree + [str(work / "many"), str(work / "out"), str(args.n)], env, work)
        single = instructions(tree + [str(work / "single"), str(work / "out"), "1"], env, work)
    base = counts["python -c pass"]
    print("== start-up: instructions of the whole process (callgrind) ==")
    for name, count in counts.items():
        print(f"  {name:<56} {count / 1e6:8.1f} M  {count / base:5.2f}x python -c pass")
    # the one-file convert imports PyYAML but not click (launch.py); every other command imports both
    floor = counts["python -c 'import agentconv.formats.pyyaml'"]
    convert = counts["agentconv convert .claude/agents/one.md --to opencode"]
    print(f"  of the single-file convert: interpreter {base / convert:.0%}, PyYAML with re and typing as "
          f"agentconv imports them {(floor - base) / convert:.0%}, agentconv's other imports and the work "
          f"{(convert - floor) / convert:.0%}")
    per_file = (many - single) / (args.n - 1)
    print("\n== per converted file, in one process (convert_tree, Claude -> opencode) ==")
    print(f"  {per_file / 1e6:.2f} M instructions per file (N={args.n} minus N=1)")


if __name__ == "__main__":
    main()
