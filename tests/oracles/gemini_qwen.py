"""The Gemini CLI and Qwen Code judges' checks. Gemini CLI's shared script prints each agent as
its own loader built it (tools, model, temperature, turns, prompt). Qwen Code's shared script
shows only names and descriptions, so a probe of our own goes further: a throw-away session
whose mock model spawns every agent once, and each sub-agent's first request shows the tools
and the model Qwen Code really gave it."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentconv.access import widenings
from agentconv.dialects import gemini as gemini_dialect
from agentconv.dialects import qwen as qwen_dialect
from agentconv.model import ToolRule, normalise_rules

from . import judges
from .judges import JudgeUnavailable, Verdict
from .sample import Case
from .verdict import _access_mismatch, _mismatch

MOCK = Path(__file__).with_name("qwen_mock.py")
_ALL = [ToolRule(tool="*", action="allow")]
_MARK = "agentconv-oracle-probe:"
#: tools Qwen Code gives every sub-agent of its own accord, whatever its file says
_ALWAYS = {"structured_output"}


# -- Gemini CLI ---------------------------------------------------------------------------------

def gemini_rules(tools: Any) -> list[ToolRule] | None:
    """The loader's tool list as rules (None: every tool)."""
    return _ALL if tools is None else gemini_dialect.parse_tools(tools)


def gemini_fields(case: Case, verdict: Verdict) -> list[str]:
    told = verdict.agents[case.shown_name]
    meant = case.effect
    model = told.get("model")
    return (_mismatch("description", "Gemini CLI", told.get("description"), case.front_matter.get("description"))
            + _mismatch("model", "Gemini CLI", model and gemini_dialect.canonical_model(model), meant.model)
            + _access_mismatch("tools", "Gemini CLI", gemini_rules(told.get("tools")), meant.tools or _ALL)
            + _mismatch("temperature", "Gemini CLI", told.get("temperature"), 1 if meant.temperature is None
                        else meant.temperature)
            + _mismatch("max_turns", "Gemini CLI", told.get("max_turns"), meant.max_turns or 30)
            + _mismatch("prompt", "Gemini CLI", (told.get("prompt") or "").replace("\r\n", "\n"),
                        (meant.prompt or "").strip()))


def gemini_never_widens(case: Case, verdict: Verdict) -> list[str]:
    told = verdict.agents.get(case.shown_name)
    if told is None:
        return [f"Gemini CLI loaded no agent {case.shown_name!r}"]
    rules = gemini_rules(told.get("tools"))
    if rules is None:
        return [f"Gemini CLI reports tools agentconv cannot read: {told.get('tools')!r}"]
    return [f"Gemini CLI allows {tool}({arg or ''}), which the source does not"
            for tool, arg in widenings(case.original.tools, rules)]


# -- Qwen Code ----------------------------------------------------------------------------------

@dataclass
class QwenSession:
    granted: dict[str, list[str]]        # agent name -> tools Qwen Code sent the model for it
    models: dict[str, str]               # agent name -> the model its request asked for
    main_model: str                      # the session's own model (what "inherit" is)


def qwen_session(project: Path, names: list[str]) -> QwenSession:
    """Run every named sub-agent once (Qwen Code 0.24.x, offline, a mock OpenAI endpoint); the
    few a session of 100+ parallel calls did not start get a second session of their own."""
    session = _one_session(project, names)
    missing = [n for n in names if n not in session.granted]
    if missing:
        again = _one_session(project, missing)
        session.granted.update(again.granted)
        session.models.update(again.models)
    return session


def _one_session(project: Path, names: list[str]) -> QwenSession:
    with tempfile.TemporaryDirectory(prefix="oracle-qwen-tools.") as tmp:
        work = Path(tmp)
        proj, env = judges._sandbox(work, project)
        (work / "names.json").write_text(json.dumps(names), encoding="utf-8")
        capture = work / "requests.jsonl"
        mock = subprocess.Popen([sys.executable, str(MOCK), str(capture), str(work / "names.json")],
                                stdout=subprocess.PIPE, text=True)
        try:
            port = mock.stdout.readline().strip()
            env.update(OPENAI_API_KEY="dummy-offline-oracle", OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1",
                       OPENAI_MODEL="mock-model")
            for key in ("DASHSCOPE_API_KEY", "QWEN_API_KEY"):
                env.pop(key, None)
            proc = subprocess.run([str(judges._binary("qwen")), "-p", "hi", "--auth-type", "openai", "--yolo",
                                   "--output-format", "stream-json"], cwd=proj, env=env, capture_output=True,
                                  text=True, timeout=120 + 2 * len(names), stdin=subprocess.DEVNULL)
        finally:
            mock.terminate()
            mock.wait(timeout=10)
        if not capture.exists():
            raise JudgeUnavailable(f"qwen sent no request to the mock (exit {proc.returncode}): {proc.stderr[-800:]}")
        return _session(capture.read_text(encoding="utf-8"))


def _session(capture: str) -> QwenSession:
    session = QwenSession({}, {}, "mock-model")
    for line in capture.splitlines():
        request = json.loads(line)
        text = json.dumps(request.get("messages", []))
        start = text.find(_MARK)
        if start < 0 or any(m.get("role") == "tool" for m in request.get("messages", [])):
            continue
        name = text[start + len(_MARK):].split(":end", 1)[0]
        session.granted.setdefault(name, sorted((t.get("function") or t).get("name") for t in request.get("tools", [])))
        session.models.setdefault(name, request.get("model"))
    return session


def qwen_rules(granted: list[str]) -> list[ToolRule]:
    """The tools a sub-agent got, as an allow-list (a tool agentconv has no name for counts too)."""
    return normalise_rules([ToolRule(tool="*", action="deny"),
                            *(ToolRule(tool=qwen_dialect.TOOLS.canonical(n)) for n in granted if n not in _ALWAYS)])


def qwen_fields(case: Case, verdict: Verdict, session: QwenSession, baseline: set[str]) -> list[str]:
    """The description the main session lists (its first line: the script reads one), the model
    the sub-agent ran with and its tools: nothing the file does not grant, and, among the tools
    this build has (``baseline``: what an unrestricted agent gets), nothing less."""
    told = verdict.agents[case.name]
    meant = case.effect
    description = str(case.front_matter.get("description", "")).split("\n")[0]
    problems = _mismatch("description", "Qwen Code", told.get("description"), description)
    if case.name not in session.granted:
        return problems + [f"Qwen Code did not run agent {case.name!r}"]
    ran = session.models.get(case.name)
    problems += _mismatch("model", "Qwen Code", None if ran == session.main_model else ran,
                          qwen_dialect.qwen_model(meant.model))
    granted = set(session.granted[case.name]) - _ALWAYS
    expected = {t for t in baseline if _allows(meant.tools, t)}
    return problems + _mismatch("tools", "Qwen Code", sorted(granted), sorted(expected))


def _allows(rules: list[ToolRule], name: str) -> bool:
    from agentconv.access import power_action
    canon = qwen_dialect.TOOLS.canonical(name)
    return power_action(rules, canon) == "allow" and power_action(rules, canon, "zz-unmatched-argument") == "allow"


def qwen_never_widens(case: Case, session: QwenSession) -> list[str]:
    granted = session.granted.get(case.name)
    if granted is None:
        return [f"Qwen Code ran no agent {case.name!r}"]
    return [f"Qwen Code gives {tool}({arg or ''}), which the source does not allow"
            for tool, arg in widenings(case.original.tools, qwen_rules(granted))]
