"""Codex and Mistral Vibe judged by the real clients (tests/judges/codex.sh, vibe.sh): every
converted agent is loaded with the name, description, model, prompt and tool settings
agentconv wrote, and what the tool reads grants nothing the source withheld.

What the judges cannot see: the tools a Codex role runs with (Codex has no tool list; a spawned
role runs in its parent's sandbox, tests/judges/README.md), and which Vibe tools exist in a
session (the judge prints the settings, not the tools): both are checked as the tool read the
settings, through agentconv's reading of those same settings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from agentconv.access import widenings
from agentconv.dialects import vibe as vibe_dialect
from agentconv.dialects.base import MISSING
from agentconv.registry import get_dialect

from .judges import JudgeUnavailable, Verdict
from .sample import REPO, SHARED, Case, Source

JUDGE = {"codex": REPO / "tests" / "judges" / "codex.sh", "vibe": REPO / "tests" / "judges" / "vibe.sh"}
VERSION = {"codex": "0.169.0", "vibe": "3.0.3"}
#: agents per judge run (a Codex session starts at most 64 sub-agents)
BATCH = {"codex": 40, "vibe": 1000}
#: the model a Codex role runs with when it names none (the judge's mock)
CODEX_INHERITED = "mock-model"


def _lf(text) -> str:
    return (text or "").replace("\r\n", "\n").strip() if isinstance(text, str) else ""


def vibe_corpus(root: Path) -> list[Source]:
    """The corpus's Vibe agents laid out as Vibe reads them, with the prompt files they name
    (the corpus keeps those with the prose briefs of the same repository)."""
    out = []
    for agent in sorted((SHARED / "corpus" / "vibe").rglob("*.toml")):
        home = root / agent.parent.parent.name / ".vibe"
        (home / "agents").mkdir(parents=True, exist_ok=True)
        (home / "prompts").mkdir(exist_ok=True)
        for prompt in (SHARED / "corpus" / "prose" / agent.parent.parent.name / "prompts").glob("*.md"):
            (home / "prompts" / prompt.name).write_bytes(prompt.read_bytes())
        copy = home / "agents" / agent.name
        copy.write_bytes(agent.read_bytes())
        out.append(Source(f"corpus/{agent.relative_to(SHARED / 'corpus').as_posix()}", copy.read_bytes(),
                          str(copy), "vibe"))
    return out


def judge(target: str, project: Path) -> Verdict:
    proc = subprocess.run(["bash", str(JUDGE[target]), str(project)], capture_output=True, text=True, timeout=1800)
    if proc.returncode in (2, 3):
        raise JudgeUnavailable(f"{JUDGE[target].name} could not run (exit {proc.returncode}): {proc.stderr[-800:]}")
    try:
        listed = json.loads(proc.stdout) if proc.stdout.strip() else []
    except ValueError:
        raise JudgeUnavailable(f"{JUDGE[target].name} printed no JSON: {proc.stdout[:300]!r} "
                               f"{proc.stderr[-500:]}") from None
    complaints = [line for line in proc.stderr.splitlines() if line.strip()]
    return Verdict(target, proc.returncode, {a["name"]: a for a in listed}, complaints, listed)


def loaded(case: Case, verdict: Verdict) -> list[str]:
    problems = [] if case.name in verdict.agents else [f"{verdict.tool} did not load {case.name!r}"]
    mine = [line for line in verdict.complaints if str(case.path) in line or f"`{case.name}`" in line]
    told = verdict.agents.get(case.name) or {}
    if told.get("config_error"):
        mine.append(f"config error: {told['config_error']}")
    return problems + [f"{verdict.tool} says: {line}" for line in mine if not _harmless(line)]


def _harmless(line: str) -> bool:
    """Offline only the judge's default model exists: Vibe says so of every other model."""
    return "is not available — running" in line


def fields(case: Case, verdict: Verdict) -> list[str]:
    told = verdict.agents[case.name]
    wrote = case.front_matter
    problems = []
    expected = {"description": wrote.get("description"), "model": wrote.get("model" if case.target == "codex"
                                                                          else "active_model")}
    if case.target == "codex":
        expected["model"] = expected["model"] or CODEX_INHERITED
        expected["reasoning_effort"] = wrote.get("model_reasoning_effort")
        said = {"description": told.get("description"), "model": told.get("model"),
                "reasoning_effort": told.get("reasoning_effort")}
        prompt = told.get("developer_instructions")
    else:
        for key in ("enabled_tools", "disabled_tools"):
            expected[key] = wrote.get(key)
        expected["tools"] = {n: s["permission"] for n, s in (wrote.get("tools") or {}).items()
                             if isinstance(s, dict) and "permission" in s} or None
        expected["agent_type"] = wrote.get("agent_type", "agent")
        said = {k: told.get(k if k != "model" else "model") for k in expected}
        prompt = told.get("instructions")
    # an empty description and none mean the same (Vibe reads a missing one as '')
    said["description"], expected["description"] = said["description"] or None, expected["description"] or None
    problems += [f"{k}: {verdict.tool} reads {said[k]!r}, agentconv wrote {expected[k]!r}"
                 for k in expected if said[k] != expected[k]]
    if _lf(prompt) != _lf(case.effect.prompt):
        problems.append(f"prompt: {verdict.tool} runs {_lf(prompt)[:60]!r}…, agentconv meant "
                        f"{_lf(case.effect.prompt)[:60]!r}…")
    return problems


def granted(case: Case, verdict: Verdict) -> list:
    """The canonical rules of the tool settings the tool read (Codex: the sandbox written)."""
    told = verdict.agents[case.name]
    if case.target == "codex":
        return case.effect.tools
    permissions = {n: p for n, p in (told.get("tools") or {}).items()}
    return vibe_dialect.parse_access(told.get("enabled_tools") or MISSING, told.get("disabled_tools") or MISSING,
                                     permissions)


def never_widens(case: Case, verdict: Verdict) -> list[str]:
    if case.name not in verdict.agents:
        return []
    target = get_dialect(case.target)
    wider = widenings(case.original.tools, granted(case, verdict), holds=target.holds_tool, accepted=False)
    always = target.always_grants
    return [f"{verdict.tool} grants {tool}{f' ({arg})' if arg else ''}, which the source does not allow"
            for tool, arg in wider if tool not in always]
