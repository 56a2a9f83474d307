"""Converting whole trees: walk, tell agents from other files, convert, write — one file at a
time, with every outcome returned as data (the CLI only renders it).

Walk order is sorted by name, so runs are reproducible: when two agents map to the same output,
the first one in walk order is written and every later one is reported as a ``conflict``.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import sys
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field

from .api import PathLike, to_dialect
from .losses import strict_losses
from .document import Document
from .errors import AgentconvError, LossError, OutputExistsError
from .formats import yamlsrc, yamlwrite
from .fsio import write_atomic
from .losses import Diagnostic, Loss
from .paths import is_safe_name
from .registry import get_dialect
from .triage import load_agent, read_source_bytes, skip_by_content, skip_by_name
from .walk import Source, iter_sources

Status = Literal["converted", "unchanged", "would-write", "differs", "exists", "conflict",
                 "skipped", "failed"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
#: outcomes that make a run fail (exit code 1); "skipped" never does
FAILING = frozenset({"failed", "conflict", "exists", "differs"})



class FileError(BaseModel):
    """Why one file failed, located (``path:line:col``) and with a hint."""

    type: str
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        """``path:line:col: message`` and ``hint: ...``, as the CLI prints every error."""
        return str(AgentconvError(self.message, path=self.path, line=self.line, column=self.column,
                                  hint=self.hint))


class FileResult(BaseModel):
    """What happened (or would happen) to one source file."""

    model_config = ConfigDict(populate_by_name=True)

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

    @property
    def ok(self) -> bool:
        return self.status not in FAILING


@dataclass
class Tally:
    """Running totals, so a caller streaming results never has to keep them."""

    statuses: Counter = field(default_factory=Counter)
    losses: Counter = field(default_factory=Counter)

    def add(self, result: FileResult) -> None:
        self.statuses[result.status] += 1
        self.losses.update(loss.kind for loss in result.losses)

    def totals(self) -> dict[str, int]:
        return {"files": sum(self.statuses.values()), **{s: self.statuses[s] for s in STATUSES}}

    @property
    def exit_code(self) -> int:
        return 1 if any(self.statuses[s] for s in FAILING) else 0


class BatchResult(BaseModel):
    """Every file's result, the totals by status and the losses by kind."""

    files: list[FileResult]
    totals: dict[str, int]
    losses: dict[str, int]

    @property
    def exit_code(self) -> int:
        return 1 if any(self.totals.get(s) for s in FAILING) else 0

    def report(self) -> dict:
        """The JSON report: ``{"files": [...], "totals": {...}, "losses": {...}}``."""
        return self.model_dump(mode="json", by_alias=True)


# -------------------------------------------------------------------------------- converting

@dataclass
class Job:
    """Everything decided once per run, so per-file work stays minimal."""

    to: str
    out: str | None
    read: str | None = None
    force: bool = False
    dry_run: bool = False
    check: bool = False
    diff: bool = False
    carry: bool | str = True
    trust_carry: bool = False
    strict: bool = False
    in_place: bool = False
    #: output path (case-folded) → the source that got it first
    claimed: dict[str, str] = field(default_factory=dict)
    dialect: Any = field(init=False)
    out_real: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.dialect = get_dialect(self.to)
        self.to = self.dialect.name
        self.read = get_dialect(self.read).name if self.read else None
        self.out_real = os.path.realpath(self.out) if self.out is not None else None

    @property
    def writes(self) -> bool:
        return not (self.dry_run or self.check or self.diff)


def convert_file(source: Source, job: Job) -> FileResult:
    """One file's outcome; never raises for anything the file can cause."""
    prepared = _prepare(source, job)
    return prepared if isinstance(prepared, FileResult) else _settled(*prepared, job)


def _settled(result: FileResult, payload: bytes, job: Job) -> FileResult:
    try:
        return _settle(result, payload, job)
    except AgentconvError as exc:
        return _failed(result, exc.located(result.source))
    except Exception as exc:  # one bad file must not abort an unattended run
        return _failed(result, AgentconvError(f"internal error: {exc!r}", path=result.source,
                                              hint="please report this file"))


def _prepare(source: Source, job: Job) -> FileResult | tuple[FileResult, bytes]:
    """Everything but comparing with the output and writing: a finished result (skipped,
    failed), or the result with the bytes to settle. Touches nothing, so workers can run it."""
    result = FileResult(source=source.path, status="skipped", target_dialect=job.to)
    if source.error is not None:
        return _failed(result, source.error)
    reason = source.skip or skip_by_name(source.path, source.explicit)
    try:
        if reason is None:
            data = read_source_bytes(source.path)
            reason = skip_by_content(source, data, job.read)
        if reason is not None:
            return result.model_copy(update={"reason": reason})
        doc = load_agent(data, job.read, source.path, trust_carry=job.trust_carry)
        result.source_dialect, result.warnings = doc.dialect, list(doc.warnings)
        result.restored = list(doc.restored)
        if job.in_place and doc.dialect != job.to:
            return result.model_copy(update={
                "reason": f"a {doc.dialect} file: --in-place only rewrites {job.to} files"})
        result.target = _target(doc, source, job, result)
        payload, result.losses = _render(doc, job, result.target)
        if job.strict and strict_losses(result.losses):
            raise LossError(result.losses, path=source.path)
        return result, payload
    except AgentconvError as exc:
        return _failed(result, exc.located(source.path))
    except Exception as exc:  # one bad file must not abort an unattended run
        return _failed(result, AgentconvError(f"internal error: {exc!r}", path=source.path,
                                              hint="please report this file"))


def _failed(result: FileResult, exc: AgentconvError) -> FileResult:
    error = FileError(type=type(exc).__name__, message=exc.message, path=exc.path, line=exc.line,
                      column=exc.column, hint=exc.hint)
    return result.model_copy(update={"status": "failed", "error": error})


def _target(doc: Document, source: Source, job: Job, result: FileResult) -> str:
    if job.in_place:       # through a symlink, rewrite the file it names, not the link
        return os.path.realpath(source.path) if os.path.islink(source.path) else source.path
    name = doc.agent.name or ""
    if _escapes(name):
        raise AgentconvError(f"the agent's name {name!r} would put the output outside the output folder",
                             path=source.path, hint="rename the agent: a name may hold sub-folders, not '..' "
                                                    "or an absolute path")
    relative = job.dialect.output_path(doc.agent)
    if name and not is_safe_name(name):
        result.warnings.append(Diagnostic(message=f"the name {name!r} is not a safe file name; written as "
                                                  f"{relative.as_posix()}"))
    target = os.path.join(job.out, *relative.parts).removeprefix(os.curdir + os.sep)
    if os.path.commonpath([job.out_real, os.path.realpath(target)]) != job.out_real:
        raise AgentconvError("a symlink inside the output folder leads outside it", path=target,
                             hint="remove the symlink or choose another output folder")
    return target


def _escapes(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return ".." in parts or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None


def _render(doc: Document, job: Job, target: str) -> tuple[bytes, list[Loss]]:
    if job.in_place:
        return _normalised(doc, target), []
    text, losses = to_dialect(doc, job.to, carry=job.carry, path=target)
    return text.encode(doc.encoding if doc.dialect == job.to else "utf-8"), losses


def _normalised(doc: Document, path: str) -> bytes:
    """The file in its own dialect, with front-matter entries that are valid YAML only after
    the tool's repair re-rendered as plain YAML. The meaning must not change."""
    block = getattr(doc.trivia, "block", None)
    if block is not None and block.mode != "yaml":
        entries = [_valid_entry(entry, block.newline) for entry in block.entries]
        trivia = replace(doc.trivia, block=replace(block, entries=entries, mode="yaml"))
        doc = doc.model_copy(update={"trivia": trivia})
    text, _ = to_dialect(doc, path=path)
    if get_dialect(doc.dialect).read(text, path).agents != doc.agents:
        raise AgentconvError("normalising this file would change what it means", path=path,
                             hint="please report this file; it was left as it is")
    return text.encode(doc.encoding)


def _valid_entry(entry: yamlsrc.Entry, newline: str) -> yamlsrc.Entry:
    try:
        _, value = yamlsrc.load_yaml(entry.text)
        if isinstance(value, dict) and yamlwrite.same_value(value.get(entry.key), entry.value):
            return entry
    except AgentconvError:
        pass
    text = yamlwrite.render_entry(entry.key, entry.value, newline)
    if not entry.text.endswith(("\n", "\r")):
        text = text.rstrip("\r\n")
    return replace(entry, text=text)


def _settle(result: FileResult, payload: bytes, job: Job) -> FileResult:
    """Compare with what is on disk, then write (or say what would be written)."""
    target = result.target
    key = os.path.normcase(os.path.abspath(target)).casefold()   # case-only clashes break on macOS
    winner = job.claimed.setdefault(key, result.source)
    if winner != result.source and job.in_place:
        return result.model_copy(update={"status": "skipped", "reason": f"the same file as {winner}"})
    if winner != result.source:
        return result.model_copy(update={"status": "conflict",
                                         "reason": f"{target} is already the output of {winner}"})
    old = _existing(target)
    if job.diff and old != payload:
        result.diff = _unified_diff(old, payload, target)
    if old == payload:
        status, reason = "unchanged", None
    elif job.check:
        status, reason = "differs", "missing" if old is None else "differs from the conversion"
    elif old is not None and not (job.force or job.in_place):
        status, reason = "exists", "exists with other content; --force replaces it"
    elif not job.writes:
        status, reason = "would-write", "would replace" if old is not None else "would create"
    else:
        try:
            write_atomic(target, payload, overwrite=old is not None)
            status, reason = "converted", None
        except OutputExistsError:
            status, reason = "exists", "appeared during the run; --force replaces it"
    return result.model_copy(update={"status": status, "reason": reason})


def _existing(target: str) -> bytes | None:
    if not os.path.lexists(target):
        return None
    if os.path.isdir(target):
        raise AgentconvError("a folder is in the way of the output file", path=target,
                             hint="move the folder or choose another output folder")
    return read_source_bytes(target)


def _unified_diff(old: bytes | None, new: bytes, target: str) -> str:
    before = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, "/dev/null" if old is None else target, target)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


# -------------------------------------------------------------------------------- entry points

def iter_convert_tree(sources: Iterable[PathLike], out: PathLike | None = None, *, to: str,
                      read: str | None = None, force: bool = False, dry_run: bool = False,
                      check: bool = False, diff: bool = False, carry: bool | str = True,
                      trust_carry: bool = False, strict: bool = False,
                      in_place: bool = False, jobs: int | None = None) -> Iterator[FileResult]:
    """Convert files and folders one file at a time, yielding each file's result as it is done.

    Outputs go into the target tool's layout under ``out`` (``out/.opencode/agent/NAME.md``);
    with ``in_place`` each file already in dialect ``to`` is normalised where it is.
    """
    job, exclude = _job(sources, out, to=to, read=read, force=force, dry_run=dry_run, check=check,
                        diff=diff, carry=carry, trust_carry=trust_carry, strict=strict, in_place=in_place)
    if jobs is not None and jobs < 1:
        raise AgentconvError(f"jobs must be at least 1, not {jobs}", hint="leave it unset for one worker per core")
    walk = iter_sources(sources, exclude=exclude)
    if in_place:           # a source is rewritten where a later one may read it: one at a time
        jobs = 1
    return _converted(walk, job, default_jobs() if jobs is None else jobs)


#: files before workers pay off: starting one costs ~10 ms, a file ~1 ms
PARALLEL_AT = 128
#: files a worker prepares per task; a few tasks per worker are in flight at once
CHUNK = 32


def default_jobs() -> int:
    """Workers for a large batch: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:             # macOS, Windows
        return os.cpu_count() or 1


def _converted(walk: Iterator[Source], job: Job, jobs: int) -> Iterator[FileResult]:
    """Results in walk order. With several workers, they read, convert and render chunks of
    files while this process settles each result in walk order (claims, comparison with the
    output, writing), so outputs, conflicts and reports are those of a run one file at a
    time; a bounded number of chunks is in flight, so memory stays flat on any tree."""
    head = list(itertools.islice(walk, PARALLEL_AT)) if jobs > 1 and _can_fork() else []
    sources = itertools.chain(head, walk)
    if len(head) < PARALLEL_AT:
        yield from (convert_file(source, job) for source in sources)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(job,))
    pending: deque = deque()          # [chunk, future] in walk order; settled from the left
    chunks = _chunks(sources, CHUNK)
    try:
        for chunk in chunks:
            pending.append([chunk, None])
            pending[-1][1] = pool.submit(_prepare_chunk, chunk)
            while len(pending) > 2 * jobs:
                yield from _settle_first(pending, job)
        while pending:
            yield from _settle_first(pending, job)
    except BrokenProcessPool:         # a worker died (killed?): the rest here, in walk order
        for chunk in itertools.chain((c for c, _ in pending), chunks):
            yield from (convert_file(source, job) for source in chunk)
    finally:
        pool.shutdown(cancel_futures=True)


def _can_fork() -> bool:
    """Forked workers start at once with everything imported; forking is only safe while
    this process runs no other thread, and macOS does not support it."""
    import multiprocessing
    import threading
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


def _chunks(items: Iterator[Source], size: int) -> Iterator[list[Source]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


_WORKER_JOB: Job | None = None


def _start_worker(job: Job) -> None:
    import signal
    global _WORKER_JOB
    _WORKER_JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C is the main process's to handle


def _prepare_chunk(chunk: list[Source]) -> list:
    assert _WORKER_JOB is not None
    return [_prepare(source, _WORKER_JOB) for source in chunk]


def _settle_first(pending: deque, job: Job) -> Iterator[FileResult]:
    done = pending[0][1].result()
    pending.popleft()
    for prepared in done:
        yield prepared if isinstance(prepared, FileResult) else _settled(*prepared, job)


def _job(sources, out, *, in_place: bool, **options) -> tuple[Job, list[str]]:
    """Check the run's arguments before the first file is touched."""
    if in_place == (out is not None):
        raise AgentconvError("give either an output folder or in_place=True",
                             hint="pass -o OUT, or --in-place to rewrite the sources")
    out = os.fspath(out) if out is not None else None
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise AgentconvError("the output is not a folder", path=out,
                             hint="converting folders or several files needs an output folder")
    job = Job(out=out, in_place=in_place, **options)
    return job, [os.path.join(out, job.dialect.layout)] if out is not None else []


def convert_tree(sources: Iterable[PathLike] | PathLike, out: PathLike | None = None, *, to: str,
                 progress: Callable[[FileResult], None] | None = None, **options) -> BatchResult:
    """Convert a tree (or several) and return every file's result with the totals.

    >>> result = convert_tree([".claude/agents"], "out", to="opencode", dry_run=True)  # doctest: +SKIP
    >>> result.totals["failed"], [f.target for f in result.files if f.status == "would-write"]
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    tally, files = Tally(), []
    for result in iter_convert_tree(sources, out, to=to, **options):
        tally.add(result)
        files.append(result)
        if progress is not None:
            progress(result)
    return BatchResult(files=files, totals=tally.totals(), losses=dict(tally.losses))
