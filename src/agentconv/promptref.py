"""Prompt references: a prompt kept in a file of its own and named by the agent's definition
(opencode.json's ``{file:path}``, Kiro's ``file://path``), the path relative to the file
that names it.

A reader keeps the reference as it was written (a same-dialect write gives it back
byte for byte) and reads the text when it can, so that a target holding the prompt inline
gets the text, never an empty prompt. The file is read only inside the project root (the
folder a tree conversion walks, else the root of the defining file's layout, else its own
folder) unless ``reading_outside_root()`` allows it (``--prompt-files-anywhere``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .errors import AgentconvError
from .structs import struct

#: the folder references may read below (a tree conversion's root); None: found per file
_ROOT: ContextVar[str | None] = ContextVar("prompt_root", default=None)
_ANYWHERE: ContextVar[bool] = ContextVar("prompt_files_anywhere", default=False)
MAX_PROMPT_BYTES = 4 * 1024 * 1024


class PromptFileError(AgentconvError):
    """A prompt reference whose text cannot be had (missing, outside the root, unreadable)."""


@struct(frozen=True)
class Syntax:
    """How one dialect writes a reference: the value as a whole is ``prefix + path + suffix``."""

    prefix: str
    suffix: str = ""

    def path_of(self, value: object) -> str | None:
        if not isinstance(value, str):
            return None
        inner = value.strip()
        if not (inner.startswith(self.prefix) and inner.endswith(self.suffix)
                and len(inner) > len(self.prefix) + len(self.suffix)):
            return None
        path = inner[len(self.prefix):len(inner) - len(self.suffix)].strip()
        return path if path and not re.search(r"[\r\n]", path) else None

    def spell(self, path: str) -> str:
        return self.prefix + path + self.suffix


@struct
class Reference:
    """One agent's prompt reference as read: what the file wrote, and the text if read."""

    written: str                    # the value exactly as the file wrote it
    path: str                       # the path inside it
    defined_in: str | None          # the file that names it
    line: int | None = None
    text: str | None = None         # the referenced file's text (stripped), once read
    problem: PromptFileError | None = None    # why the text could not be read

    @property
    def target(self) -> str | None:
        return _target(self.path, self.defined_in)

    def required_text(self) -> str:
        """The text, or the error saying why there is none (never an empty prompt)."""
        if self.text is not None:
            return self.text
        raise self.problem or PromptFileError(f"prompt file {self.path!r} was not read", path=self.defined_in,
                                              line=self.line)


@contextmanager
def project_root(root: str | None, *, anywhere: bool = False) -> Iterator[None]:
    """Within this block, references read files below ``root`` only (any file with ``anywhere``)."""
    tokens = (_ROOT.set(os.path.realpath(root) if root else None), _ANYWHERE.set(anywhere))
    try:
        yield
    finally:
        _ROOT.reset(tokens[0])
        _ANYWHERE.reset(tokens[1])


def reading_outside_root() -> bool:
    return _ANYWHERE.get()


def read_reference(written: str, path: str, defined_in: str | None, *, layout: str = "",
                   line: int | None = None) -> Reference:
    """The reference with its text when the file can be read where it may be; else with the
    reason, which a conversion needing the text raises."""
    ref = Reference(written, path, defined_in, line)
    try:
        ref.text = _text(ref, layout)
    except PromptFileError as exc:
        ref.problem = exc
    return ref


def root_of(defined_in: str, layout: str = "") -> str:
    """The project root of a defining file: above its layout folder (``.kiro/agents``) when it
    sits in one, else its own folder."""
    folder = os.path.dirname(os.path.abspath(defined_in))
    parts = [p for p in layout.split("/") if p]
    here = folder.split(os.sep)
    if parts and here[-len(parts):] == parts:
        return os.sep.join(here[:-len(parts)]) or os.sep
    return folder


def _target(path: str, defined_in: str | None) -> str | None:
    expanded = os.path.expanduser(path)
    if os.path.isabs(expanded):
        return os.path.normpath(expanded)
    if defined_in is None:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(defined_in)), expanded))


def _text(ref: Reference, layout: str) -> str:
    target = ref.target
    where: dict[str, Any] = {"path": ref.defined_in, "line": ref.line}   # no TypedDict: ~2 ms to import
    if target is None:
        raise PromptFileError(f"the prompt is in {ref.path!r}, relative to a file that was not named",
                              hint="read the agent from its file (not from standard input) so the prompt "
                                   "file can be found", **where)
    root = _ROOT.get() or root_of(ref.defined_in or target, layout)
    real = os.path.realpath(target)
    if not _ANYWHERE.get() and os.path.commonpath([real, os.path.realpath(root)]) != os.path.realpath(root):
        raise PromptFileError(f"the prompt file {ref.path!r} is outside the project root ({root})",
                              hint="pass --prompt-files-anywhere to read it anyway", **where)
    if not os.path.isfile(real):
        what = "is not a regular file" if os.path.exists(real) else "does not exist"
        raise PromptFileError(f"the prompt file {ref.path!r} {what} ({target})",
                              hint="create it, or write the prompt inline", **where)
    try:
        with open(real, "rb") as handle:
            data = handle.read(MAX_PROMPT_BYTES + 1)
    except OSError as exc:
        raise PromptFileError(f"cannot read the prompt file {ref.path!r}: {exc.strerror or exc}", **where) from None
    if len(data) > MAX_PROMPT_BYTES:
        raise PromptFileError(f"the prompt file {ref.path!r} is over {MAX_PROMPT_BYTES} bytes",
                              hint="a prompt file is text", **where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PromptFileError(f"the prompt file {ref.path!r} is not UTF-8 text", hint="save it as UTF-8",
                              **where) from None
    return text.replace("\r\n", "\n").strip()


def rebased(ref: Reference | None, syntax: Syntax | None, written_at: str | None, layout: str = "") -> Reference | None:
    """The reference as a file written at ``written_at`` names the same prompt file, where that
    file is part of the same project: a tree conversion (whose root is known) writing inside
    the project the prompt file lies in. Elsewhere (standard output, another folder) None: the
    text goes inline, so the output never names a file that is not beside it."""
    root = _ROOT.get()
    if ref is None or ref.text is None or syntax is None or written_at is None or root is None or not ref.target:
        return None
    here = os.path.realpath(os.path.abspath(written_at))
    if os.path.realpath(root_of(here, layout)) != root or not _inside(os.path.realpath(ref.target), root):
        return None
    relative = os.path.relpath(ref.target, os.path.dirname(os.path.abspath(written_at))).replace(os.sep, "/")
    path = relative if relative.startswith("../") else "./" + relative
    return Reference(syntax.spell(path), path, written_at, text=ref.text)


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


def referenced_files(refs: list[Reference]) -> list[str]:
    """The real paths of the files ``refs`` read (a tree conversion leaves them alone)."""
    return [os.path.realpath(r.target) for r in refs if r.text is not None and r.target]
