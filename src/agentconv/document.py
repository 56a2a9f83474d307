"""Document: the agents of one file plus everything about how the file was written."""

from __future__ import annotations

from typing import Any

from .errors import MultipleAgentsError
from .losses import Diagnostic, Loss
from .model import Agent
from .record import Field, Record


class Document(Record):
    """One file: its agents, its dialect and its trivia.

    ``trivia`` is the dialect's record of the source text (spans, quoting, newline style). It
    takes no part in equality: two documents that mean the same compare equal.
    """

    agents: list[Agent] = Field(default_factory=list)
    dialect: str | None = None
    path: str | None = None
    losses: list[Loss] = Field(default_factory=list)
    warnings: list[Diagnostic] = Field(default_factory=list)
    trivia: Any = Field(default=None, exclude=True, repr=False)
    #: byte-level facts of the source file, restored on a same-dialect write
    encoding: str = Field(default="utf-8", exclude=True, repr=False)
    bom: bool = Field(default=False, exclude=True, repr=False)
    #: fields taken back from the file's agentconv comment (canonical names, ``native.KEY``)
    restored: list[str] = Field(default_factory=list)
    #: fields that comment holds but were not taken back, with the reason (see carry.py)
    refused: list[tuple[str, str]] = Field(default_factory=list)
    #: how the agent was formatted in other dialects (dialect -> hints), from a carry comment
    style: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)

    @property
    def agent(self) -> Agent:
        """The only agent of the document; an error when there are none or several."""
        if len(self.agents) != 1:
            raise MultipleAgentsError(f"the document holds {len(self.agents)} agents, not one",
                                      path=self.path, hint="iterate over Document.agents")
        return self.agents[0]

    def __eq__(self, other: object) -> bool:
        if type(other).__name__ != "Document" or not hasattr(other, "agents"):
            return NotImplemented
        # a Document or its public twin (same name, same fields)
        theirs: Any = other
        return bool(self.agents == theirs.agents and self.dialect == theirs.dialect)

    __hash__ = None  # type: ignore[assignment]  # unhashable, like a pydantic model
