"""Turning agent identities into file names that stay inside an output root."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[<>:"\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
MAX_SEGMENT = 120
MAX_SEGMENT_BYTES = 200


def safe_segment(segment: str) -> str:
    cleaned = _UNSAFE.sub("-", segment).strip().rstrip(". ")
    cleaned = cleaned.lstrip(".") or "agent"
    if _RESERVED.match(cleaned):
        cleaned += "_"
    # file systems count bytes (255 at most), and a dialect adds its extension
    cut = cleaned[:MAX_SEGMENT].encode("utf-8")[:MAX_SEGMENT_BYTES].decode("utf-8", "ignore")
    return cut.rstrip(". ") or "agent"


def safe_relative_name(name: str) -> str:
    """A relative POSIX path for ``name``: sub-folders kept ('review/security'), never
    absolute, never '..', no reserved device names, no characters a file system rejects."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(safe_segment(p) for p in parts) or "agent"


def is_safe_name(name: str) -> bool:
    return safe_relative_name(name) == name
