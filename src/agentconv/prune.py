"""Keeping an output folder in sync with its sources: ``convert --prune`` removes what an earlier
run wrote for a source that is gone, and nothing else.

What agentconv wrote is told by a manifest in the output folder (``MANIFEST``: each output's
path, the hash of the bytes written and its source), never by a mark in the outputs themselves,
which are for people. A file is removed only when the manifest lists it for this run's target,
it lies in that target's layout folder, it still holds exactly the bytes agentconv wrote (an
edited one is kept and reported), and its source no longer exists. A missing or unreadable
manifest removes nothing, and says so. The manifest is untrusted input like any file: a path
in it is used only when it stays inside the output folder through real folders (no symlink).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import AgentconvError
from .fsio import open_inside, read_regular, write_atomic
from .losses import Diagnostic
from .paths import printable
from .results import FileResult, Status, failed
from .structs import field, struct

if TYPE_CHECKING:
    from .outputs import Job

#: the manifest's name in the output folder
MANIFEST = ".agentconv-manifest.json"
_VERSION = 1
#: statuses of an output as agentconv wrote it (written now, or found as it would write it)
_WRITTEN = frozenset({"converted", "unchanged"})


@struct(frozen=True)
class Output:
    """One output as the manifest records it."""

    sha256: str
    source: str
    to: str


class GarbledManifest(AgentconvError):
    """The manifest is not one agentconv wrote (or it was edited into something else)."""


@struct
class Sync:
    """One run's view of the manifest: what it held, and the outputs this run vouches for."""

    out: str
    to: str
    layout: str
    extension: str
    held: dict[str, Output] | None = None
    problem: str | None = None
    seen: dict[str, Output] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return _joined(self.out, MANIFEST)

    @property
    def kept(self) -> bool:
        """Whether the output folder has a manifest to keep current (or one to start)."""
        return self.held is not None or self.problem is not None

    def note(self, result: FileResult) -> None:
        """Record an output agentconv wrote (or found exactly as it would write it)."""
        if result.status not in _WRITTEN or not result.target:
            return
        relative = _relative(result.target, self.out)
        data = _read_inside(self.out, relative)
        if data is not None:
            self.seen[relative] = Output(_digest(data), _relative(result.source, self.out), self.to)


def synced(results: Iterator[FileResult], job: Job) -> Iterator[FileResult]:
    """The run's results, then its orphans; the manifest kept current (``--prune`` starts one)."""
    if job.out is None or job.dialect.many_per_file:
        if job.prune and job.out is not None:
            yield FileResult(source=job.out, status="skipped", target_dialect=job.to,
                             reason=f"{job.dialect.title} keeps its agents in one file: --prune removes none",
                             warnings=[Diagnostic(message=f"--prune removes whole files only; {job.dialect.title} "
                                                          "keeps every agent in one file, which is left as it is")])
        yield from results
        return
    sync = start(job.out, job.to, job.dialect.layout, job.dialect.extension)
    for result in results:
        if sync.kept or job.prune:
            sync.note(result)
        yield result
    yield from finish(sync, prune=job.prune, check=job.check, writes=job.writes)


def start(out: str, to: str, layout: str, extension: str) -> Sync:
    sync = Sync(out, to, layout, extension)
    try:
        sync.held = read_manifest(sync.path)
    except GarbledManifest as exc:
        sync.problem = exc.message
    return sync


def read_manifest(path: str) -> dict[str, Output] | None:
    """The outputs a manifest lists (None: there is none); GarbledManifest when it is not one."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(16 * 1024 * 1024 + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise GarbledManifest(f"cannot be read ({exc.strerror or exc})", path=path) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise GarbledManifest(f"is not valid JSON ({exc})", path=path) from None
    if not isinstance(document, dict) or document.get("agentconv") != _VERSION or \
            not isinstance(document.get("outputs"), dict):
        raise GarbledManifest(f"is not an agentconv manifest of version {_VERSION}", path=path)
    return {relative: _output(relative, entry, path) for relative, entry in document["outputs"].items()}


def _output(relative: str, entry: Any, path: str) -> Output:
    if not _safe_relative(relative) or not isinstance(entry, dict) or \
            not all(isinstance(entry.get(k), str) for k in ("sha256", "source", "to")):
        raise GarbledManifest(f"holds an entry agentconv did not write ({relative!r})", path=path)
    return Output(entry["sha256"], entry["source"], entry["to"])


def _safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return bool(relative) and not relative.startswith("/") and "\\" not in relative and \
        all(p not in ("", ".", "..") for p in parts) and ":" not in parts[0] and "\x00" not in relative


# -------------------------------------------------------------------------------- the run's end

def finish(sync: Sync, *, prune: bool, check: bool, writes: bool) -> Iterator[FileResult]:
    """After every output of the run: the orphans (pruned, or what would be), and the manifest
    brought up to date when the run writes and one is kept (``prune`` starts one)."""
    if sync.problem is not None:
        if prune or check:
            yield _said(sync, f"this manifest {sync.problem}: nothing pruned; remove it to start a new one")
        return
    if sync.held is None:
        if prune:
            reason = "no record of earlier outputs: nothing pruned" + (
                "; this run starts one, so that a later --prune can remove them" if writes else "")
            yield _said(sync, reason)
        if prune and writes:
            _write(sync, sync.seen)
        return
    kept = {k: v for k, v in sync.held.items() if k not in sync.seen}
    for relative, output in sorted(kept.items()):
        result = _orphan(sync, relative, output, prune=prune, check=check, writes=writes)
        if result is not None:
            if result.status == "pruned":
                del kept[relative]
            yield result
    if writes:
        _write(sync, {**{k: v for k, v in kept.items() if _read_inside(sync.out, k) is not None}, **sync.seen})


def _said(sync: Sync, message: str) -> FileResult:
    return FileResult(source=sync.path, status="skipped", target_dialect=sync.to, reason=message,
                      warnings=[Diagnostic(message=message)])


def _orphan(sync: Sync, relative: str, output: Output, *, prune: bool, check: bool,
            writes: bool) -> FileResult | None:
    """What becomes of one output the manifest lists and this run did not write."""
    if output.to != sync.to or not _in_layout(sync, relative):
        return None
    source = os.path.normpath(os.path.join(sync.out, *output.source.split("/")))
    if os.path.lexists(source):
        return None
    target = _joined(sync.out, relative)
    gone = f"its source {printable(source)} is gone"
    data = _read_inside(sync.out, relative)
    if data is None:
        return None

    def result(status: Status, reason: str, warned: bool = False) -> FileResult:
        return FileResult(source=source, target=target, status=status, target_dialect=sync.to, reason=reason,
                          warnings=[Diagnostic(message=reason)] if warned else [])
    if _digest(data) != output.sha256:
        return result("skipped", f"kept {target}: {gone}, but the file changed since agentconv wrote it", True)
    if check:
        return result("differs", f"orphan: {gone}; --prune removes it")
    if not prune:
        return None
    if not writes:
        return result("would-prune", gone)
    try:
        _remove_inside(sync.out, relative, data)
    except AgentconvError as exc:
        return failed(result("skipped", gone), exc)
    return result("pruned", gone)


def _in_layout(sync: Sync, relative: str) -> bool:
    """Only a file where this target writes agents is ever removed."""
    return relative.startswith(sync.layout.rstrip("/") + "/") and relative.endswith(sync.extension) \
        if sync.layout else False


def _write(sync: Sync, outputs: dict[str, Output]) -> None:
    entries = {k: {"sha256": v.sha256, "source": v.source, "to": v.to} for k, v in sorted(outputs.items())}
    document = {"agentconv": _VERSION, "outputs": entries}
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    write_atomic(sync.path, text.encode("utf-8"), overwrite=True, root=sync.out)


# -------------------------------------------------------------------------------- files, safely

def _joined(out: str, relative: str) -> str:
    """A path in OUT as the run's other results name it (``-o .``: no leading ``./``)."""
    return os.path.join(out, *relative.split("/")).removeprefix(os.curdir + os.sep)


def _relative(path: str, out: str) -> str:
    return os.path.relpath(os.path.abspath(path), os.path.abspath(out)).replace(os.sep, "/")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _folder_fd(out: str, relative: str) -> tuple[int, str] | None:
    """The folder holding ``relative`` inside ``out``, opened through real folders only, and the
    file's name in it (None: a symlink, a file in the way, or missing)."""
    if not _safe_relative(relative) or relative.startswith(".."):
        return None                  # a manifest is untrusted: nothing outside OUT
    *folders, name = relative.split("/")
    fd = open_inside(out, folders)
    return None if fd is None else (fd, name)


def _read_inside(out: str, relative: str) -> bytes | None:
    """The bytes of a regular file inside ``out`` reached without following a symlink."""
    opened = _folder_fd(out, relative)
    if opened is None:
        return None
    fd, name = opened
    try:
        return read_regular(fd, name)
    finally:
        os.close(fd)


def _remove_inside(out: str, relative: str, expected: bytes) -> None:
    """Remove the file, through the folder opened without symlinks, if it still holds
    ``expected`` (a file saved meanwhile is kept)."""
    opened = _folder_fd(out, relative)
    if opened is None:
        raise AgentconvError("the output's folder changed during the run; not removed",
                             path=os.path.join(out, relative), hint="run again")
    fd, name = opened
    try:
        if read_regular(fd, name) != expected:
            raise AgentconvError("the output changed during the run; not removed",
                                 path=os.path.join(out, relative), hint="run again")
        os.unlink(name, dir_fd=fd)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise AgentconvError(f"cannot remove: {exc.strerror or exc}", path=os.path.join(out, relative),
                                 hint="check that the output folder is writable") from None
    finally:
        os.close(fd)
