"""Shared paths and settings for the test suite.

``../shared`` (corpus, seeds, oracles) lives beside the repository; tests that need it skip
cleanly when it is absent, so a bare clone still runs green.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
DIALECTS = ("claude", "opencode", "prose", "copilot", "deepagents", "augment", "cline", "junie", "cursor",
            "factory", "kiro-ide", "trae", "gemini", "qwen", "antigravity", "codex", "vibe")


def fixture_files(dialect: str | None = None) -> list[Path]:
    """The shipped hand-written fixtures, sorted, optionally of one dialect."""
    roots = [FIXTURES / d for d in ([dialect] if dialect else DIALECTS)]
    # a prompt file an agent refers to (Vibe's .vibe/prompts/ID.md) is no agent of its own
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".md", ".txt", ".yaml", ".toml")
                  and p.is_file() and "prompts" not in p.relative_to(root).parts[:-1])


def fixture_id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


@pytest.fixture(autouse=True)
def _losses_are_data_not_noise():
    """Conversions warn about each loss by default; tests check losses as data instead."""
    from agentconv import LossWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossWarning)
        yield
