"""The real Claude Code as judge of claude-json outputs: `claude --agents JSON`, offline.

Every judged source (fixtures, seeds, probes, a stride through the corpus) is converted agent by
agent into claude-json, the agents are joined into --agents values (one bad agent fails the
whole value, so each value is judged as a whole) and handed to the pinned client, which runs
against the loopback mock of the Messages API (claude_mock.py) that spawns every agent once.
The `initialize` control response says what it loaded (name, description, model), the spawned
sub-agents' requests what tools it granted (the agent list prints `[]` as "All tools")."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

import agentconv
from agentconv.registry import get_dialect

from . import judges, sample
from .judges import ClaudeSession, JudgeUnavailable, Verdict

TARGET = "claude-json"
#: an --agents value stays well under Linux's limit for one argument (128 KiB)
MAX_VALUE = 96 * 1024


def build_cases(inputs: list[sample.Source]) -> tuple[list[sample.Case], list[str]]:
    """One case per agent of every input, named uniquely across the run."""
    cases, errors, taken = [], [], set()
    dialect = get_dialect(TARGET)
    for src in inputs:
        try:
            docs = agentconv.each_agent(agentconv.loads(src.text, src.dialect, path=src.path))
        except agentconv.AgentconvError as exc:
            errors.append(f"{src.label} → {TARGET}: {exc}")
            continue
        for doc in docs:
            try:
                agent = _unique(doc.agent, taken)
                doc = doc.model_copy(update={"agents": [agent]})
                path = PurePosixPath(dialect.output_path(agent))
                # a claude-json source is written afresh: its own bytes would only judge the file
                text, losses = agentconv.to_dialect(doc if doc.dialect != TARGET else _fresh(doc), TARGET, path=path)
                cases.append(sample.Case(src, agent, TARGET, f"{doc.dialect}→{TARGET}", path, text, losses))
            except agentconv.AgentconvError as exc:
                errors.append(f"{src.label} → {TARGET}: {exc}")
    return cases, errors


def _unique(agent, taken: set[str]):
    base = agent.name or "agent"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return agent if name == agent.name else agent.model_copy(update={"name": name})


def _fresh(doc):
    return doc.model_copy(update={"trivia": None, "dialect": None})


def values(cases: list[sample.Case]) -> list[tuple[str, list[sample.Case]]]:
    """The cases joined into --agents values of at most MAX_VALUE characters each."""
    dialect = get_dialect(TARGET)
    out, chunk, size = [], [], 0
    for case in cases:
        if chunk and size + len(case.text) > MAX_VALUE:
            out.append((dialect.join([c.text for c in chunk]), chunk))
            chunk, size = [], 0
        chunk.append(case)
        size += len(case.text)
    if chunk:
        out.append((dialect.join([c.text for c in chunk]), chunk))
    return out


def judge(value: str, names: list[str]) -> tuple[Verdict, ClaudeSession]:
    """One run of `claude --agents VALUE` in an empty project: what it loaded and granted."""
    with tempfile.TemporaryDirectory(prefix="oracle-claude-agents.") as tmp:
        work = Path(tmp)
        (work / "empty").mkdir()       # a project with one commit: `isolation: worktree` needs one
        (work / "empty" / "README.md").write_text("A project without agent files.\n", encoding="utf-8")
        proj, env = judges._sandbox(work, work / "empty")
        capture, debug = work / "requests.jsonl", work / "debug.log"
        mock = judges.start_claude_mock(work, names, capture, env)
        try:
            stdin = "".join(json.dumps(m) + "\n" for m in (
                {"type": "control_request", "request_id": "list", "request": {"subtype": "initialize"}},
                {"type": "user", "message": {"role": "user", "content": "hi"}}))
            proc = subprocess.run([str(judges._binary("claude")), "-p", "--input-format", "stream-json",
                                   "--output-format", "stream-json", "--verbose", "--agents", value,
                                   "--debug-file", str(debug)],
                                  cwd=proj, env=env, input=stdin, capture_output=True, text=True, timeout=600)
        finally:
            mock.terminate()
            mock.wait(timeout=10)
        complaints = [line for line in proc.stderr.splitlines() if line.strip()]
        loaded = _loaded(proc.stdout)
        if loaded is None:
            if "Invalid --agents" in proc.stderr or "agents" in proc.stderr.lower():
                return Verdict("claude", proc.returncode, {}, complaints), ClaudeSession({}, "")
            raise JudgeUnavailable(f"claude gave no initialize response (exit {proc.returncode}): {proc.stderr[-800:]}")
        session = judges._session(capture.read_text(encoding="utf-8")) if capture.exists() else ClaudeSession({}, "")
        return Verdict("claude", proc.returncode, loaded, complaints), session


def _loaded(stdout: str) -> dict[str, dict] | None:
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") == "control_response" and event["response"].get("request_id") == "list":
            return {a["name"]: a for a in event["response"].get("response", {}).get("agents", [])}
    return None
