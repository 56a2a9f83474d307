"""Tools that name an agent by its file when ``name`` is absent (Augment, Junie): a fresh file
states the name; a file that was named by its path stays so while the path still names it."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from ..model import Agent
from ..paths import safe_segment
from .base import path_stem


class _Placed(Protocol):
    @property
    def extension(self) -> str: ...


def flat_file_name(dialect: _Placed, agent: Agent) -> str:
    """One file directly in the tool's agent folder (it does not walk sub-folders, or names an
    agent in one otherwise): a '/' of the name becomes '-' in the file name."""
    return safe_segment((agent.name or "agent").replace("/", "-")) + dialect.extension


class StemNamed:
    """Mixin for a ``MarkdownDialect`` whose tool takes the file stem for a missing ``name``."""

    layout: ClassVar[str]           # the dialect's, as Dialect declares them
    extension: ClassVar[str]

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path) if path else None

    def output_file_name(self, agent: Agent) -> str:
        return flat_file_name(self, agent)

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        block = getattr(trivia, "block", None)
        if block is not None and "name" not in block.values() and agent.name == self.name_from_path(path):
            agent = agent.model_copy(update={"name": None})
        # a mixin: the dialect class after it in the MRO writes
        text: str = super().write(agent, trivia, carry, path)     # type: ignore[misc]
        return text
