"""Tools that name an agent by its file when ``name`` is absent (Augment, Junie): a fresh file
states the name; a file that was named by its path stays so while the path still names it."""

from __future__ import annotations

from typing import Any

from ..model import Agent
from .base import path_stem


class StemNamed:
    """Mixin for a ``MarkdownDialect`` whose tool takes the file stem for a missing ``name``."""

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path) if path else None

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        block = getattr(trivia, "block", None)
        if block is not None and "name" not in block.values() and agent.name == self.name_from_path(path):
            agent = agent.model_copy(update={"name": None})
        return super().write(agent, trivia, carry, path)     # type: ignore[misc]
