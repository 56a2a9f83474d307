"""Turning agent identities into file names that stay inside an output root, and file names
into text that is safe to print."""

from __future__ import annotations

import os
import re

from .lazyre import AsciiFirst, compile_later

_UNSAFE = AsciiFirst('[<>:"\\\\|?*\x00-\x1f\x7f\ud800-\udfff]', '[<>:"\\\\|?*\x00-\x1f\x7f]')
# Windows devices, with any extension and with the superscript digits it also takes (COM¹)
_RESERVED = compile_later(r"^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])([ .].*)?$",
                          re.IGNORECASE)
#: how every reserved name starts (no letter of these has a case twin but its own: a
#: lower() test is exact), so most names are told apart without compiling the pattern (~0.5 ms)
_RESERVED_STARTS = frozenset({"con", "prn", "aux", "nul", "clo", "com", "lpt"})
MAX_SEGMENT = 120
MAX_SEGMENT_BYTES = 200
#: characters that change how a name reads without showing: bidi controls and zero-width ones
INVISIBLE = frozenset("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                      "\u2060\u2066\u2067\u2068\u2069\ufeff")
_NOT_PRINTABLE = AsciiFirst("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(INVISIBLE)) + "]", "[\x00-\x1f\x7f]")


def safe_segment(segment: str) -> str:
    cleaned = _UNSAFE.sub("-", segment).strip().rstrip(". ")
    cleaned = cleaned.lstrip(".") or "agent"
    device = _RESERVED.match(cleaned) if cleaned[:3].lower() in _RESERVED_STARTS else None
    if device:          # 'CON_.txt': Windows reads 'CON.txt_' as the device CON all the same
        cleaned = cleaned[:device.end(1)] + "_" + cleaned[device.end(1):]
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


def unsafe_characters(text: str) -> str:
    """The invisible and bidi control characters in ``text``, as U+XXXX, comma separated."""
    found = sorted({c for c in text if c in INVISIBLE})
    return ", ".join(f"U+{ord(c):04X}" for c in found)


def printable(text: str) -> str:
    """``text`` with what a terminal would act on or hide escaped: control characters (a
    newline in a file name must not forge a line), bytes that were not UTF-8 (kept by the
    file system as surrogates), bidi and zero-width characters."""
    return _NOT_PRINTABLE.sub(_escape, text) if _NOT_PRINTABLE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"          # an undecodable byte of the file name
    if char in "\n\t\r":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# -- what PurePath says of a path, without importing pathlib (and urllib, which it imports):
# a few milliseconds of every command's start. Windows paths (drives, both slashes) go to
# pathlib itself.

def _posix_parts(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if path.startswith("/"):
        # POSIX keeps exactly two leading slashes as a root of its own
        parts.insert(0, "//" if path.startswith("//") and not path.startswith("///") else "/")
    return parts


def path_parts(path: str) -> tuple[str, ...]:
    """``PurePath(path).parts``."""
    if os.name == "nt":
        from pathlib import PurePath
        return PurePath(path).parts
    return tuple(_posix_parts(path))


def path_name(path: str) -> str:
    """``PurePath(path).name``."""
    if os.name == "nt":
        from pathlib import PurePath
        return PurePath(path).name
    parts = _posix_parts(path)
    return parts[-1] if parts and not parts[-1].startswith("/") else ""


def name_stem(name: str) -> str:
    """``PurePath(name).stem`` of a file name: without its last suffix (``.bashrc`` has none)."""
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def as_posix(path: str) -> str:
    """``PurePath(path).as_posix()``: the path normalised as pathlib does, with ``/``."""
    if os.name == "nt":
        from pathlib import PurePath
        return PurePath(path).as_posix()
    parts = _posix_parts(path)
    if not parts:
        return "."
    if parts[0].startswith("/"):
        return parts[0] + "/".join(parts[1:])
    return "/".join(parts)
