"""The ``agentconv`` command's entry point. The most common command line, one FILE converted
(``agentconv convert FILE --to D``, with the options below), runs without importing click:
click is a quarter of its start-up. Any other command line, or one this parser is not sure
of, goes to click (``cli.py``), which also gives every usage error and all help."""

from __future__ import annotations

import os
import sys
from typing import Any

#: options of ``convert`` taken here, with their parameter and how they read (same as cli.py)
_FLAGS = {"--strict": ("strict", True), "--no-strict": ("strict", False), "-q": ("quiet", True),
          "--quiet": ("quiet", True), "-v": ("verbose", True), "--verbose": ("verbose", True),
          "--no-carry": ("no_carry", True), "--trust-carry": ("trust_carry", True),
          "--lenient-access": ("lenient_access", True), "--force": ("force", True)}
_VALUES = {"--to": "to", "--from": "from_", "-o": "output", "--output": "output", "--carry": "carry",
           "--report": "report"}
_CHOICES = {"carry": ("meaning", "style", "none"), "report": ("text", "json")}


def main() -> None:
    options = one_file_options(sys.argv[1:])
    if options is None:
        from .cli import main as with_click
        with_click()
        return
    from .onefile import run_one_file
    code = run_one_file(**options)
    if code is None:                 # the configuration asks for what only click's command does
        from .cli import main as with_click
        with_click()
        return
    sys.exit(code)


def one_file_options(argv: list[str]) -> dict[str, Any] | None:
    """``convert``'s parameters for a one-file command line, or None for click to parse it."""
    if len(argv) < 2 or argv[0] != "convert":
        return None
    found: dict[str, Any] = {}
    paths: list[str] = []
    tokens = iter(argv[1:])
    for token in tokens:
        name, eq, inline = token.partition("=")
        value: str | bool | None
        if token in _FLAGS:
            key, value = _FLAGS[token]
        elif name in _VALUES:
            key, given = _VALUES[name], inline if eq else next(tokens, None)
            if given is None or (not eq and given.startswith("-")):
                return None          # a missing value, or an option where click may see one
            value = given
        elif token.startswith("-"):
            return None              # another option, '-' (stdin), '--' or a typo: click says
        else:
            paths.append(token)
            continue
        if key in found:
            return None              # given twice: click's rules
        found[key] = value
    if len(paths) != 1 or "to" not in found or not os.path.isfile(paths[0]):
        return None
    if found.get("quiet") and found.get("verbose"):
        return None
    if any(found.get(key) not in (None, *choices) for key, choices in _CHOICES.items()):
        return None
    from .registry import SHIPPED
    if any(found.get(key) not in (None, *SHIPPED) for key in ("to", "from_")):
        return None                  # a plugin's dialect, or a typo: click's choice says which
    return {"source": paths[0], **found}
