"""Factory droids judged by the real droid (tests/judges/factory.sh): every converted agent is
offered, started through Task, and runs with the description, prompt and tools agentconv meant.

What the judge cannot see: the droid's `model` (air-gapped, every droid runs on the mock model,
see tests/judges/README.md), and tools the air-gapped session never offers a droid (web search,
FetchUrl, Task, AskUser, TodoWrite, ApplyPatch): those are checked as written, not as granted."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from agentconv.access import effective_action, power_action
from agentconv.data import mapping
from agentconv.dialects import toolnames
from agentconv.registry import get_dialect

from .judges import JudgeUnavailable, Verdict
from .sample import REPO, SHARED, Case, Source, _file_source, _files

JUDGE = REPO / "tests" / "judges" / "factory.sh"
TARGET = "factory"
BATCH = 8                # droids per session (see tests/test_oracle_factory.py)
_CANON_OF, _NAME_OF = toolnames.tables(mapping("factory").get("tools", {}))
#: what droid 0.225.2 offers a droid air-gapped when `tools` is omitted (the judge's finding)
OFFERED = frozenset({"Read", "LS", "Execute", "Edit", "Grep", "Glob", "Create", "Skill"})
#: ToolSearch finds tools loaded on demand: offered with the full set only, no tool of its own
_META = {"ToolSearch"}


def _lf(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def factory_corpus() -> list[Source]:
    folder = SHARED / "corpus" / "factory"
    return [_file_source(p, f"corpus/{p.relative_to(folder.parent).as_posix()}", "factory") for p in _files(folder)]


def judge(project: Path) -> Verdict:
    proc = subprocess.run(["bash", str(JUDGE), str(project)], capture_output=True, text=True, timeout=1800)
    if proc.returncode in (2, 3):
        raise JudgeUnavailable(f"{JUDGE.name} could not run droid (exit {proc.returncode}): {proc.stderr[-800:]}")
    try:
        listed = json.loads(proc.stdout) if proc.stdout.strip() else []
    except ValueError:
        raise JudgeUnavailable(f"{JUDGE.name} printed no JSON: {proc.stdout[:300]!r} {proc.stderr[-500:]}") from None
    complaints = [line for line in proc.stderr.splitlines() if line.strip()]
    return Verdict(TARGET, proc.returncode, {a["name"]: a for a in listed}, complaints)


def loaded(case: Case, verdict: Verdict) -> list[str]:
    problems = [] if case.name in verdict.agents else [f"droid did not offer {case.name!r}"]
    return problems + [f"droid says: {line}" for line in verdict.complaints if f"{case.path}" in line]


def fields(case: Case, verdict: Verdict) -> list[str]:
    """Description and prompt as written, and the tools droid ran the droid with: exactly the
    ones agentconv's reading of the output grants, among those it offers air-gapped."""
    told = verdict.agents[case.name]
    problems = []
    said, wrote = told.get("description") or "", str(case.front_matter.get("description", ""))
    if said.endswith("…") and wrote.startswith(said[:-1]):
        said = wrote                # the listing cuts long descriptions (~1,200 characters) short
    if said != wrote:
        at = next((i for i, (a, b) in enumerate(zip(said, wrote, strict=False)) if a != b), min(len(said), len(wrote)))
        problems.append(f"description: droid lists {said[max(0, at - 30):at + 30]!r} where agentconv wrote "
                        f"{wrote[max(0, at - 30):at + 30]!r} ({len(said)} vs {len(wrote)} characters)")
    if _lf(told.get("system_prompt")) != (case.effect.prompt or "").strip():
        problems.append("prompt: droid runs another system prompt than the body")
    granted = set(told.get("tools") or []) - _META
    meant = {name for name in OFFERED if effective_action(case.effect.tools, _CANON_OF[name]) != "deny"} \
        if name_tools(case) else set(OFFERED) - _META
    if granted != meant:
        problems.append(f"tools: droid grants {sorted(granted)}, agentconv meant {sorted(meant)}")
    return problems


def name_tools(case: Case) -> bool:
    return bool(case.effect.tools)


def never_widens(case: Case, verdict: Verdict) -> list[str]:
    """Every tool droid handed the droid is one the source allowed, or Skill (always on, reported)."""
    told = verdict.agents.get(case.name)
    if told is None:
        return []
    always = get_dialect(TARGET).always_grants
    return [f"droid grants {t}, which the source does not allow" for t in told.get("tools") or []
            if _CANON_OF.get(t, t) not in always
            and power_action(case.original.tools, _CANON_OF.get(t, t)) == "deny"]
