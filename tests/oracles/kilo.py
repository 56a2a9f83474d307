"""Kilo Code modes judged by the real Kilo CLI (tests/judges/kilo.sh): every converted agent,
written as a mode of one `.kilocodemodes`, is migrated to an agent with the name, description,
prompt, model and permissions agentconv meant, and grants nothing the source denied."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from agentconv.access import effective_action
from agentconv.registry import get_dialect

from .judges import JudgeUnavailable, Verdict
from .sample import REPO, SHARED, Case, Source, _file_source, _files

JUDGE = REPO / "tests" / "judges" / "kilo.sh"
TARGET = "kilo"
#: Kilo's permission keys for what a mode's groups govern -> the canonical tool each stands for
PERMISSIONS = {"read": "read", "edit": "edit", "bash": "bash", "mcp": "mcp:*"}


def mode_corpus() -> list[Source]:
    folder = SHARED / "corpus" / "roo"
    return [_file_source(p, f"corpus/{p.relative_to(folder.parent).as_posix()}", "roo") for p in _files(folder)]


def write_project(cases: list[Case], root: Path) -> Path:
    """All the modes in one `.kilocodemodes`, as `convert` merges them."""
    kilo = get_dialect(TARGET)
    root.mkdir(parents=True, exist_ok=True)
    (root / kilo.file_name).write_text(kilo.join([c.text for c in cases]), encoding="utf-8")
    return root


def judge(project: Path) -> Verdict:
    proc = subprocess.run(["bash", str(JUDGE), str(project)], capture_output=True, text=True, timeout=600)
    if proc.returncode in (2, 3):
        raise JudgeUnavailable(f"{JUDGE.name} could not run kilo (exit {proc.returncode}): {proc.stderr[-800:]}")
    try:
        listed = json.loads(proc.stdout) if proc.stdout.strip() else []
    except ValueError:
        raise JudgeUnavailable(f"{JUDGE.name} printed no JSON: {proc.stdout[:300]!r} {proc.stderr[-500:]}") from None
    return Verdict(TARGET, proc.returncode, {a["name"]: a for a in listed},
                   [line for line in proc.stderr.splitlines() if line.strip()])


def loaded(case: Case, verdict: Verdict) -> list[str]:
    problems = [] if case.name in verdict.agents else [f"kilo did not load mode {case.name!r}"]
    return problems + [f"kilo says: {line}" for line in verdict.complaints if f"#{case.name}:" in line]


def fields(case: Case, verdict: Verdict) -> list[str]:
    """Kilo's migration: description = description ?? whenToUse ?? name, prompt = roleDefinition
    + customInstructions, no model, and each governed permission as the mode's groups grant."""
    told, values = verdict.agents[case.name], case.front_matter
    problems = []
    meant = values.get("description") or values.get("whenToUse") or values.get("name")
    if told.get("description") != meant:
        problems.append(f"description: kilo reads {told.get('description')!r}, agentconv wrote {meant!r}")
    if (told.get("prompt") or "").strip() != (case.effect.prompt or ""):
        problems.append("prompt: kilo runs another prompt than roleDefinition + customInstructions")
    if told.get("model") != case.effect.model:
        problems.append(f"model: kilo runs {told.get('model')!r}, agentconv meant {case.effect.model!r}")
    permission = told.get("permission") or {}
    for key, canon in PERMISSIONS.items():
        said = permission.get(key)
        want = "allow" if effective_action(case.effect.tools, canon) == "allow" else "deny"
        if said != want:
            problems.append(f"permission.{key}: kilo says {said!r}, agentconv meant {want!r}")
    return problems


def never_widens(case: Case, verdict: Verdict) -> list[str]:
    """Every governed permission Kilo allows is one the source allowed."""
    told = verdict.agents.get(case.name)
    if told is None:
        return []
    permission = told.get("permission") or {}
    return [f"kilo allows {key}, which the source does not allow" for key, canon in PERMISSIONS.items()
            if permission.get(key) == "allow" and effective_action(case.original.tools, canon) != "allow"]
