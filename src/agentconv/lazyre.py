"""Patterns compiled on first use: ``re.compile`` costs 0.05-0.5 ms a pattern, and a one-file
``convert`` imports modules holding dozens it never uses (the example parser for a description
without examples, the tool models of other tools)."""

from __future__ import annotations

import re
from typing import Any, cast

_COMPILE = re.compile
_ATTRIBUTES = ("search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer",
               "pattern", "flags", "groups", "groupindex")


class OnFirstUse:
    """A pattern compiled when one of its methods or attributes is first asked for; from then
    on they are the compiled pattern's own, with no lookup of this class's."""

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = _COMPILE(*self._args)
        for attr in _ATTRIBUTES:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)


def compile_later(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (pass it to its own methods,
    not to ``re.sub`` and the like)."""
    return cast("re.Pattern[str]", OnFirstUse(pattern, flags))


class AsciiFirst:
    """A character-class pattern whose class reaches past ASCII (surrogates, U+2028): such a
    class makes ``re.compile`` build a map of the whole BMP (~0.5 ms a pattern). ``ascii`` is
    the same pattern with the class cut to its ASCII members, which says the same of ASCII
    text; the full one is compiled only for the first text that is not."""

    def __init__(self, full: str, ascii: str, flags: int = 0) -> None:
        self.full = compile_later(full, flags)
        self.ascii = compile_later(ascii, flags)

    def _for(self, text: str) -> re.Pattern[str]:
        return self.ascii if text.isascii() else self.full

    def search(self, text: str) -> re.Match[str] | None:
        return self._for(text).search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._for(text).match(text)

    def sub(self, repl: Any, text: str) -> str:
        return self._for(text).sub(repl, text)
