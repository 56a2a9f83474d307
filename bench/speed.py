#!/usr/bin/env python3
"""Speed bench: agentconv against rulesync (the leading peer) and ``cp -r`` (the floor).

    python bench/speed.py            # N = 1,000 and 10,000, 5 runs each (a few minutes)
    python bench/speed.py --quick    # N = 200 and 1,000, 3 runs: a smoke run

Prints, for each N, the median wall time of the whole process (start-up included) of
``agentconv convert DIR --to opencode -o OUT``, of rulesync 17 converting the same agents
(``rulesync convert --from claudecode --to opencode --features subagents``) and of
``cp -r DIR``; the ratios the targets of issue 11 are stated in; the single-file start-up
(``agentconv convert one.md --to opencode``) against ``python -c pass``; and the peak memory
(RSS of the whole process tree) at each N. Runs are interleaved so that a busy machine slows
all three alike. Every run's output is counted, so a fast wrong run cannot pass.

rulesync is installed from the npm registry into ~/.cache (as ../shared/bench/peer_rulesync.sh
does) or taken from $RULESYNC_BIN; without npm it is skipped with a message. rulesync aborts
the whole run when one description is not valid YAML (an unquoted ``: ``, which Claude Code
itself repairs), so it converts a copy of the tree with those descriptions quoted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import agent, generate  # noqa: E402

RULESYNC_VERSION = os.environ.get("RULESYNC_VERSION", "17.0.0")
#: issue 11 ("Core v2"): the ratios its Targets state, in one run on one machine
TARGETS = {"throughput": 10.0, "cp": 4.0, "one_process": 5.0, "startup": 6.0, "rss_mb": 150.0, "flat": 1.2}


# ------------------------------------------------------------------------------ measuring

@dataclass
class Run:
    wall: float
    cpu: float              # user + sys of the process and its children
    rss_mb: float           # peak RSS: the largest process, or the sampled sum of the tree


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_mb for r in self.runs)


def _tree_rss_kb(pid: int) -> int:
    """RSS of ``pid`` and all its descendants (Linux /proc), 0 when unreadable."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


#: environment of every timed process; see python_env()
ENV: dict[str, str] = dict(os.environ)


def python_env(work: Path) -> dict[str, str]:
    """Byte-compiled modules cached as after an install (pip writes .pyc files), even where
    PYTHONDONTWRITEBYTECODE is set, and kept in the work dir rather than the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


class Hung(Exception):
    """A process did not finish within its time limit (it was killed)."""


#: seconds any one timed process may take; rulesync 17 has been seen to stall for good
TIME_LIMIT = 600


def run(cmd: list[str], *, cwd: str | None = None, sample: bool = False, check: bool = True,
        limit: float = TIME_LIMIT) -> Run:
    """Time one process; with ``sample`` also poll the RSS of its whole tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV,
                            stdin=subprocess.DEVNULL)
    timer = threading.Timer(limit, proc.kill)
    timer.start()
    peak = [0]
    stop = threading.Event()
    if sample and os.path.isdir("/proc"):
        def poll() -> None:
            while not stop.wait(0.005):
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if wall >= limit:
        raise Hung(f"{' '.join(cmd[:2])} did not finish in {limit:.0f} s and was stopped")
    if check and proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {proc.returncode}:\n{err.decode(errors='replace')[-2000:]}")
    # ru_maxrss (KiB on Linux) is the largest single process of the tree; the sample sums it
    rss = max(usage.ru_maxrss, peak[0]) / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, rss)


def count_files(folder: str) -> int:
    return sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0


# ------------------------------------------------------------------------------ the tools

def agentconv_cmd() -> list[str]:
    """The console script beside this interpreter, as a user runs it."""
    beside = Path(sys.executable).with_name("agentconv")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("agentconv")
    return [found] if found else [sys.executable, "-m", "agentconv"]


def rulesync_bin() -> tuple[str | None, str]:
    """(path to rulesync, or None) and what happened finding it."""
    if os.environ.get("RULESYNC_BIN"):
        return os.environ["RULESYNC_BIN"], "from $RULESYNC_BIN"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    tooldir = cache / f"peer_rulesync_tool_{RULESYNC_VERSION}"
    binary = tooldir / "node_modules" / ".bin" / "rulesync"
    if binary.exists():
        return str(binary), f"cached in {tooldir}"
    if not (shutil.which("npm") and shutil.which("node")):
        return None, "npm/node not found: rulesync skipped (install Node.js to compare)"
    tooldir.mkdir(parents=True, exist_ok=True)
    print(f"installing rulesync@{RULESYNC_VERSION} from the npm registry into {tooldir} ...", flush=True)
    for cmd in (["npm", "init", "-y"], ["npm", "install", "--no-audit", "--no-fund", f"rulesync@{RULESYNC_VERSION}"]):
        done = subprocess.run(cmd, cwd=tooldir, capture_output=True)
        if done.returncode != 0:
            return None, f"npm install failed: rulesync skipped\n{done.stderr.decode(errors='replace')[-500:]}"
    return str(binary), f"installed into {tooldir}"


def version_of(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[-1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


# ------------------------------------------------------------------------------ the bench

def batch(n: int, runs: int, work: Path, agentconv: list[str], rulesync: str | None) -> dict:
    root = work / f"n{n}"
    src, quoted = root / "project", root / "quoted"
    stats = generate(str(src), n, quoted_root=str(quoted) if rulesync else None)
    if rulesync:
        subprocess.run(["git", "init", "-q", str(quoted)], check=False, capture_output=True)
    out, copy = root / "out", root / "copy"
    series = {"agentconv": Series(), "cp": Series(), "rulesync": Series()}
    for r in range(runs):
        shutil.rmtree(copy, ignore_errors=True)
        series["cp"].runs.append(run(["cp", "-r", str(src), str(copy)]))
        shutil.rmtree(out, ignore_errors=True)
        series["agentconv"].runs.append(run(agentconv + ["convert", str(src), "--to", "opencode", "-o", str(out)]))
        got = count_files(str(out / ".opencode" / "agent"))
        if got != n:
            raise SystemExit(f"bench: agentconv wrote {got} files for {n} agents")
        peer = ""
        if rulesync:
            shutil.rmtree(quoted / ".opencode", ignore_errors=True)
            try:
                series["rulesync"].runs.append(run([rulesync, "convert", "--from", "claudecode", "--to", "opencode",
                                                    "--features", "subagents", "--silent"], cwd=str(quoted)))
                peer = f"  rulesync {series['rulesync'].runs[-1].wall:.3f} s"
                got = count_files(str(quoted / ".opencode" / "agents"))
                if got != n:
                    raise SystemExit(f"bench: rulesync wrote {got} files for {n} agents")
            except Hung as exc:       # its run is left out; the median is of the runs that finished
                peer = f"  rulesync: {exc} (run left out)"
        print(f"  N={n:<6} run {r + 1}/{runs}: agentconv {series['agentconv'].runs[-1].wall:.3f} s" + peer
              + f"  cp -r {series['cp'].runs[-1].wall:.3f} s", flush=True)
    # CI's case: --check over an OUT that is up to date (reads and converts all, writes nothing)
    check = Series([run(agentconv + ["convert", str(src), "--to", "opencode", "-o", str(out), "--check", "-q"])
                    for _ in range(max(1, runs // 2))])
    # what the workers bring: the same conversion in one process
    serial = Series()
    for _ in range(max(1, runs // 2)):
        shutil.rmtree(out, ignore_errors=True)
        serial.runs.append(run(agentconv + ["convert", str(src), "--to", "opencode", "-o", str(out), "-j", "1"],
                               sample=True))
    # memory apart from the timed runs, so that polling /proc slows none of them
    shutil.rmtree(out, ignore_errors=True)
    memory = run(agentconv + ["convert", str(src), "--to", "opencode", "-o", str(out)], sample=True)
    shutil.rmtree(root, ignore_errors=True)
    return {"n": n, **stats, "series": series, "check": check, "serial": serial, "rss_mb": memory.rss_mb}


def warm_up(work: Path, agentconv: list[str]) -> None:
    """One untimed batch with workers, so that every module is byte-compiled before timing."""
    generate(str(work / "warm"), 200)
    run(agentconv + ["convert", str(work / "warm"), "--to", "opencode", "-o", str(work / "warm-out")])
    run([sys.executable, "-c", "pass"])
    shutil.rmtree(work / "warm", ignore_errors=True)
    shutil.rmtree(work / "warm-out", ignore_errors=True)


def startup(reps: int, work: Path, agentconv: list[str]) -> dict:
    one = work / "one.md"
    one.write_text(agent(2).text, encoding="utf-8")
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "agentconv convert one.md --to opencode": agentconv + ["convert", str(one), "--to", "opencode"],
        "agentconv --version": agentconv + ["--version"],
        "agentconv --help": agentconv + ["--help"],
    }
    series = {name: Series() for name in cmds}
    for name, cmd in cmds.items():          # warm the file cache and .pyc files
        run(cmd)
    for _ in range(reps):
        for name, cmd in cmds.items():
            series[name].runs.append(run(cmd))
    env = dict(ENV, PYTHONPROFILEIMPORTTIME="1")
    heavy = {}
    for flag in ("--version", "--help", "convert one.md --to opencode"):
        trace = subprocess.run(agentconv + flag.replace("one.md", str(one)).split(), capture_output=True,
                               text=True, env=env).stderr
        heavy[flag] = sorted({m for m in ("pydantic", "click", "yaml") if f" {m}\n" in trace or f" {m}." in trace})
    return {"series": series, "heavy_imports": heavy}


# ------------------------------------------------------------------------------ report

def verdict(ok: bool) -> str:
    return "ok  " if ok else "MISS"


def report(batches: list[dict], start: dict, rulesync_note: str, has_rulesync: bool) -> dict:
    figures: dict = {"batch": [], "startup": {}}
    print("\n== batch: agentconv convert DIR --to opencode -o OUT (whole process, median) ==")
    head = f"{'N':>7} {'agentconv':>10} {'files/s':>8} {'cpu s':>6}"
    head += f" {'rulesync':>9} {'files/s':>8}" if has_rulesync else ""
    head += f" {'cp -r':>7} {'x rulesync':>10} {'x cp':>6} {'--check':>8} {'-j 1':>8} {'peak RSS':>9} {'-j 1 RSS':>9}"
    print(head)
    for b in batches:
        n, s = b["n"], b["series"]
        a, c = s["agentconv"], s["cp"]
        line = f"{n:>7} {a.wall:>9.3f}s {n / a.wall:>8.0f} {a.cpu:>6.2f}"
        row = {"n": n, "invalid_yaml": b["invalid_yaml"], "mb": round(b["bytes"] / 1e6, 1),
               "agentconv_s": round(a.wall, 3), "agentconv_cpu_s": round(a.cpu, 3), "cp_s": round(c.wall, 3),
               "check_s": round(b["check"].wall, 3), "one_process_s": round(b["serial"].wall, 3),
               "peak_rss_mb": round(b["rss_mb"], 1), "one_process_rss_mb": round(b["serial"].rss_mb, 1),
               "x_cp": round(a.wall / c.wall, 2), "agentconv_best_s": round(a.best, 3), "cp_best_s": round(c.best, 3)}
        if has_rulesync:
            rs = s["rulesync"]
            line += f" {rs.wall:>8.3f}s {n / rs.wall:>8.0f}"
            row.update(rulesync_s=round(rs.wall, 3), x_rulesync=round(rs.wall / a.wall, 2),
                       rulesync_best_s=round(rs.best, 3), rulesync_cpu_s=round(rs.cpu, 3),
                       rulesync_rss_mb=round(rs.rss_mb, 1))
        line += f" {c.wall:>6.3f}s"
        line += f" {rs.wall / a.wall:>9.1f}x" if has_rulesync else f" {'-':>10}"
        line += (f" {a.wall / c.wall:>5.1f}x {b['check'].wall:>7.3f}s {b['serial'].wall:>7.3f}s {b['rss_mb']:>7.0f}MB"
                 f" {b['serial'].rss_mb:>7.0f}MB")
        print(line)
        figures["batch"].append(row)
    print("best runs (a shared machine slows some runs; the fastest is the least disturbed):")
    for b in batches:
        s = b["series"]
        rs = f", rulesync {s['rulesync'].best:.3f}s (cpu {s['rulesync'].cpu:.2f}s) -> " \
             f"{s['rulesync'].best / s['agentconv'].best:.1f}x" if has_rulesync else ""
        print(f"  N={b['n']}: agentconv {s['agentconv'].best:.3f}s{rs}, cp -r {s['cp'].best:.3f}s -> "
              f"{s['agentconv'].best / s['cp'].best:.1f}x")
    print(f"(inputs: generated Claude agents, ~13% with invalid-YAML descriptions, "
          f"{batches[-1]['bytes'] / batches[-1]['n'] / 1000:.1f} kB mean; rulesync: {rulesync_note}; "
          "it converts a copy with those descriptions quoted, since it aborts on them; "
          "--check: the same run over an up-to-date OUT; -j 1: in one process, without workers; "
          "peak RSS: the whole process tree)")

    print("\n== start-up (median of repeated runs) ==")
    base = start["series"]["python -c pass"].wall
    for name, series in start["series"].items():
        extra = "" if name == "python -c pass" else f"  {series.wall / base:.2f}x python -c pass"
        print(f"  {name:<42} {series.wall * 1000:7.1f} ms{extra}")
        figures["startup"][name] = round(series.wall * 1000, 1)
    for flag, mods in start["heavy_imports"].items():
        print(f"  agentconv {flag} imports: {', '.join(mods) if mods else 'none of pydantic, click, yaml'}")
    figures["heavy_imports"] = start["heavy_imports"]

    print("\n== targets (issue 11) ==")
    big, small = batches[-1], batches[0]
    a = big["series"]["agentconv"].wall
    if has_rulesync:
        x = big["series"]["rulesync"].wall / a
        print(f"  {verdict(x >= TARGETS['throughput'])} N={big['n']}: throughput {x:.1f}x rulesync "
              f"(target >= {TARGETS['throughput']:.0f}x)")
        x = big["series"]["rulesync"].wall / big["serial"].wall
        print(f"  {verdict(x >= TARGETS['one_process'])} N={big['n']}: -j 1 {x:.1f}x rulesync "
              f"(target >= {TARGETS['one_process']:.0f}x)")
    else:
        print("  ---- throughput against rulesync: not measured (rulesync skipped)")
    x = a / big["series"]["cp"].wall
    print(f"  {verdict(x <= TARGETS['cp'])} N={big['n']}: wall {x:.1f}x cp -r (target <= {TARGETS['cp']:.0f}x)")
    x = start["series"]["agentconv convert one.md --to opencode"].wall / base
    print(f"  {verdict(x <= TARGETS['startup'])} single file: {x:.2f}x python -c pass "
          f"(target <= {TARGETS['startup']}x)")
    rss, flat = big["rss_mb"], big["rss_mb"] / small["rss_mb"]
    print(f"  {verdict(rss < TARGETS['rss_mb'])} peak RSS at N={big['n']}: {rss:.0f} MB "
          f"(target < {TARGETS['rss_mb']:.0f} MB)")
    print(f"  {verdict(flat <= TARGETS['flat'])} flat: {rss:.0f} MB at N={big['n']} vs {small['rss_mb']:.0f} MB "
          f"at N={small['n']} ({flat:.2f}x; target <= {TARGETS['flat']}x)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 1,000, 3 runs: a smoke run")
    parser.add_argument("--sizes", type=int, nargs="+", help="agent counts (default 1000 10000)")
    parser.add_argument("--runs", type=int, help="timed runs per N (default 5; median reported)")
    parser.add_argument("--reps", type=int, help="start-up repetitions (default 20)")
    parser.add_argument("--no-rulesync", action="store_true", help="skip the peer")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    sizes = args.sizes or ([200, 1000] if args.quick else [1000, 10000])
    runs = args.runs or (3 if args.quick else 5)
    reps = args.reps or (10 if args.quick else 20)

    agentconv = agentconv_cmd()
    rulesync, note = (None, "skipped (--no-rulesync)") if args.no_rulesync else rulesync_bin()
    print(f"agentconv {version_of(agentconv + ['--version']).split()[-1]} ({' '.join(agentconv)}), "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.platform()}")
    if rulesync:
        print(f"rulesync {version_of([rulesync, '--version'])} ({note}), node {version_of(['node', '--version'])}")
    else:
        print(f"rulesync: {note}")
    print(f"sizes {sizes}, {runs} runs each, start-up x{reps}; Python bytecode cached as after an install",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="agentconv-bench-") as tmp:
        work = Path(tmp)
        ENV.clear()
        ENV.update(python_env(work))
        warm_up(work, agentconv)
        batches = [batch(n, runs, work, agentconv, rulesync) for n in sizes]
        start = startup(reps, work, agentconv)
    compared = rulesync is not None and all(b["series"]["rulesync"].runs for b in batches)
    if rulesync is not None and not compared:
        note += "; it stalled in every run of some N, so it is not compared"
    figures = report(batches, start, note, compared)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
