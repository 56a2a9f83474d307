"""Does ``check --for TOOL`` say what the real tool does, file by file? Each corpus file (and
each crafted probe) is put in a project as it is, the real client loads the project, and
the tool's verdict (loaded or not), the description it read, the values it dropped and the
keys it forwarded are compared with agentconv's reading model (``agentconv.toolread``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import agentconv
from agentconv.toolread import DROPS, FORWARDS, LOADS, ToolReading

from . import judges


@dataclass
class Agreement:
    tool: str
    verdicts: Counter = field(default_factory=Counter)     # our verdict -> files, where the tool agreed
    disagreements: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items()))
        total = sum(self.verdicts.values()) + len(self.disagreements)
        return (f"check --for {self.tool} vs {self.tool} {judges.client_version(self.tool)}: {total} files, "
                f"agreed on {sum(self.verdicts.values())} ({counts}), {len(self.disagreements)} disagree")


def _verdict(reading: ToolReading) -> str:
    return "misreads" if reading.verdict == LOADS and reading.fails else reading.verdict


# -- Claude Code ------------------------------------------------------------------------------

_NAME_LINE = re.compile(r"""(?m)^["']?name["']?[ \t]*:[ \t]*["']?(.*?)["']?[ \t]*\r?$""")


def _declared(reading: ToolReading, text: str) -> str | None:
    """The name Claude Code would list the file under (to tell files apart in one project)."""
    name = reading.values.get("name")
    if isinstance(name, str):
        return name
    match = _NAME_LINE.search(text.split("\n---", 1)[0])
    return match.group(1) if match else None


def claude_agreement(files: list[tuple[str, str]], root: Path) -> Agreement:
    """``files``: (label, text). Files sharing a name go to separate projects."""
    result = Agreement("claude")
    builtin = set(judges.claude_listing(_project(root / "empty", [])).agents)
    readings = [(label, text, agentconv.check_for("claude", text)) for label, text in files]
    batches: list[list[tuple[str, str, ToolReading, str | None]]] = []
    for label, text, reading in readings:
        name = _declared(reading, text)
        batch = next((b for b in batches if name is None or all(n != name for *_, n in b)), None)
        if batch is None:
            batch = []
            batches.append(batch)
        batch.append((label, text, reading, name))
    for i, batch in enumerate(batches):
        project = _project(root / f"claude-{i}", [(".claude/agents", text) for _, text, *_ in batch])
        listing = judges.claude_listing(project)
        expected = {name for *_, name in batch}
        for j, (label, _, reading, name) in enumerate(batch):
            problems = _claude_file(reading, name, listing, f".claude/agents/{j:03d}.md")
            _tally(result, label, reading, problems)
        strays = set(listing.agents) - builtin - expected
        result.disagreements += [f"claude loaded an agent no file was read as: {s!r}" for s in sorted(strays)]
    return result


def _claude_file(reading: ToolReading, name: str | None, listing: judges.ClaudeListing, where: str) -> list[str]:
    loaded = name is not None and name in listing.agents
    if loaded != (reading.verdict == LOADS):
        said = [line for line in listing.log if where in line]
        return [f"agentconv says {reading.verdict}, claude {'loaded' if loaded else 'did not load'} it {said}"]
    if not loaded:
        return []
    problems = []
    ours = reading.values["description"].replace("\\n", "\n")
    if listing.agents[name] != ours:
        problems.append(f"description: agentconv says claude reads {ours[:60]!r}, claude read "
                        f"{(listing.agents[name] or '')[:60]!r}")
    theirs = {m.group(1) for line in listing.log if where in line
              for m in [re.search(r"has invalid (\w+)", line)] if m}
    dropped = {f.key for f in reading.findings if f.kind == DROPS and f.key != "color"}   # colour: silently
    if theirs != dropped:
        problems.append(f"dropped values: agentconv says {sorted(dropped)}, claude logged {sorted(theirs)}")
    return problems


# -- opencode ---------------------------------------------------------------------------------

def opencode_agreement(files: list[tuple[str, str]], root: Path) -> Agreement:
    """Files opencode should load share one project; any file it should reject (it stops
    the whole project) gets a project of its own."""
    result = Agreement("opencode")
    readings = [(label, text, agentconv.check_for("opencode", text)) for label, text in files]
    loading = [r for r in readings if r[2].verdict == LOADS]
    told = judges.judge("opencode", _project(root / "opencode", [(".opencode/agent", t) for _, t, _ in loading]))
    if not told.agents:                      # one of them stopped the project: judge each alone
        alone = [(r, judges.judge("opencode", _project(root / f"opencode-{i}", [(".opencode/agent", r[1])])))
                 for i, r in enumerate(loading)]
    else:
        alone = [(r, told) for r in loading]
    for j, ((label, _, reading), verdict) in enumerate(alone):
        key = f"{j:03d}" if told.agents else "000"
        _tally(result, label, reading, _opencode_file(reading, verdict.agents.get(key)))
    for i, (label, text, reading) in enumerate(r for r in readings if r[2].verdict != LOADS):
        verdict = judges.judge("opencode", _project(root / f"opencode-rejects-{i}", [(".opencode/agent", text)]))
        problems = [] if not verdict.agents else [f"agentconv says {reading.verdict}, opencode loaded it"]
        _tally(result, label, reading, problems)
    return result


def _opencode_file(reading: ToolReading, agent: dict | None) -> list[str]:
    if agent is None:
        return [f"agentconv says {reading.verdict}, opencode did not load it"]
    problems = []
    ours = reading.values.get("description")
    if agent.get("description") != ours:
        problems.append(f"description: agentconv says opencode reads {ours!r}, "
                        f"opencode read {agent.get('description')!r}")
    if (agent.get("prompt") or "").strip() != reading.prompt:
        problems.append(f"prompt: agentconv says opencode reads {reading.prompt[:50]!r}, "
                        f"opencode read {(agent.get('prompt') or '')[:50]!r}")
    forwarded = {f.key for f in reading.findings if f.kind == FORWARDS}
    if set(agent.get("unknown_keys") or {}) != forwarded:
        problems.append(f"forwarded keys: agentconv says {sorted(forwarded)}, opencode kept "
                        f"{sorted(agent.get('unknown_keys') or {})}")
    return problems


# -- GitHub Copilot ---------------------------------------------------------------------------

def copilot_agreement(files: list[tuple[str, str]], root: Path) -> Agreement:
    """A file the CLI rejects leaves the others loaded, so files share a project, one per set
    of distinct names (the CLI lists an agent under its `name`, or its file name)."""
    result = Agreement("copilot")
    batches: list[list[tuple[str, str, ToolReading, str]]] = []
    for label, text in files:
        reading = agentconv.check_for("copilot", text)
        batch = next((b for b in batches if all(n != _shown(reading, len(b)) for *_, n in b)), None)
        if batch is None:
            batch = []
            batches.append(batch)
        batch.append((label, text, reading, _shown(reading, len(batch))))
    for i, batch in enumerate(batches):
        told = judges.judge("copilot", _project(root / f"copilot-{i}", [(".github/agents", t) for _, t, *_ in batch]))
        for j, (label, _, reading, name) in enumerate(batch):
            said = [c for c in told.complaints if f".github/agents/{j:03d}.md:" in c]
            _tally(result, label, reading, _copilot_file(reading, told.agents.get(name), said))
    return result


def _shown(reading: ToolReading, index: int) -> str:
    name = reading.values.get("name")
    return name if isinstance(name, str) else f"{index:03d}"


def _copilot_file(reading: ToolReading, agent: dict | None, said: list[str]) -> list[str]:
    loaded = agent is not None and not any("copilot error:" in line for line in said)
    if loaded != (reading.verdict == LOADS):
        return [f"agentconv says {reading.verdict}, copilot {'loaded' if loaded else 'did not load'} it {said}"]
    if not loaded:
        return []
    ours = reading.values.get("description")
    if agent.get("description") != ours:
        return [f"description: agentconv says copilot reads {ours!r}, copilot read {agent.get('description')!r}"]
    return []


# -- shared -----------------------------------------------------------------------------------

def _project(root: Path, files: list[tuple[str, str]]) -> Path:
    for i, (folder, text) in enumerate(files):
        out = root / folder / f"{i:03d}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(text.encode("utf-8"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _tally(result: Agreement, label: str, reading: ToolReading, problems: list[str]) -> None:
    if problems:
        result.disagreements += [f"{label} ({_verdict(reading)}): {p}" for p in problems]
    else:
        result.verdicts[_verdict(reading)] += 1


# -- Gemini CLI and Qwen Code -------------------------------------------------------------------

def gemini_agreement(files: list[tuple[str, str]], root: Path) -> Agreement:
    """One project: Gemini CLI's loader keeps every file it accepts (it names none after
    another) and says which file each agent came from."""
    result = Agreement("gemini")
    readings = [(label, text, agentconv.check_for("gemini", text)) for label, text in files]
    told = judges.judge("gemini", _project(root / "gemini", [(".gemini/agents", t) for _, t, _ in readings]))
    by_file = {a["file"]: a for a in told.listed if a.get("file")}
    for i, (label, _, reading) in enumerate(readings):
        agent = by_file.get(f"{i:03d}.md")
        _tally(result, label, reading, _gemini_file(reading, agent))
    return result


def _gemini_file(reading: ToolReading, agent: dict | None) -> list[str]:
    if (agent is not None) != (reading.verdict == LOADS):
        return [f"agentconv says {reading.verdict}, gemini {'loaded' if agent else 'did not load'} it"]
    if agent is not None and agent.get("description") != reading.values.get("description"):
        return [f"description: agentconv says gemini reads {reading.values.get('description')!r}, "
                f"gemini read {agent.get('description')!r}"]
    return []


def qwen_agreement(files: list[tuple[str, str]], root: Path) -> Agreement:
    """Qwen Code lists one agent per name: files share a project, one per set of distinct names;
    the judge shows the first line of each description."""
    result = Agreement("qwen")
    batches: list[list[tuple[str, str, ToolReading, str | None]]] = []
    for label, text in files:
        reading = agentconv.check_for("qwen", text)
        name = reading.values.get("name")
        name = str(name) if name is not None else None
        batch = next((b for b in batches if name is None or all(n != name for *_, n in b)), None)
        if batch is None:
            batch = []
            batches.append(batch)
        batch.append((label, text, reading, name))
    for i, batch in enumerate(batches):
        told = judges.judge("qwen", _project(root / f"qwen-{i}", [(".qwen/agents", t) for _, t, *_ in batch]))
        for label, _, reading, name in batch:
            _tally(result, label, reading, _qwen_file(reading, told.agents.get(name) if name else None))
    return result


def _qwen_file(reading: ToolReading, agent: dict | None) -> list[str]:
    if (agent is not None) != (reading.verdict == LOADS):
        return [f"agentconv says {reading.verdict}, qwen {'loaded' if agent else 'did not load'} it"]
    ours = str(reading.values.get("description", "")).split("\n")[0]
    if agent is not None and agent.get("description") not in (None, ours):
        return [f"description: agentconv says qwen reads {ours!r}, qwen read {agent.get('description')!r}"]
    return []
