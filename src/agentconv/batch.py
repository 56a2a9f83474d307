"""Converting whole trees: walk, tell agents from other files, convert, write — one file at a
time, with every outcome returned as data (the CLI only renders it).

Walk order is sorted by name, so runs are reproducible: when two agents map to the same output,
the first one in walk order is written and every later one is reported as a ``conflict``.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from .api import PathLike, own_agents, to_dialect
from .document import Document
from .errors import AgentconvError, DetectionError, LossError
from .formats import yamlsrc, yamlwrite
from .formats.values import same_value
from .losses import Diagnostic, Loss, strict_losses
from .outputs import Facts, Job, Members, claim_key, renamed, settle, settle_members, target_path
from .overrides import unknown_models
from .paths import printable, unsafe_characters
from .promptref import project_root, reading_outside_root
from .prune import synced
from .registry import DIALECTS, get_dialect
from .results import FAILING, STATUSES, BatchResult, FileError, FileResult, Status, Tally, failed
from .structs import replace
from .triage import (
    forget_skill_folders,
    load_agent,
    matching_glob,
    prompt_files,
    read_source_bytes,
    skip_by_name,
    triage,
)
from .walk import Source, iter_sources

if TYPE_CHECKING:
    from .config import Config
    from .dialects.container import ContainerDialect

__all__ = ["convert_tree", "iter_convert_tree", "convert_file", "BatchResult", "FileResult", "FileError",
           "Tally", "Status", "STATUSES", "FAILING", "Job", "default_jobs"]


# -------------------------------------------------------------------------------- converting

#: an output ready to settle: its result, the bytes to write, what reading the source told
Ready = tuple[FileResult, bytes, Facts]
#: one output of a source as prepared: finished already (skipped, failed), ready, or members
Outcome = FileResult | Ready | Members

def convert_file(source: Source, job: Job) -> list[FileResult]:
    """One file's outcomes, one per output (a file of N agents into a one-agent dialect
    gives N; into a container dialect they land at the end of the run, see settle_members);
    never raises for anything the file can cause."""
    return _finish_all(_prepare(source, job), job)


def _finish_all(prepared: FileResult | list[Outcome], job: Job) -> list[FileResult]:
    if isinstance(prepared, FileResult):
        return [_finish(prepared, job)]
    if job.dialect.many_per_file and not job.in_place:
        job.members += [cast(Members, p) for p in prepared if isinstance(p, tuple)]
        return [_finish(p, job) for p in prepared if not isinstance(p, tuple)]
    return [_finish(cast("FileResult | Ready", p), job) for p in prepared]     # one file per output


def _finish(prepared: FileResult | Ready, job: Job) -> FileResult:
    """Settle a prepared file in walk order (claims, comparison with the output, writing)."""
    result = prepared if isinstance(prepared, FileResult) else prepared[0]
    if job.written and os.path.realpath(result.source) in job.written:
        return FileResult(source=result.source, status="skipped", target_dialect=job.to,
                          reason="written by this run: an output, not a source")
    if isinstance(prepared, FileResult):
        return prepared
    try:
        return settle(*prepared, job)
    except AgentconvError as exc:
        return failed(result, exc.located(result.source))
    except Exception as exc:  # one bad file must not abort an unattended run
        return failed(result, AgentconvError(f"internal error: {exc!r}", path=result.source,
                                             hint="please report this file"))


def _prepare(source: Source, job: Job) -> FileResult | list[Outcome]:
    """Everything but comparing with the output and writing: a finished result (skipped,
    failed), or per output the result with the bytes to settle (into a container dialect:
    the members). Touches nothing, so workers can run it."""
    result = FileResult(source=source.path, status="skipped", target_dialect=job.to)
    if source.error is not None:
        return failed(result, source.error)
    reason = source.skip or _excluded(source, job)
    if reason is None and matching_glob(job.include, source):
        source = replace(source, explicit=True)          # as if named: no triage by content
    reason = reason or skip_by_name(source.path, source.explicit) or _prompt_file(source, job)
    try:
        with project_root(_root_of(source.path, job), anywhere=job.prompt_files_anywhere or reading_outside_root()):
            return _read_and_prepare(source, job, result, reason)
    except AgentconvError as exc:
        return failed(result, exc.located(source.path))


def _read_and_prepare(source: Source, job: Job, result: FileResult, reason: str | None) -> FileResult | list[Outcome]:
    try:
        if reason is None:
            data = read_source_bytes(source.path)
            verdict = triage(source, data, job.read)
            reason = verdict.skip
        if reason is not None:
            return result.model_copy(update={"reason": reason})
        try:
            doc = load_agent(data, verdict.read or job.read, source.path, trust_carry=job.trust_carry,
                             lenient_access=job.lenient_access)
        except DetectionError as exc:
            if source.explicit or verdict.read or job.read or not exc.candidates:
                raise
            # found by walking, outside every agent folder, and of no one dialect: not an agent
            # agentconv can vouch for (a tool it does not read, most likely)
            return result.model_copy(update={"reason": f"{exc.message} ({', '.join(exc.candidates)}): "
                                                       f"pass --from D to read it as dialect D"})
        result.source_dialect, result.warnings = doc.dialect, _file_name_warnings(source.path) + list(doc.warnings)
        result.restored = list(doc.restored)
        if job.in_place and doc.dialect != job.to:
            return result.model_copy(update={
                "reason": f"a {doc.dialect} file: --in-place only rewrites {job.to} files"})
        doc = renamed(doc, job, result)
        parts, overrides = own_agents(doc, job.to)
        if not parts:
            return result.model_copy(update={"reason": overrides[0]})
        result.warnings += [Diagnostic(message=f"{reason}; left out") for reason in overrides]
        return [_prepare_output(part, source, job, _own_copy(result), Facts(data, verdict.own_output))
                for part in parts]
    except AgentconvError as exc:
        return failed(result, exc.located(source.path))
    except Exception as exc:  # one bad file must not abort an unattended run
        return failed(result, AgentconvError(f"internal error: {exc!r}", path=source.path,
                                             hint="please report this file"))


def _root_of(path: str, job: Job) -> str | None:
    """The walked folder a source lies in: the project root its prompt references read below."""
    real = job.real(path)
    return next((root for root in job.roots if _inside(real, root)), None)


def _prompt_file(source: Source, job: Job) -> str | None:
    """A file an agent of the walked trees keeps its prompt in is part of that agent, not one."""
    owner = job.prompt_files.get(job.real(source.path)) if job.prompt_files else None
    return f"the prompt of the agent in {printable(owner)}: not an agent itself" if owner else None


def _own_copy(result: FileResult) -> FileResult:
    """A result each output can change: its lists copied (what they hold is frozen)."""
    return result.model_copy(update={"losses": list(result.losses), "warnings": list(result.warnings),
                                     "restored": list(result.restored)})


def _prepare_output(doc: Document, source: Source, job: Job, result: FileResult,
                    facts: Facts) -> Outcome:
    """One output of a source (one of its agents, or all of them into a container)."""
    try:
        result.target = target_path(doc, source.path, job, result)
        payload, result.losses = _render(doc, job, result.target)
        if doc.dialect != job.to:
            result.unknown_models = unknown_models(doc.agents, job.to, job.config)
        if job.strict and strict_losses(result.losses):
            raise LossError(result.losses, path=source.path)
        if job.dialect.many_per_file and not job.in_place:
            container = cast("ContainerDialect", job.dialect)     # many agents per file
            return result, container.members(payload.decode("utf-8")), facts
        return result, payload, facts
    except AgentconvError as exc:
        return failed(result, exc.located(source.path))
    except Exception as exc:  # one bad file must not abort an unattended run
        return failed(result, AgentconvError(f"internal error: {exc!r}", path=source.path,
                                             hint="please report this file"))


def _excluded(source: Source, job: Job) -> str | None:
    glob = matching_glob(job.exclude, source)
    return f"excluded by --exclude {glob}" if glob else None


def _file_name_warnings(path: str) -> list[Diagnostic]:
    name = os.path.basename(path)
    warnings = []
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in name):
        warnings.append(Diagnostic(message=f"the file name {printable(name)} is not valid UTF-8"))
    hidden = unsafe_characters(name)
    if hidden:
        warnings.append(Diagnostic(message=f"the file name {printable(name)} holds invisible or bidi "
                                           f"control characters ({hidden}): it may not read as it shows"))
    return warnings


def _render(doc: Document, job: Job, target: str) -> tuple[bytes, list[Loss]]:
    if job.in_place:
        return _normalised(doc, target), []
    text, losses = to_dialect(doc, job.to, carry=job.carry, path=target, accept_widening=job.accept_widening,
                              config=job.config)
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
    assert doc.dialect is not None          # read from a file: its dialect is known
    if get_dialect(doc.dialect).read(text, path).agents != doc.agents:
        raise AgentconvError("normalising this file would change what it means", path=path,
                             hint="please report this file; it was left as it is")
    return text.encode(doc.encoding)


def _valid_entry(entry: yamlsrc.Entry, newline: str) -> yamlsrc.Entry:
    try:
        _, value = yamlsrc.load_yaml(entry.text)
        if isinstance(value, dict) and same_value(value.get(entry.key), entry.value):
            return entry
    except AgentconvError:
        pass
    text = yamlwrite.render_entry(entry.key, entry.value, newline)
    if not entry.text.endswith(("\n", "\r")):
        text = text.rstrip("\r\n")
    return replace(entry, text=text)


# -------------------------------------------------------------------------------- entry points

def iter_convert_tree(sources: Iterable[PathLike], out: PathLike | None = None, *, to: str,
                      read: str | None = None, force: bool = False, dry_run: bool = False,
                      check: bool = False, diff: bool = False, carry: bool | str = True,
                      trust_carry: bool = False, strict: bool = False, in_place: bool = False,
                      jobs: int | None = None, renames: dict[str, str] | None = None,
                      include: Iterable[str] = (), exclude: Iterable[str] = (), lenient_access: bool = False,
                      accept_widening: Iterable[str] = (), prompt_files_anywhere: bool = False,
                      config: Config | None = None, prune: bool = False) -> Iterator[FileResult]:
    """Convert files and folders one file at a time, yielding each file's result as it is done.

    Outputs go into the target tool's layout under ``out`` (``out/.opencode/agent/NAME.md``);
    with ``in_place`` each file already in dialect ``to`` is normalised where it is.
    ``renames`` maps an agent's name to the one to write it under (``{"build": "builder"}``);
    files matching an ``include`` glob are converted whatever triage says (as if named), files
    matching an ``exclude`` glob are skipped. ``config`` (``agentconv.config.load_config``):
    its mapping overrides; each result's ``unknown_models`` lists the models no table knows.
    ``prune`` removes the outputs an earlier run wrote into ``out`` for sources that are gone
    (``prune.py``).
    """
    paths = [os.fspath(s) for s in sources]
    job = _job(paths, out, to=to, read=read, force=force, dry_run=dry_run, check=check, diff=diff,
               carry=carry, trust_carry=trust_carry, strict=strict, in_place=in_place, renames=dict(renames or {}),
               include=tuple(include), exclude=tuple(exclude), lenient_access=lenient_access,
               accept_widening=tuple(accept_widening), prompt_files_anywhere=prompt_files_anywhere,
               config=config, prune=prune)
    if jobs is not None and jobs < 1:
        raise AgentconvError(f"jobs must be at least 1, not {jobs}", hint="leave it unset for one worker per core")
    forget_skill_folders()             # the tree may have changed since an earlier run in this process
    job.prompt_files = prompt_files(iter_sources(paths, exclude=job.excluded),
                                    lambda path: _root_of(path, job), job.prompt_files_anywhere)
    walk = _layouts_last(iter_sources(paths, exclude=job.excluded), job)
    if in_place:           # a source is rewritten where a later one may read it: one at a time
        jobs = 1
    converted = _converted(walk, job, default_jobs() if jobs is None else jobs)
    return synced(itertools.chain(converted, _landed_members(job), _left_in_output_folders(job)), job)


def _layouts_last(walk: Iterator[Source], job: Job) -> Iterator[Source]:
    """With OUT the tree itself (``-o .``), the layout folders of other dialects may hold both
    sources and an earlier run's outputs: their files come after every other source, so an
    original claims its output first and its earlier conversion is then recognised as such
    (not a conflict). Elsewhere the walk order stands."""
    if job.out_real is None or job.out_real not in job.roots:
        yield from walk
        return
    layouts = [os.path.join(job.out_real, *get_dialect(n).layout.split("/")) for n in DIALECTS
               if get_dialect(n).layout and get_dialect(n).layout != job.dialect.layout]
    later = []
    for source in walk:
        real = os.path.realpath(source.path)
        if any(_inside(real, folder) for folder in layouts):
            later.append(source)
        else:
            yield source
    yield from later


def _landed_members(job: Job) -> Iterator[FileResult]:
    yield from settle_members(job)


def _left_in_output_folders(job: Job) -> Iterator[FileResult]:
    """Files in OUT's layout folders inside the walked trees that this run did not write:
    outputs are never read as sources, but such files are reported, never passed over."""
    if job.out is None or job.out_real is None:        # in place: no output folder
        return
    for real in job.excluded:
        if not any(_inside(real, root) for root in job.roots):
            continue
        folder = os.path.join(job.out, os.path.relpath(real, job.out_real)).removeprefix(os.curdir + os.sep)
        for path in sorted(_files_below(folder)):
            if claim_key(path) not in job.claimed:
                yield FileResult(source=path, status="skipped", target_dialect=job.to,
                                 reason=f"in the output folder's layout ({folder}): "
                                        "outputs are not read as sources; convert it with another -o")


def _inside(path: str, folder: str) -> bool:
    return path != folder and path.startswith(folder.rstrip(os.sep) + os.sep)


def _files_below(folder: str) -> Iterator[str]:
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (os.path.join(top, f) for f in files if not f.startswith("."))


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
        for source in sources:
            yield from convert_file(source, job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(job, os.getpid()))
    pending: deque[list[Any]] = deque()          # [chunk, future] in walk order; settled from the left
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
            for source in chunk:
                yield from convert_file(source, job)
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


def _start_worker(job: Job, parent: int) -> None:
    import signal
    global _WORKER_JOB
    _WORKER_JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C is the main process's to handle
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when the main process ends, however it ends (even SIGKILL): a worker
    left behind would hold the run's stdout open, and a CI step reading it would hang."""
    import signal
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:                          # it died before prctl took hold
        os._exit(1)
    import threading

    def watch() -> None:                                # elsewhere (and as a second line): poll
        import time
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _prepare_chunk(chunk: list[Source]) -> list[FileResult | list[Outcome]]:
    assert _WORKER_JOB is not None
    return [_prepare(source, _WORKER_JOB) for source in chunk]


def _settle_first(pending: deque[list[Any]], job: Job) -> Iterator[FileResult]:
    done = pending[0][1].result()
    pending.popleft()
    for prepared in done:
        yield from _finish_all(prepared, job)


def _job(sources: list[str], out: PathLike | None, *, in_place: bool, **options: Any) -> Job:
    """Check the run's arguments before the first file is touched."""
    if in_place == (out is not None):
        raise AgentconvError("give either an output folder or in_place=True",
                             hint="pass -o OUT, or --in-place to rewrite the sources")
    out = os.fspath(out) if out is not None else None
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise AgentconvError("the output is not a folder", path=out,
                             hint="converting folders or several files needs an output folder")
    roots = tuple(os.path.realpath(p) for p in sources if os.path.isdir(p))
    files = frozenset(os.path.realpath(p) for p in sources if not os.path.isdir(p))
    job = Job(out=out, in_place=in_place, roots=roots, files=files, **options)
    job.excluded = _output_folders(job)
    return job


def _output_folders(job: Job) -> tuple[str, ...]:
    """OUT's layout folders, which the walk does not enter: the target's always; every
    dialect's when OUT lies inside a source tree (an earlier run with another --to wrote
    there), except where OUT is the tree itself, whose layout folders hold its sources."""
    if job.out_real is None:
        return ()
    inside = any(_inside(job.out_real, root) for root in job.roots)
    layouts = [get_dialect(n).layout for n in DIALECTS] if inside else [job.dialect.layout]
    # a container dialect writes one file, no folder of its own (layout "")
    return tuple(os.path.join(job.out_real, *layout.split("/")) for layout in dict.fromkeys(layouts) if layout)


def convert_tree(sources: Iterable[PathLike] | PathLike, out: PathLike | None = None, *, to: str,
                 progress: Callable[[FileResult], None] | None = None, **options: Any) -> BatchResult:
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
