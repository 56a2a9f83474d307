"""What the judges see: the seeds, every fixture, a fixed stride through the shared corpus and
a few hand-written probes, each converted into every target that has a judge and written in
that tool's project layout."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import agentconv
from agentconv.api import to_dialect
from agentconv.losses import Loss
from agentconv.model import Agent
from agentconv.registry import dialect_names, get_dialect

from .probes import PROBES

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "fixtures"
TARGETS = ("claude", "opencode", "copilot", "gemini", "qwen")
#: every n-th corpus file by sorted path; the opencode and prose folders are small, so denser.
#: AGENTCONV_ORACLE_STRIDE=1 (as CI sets) judges every corpus file.
CORPUS_STRIDE = {"claude": 10, "opencode": 4, "prose": 4, "copilot": 6, "gemini": 4, "qwen": 4}


def _stride(dialect: str) -> int:
    import os
    forced = os.environ.get("AGENTCONV_ORACLE_STRIDE")
    return max(1, int(forced)) if forced and forced.isdigit() else CORPUS_STRIDE[dialect]
#: a file already in the target's dialect goes there and back (X→Y→X): identity would only
#: judge the source file, not agentconv
DETOUR = {"claude": "opencode", "opencode": "claude", "prose": "claude", "copilot": "claude", "gemini": "claude",
          "qwen": "claude", "opencode-json": "claude"}


@dataclass(frozen=True)
class Source:
    label: str              # shown in failures: "corpus/claude/…/x.md", "probe:no-tools"
    text: bytes
    path: str               # the path agentconv reads it under (detection, naming)
    dialect: str | None = None


def sources() -> list[Source]:
    return seeds() + fixtures() + corpus_sample() + probes()


def seeds() -> list[Source]:
    folder = SHARED / "seeds"
    return [_file_source(p, f"seeds/{p.name}", None) for p in _files(folder)]


def fixtures() -> list[Source]:
    known = set(dialect_names())
    out = []
    for p in _files(FIXTURES):
        rel = p.relative_to(FIXTURES)
        if "prompts" in rel.parts[1:]:          # a prompt file an agent names, not an agent
            continue
        dialect = rel.parts[0] if rel.parts[0] in known else None
        out.append(_file_source(p, f"fixtures/{rel.as_posix()}", dialect))
    return out


def corpus_sample() -> list[Source]:
    out = []
    for dialect in CORPUS_STRIDE:
        folder = SHARED / "corpus" / dialect
        out += [_file_source(p, f"corpus/{p.relative_to(folder.parent).as_posix()}", dialect)
                for p in _files(folder)[::_stride(dialect)]]
    return out


def probes() -> list[Source]:
    return [Source(f"probe:{name}", text.encode(), path, dialect) for name, dialect, path, text in PROBES]


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # tool folders such as .opencode/agent are content; hidden files and .git are not
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith(".") and ".git" not in p.relative_to(folder).parts)


def _file_source(path: Path, label: str, dialect: str | None) -> Source:
    return Source(label, path.read_bytes(), str(path), dialect)


@dataclass
class Case:
    """One output for one judge, with everything needed to say whether the judge agrees."""

    source: Source
    original: Agent          # the source's canonical agent, under its (unique) name
    target: str
    route: str               # "claude→opencode", or "claude→opencode→claude"
    path: PurePosixPath      # where the tool looks for it, relative to the project root
    text: str
    losses: list[Loss]

    @cached_property
    def effect(self) -> Agent:
        """What the output means with carried fields left out: what should be in effect."""
        return self._read().agent

    @cached_property
    def front_matter(self) -> dict[str, Any]:
        block = self.block
        return block.values() if block is not None else {}

    @property
    def block(self):
        """The parsed front matter with its spans (None for prose and body-only files)."""
        trivia = self._read().trivia
        members = getattr(trivia, "members", None)       # a container of one: its agent's object
        return members[0].block if members else getattr(trivia, "block", None)

    @property
    def name(self) -> str:
        return self.effect.name or ""

    @property
    def shown_name(self) -> str:
        """The name the tool lists the agent under (Copilot lists its display name)."""
        return (self.effect.display_name if self.target == "copilot" else None) or self.name

    @property
    def lost(self) -> set[str]:
        return {loss.field for loss in self.losses}

    @property
    def skipped_by_design(self) -> bool:
        """agentconv reported that the tool will skip this output (a required field is missing)."""
        return any(loss.kind == "required" for loss in self.losses)

    def _read(self):
        return get_dialect(self.target).read(self.text, str(self.path), apply_carry=False)

    def __str__(self) -> str:
        return f"{self.source.label} ({self.route}, {self.path})"


def build_cases(target: str, inputs: list[Source]) -> tuple[list[Case], list[str]]:
    """(cases, errors): one output per input, renamed where needed so that no two outputs
    share a name or a path (the tool would keep only one of them)."""
    cases: list[Case] = []
    errors: list[str] = []
    taken: set[str] = set()
    for src in inputs:
        try:
            docs = agentconv.each_agent(agentconv.loads(src.text, src.dialect, path=src.path))
        except agentconv.AgentconvError as exc:
            errors.append(f"{src.label} → {target}: {exc}")
            continue
        for doc in docs:               # a container file: one case per agent
            try:
                doc.agents[0] = _unique(doc.agent, get_dialect(target), taken)
                cases.append(_convert(src, doc, target))
            except agentconv.AgentconvError as exc:
                errors.append(f"{src.label} → {target}: {exc}")
    return cases, errors


def _unique(agent: Agent, target, taken: set[str]) -> Agent:
    base = agent.name or "agent"
    name, n = base, 1
    # a container holds every agent in its one file: only the names must differ; a tool that
    # lists agents by display name (Copilot: name, else display name) keeps one of two that
    # share the name it shows
    while name in taken or (agent.display_name is None and "shown:" + name in taken) or (
            not target.many_per_file and str(target.output_path(agent.model_copy(update={"name": name}))) in taken):
        n += 1
        name = f"{base}-{n}"
    renamed = agent if name == agent.name else agent.model_copy(update={"name": name})
    taken.update({name} if target.many_per_file else {name, str(target.output_path(renamed))})
    shown, n = agent.display_name, 1
    while shown is not None and "shown:" + shown in taken:
        n += 1
        shown = f"{agent.display_name} {n}"
    if shown != agent.display_name:
        renamed = renamed.model_copy(update={"display_name": shown})
    taken.add("shown:" + (shown if shown is not None else name))
    return renamed


#: target -> the widenings a judge's run accepts by name, as a user migrating there would
#: (Factory gives every droid Skill: without ``--accept-widening skill`` most agents are refused)
ACCEPT: dict[str, tuple[str, ...]] = {}


def _convert(src: Source, doc, target: str) -> Case:
    original = doc.agent
    if doc.dialect != target:
        path = PurePosixPath(get_dialect(target).output_path(original))
        text, losses = to_dialect(doc, target, path=path, accept_widening=ACCEPT.get(target, ()))
        return Case(src, original, target, f"{doc.dialect}→{target}", path, text, losses)
    via = DETOUR[target]
    mid_path = PurePosixPath(get_dialect(via).output_path(original))
    mid_text, first = to_dialect(doc, via, path=mid_path)
    mid = agentconv.loads(mid_text, via, path=str(mid_path))
    path = PurePosixPath(get_dialect(target).output_path(mid.agent))
    text, second = to_dialect(mid, target, path=path, accept_widening=ACCEPT.get(target, ()))
    return Case(src, original, target, f"{doc.dialect}→{via}→{target}", path, text, first + second)


def write_project(cases: list[Case], root: Path) -> Path:
    for case in cases:
        out = root / case.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(case.text.encode("utf-8"))
    return root
