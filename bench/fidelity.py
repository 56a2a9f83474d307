#!/usr/bin/env python3
"""Fidelity report: for every agent file of a tree, in its dialect X and for every target Y,
measure what users must be able to trust — nothing lost silently, nothing widened, identity.

    python bench/fidelity.py [DIR...] [--json]

DIR defaults to ../shared/corpus next to the repository. A MANIFEST.tsv at the root of DIR
(path, dialect columns) names the files and their dialects; otherwise every .md/.markdown/.txt
file is taken, its dialect named by the first folder under DIR when that is a dialect's name
(fixtures/claude/x.md) and detected otherwise. Files of dialects agentconv does not know yet
are counted as "unsupported", not as failures.

Silent losses are measured here, independently of the engine's own diff: a canonical field or
native key that differs after X→Y (read back without the carry) or after X→Y→X, and that the
X→Y loss report does not name. Widenings compare the source's rules with the Y output read
back without the carry (what the target tool enforces), by power (access.SAME_POWER); needless
narrowings are those the target's real tool could have avoided (see needless_narrowings).
Outputs are checked against dialects/<Y>/schema.json, except those the report already says
the tool will skip (a required field is missing). Exit status 1 when there are silent losses,
widenings, needless narrowings, identity failures (a supported file that cannot be read counts
as one), schema rejects or crashes (an
exception that is not an AgentconvError).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO.parent / "shared" / "corpus"
AGENT_SUFFIXES = (".md", ".markdown", ".txt")

if str(REPO / "src") not in sys.path:          # runnable from a checkout without installing
    sys.path.insert(0, str(REPO / "src"))

from agentconv.access import OTHER_ARG, narrowings, power_action, same_power, widenings  # noqa: E402
from agentconv.access import sample as _sample  # noqa: E402
from agentconv.api import each_agent, loads, to_dialect  # noqa: E402
from agentconv.data import schema as dialect_schema  # noqa: E402
from agentconv.errors import AgentconvError  # noqa: E402
from agentconv.model import Agent  # noqa: E402
from agentconv.registry import dialect_names, get_dialect  # noqa: E402
from agentconv.triage import skip_by_name  # noqa: E402  (a .yaml file a tool loads from its agent folder)


# ----------------------------------------------------------------------------------- results

@dataclass
class TargetResult:
    target: str
    refused: str | None = None            # the conversion raised an AgentconvError
    back_refused: str | None = None       # the trip back did (the forward output is still measured)
    crash: str | None = None              # any other exception: always a bug
    round_trip_equal: bool = False
    reported: list[str] = field(default_factory=list)      # fields the X→Y report names
    silent: list[str] = field(default_factory=list)        # fields lost without being named
    widenings: list[str] | None = None    # None: the target enforces no access (prose)
    needless: list[str] | None = None     # narrowings the target could have avoided
    schema_errors: list[str] | None = None                 # None: no schema for the target
    skipped_by_tool: list[str] = field(default_factory=list)   # required fields missing, reported


@dataclass
class FileResult:
    path: str
    dialect: str | None
    status: str = "ok"                    # ok | failed | unsupported | crashed
    reason: str | None = None
    identity: bool = False
    targets: list[TargetResult] = field(default_factory=list)


# ----------------------------------------------------------------------------------- finding files

def agent_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """(file, dialect or None to detect) for every agent file under ``root``."""
    manifest = root / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                yield root / row["path"], row["dialect"]
        return
    for path in sorted(root.rglob("*")):
        # .claude/ and .opencode/ are agent folders: only dot-files themselves are skipped
        if "prompts" in path.relative_to(root).parts[1:-1]:
            continue                      # a prompt file an agent names (file://, {file:}), not an agent
        if path.is_file() and not path.name.startswith(".") and (path.name.endswith(AGENT_SUFFIXES)
                                                                or skip_by_name(str(path), False) is None) \
                and "prompts" not in path.relative_to(root).parts[:-1]:    # a prompt file agents refer to
            first = path.relative_to(root).parts[0]
            yield path, first if first in dialect_names() else None


# ----------------------------------------------------------------------------------- comparing

def _canonical(value: Any) -> str:
    """A spelling in which 1, 1.0 and true differ, as they do for the tools."""
    return json.dumps(value, sort_keys=False, ensure_ascii=False)


def differing_fields(before: Agent, after: Agent) -> list[str]:
    """Canonical fields and native keys (``native.<key>``) whose values differ; tools differ
    when they grant otherwise (Write, MultiEdit and Edit, Write grant alike)."""
    a, b = before.model_dump(mode="json"), after.model_dump(mode="json")
    out = [f for f in a if f != "native" and _canonical(a[f]) != _canonical(b[f])
           and not (f == "tools" and same_power(before.tools, after.tools))]
    old = {(n["dialect"], n["key"]): n["value"] for n in a["native"]}
    new = {(n["dialect"], n["key"]): n["value"] for n in b["native"]}
    for key in list(old) + [k for k in new if k not in old]:
        if _canonical(old.get(key)) != _canonical(new.get(key)):
            out.append(f"native.{key[1]}")
    return out


def schema_errors(target: str, written) -> list[str] | None:
    """What the target's JSON Schema says about the front matter of an output (read back)."""
    schema = dialect_schema(target)
    if schema is None:
        return None
    from jsonschema import validators
    block = getattr(written.trivia, "block", None) or getattr(written.trivia, "root", None)
    front_matter = json.loads(json.dumps(block.values() if block is not None else {}))
    validator = validators.validator_for(schema)(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<front matter>'}: {e.message}"
            for e in validator.iter_errors(front_matter)]


# ----------------------------------------------------------------------------------- needless narrowing

#: opencode permissions that take one action, no pattern map (opencode 1.18.33)
_OPENCODE_ACTION_ONLY = {"todowrite", "todoread", "question", "webfetch", "websearch", "doom_loop"}


def needless_narrowings(source: list, enforced: list, target: str, holds) -> list[str]:
    """Narrowings the target's real tool could have avoided: it can grant what the source
    grants there without widening anything else. Claude Code grants whole tools (patterns
    only pre-approve calls) and sub-agent types (Agent(a, b)), and cannot ask; opencode can
    say any action per tool and argument pattern, except for its action-only permissions."""
    out = []
    for tool, calls in narrowings(source, enforced, holds).items():
        for arg, before, after in calls:
            if _expressible(source, tool, arg, before, target):
                out.append(f"{tool}({arg})" if arg else tool)
    return out


def _expressible(source: list, tool: str, arg: str | None, before: str, target: str) -> bool:
    args = [None, OTHER_ARG, *(_sample(r.pattern) for r in source if r.pattern and r.tool == tool)]
    uniform = len({power_action(source, tool, a) for a in args}) == 1
    if tool == "*" and any(r.is_wildcard and r.tool != "*" and r.action != "allow" and not _names(target, r.tool)
                           for r in source):
        return False          # a deny-list cannot withhold a wildcard it has no name for (every MCP tool)
    if target == "claude":
        from agentconv.dialects.claude import says
        if not says(tool):
            return False                       # a name Claude's list would split in two
        if before == "ask":
            return False                       # Claude cannot ask
        if tool == "*":
            return True                        # a deny-list grants every other tool
        if tool == "task" and arg not in (None, OTHER_ARG) and not any(c in arg for c in "*?["):
            # Agent(type): exact unless every type but some is allowed
            return power_action(source, "task", OTHER_ARG) != "allow"
        return uniform and before == "allow"
    if target == "copilot":
        from agentconv.dialects.copilot import can_grant
        return before == "allow" and uniform and can_grant(source, tool)   # no ask, deny or pattern
    if target == "opencode":
        from agentconv.dialects.opencode import says
        return says(tool) and (uniform or tool not in _OPENCODE_ACTION_ONLY)
    if target in ("gemini", "qwen", "antigravity"):      # tool lists: whole tools by their own names
        from importlib import import_module
        names = import_module(f"agentconv.dialects.{target}").TOOLS
        if tool == "*":
            return target == "qwen" and before == "allow"  # only Qwen has a deny-list for the rest
        return before == "allow" and uniform and bool(names.native(tool))
    return False


def _names(target: str, tool: str) -> bool:
    if target in ("claude", "opencode"):
        from importlib import import_module
        return bool(import_module(f"agentconv.dialects.{target}").says(tool))
    return False


# ----------------------------------------------------------------------------------- measuring

def measure_file(path: Path, dialect: str | None, targets: list[str]) -> FileResult:
    where = str(path)
    if dialect is not None and dialect not in dialect_names():
        return FileResult(where, dialect, status="unsupported", reason=f"unsupported dialect {dialect}")
    try:
        data = path.read_bytes()
        doc = loads(data, dialect, path=where)
        text, _ = to_dialect(doc)
    except AgentconvError as exc:
        return FileResult(where, dialect, status="failed", reason=_one_line(exc))
    except Exception as exc:  # noqa: BLE001 — a crash is exactly what this report must show
        return FileResult(where, dialect, status="crashed", reason=f"{type(exc).__name__}: {exc}")
    result = FileResult(where, doc.dialect, identity=text.encode(doc.encoding) == data)
    for part in each_agent(doc):        # a container file: each agent on its own
        for target in targets:
            if target != doc.dialect:
                result.targets.append(measure_target(part, target, where))
    return result


def measure_target(doc, target: str, where: str) -> TargetResult:
    outcome = TargetResult(target)
    try:
        _measure(doc, target, where, outcome)
    except AgentconvError as exc:
        outcome.refused = _one_line(exc)
    except Exception as exc:  # noqa: BLE001
        outcome.crash = f"{type(exc).__name__}: {exc}"
    return outcome


def _measure(doc, target: str, where: str, outcome: TargetResult) -> None:
    source, dialect = doc.agent, get_dialect(target)
    out_path = str(dialect.output_path(source))
    text, losses = to_dialect(doc, target, path=out_path)
    # tools.read is a part of tools
    outcome.reported = list(dict.fromkeys(l.field if l.field.startswith("native.") else l.field.partition(".")[0]
                                          for l in losses))
    outcome.skipped_by_tool = [l.field for l in losses if l.kind == "required"]
    written = dialect.read(text, out_path, apply_carry=False)
    enforced = written.agent
    if dialect.expresses_access:
        holds = dialect.holds_tool
        outcome.widenings = [f"{tool}({arg})" if arg else tool
                             for tool, arg in widenings(source.tools, enforced.tools, holds=holds)]
        outcome.needless = needless_narrowings(source.tools, enforced.tools, target, holds)
    # an output the report already says the tool will skip (a required field is missing) is
    # counted as that, not as a schema reject
    outcome.schema_errors = [] if outcome.skipped_by_tool else schema_errors(target, written)
    carried = dialect.read(text, out_path)
    try:
        back_text, _ = to_dialect(carried, doc.dialect, path=where)
    except AgentconvError as exc:
        # e.g. the source's tool cannot keep the output's allow-list: what the forward output
        # lost is still measured (a needless narrowing is one whatever the trip back does)
        outcome.back_refused = _one_line(exc)
        outcome.silent = [f for f in differing_fields(source, enforced) if f not in outcome.reported]
        return
    back = loads(back_text, doc.dialect, path=where).agent
    # a field the source's own tool requires and the source lacks (the tool does not load the
    # file) comes back filled in, reported by the trip back as 'defaulted'
    filled = {f for f in get_dialect(doc.dialect).required if getattr(source, f) is None}
    outcome.round_trip_equal = not set(differing_fields(source, back)) - filled
    lost = dict.fromkeys(differing_fields(source, enforced) + [f for f in differing_fields(source, back)
                                                               if f not in filled])
    outcome.silent = [f for f in lost if f not in outcome.reported]


def _one_line(exc: AgentconvError) -> str:
    return str(exc).replace("\n", " — ")


# ----------------------------------------------------------------------------------- reporting

def summarise(results: list[FileResult], targets: list[str]) -> dict:
    supported = [r for r in results if r.status != "unsupported"]
    read = [r for r in supported if r.status == "ok"]
    totals = {
        "files": len(results),
        "unsupported": len(results) - len(supported),
        "read": len(read),
        "failed": sum(r.status == "failed" for r in results),
        "crashed": sum(r.status == "crashed" for r in results),
        "identity": sum(r.identity for r in read),
        "identity_failures": len(supported) - sum(r.identity for r in read),
    }
    matrix = []
    for source in dialect_names():
        mine = [r for r in read if r.dialect == source]
        for target in targets:
            cells = [t for r in mine for t in r.targets if t.target == target]
            if source == target or not mine:
                continue
            matrix.append(_cell(source, target, cells))
    for key in ("refused", "crashed_conversions", "silent", "widenings", "needless", "schema_rejects", "reported",
                "skipped_by_tool"):
        totals[key] = sum(m[key] or 0 for m in matrix)
    return {"totals": totals, "matrix": matrix}


def _cell(source: str, target: str, cells: list[TargetResult]) -> dict:
    converted = [t for t in cells if t.refused is None and t.crash is None]
    enforced = dialect_enforces(target)
    has_schema = dialect_schema(target) is not None
    return {
        "source": source, "target": target, "files": len(cells),
        "refused": sum(t.refused is not None or t.back_refused is not None for t in cells),
        "crashed_conversions": sum(t.crash is not None for t in cells),
        "round_trip_equal": sum(t.round_trip_equal for t in converted),
        "reported": sum(len(t.reported) for t in converted),
        "silent": sum(len(t.silent) for t in converted),
        "widenings": sum(len(t.widenings or []) for t in converted) if enforced else None,
        "needless": sum(len(t.needless or []) for t in converted) if enforced else None,
        "schema_rejects": sum(bool(t.schema_errors) for t in converted) if has_schema else None,
        "skipped_by_tool": sum(bool(t.skipped_by_tool) for t in converted),
    }


def dialect_enforces(name: str) -> bool:
    return get_dialect(name).expresses_access


def failed(summary: dict) -> bool:
    t = summary["totals"]
    return any(t[k] for k in ("silent", "widenings", "needless", "identity_failures", "crashed",
                              "crashed_conversions", "schema_rejects"))


def render_text(roots: list[Path], results: list[FileResult], summary: dict, targets: list[str]) -> str:
    t = summary["totals"]
    lines = [f"agentconv fidelity report: {', '.join(map(str, roots))}",
             f"files {t['files']}: read {t['read']}, failed {t['failed']}, crashed {t['crashed']}, "
             f"unsupported dialect {t['unsupported']} (skipped)",
             f"identity byte-exact: {t['identity']}/{t['read'] + t['failed'] + t['crashed']}", ""]
    header = ("X→Y", "files", "refused", "X→Y→X equal", "reported", "SILENT", "WIDENED", "NEEDLESS NARROWING",
              "schema rejects", "tool skips (reported)")
    rows = [header] + [(f"{m['source']}→{m['target']}", m["files"], m["refused"] + m["crashed_conversions"],
                        m["round_trip_equal"], m["reported"], m["silent"], _or_na(m["widenings"]),
                        _or_na(m["needless"]), _or_na(m["schema_rejects"]), m["skipped_by_tool"])
                       for m in summary["matrix"]]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for row in rows:
        lines.append("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    lines += ["", f"totals: reported {t['reported']} field(s), silent {t['silent']}, widenings {t['widenings']}, "
                  f"needless narrowings {t['needless']}, "
                  f"refused {t['refused']}, schema rejects {t['schema_rejects']}, outputs the tool will skip "
                  f"(reported as 'required') {t['skipped_by_tool']}"]
    notes = [f"{name}: no tool enforces its access rules; widenings not measured"
             for name in targets if not dialect_enforces(name)]
    notes += [f"{name}: no dialects/{name}/schema.json; schema column skipped"
              for name in targets if dialect_schema(name) is None]
    lines += [f"note: {n}" for n in notes]
    lines += _problems(results)
    lines.append("FAIL" if failed(summary) else
                 "OK: 0 silent losses, 0 widenings, 0 needless narrowings, 100% identity, 0 schema rejects")
    return "\n".join(lines) + "\n"


def _or_na(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _problems(results: list[FileResult]) -> list[str]:
    out = []
    refusals: dict[tuple[str, str], list[str]] = {}      # (pair, reason) -> files: one line per reason
    for r in results:
        if r.status in ("failed", "crashed"):
            out.append(f"{r.status}: {r.reason}")
        elif r.status == "ok" and not r.identity:
            out.append(f"identity: {r.path}: writing it back changes the bytes")
        for t in r.targets:
            arrow = f"{r.dialect}→{t.target}"
            if t.crash:
                out.append(f"crash {arrow}: {r.path}: {t.crash}")
            for refusal, how in ((t.refused, ""), (t.back_refused, "on the trip back: ")):
                if refusal:
                    where, _, reason = refusal.partition(": ")
                    refusals.setdefault((arrow, how + (reason or where)), []).append(r.path)
            if t.silent:
                out.append(f"SILENT {arrow}: {r.path}: {', '.join(t.silent)}")
            if t.widenings:
                out.append(f"WIDENED {arrow}: {r.path}: {', '.join(t.widenings)}")
            if t.needless:
                out.append(f"NEEDLESS {arrow}: {r.path}: {', '.join(t.needless)}")
            if t.schema_errors:
                out.append(f"schema {arrow}: {r.path}: {'; '.join(t.schema_errors[:3])}")
    for (arrow, reason), paths in refusals.items():
        out.append(f"refused {arrow}: {len(paths)} file(s), e.g. {paths[0]}: {reason}")
    return ([""] + out + [""]) if out else [""]


# ----------------------------------------------------------------------------------- main

def run(roots: list[Path], targets: list[str] | None = None) -> tuple[list[FileResult], dict]:
    targets = targets or dialect_names()
    results = [measure_file(path, dialect, targets) for root in roots for path, dialect in agent_files(root)]
    return results, summarise(results, targets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, metavar="DIR",
                        help=f"folders of agent files (default: {DEFAULT_ROOT})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    roots = args.roots or [DEFAULT_ROOT]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        print(f"fidelity: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    targets = dialect_names()
    results, summary = run(roots, targets)
    if args.json:
        print(json.dumps({"roots": [str(r) for r in roots], **summary,
                          "files": [asdict(r) for r in results]}, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(roots, results, summary, targets))
    return 1 if failed(summary) else 0


if __name__ == "__main__":
    sys.exit(main())
