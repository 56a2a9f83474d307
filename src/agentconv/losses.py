"""Losses are data: what a target could not express, and what happened to it."""

from __future__ import annotations

import warnings
from typing import Literal

from .record import Record

LossKind = Literal["dropped", "carried", "approximated", "narrowed", "required", "defaulted", "untrusted",
                   "formatting", "widened"]


class Loss(Record, frozen=True):
    """One field the target cannot express, or only approximates.

    ``field`` is the canonical path as ``agentconv inspect`` prints it (``color``, ``tools``,
    ``native.memory``), never a dialect's key. ``kind``:

    - dropped: not expressible in the target and not kept
    - carried: kept in a comment the target ignores (restored on the way back), not in effect
    - approximated: expressed with a different value or meaning
    - narrowed: access restricted further than the source, since the target cannot express it
    - widened: access granted more freely than the source, because the target cannot express
      it and the user accepted that for this tool (``--accept-widening TOOL``)
    - defaulted: unset in the source; the target's default (or a value derived from the
      prompt) applies — not a loss for --strict / on_loss="raise"
    - required: the target needs this field and the source has none: the tool skips the file
    - formatting: how the source was written (a comment) has no place in the target; the
      meaning is whole — not a loss for --strict / on_loss="raise"
    - untrusted: the source file's agentconv comment holds it, but it was not taken back (it
      would grant a capability, or replace what the file says); ``--trust-carry`` takes it
    """

    field: str
    kind: LossKind
    detail: str = ""
    source: str | None = None
    target: str | None = None
    agent: str | None = None

    def __str__(self) -> str:
        arrow = f"{self.source or '?'}→{self.target or '?'}"
        who = f" [{self.agent}]" if self.agent else ""
        return f"{arrow}{who}: {self.field}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


class Diagnostic(Record, frozen=True):
    """A warning about the input that is not a loss (e.g. the real tool would skip the file)."""

    message: str
    line: int | None = None
    hint: str | None = None
    #: the canonical field a reading narrowed (an unreadable access value under lenient
    #: reading): each conversion reports it as a loss of that field
    field: str | None = None


class LossWarning(UserWarning):
    """Issued for each loss under on_loss="warn" (the library default)."""


def strict_losses(losses: list[Loss]) -> list[Loss]:
    """The losses --strict / on_loss="raise" act on: a default filling an unset field is not
    one, nor is formatting that has no place in the target."""
    return [l for l in losses if l.kind not in ("defaulted", "formatting")]


OnLoss = Literal["warn", "raise", "ignore"]


def apply_loss_policy(losses: list[Loss], on_loss: OnLoss | str, path: str | None = None) -> None:
    from .errors import AgentconvError, LossError

    if on_loss not in ("warn", "raise", "ignore"):
        raise AgentconvError(f"on_loss must be warn, raise or ignore, not {on_loss!r}")
    losses = strict_losses(losses)
    if not losses or on_loss == "ignore":
        return
    if on_loss == "raise":
        raise LossError(losses, path=path)
    for loss in losses:
        warnings.warn(str(loss), LossWarning, stacklevel=3)
