"""Walking source trees for batch conversion: files in name order, each folder once.

Symlinks to files inside the tree are followed (a tool reading the folder would follow them
too); symlinks to folders are not, since the folder they name is walked where it is, and
symlinks leading out of the tree are reported, never followed. So no link can loop.
Version-control and dependency folders (SKIP_DIRS) and the run's own output folder are not
entered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .errors import AgentconvError
from .structs import struct

#: folders that never hold agent definitions and can be huge
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site-packages",
                       ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis"})


@struct(frozen=True)
class Source:
    path: str
    explicit: bool = False          # named by the caller rather than found by the walk
    skip: str | None = None         # why the walk itself rules it out
    error: AgentconvError | None = None
    root: str | None = None         # the folder given that the walk found it in


def iter_sources(paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str] = ()) -> Iterator[Source]:
    """Files under ``paths`` in name order. Symlinks are followed only inside their tree, each
    folder is walked once (so links cannot loop), and ``exclude`` folders are not entered."""
    excluded = {os.path.realpath(p) for p in exclude}
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for path in (os.fspath(p) for p in paths):
        if not os.path.isdir(path):
            yield Source(path, explicit=True, skip=_repeat(os.path.abspath(path), seen_files))
            continue
        yield from _walk(path, os.path.realpath(path), seen_dirs, seen_files, excluded)


def _walk(root: str, root_real: str, seen_dirs: set[tuple[int, int]], seen_files: set[str],
          excluded: set[str]) -> Iterator[Source]:
    if _first_visit(root, seen_dirs) is not None:
        yield Source(root, skip="folder already walked", root=root)
        return
    stack = [_entries(root)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, Source):
            yield entry
            continue
        path = entry.path.removeprefix(os.curdir + os.sep)     # "./x" reads better as "x"
        if entry.is_symlink():
            reason = _symlink_reason(path, root_real)
            if reason or entry.is_dir():
                yield Source(path, skip=reason or "symlink to a folder inside the tree, walked there", root=root)
                continue
        if entry.is_dir():
            if entry.name in SKIP_DIRS:
                continue
            if os.path.realpath(path) in excluded:    # our own output: never read back as a source
                continue
            seen = _first_visit(path, seen_dirs)
            if seen is not None:
                yield Source(path, skip=seen, root=root)
                continue
            stack.append(_entries(path))
        else:
            yield Source(path, skip=_repeat(os.path.abspath(path), seen_files), root=root)


def _entries(folder: str) -> Iterator[Source | os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Source(folder, error=AgentconvError(f"cannot read folder: {exc.strerror or exc}", path=folder,
                                                  hint="check the folder's permissions"))
        return
    yield from entries


def _repeat(path: str, seen: set[str]) -> str | None:
    if path in seen:
        return "given twice: converted once"
    seen.add(path)
    return None


def _first_visit(folder: str, seen: set[tuple[int, int]]) -> str | None:
    try:
        st = os.stat(folder)
    except OSError:
        return "cannot be opened"
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return "folder already walked"
    seen.add(key)
    return None


def _symlink_reason(path: str, root_real: str) -> str | None:
    real = os.path.realpath(path)
    if not os.path.exists(path):
        return "broken or looping symlink"
    if os.path.commonpath([root_real, real]) != root_real:
        return f"symlink to {real}, outside the source tree"
    return None
