"""File writes that never leave half a file behind, never follow a symlink out of the output
folder, and (rewriting a file) keep its mode and owner and refuse to lose an edit."""

from __future__ import annotations

import errno
import os
import stat

from .errors import AgentconvError, OutputExistsError
from .structs import struct

_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ChangedSinceReadError(AgentconvError):
    """The file changed between reading it and writing its new version: not replaced."""

    def __init__(self, path: str):
        super().__init__("the file changed since it was read; not rewritten", path=path,
                         hint="run again to normalise the new version")


@struct(frozen=True)
class Keep:
    """What a rewrite keeps of the file it replaces."""

    mode: int
    uid: int
    gid: int
    owner: bool = False             # the owner must be kept too (or nothing is written)

    @classmethod
    def of(cls, path: str, *, owner: bool = False) -> Keep | None:
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return cls(stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, owner)


def write_atomic(path: str, data: bytes, *, overwrite: bool = False, root: str | None = None,
                 keep: Keep | None = None, expect: bytes | None = None) -> None:
    """Write the whole file first, unnamed (or under a temporary name beside ``path``), then
    link or rename it into place: ``path`` never holds half a file.

    With ``root``, every folder from ``root`` down to ``path`` is opened without following
    symlinks, at the moment of writing, so a link planted after any earlier check cannot send
    the write elsewhere. ``keep`` gives the new file the old one's mode (and owner); with
    ``expect``, the old file must still hold exactly those bytes."""
    if not _AT_CALLS:
        return _write_by_path(path, data, overwrite, keep, expect)
    folder_fd = _open_folder(path, root)
    try:
        if _write_unnamed(folder_fd, path, data, overwrite, keep, expect):
            return
        _write_named(folder_fd, path, data, overwrite, keep, expect)
    except OSError as exc:
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check free space and permissions of the output folder") from None
    finally:
        os.close(folder_fd)


#: the *at() calls (openat, mkdirat, linkat, renameat, unlinkat) that resolve a folder once;
#: without them (Windows) paths are used, as before
_AT_CALLS = {os.open, os.mkdir, os.link, os.rename, os.unlink} <= os.supports_dir_fd


def _write_by_path(path: str, data: bytes, overwrite: bool, keep: Keep | None, expect: bytes | None) -> None:
    import tempfile
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".agentconv-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _folder_error(exc, path) from None
    try:
        try:
            _fill(fd, data, overwrite, keep, path)
        finally:
            os.close(fd)
        if keep is None:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)          # mkstemp makes 0600; a new file gets the usual mode
        if overwrite:
            if expect is not None and _read_quietly(path) != expect:
                raise ChangedSinceReadError(path)
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise OutputExistsError(path) from None
        except OSError:
            if os.path.lexists(path):
                raise OutputExistsError(path) from None
            os.replace(tmp, path)
    except OSError as exc:
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check free space and permissions of the output folder") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_quietly(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _open_folder(path: str, root: str | None) -> int:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if root is None:
            os.makedirs(folder, exist_ok=True)
            return os.open(folder, _DIRECTORY)
        os.makedirs(root, exist_ok=True)
        fd = os.open(root, _DIRECTORY)
    except OSError as exc:
        raise _folder_error(exc, path) from None
    relative = os.path.relpath(folder, os.path.abspath(root))
    parts = [] if relative == os.curdir else relative.split(os.sep)
    if os.pardir in parts:
        os.close(fd)
        raise AgentconvError("the output would be outside the output folder", path=path,
                             hint="rename the agent")
    for part in parts:
        fd = _descend(fd, part, path)
    return fd


def _folder_error(exc: OSError, path: str) -> AgentconvError:
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return AgentconvError("cannot write: a file is in the way of the output folder", path=path,
                              hint="move the file, or choose another output folder")
    return AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                          hint="check that the output folder is writable")


def open_inside(root: str, folders: list[str]) -> int | None:
    """The folder ``root``/``folders`` opened through real folders only, none made (None: one is
    missing, a symlink or a file). The caller closes it."""
    try:
        fd = os.open(root, _DIRECTORY)
    except OSError:
        return None
    for part in folders:
        try:
            inner = _real_folder(fd, part)
        except OSError:
            return None
        finally:
            os.close(fd)
        fd = inner
    return fd


def read_regular(folder_fd: int, name: str) -> bytes | None:
    """The bytes of the regular file ``name`` in the folder, not through a symlink (else None)."""
    try:
        handle = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with os.fdopen(handle, "rb") as stream:
            handle = -1
            return stream.read()
    finally:
        if handle != -1:
            os.close(handle)


def _real_folder(fd: int, part: str) -> int:
    return os.open(part, _DIRECTORY | _NOFOLLOW, dir_fd=fd)


def _descend(fd: int, part: str, path: str) -> int:
    """The sub-folder ``part`` of ``fd`` (made when missing), never through a symlink."""
    try:
        try:
            return _real_folder(fd, part)
        except FileNotFoundError:
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:       # made meanwhile: open it as it is
                pass
            return _real_folder(fd, part)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EEXIST):
            raise AgentconvError(f"{part} in the output folder is a symlink or not a folder; outputs are "
                                 "written only through real folders", path=path,
                                 hint="replace it by a folder or choose another output folder") from None
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check that the output folder is writable") from None
    finally:
        os.close(fd)


def _write_unnamed(folder_fd: int, path: str, data: bytes, overwrite: bool, keep: Keep | None,
                   expect: bytes | None) -> bool:
    """Write through a file with no name until it is complete (Linux O_TMPFILE), so a process
    killed mid-write leaves nothing behind. False when the system cannot: use a temp file."""
    try:
        fd = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o666, dir_fd=folder_fd)   # umask applies
    except (AttributeError, OSError):
        return False
    try:
        _fill(fd, data, overwrite, keep, path)
        return _link_into_place(f"/proc/self/fd/{fd}", folder_fd, path, overwrite, expect)
    finally:
        os.close(fd)


def _fill(fd: int, data: bytes, overwrite: bool, keep: Keep | None, path: str) -> None:
    # straight to the descriptor: a file object per output costs more than the write itself
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if keep is not None:
        _keep(fd, keep, path)
    if overwrite:
        # Replacing a file: its old bytes must not go before the new ones are on disk.
        # A new file is not synced (as cp, git and the peers do not): a sync per file
        # costs more than the conversion, and an interrupted run leaves no half file.
        os.fsync(fd)


def _keep(fd: int, keep: Keep, path: str) -> None:
    if not hasattr(os, "fchown"):                       # Windows: no owners or modes to keep
        return
    info = os.fstat(fd)
    if (info.st_uid, info.st_gid) != (keep.uid, keep.gid):
        try:
            os.fchown(fd, keep.uid, keep.gid)
        except OSError:
            if keep.owner:
                raise AgentconvError("cannot keep the file's owner: rewriting it would change who owns it",
                                     path=path, hint="run as the file's owner") from None
    os.fchmod(fd, keep.mode)


def _link_into_place(source: str, folder_fd: int, path: str, overwrite: bool, expect: bytes | None) -> bool:
    name = os.path.basename(path)
    if not overwrite:
        try:
            os.link(source, name, dst_dir_fd=folder_fd, follow_symlinks=True)   # linkat(AT_SYMLINK_FOLLOW)
        except FileExistsError:
            raise OutputExistsError(path) from None
        except OSError:
            return False           # no /proc, or linking is not allowed here: use a temp file
        return True
    # replacing takes a name first; the file is complete by now, only a kill in this window leaves it
    tmp = _temp_name()
    try:
        os.link(source, tmp, dst_dir_fd=folder_fd, follow_symlinks=True)
    except OSError:
        return False
    _replace(folder_fd, tmp, path, expect)
    return True


def _write_named(folder_fd: int, path: str, data: bytes, overwrite: bool, keep: Keep | None,
                 expect: bytes | None) -> None:
    tmp = _temp_name()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666, dir_fd=folder_fd)
    try:
        try:
            _fill(fd, data, overwrite, keep, path)
        finally:
            os.close(fd)
        if overwrite:
            _replace(folder_fd, tmp, path, expect)
        else:
            try:
                os.link(tmp, os.path.basename(path), src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
            except FileExistsError:
                raise OutputExistsError(path) from None
    finally:
        _unlink_quietly(folder_fd, tmp)


def _replace(folder_fd: int, tmp: str, path: str, expect: bytes | None) -> None:
    try:
        if expect is not None and _current(folder_fd, os.path.basename(path)) != expect:
            raise ChangedSinceReadError(path)
        os.replace(tmp, os.path.basename(path), src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    finally:
        _unlink_quietly(folder_fd, tmp)


def _current(folder_fd: int, name: str) -> bytes | None:
    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=folder_fd)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _temp_name() -> str:
    return f".agentconv-{os.getpid()}-{os.urandom(4).hex()}.tmp"


def _unlink_quietly(folder_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder_fd)
    except OSError:
        pass
