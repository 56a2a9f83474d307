"""Typed errors. Every error a user can cause is an AgentconvError and renders as
``path:line:col: message`` followed by ``hint: ...``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .losses import Loss


class AgentconvError(Exception):
    """Base class: carries where the problem is and what to do about it."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint

    def located(self, path: str | None) -> AgentconvError:
        """Fill in the path when the error was raised before the caller knew it."""
        if self.path is None and path is not None:
            self.path = str(path)
        return self

    @property
    def location(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"type": type(self).__name__, "message": self.message, "path": self.path,
                "line": self.line, "column": self.column, "hint": self.hint}


class ParseError(AgentconvError):
    """The text is not a well-formed file of the dialect."""


class SchemaError(AgentconvError):
    """The text parses, but a field has a value the dialect does not allow."""


class UnknownDialectError(AgentconvError):
    """A dialect name that is not registered."""

    def __init__(self, name: str, known: Iterable[str]):
        known = sorted(known)
        import difflib
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known dialects: {', '.join(known)}"
        super().__init__(f"unknown dialect {name!r}", hint=hint)
        self.name = name


class DetectionError(AgentconvError):
    """The dialect of a file cannot be told from its path and content."""

    def __init__(self, message: str, *, candidates: Iterable[str] = (), path: str | None = None):
        self.candidates = list(candidates)
        hint = "pass the dialect explicitly (--from DIALECT / dialect=...)"
        if self.candidates:
            hint = f"it could be {' or '.join(self.candidates)}; " + hint
        super().__init__(message, path=path, hint=hint)


class LossError(AgentconvError):
    """Raised under on_loss="raise" (CLI --strict) when a conversion loses anything."""

    def __init__(self, losses: Iterable[Loss], *, path: str | None = None):
        self.losses = list(losses)
        fields = ", ".join(sorted({l.field for l in self.losses}))
        super().__init__(f"{len(self.losses)} field(s) cannot be expressed exactly: {fields}",
                         path=path, hint="drop --strict / on_loss='raise' to convert anyway; "
                                         "the losses are listed in the report")


class OutputExistsError(AgentconvError):
    """Refusing to overwrite an existing file."""

    def __init__(self, path: str):
        super().__init__("output file already exists", path=str(path),
                         hint="pass --force (overwrite=True) to replace it")


class WideningError(AgentconvError):
    """The target cannot say the agent's tool access without granting more than the source
    did (a tool that gives every agent every tool): refused, unless the widening is accepted."""


class MultipleAgentsError(AgentconvError):
    """A single agent was asked for, but the document holds several (or none)."""


class MissingReferenceError(AgentconvError):
    """A prompt lives in a file the agent refers to, and that file could not be read."""


class ConfigError(AgentconvError):
    """The configuration (``[tool.agentconv]`` of pyproject.toml, or agentconv.toml) is not
    valid TOML, or holds a key, a type or a dialect agentconv does not know."""
