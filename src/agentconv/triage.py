"""Telling agent definitions from the other files in a tree, before anything is converted:
what is skipped (and why), what is read, and where a broken file breaks."""

from __future__ import annotations

import os
import re

from .api import MAX_BYTES, decode, loads, read_bytes
from .document import Document
from .errors import AgentconvError, DetectionError
from .formats import frontmatter
from .registry import dialect_for_path, get_dialect
from .walk import Source

_AGENT_SUFFIXES = (".md", ".markdown", ".txt")
#: project documentation; only files *without* front matter, since an agent may well be
#: called "security" or "changelog"
_DOC_NAMES = frozenset({"readme", "changelog", "changes", "history", "license", "licence", "copying",
                        "notice", "authors", "contributors", "contributing", "code_of_conduct",
                        "security", "support", "funding", "codeowners"})
_DESCRIPTION_KEY = re.compile(r"^description[ \t]*:", re.MULTILINE)


def skip_by_name(path: str, explicit: bool) -> str | None:
    name = os.path.basename(path)
    if name.startswith("."):
        return "hidden file"
    if not explicit and not name.lower().endswith(_AGENT_SUFFIXES):
        return "not a .md or .txt file"
    return None


def _is_doc_name(path: str) -> bool:
    return os.path.basename(path).split(".")[0].lower().replace("-", "_") in _DOC_NAMES


def read_source_bytes(path: str) -> bytes:
    return read_bytes(path, refuse_large=False)     # a large file is skipped, not failed


def skip_by_content(source: Source, data: bytes, read: str | None) -> str | None:
    """Why a readable file is not an agent definition, or None when it claims to be one.
    Files that claim to be agents and then fail to parse are failures, not skips."""
    path = source.path
    if len(data) > MAX_BYTES:
        return f"larger than {MAX_BYTES} bytes: not an agent definition"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary file"
    layout = dialect_for_path(path)
    fronted = data.lstrip(b"\xef\xbb\xbf").startswith(b"---")
    try:
        text = decode(data, path)[0]
    except AgentconvError:
        if fronted or layout or source.explicit:
            raise
        return "not UTF-8 text"
    if not text.strip():
        return "empty file"
    if frontmatter.has_front_matter(text):
        if layout or source.explicit or read or _in_agents_folder(path) \
                or _DESCRIPTION_KEY.search(_front_matter_text(text)):
            return None
        return "front matter without a description: not an agent definition"
    if _is_doc_name(path):
        return f"{os.path.basename(path)} is documentation, not an agent"
    if not source.explicit and "claude" in (layout, read):
        return "no front matter: Claude Code does not read it as an agent"
    return None


def _in_agents_folder(path: str) -> bool:
    return any(part in ("agents", "agent") for part in os.path.normpath(path).split(os.sep)[:-1])


def _front_matter_text(text: str) -> str:
    try:
        split = frontmatter.split(text)
    except AgentconvError:
        return text          # never closed: let the parser report it
    return split.yaml if split else ""


def load_agent(data: bytes, read: str | None, path: str, *, trust_carry: bool = False) -> Document:
    try:
        return loads(data, read, path=path, trust_carry=trust_carry)
    except DetectionError as exc:
        raise _precise(data, path, exc) from None


def _precise(data: bytes, path: str, exc: DetectionError) -> AgentconvError:
    """Detection says only that it is unsure; the reader of the dialect the folder names (or,
    when nothing tells, of Claude) says where the file breaks."""
    text = decode(data, path)[0]
    if not frontmatter.has_front_matter(text):
        return exc
    hinted = dialect_for_path(path)
    if hinted is None and exc.candidates:
        return exc
    try:
        get_dialect(hinted or "claude").read(text, path)
    except AgentconvError as error:
        return error.located(path)
    return exc
