"""What the command line prints: one line (or two) per result at each verbosity, the
summary, and text that is safe for a terminal and for JSON whatever a file name holds."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from .paths import printable

if TYPE_CHECKING:
    from .errors import AgentconvError
    from .losses import Loss
    from .results import FileResult, Tally


def error_text(exc: AgentconvError) -> str:
    """``path:line:col: message`` and ``hint: ...`` with everything a terminal would act on
    or hide escaped: a file name cannot forge a line or hide what it is."""
    text = f"{printable(exc.location)}: {printable(exc.message)}"
    return text + (f"\nhint: {printable(exc.hint)}" if exc.hint else "")


def shown(text: str | None) -> str:
    return printable(text or "")


def echo_json(document: dict[str, Any], err: bool = False) -> None:
    """JSON as valid UTF-8 whatever a file name holds: bytes that were not UTF-8 (kept as
    surrogates) become \\udcXX escapes, which read back as the same file name."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    echo(text.encode("utf-8", "backslashreplace"), nl=False, err=err)


def echo(message: str | bytes = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` as agentconv uses it (text, or bytes written as they are), without
    importing click: the one-file conversion runs without it."""
    stream: IO[str] | None = sys.stderr if err else sys.stdout
    if stream is None:              # no console at all (pythonw): click prints nothing either
        return
    if isinstance(message, bytes):
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            stream.flush()
            binary.write(message + (b"\n" if nl else b""))
            binary.flush()
            return
        message = message.decode("utf-8", "replace")
    text = message + ("\n" if nl else "")
    try:
        stream.write(text)
    except UnicodeEncodeError:      # an ASCII-only stream: UTF-8 bytes, as click writes them
        binary = getattr(stream, "buffer", None)
        if binary is None:
            raise
        stream.flush()
        binary.write(text.encode("utf-8", "backslashreplace"))
    stream.flush()


def loss_lines(losses: Iterable[Loss], source: str | None) -> list[str]:
    return [f"agentconv: {shown(source or '<stdin>')}: {l.field}: {l.kind}"
            + (f" ({shown(l.detail)})" if l.detail else "") for l in losses]


PROGRESS_AT = 200      # files; smaller batches finish before a bar would help


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


NO_BAR = _NoBar()


def progress_bar(paths: tuple[str, ...], verbosity: int) -> Any:
    """A bar on stderr only when a person is watching a large batch."""
    if verbosity < 0 or not sys.stderr.isatty():
        return NO_BAR
    from .walk import iter_sources
    count = sum(1 for _ in iter_sources(paths))
    if count < PROGRESS_AT:
        return NO_BAR
    import click
    return click.progressbar(length=count, label="converting", file=sys.stderr)


def echo_err(lines: list[str]) -> None:
    for line in lines:
        echo(line, err=True)


def result_lines(result: FileResult, verbosity: int) -> list[str]:
    """What one file's result says on stderr at this verbosity (failures always)."""
    status, source, target, reason = result.status, shown(result.source), shown(result.target), \
        shown(result.reason)
    if status == "failed":
        assert result.error is not None     # a failed result always says why
        return [f"agentconv: {error_text(result.error.as_error())}"]
    if status == "conflict":
        return [f"agentconv: {source}: conflict: {reason}; not written",
                "hint: rename one of the agents (--rename OLD=NEW)"]
    if status == "exists":
        return [f"agentconv: {target}: output file already exists with other content "
                f"(from {source}); not replaced", "hint: pass --force to replace it"]
    lines = []
    if status == "differs" and verbosity >= 0:
        lines.append(f"agentconv: would change {target} ({reason})")
    if verbosity > 0:
        arrow = f" -> {target}" if result.target else ""
        why = f" ({reason})" if result.reason and status != "differs" else ""
        lines.append(f"{status}: {source}{arrow}{why}")
        lines += [f"  {l.field}: {l.kind}" + (f" ({shown(l.detail)})" if l.detail else "") for l in result.losses]
        lines += [f"  warning: {shown(w.message)}" for w in result.warnings]
        if result.restored:
            lines.append(f"  taken back from its agentconv comment: {', '.join(result.restored)}")
    elif verbosity == 0:
        if status in ("pruned", "would-prune"):
            lines.append(f"agentconv: {'removed' if status == 'pruned' else 'would remove'} {target} ({reason})")
        lines += [f"agentconv: {source}: warning: {shown(w.message)}" for w in result.warnings]
    return lines


def summary(tally: Tally, verbosity: int) -> str:
    """``agentconv: 12 file(s): 9 converted, 2 skipped, 1 failed; losses: 3 carried``."""
    from .batch import STATUSES
    counts = ", ".join(f"{tally.statuses[s]} {s}" for s in STATUSES if tally.statuses[s])
    text = f"agentconv: {sum(tally.statuses.values())} file(s): {counts or 'none found'}"
    if tally.losses:
        text += "; losses: " + ", ".join(f"{n} {kind}" for kind, n in sorted(tally.losses.items()))
    if verbosity == 0 and (tally.losses or tally.statuses["skipped"]):
        text += " (-v for details per file)"
    return text
