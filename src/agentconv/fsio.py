"""File writes that never leave half a file behind."""

from __future__ import annotations

import os
import tempfile

from .errors import AgentconvError, OutputExistsError


def write_atomic(path: str, data: bytes, *, overwrite: bool = False) -> None:
    """Write the whole file first, unnamed (or under a temporary name beside ``path``), then
    link or rename it into place: ``path`` never holds half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check that the output folder is writable") from None
    if _write_unnamed(folder, path, data, overwrite):
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=".agentconv-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check that the output folder is writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if overwrite:
                # Replacing a file: its old bytes must not go before the new ones are on disk.
                # A new file is not synced (as cp, git and the peers do not): a sync per file
                # costs more than the conversion, and an interrupted run leaves no half file.
                handle.flush()
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
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


def _write_unnamed(folder: str, path: str, data: bytes, overwrite: bool) -> bool:
    """Write through a file with no name until it is complete (Linux O_TMPFILE), so a process
    killed mid-write leaves nothing behind. False when the system cannot: use a temp file."""
    try:
        fd = os.open(folder, getattr(os, "O_TMPFILE") | os.O_WRONLY, 0o666)     # umask applies
    except (AttributeError, OSError):
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if overwrite:
                os.fsync(handle.fileno())
            return _link_into_place(f"/proc/self/fd/{handle.fileno()}", folder, path, overwrite)
    except OSError as exc:
        raise AgentconvError(f"cannot write: {exc.strerror or exc}", path=path,
                             hint="check free space and permissions of the output folder") from None


def _link_into_place(source: str, folder: str, path: str, overwrite: bool) -> bool:
    name = os.path.basename(path)
    if not overwrite:
        try:
            _link(source, folder, name)
        except FileExistsError:
            raise OutputExistsError(path) from None
        except OSError:
            return False           # no /proc, or linking is not allowed here: use a temp file
        return True
    # replacing takes a name first; the file is complete by now, only a kill in this window leaves it
    tmp = f".agentconv-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        _link(source, folder, tmp)
    except OSError:
        return False
    try:
        os.replace(os.path.join(folder, tmp), path)
    finally:
        if os.path.lexists(os.path.join(folder, tmp)):
            os.unlink(os.path.join(folder, tmp))
    return True


def _link(source: str, folder: str, name: str) -> None:
    # a folder descriptor makes os.link use linkat(AT_SYMLINK_FOLLOW), which /proc/self/fd needs
    folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(source, name, dst_dir_fd=folder_fd, follow_symlinks=True)
    finally:
        os.close(folder_fd)
