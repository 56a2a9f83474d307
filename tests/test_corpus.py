"""Sweep over the real-world corpus and the seeds in ../shared (skipped when absent):
identity byte for byte, seed detection, and X→Y→X trips that give back the same agent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import DIALECTS, SHARED
from helpers import canonical_diff, loss_heads, refuses, round_trip

import agentconv
from agentconv.access import widenings
from agentconv.registry import get_dialect

CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SEED_DIALECTS = {"000": "prose", "001": "opencode", "002": "claude", "003": "claude", "004": "opencode"}


def _walk(root: Path) -> list[Path]:
    # os.walk, not glob: real layouts hide agents in dot folders (.opencode/agents, .claude/agents)
    return sorted(Path(folder) / name for folder, _, names in os.walk(root) for name in names)


def corpus_cases() -> list:
    cases = [pytest.param(path, dialect, id=f"{dialect}/{path.relative_to(CORPUS / dialect).as_posix()}")
             for dialect in DIALECTS for path in _walk(CORPUS / dialect)]
    cases += [pytest.param(path, SEED_DIALECTS[path.name[:3]], id=f"seeds/{path.name}")
              for path in _walk(SEEDS) if path.name[:3] in SEED_DIALECTS]
    return cases or [pytest.param(None, None, id="no-shared-corpus")]


CASES = corpus_cases()


def _require(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"no corpus at {SHARED}: the shared research folder is not beside the repository")


@pytest.mark.parametrize("path, dialect", CASES)
def test_identity_is_byte_exact(path, dialect):
    _require(path)
    data = path.read_bytes()
    doc = agentconv.loads(data, dialect, path=str(path))
    assert agentconv.dumps(doc).encode(doc.encoding) == data


@pytest.mark.parametrize("path, dialect", CASES)
def test_detects_as_its_folder(path, dialect):
    _require(path)
    assert agentconv.detect(path.read_text(encoding="utf-8"), str(path)) == dialect


@pytest.mark.parametrize("seed, dialect", [(n, d) for n, d in SEED_DIALECTS.items()])
def test_seed_detection(seed, dialect):
    matches = sorted(SEEDS.glob(f"{seed}_*")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {seed} not found under {SEEDS}")
    text = matches[0].read_text(encoding="utf-8")
    assert agentconv.detect(text, str(matches[0])) == dialect
    assert agentconv.loads(text, path=matches[0]).dialect == dialect


@pytest.mark.parametrize("path, dialect", CASES)
def test_trip_through_every_other_dialect_gives_the_agent_back(path, dialect):
    _require(path)
    doc = agentconv.load(path, dialect)
    for via in DIALECTS:
        if via == dialect or refuses(doc, via):
            continue
        back, losses = round_trip(doc, via)
        # a field its own tool requires and the file lacks comes back filled in (reported)
        missing = [f for f in agentconv.get_dialect(dialect).required if getattr(doc.agent, f) is None]
        diff = canonical_diff(doc.agent, back.agent, ignore=missing)
        unreported = set(diff) - loss_heads(losses)
        assert not unreported, f"{dialect}→{via}→{dialect} changed fields no loss names: {unreported}"
        assert not diff, f"{dialect}→{via}→{dialect}: the carry comment did not restore {sorted(diff)}"


@pytest.mark.parametrize("path, dialect", CASES)
def test_conversion_never_widens_tool_access(path, dialect):
    _require(path)
    doc = agentconv.load(path, dialect)
    for target in ("claude", "opencode", "copilot"):
        if target == dialect or refuses(doc, target):
            continue
        text, _ = agentconv.to_dialect(doc, target, carry=False)
        written = agentconv.loads(text, target).agent
        assert widenings(doc.agent.tools, written.tools, holds=get_dialect(target).holds_tool) == [], \
            f"{dialect}→{target} widens access"
