"""Tools that name an agent by its file when ``name`` is absent (Augment, Junie): a fresh file
states the name; a file that was named by its path stays so while the path still names it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from ..model import Agent
from ..paths import safe_segment
from .base import path_stem


def flat_output_path(dialect: Any, agent: Agent) -> PurePath:
    """One file directly in the tool's agent folder (it does not walk sub-folders, or names an
    agent in one otherwise): a '/' of the name becomes '-' in the file name."""
    return PurePath(dialect.layout) / (safe_segment((agent.name or "agent").replace("/", "-")) + dialect.extension)


class StemNamed:
    """Mixin for a ``MarkdownDialect`` whose tool takes the file stem for a missing ``name``."""

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path) if path else None

    def output_path(self, agent: Agent) -> PurePath:
        return flat_output_path(self, agent)

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        block = getattr(trivia, "block", None)
        if block is not None and "name" not in block.values() and agent.name == self.name_from_path(path):
            agent = agent.model_copy(update={"name": None})
        return super().write(agent, trivia, carry, path)     # type: ignore[misc]
