"""File writes that never leave half a file behind."""

from __future__ import annotations

import os
import tempfile

from .errors import AgentconvError, OutputExistsError


def write_atomic(path: str, data: bytes, *, overwrite: bool = False) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
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
