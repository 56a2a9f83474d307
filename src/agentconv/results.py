"""What a batch run returns: one result per file, running totals, the whole run's report."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from .errors import AgentconvError
from .losses import Diagnostic, Loss
from .record import Field, Record
from .structs import field, struct

Status = Literal["converted", "unchanged", "would-write", "differs", "exists", "conflict",
                 "skipped", "failed", "pruned", "would-prune"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]  # the Literal's values
#: outcomes that make a run fail (exit code 1); "skipped" never does
FAILING = frozenset({"failed", "conflict", "exists", "differs"})


class FileError(Record, extra="ignore"):
    """Why one file failed, located (``path:line:col``) and with a hint."""

    type: str
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        """``path:line:col: message`` and ``hint: ...``, as the CLI prints every error."""
        return str(self.as_error())

    def as_error(self) -> AgentconvError:
        return AgentconvError(self.message, path=self.path, line=self.line, column=self.column, hint=self.hint)


class FileResult(Record, extra="ignore"):
    """What happened (or would happen) to one source file."""

    __twin_config__ = {"populate_by_name": True}

    source: str
    target: str | None = None
    source_dialect: str | None = Field(default=None, serialization_alias="from")
    target_dialect: str | None = Field(default=None, serialization_alias="to")
    status: Status
    reason: str | None = None
    error: FileError | None = None
    losses: list[Loss] = Field(default_factory=list)
    warnings: list[Diagnostic] = Field(default_factory=list)
    #: fields taken back from the source's agentconv comment
    restored: list[str] = Field(default_factory=list)
    diff: str | None = None
    #: models written as they are because no mapping table knows them (the run reports them once)
    unknown_models: list[str] = Field(default_factory=list, exclude=True)

    @property
    def ok(self) -> bool:
        return self.status not in FAILING


def failed(result: FileResult, exc: AgentconvError) -> FileResult:
    error = FileError(type=type(exc).__name__, message=exc.message, path=exc.path, line=exc.line,
                      column=exc.column, hint=exc.hint)
    return result.model_copy(update={"status": "failed", "error": error})


@struct
class Tally:
    """Running totals, so a caller streaming results never has to keep them."""

    statuses: Counter[str] = field(default_factory=Counter)
    losses: Counter[str] = field(default_factory=Counter)
    #: model → how many agents were written with it although no mapping table knows it
    unknown_models: Counter[str] = field(default_factory=Counter)

    def add(self, result: FileResult) -> None:
        self.statuses[result.status] += 1
        self.losses.update(loss.kind for loss in result.losses)
        self.unknown_models.update(result.unknown_models)

    def totals(self) -> dict[str, int]:
        return {"files": sum(self.statuses.values()), **{s: self.statuses[s] for s in STATUSES}}

    @property
    def exit_code(self) -> int:
        return 1 if any(self.statuses[s] for s in FAILING) else 0


class BatchResult(Record, extra="ignore"):
    """Every file's result, the totals by status and the losses by kind."""

    files: list[FileResult]
    totals: dict[str, int]
    losses: dict[str, int]

    @property
    def exit_code(self) -> int:
        return 1 if any(self.totals.get(s) for s in FAILING) else 0

    def report(self) -> dict[str, Any]:
        """The JSON report: ``{"files": [...], "totals": {...}, "losses": {...}}``."""
        return self.model_dump(mode="json", by_alias=True)
