"""The agents the capability matrix converts: every shipped fixture of a dialect, and the probe
agents of ``expressible.PROBES`` written into that dialect and read back as its files (so that
each dialect is measured on what it can hold, also where no fixture sets a field)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import AgentconvError
from ..expressible import PROBES

#: what every probe agent is besides its one meaning (a prompt long enough for every tool to run it)
PLAIN_PROBE: dict[str, Any] = {"name": "probe", "description": "Probes one meaning.",
                               "prompt": "You probe one meaning of an agent definition."}


@dataclass(frozen=True)
class Sample:
    """One agent of one dialect, as a file of that dialect reads."""

    source: str          # the dialect
    origin: str          # "fixtures/claude/maximal.md" or "probe agent 2"
    doc: Document


def fixture_samples(fixtures: Path, dialect: str) -> list[Sample]:
    """Each agent of each fixture of ``dialect`` (``fixtures/<dialect>/``), in path order."""
    from ..api import each_agent, load
    from ..promptref import project_root
    root = fixtures / dialect
    out: list[Sample] = []
    for path in _agent_files(root):
        with project_root(str(root)):
            doc = load(str(path), dialect)
        origin = path.relative_to(fixtures.parent).as_posix()
        out += [Sample(dialect, origin, part) for part in each_agent(doc)]
    return out


def _agent_files(root: Path) -> list[Path]:
    # a prompt file an agent refers to (prompts/NAME.md) is part of that agent, not one of its own
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and "prompts" not in p.relative_to(root).parts[:-1])


def probe_groups() -> list[dict[str, Any]]:
    """The probes merged into as few agents as hold each canonical field once (greedy, in
    PROBES order): fewer conversions, every probe still measured."""
    groups: list[dict[str, Any]] = []
    for _, fields in PROBES:
        home = next((g for g in groups if not set(g) & set(fields)), None)
        if home is None:
            groups.append(dict(fields))
        else:
            home.update(fields)
    return groups


def probe_samples(dialect: str) -> list[Sample]:
    """Each probe group written into ``dialect`` (without a carry) and read back from there; a
    group the dialect refuses is tried again without its tool rules."""
    out: list[Sample] = []
    for number, fields in enumerate(probe_groups(), 1):
        doc = _written_into(dialect, fields) or _written_into(dialect, {k: v for k, v in fields.items()
                                                                        if k != "tools"})
        if doc is not None:
            out.append(Sample(dialect, f"probe agent {number}", doc))
    return out


def _written_into(dialect: str, fields: dict[str, Any]) -> Document | None:
    from ..api import to_dialect
    from ..model import Agent
    from ..registry import get_dialect
    agent = Agent.model_validate({**PLAIN_PROBE, **fields})
    target = get_dialect(dialect)
    path = str(target.output_path(agent))
    try:
        text, _ = to_dialect(Document(agents=[agent]), dialect, carry=False, path=path)
        return target.read(text, path)
    except AgentconvError:
        return None
