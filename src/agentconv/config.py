"""The user's configuration: ``[tool.agentconv]`` in the nearest ``pyproject.toml``, or the
top-level keys of an ``agentconv.toml``, found by walking up from the working directory.

Every key is checked: a TOML syntax error, an unknown key, a value of the wrong type or a
dialect agentconv does not know is a ``ConfigError`` naming the file and the key's line,
never ignored. Read with ``tomllib`` (stdlib, fast: ``convert`` must not pay for tomlkit);
lines come from a small scan of the text, since tomllib keeps none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .lazyre import compile_later
from .structs import field, struct

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = "pyproject.toml"
OWN_FILE = "agentconv.toml"
CARRY_VALUES = ("meaning", "style", "none")
KEYS = ("to", "output", "carry", "strict", "include", "exclude", "models", "tools")
#: (kind, dialect, spelling) of one override
Origin = tuple[str, str, str]


@struct(frozen=True)
class Config:
    """What the configuration file says; ``None`` / empty: the file does not say it."""

    to: tuple[str, ...] = ()
    output: Path | None = None
    carry: str | None = None
    strict: bool | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: target dialect → source spelling or canonical id → how the target spells it
    models: dict[str, dict[str, str]] = field(default_factory=dict)
    tools: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the file read (None: no configuration)
    source: Path | None = None
    #: the line each override is on, for ``agentconv mappings``
    lines: dict[Origin, int] = field(default_factory=dict, compare=False)

    def origin(self, kind: str, dialect: str, spelling: str) -> str:
        """``path:line`` of one override."""
        line = self.lines.get((kind, dialect, spelling))
        return f"{self.source}:{line}" if line else str(self.source)


EMPTY = Config()


def find_config(start: Path | str) -> Path | None:
    """The nearest ``agentconv.toml``, or ``pyproject.toml`` holding ``[tool.agentconv]``,
    in ``start`` or a folder above it. The walk ends at the repository root (a folder
    holding ``.git``), so a configuration outside the repository never applies to it."""
    # on strings: most runs find no configuration, and pathlib costs every command's start
    found = _config_near(os.path.realpath(start))
    if found is None:
        return None
    from pathlib import Path
    return Path(found)


def _config_near(start: str) -> str | None:
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    here = folder
    while True:
        own = os.path.join(here, OWN_FILE)
        if os.path.isfile(own):
            return _shown_path(own, folder)
        pyproject = os.path.join(here, PYPROJECT)
        if os.path.isfile(pyproject) and _mentions_us(_shown_path(pyproject, folder)):
            return _shown_path(pyproject, folder)
        if os.path.exists(os.path.join(here, ".git")):
            return None
        above = os.path.dirname(here)
        if above == here:
            return None
        here = above


def _shown_path(path: str, start: str) -> str:
    """``path`` relative to the working directory (errors read ``pyproject.toml:7: ...`` or
    ``../pyproject.toml:7: ...``)."""
    try:
        return os.path.relpath(path) if start == os.path.realpath(os.getcwd()) else path
    except ValueError:           # another drive
        return path


def _mentions_us(pyproject: str) -> bool:
    # a text test first: a broken pyproject.toml that holds no agentconv table is not ours to judge
    try:
        with open(pyproject, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    return "tool.agentconv" in text and _table(pyproject, text) is not None


def load_config(path: Path | str | None, start: Path | str) -> Config:
    """The configuration in ``path`` (``--config FILE``), or else the one found from ``start``;
    an empty ``Config`` when there is none."""
    if path is None:
        path = find_config(start)
        if path is None:
            return EMPTY
    from pathlib import Path
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration: {getattr(exc, 'strerror', None) or exc}",
                          path=str(path), hint="check that the file exists and is UTF-8 text") from None
    table = _table(path, text)
    if table is None:
        raise ConfigError("no [tool.agentconv] table in this file", path=str(path),
                          hint="add [tool.agentconv], or name an agentconv.toml")
    return _parsed(table, path, Lines(text, _prefix(path)))


def _prefix(path: Path | str) -> tuple[str, ...]:
    return () if os.path.basename(path) != PYPROJECT else ("tool", "agentconv")


def _table(path: Path | str, text: str) -> dict[str, Any] | None:
    import tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _where(str(exc))
        raise ConfigError(f"not valid TOML: {_without_where(str(exc))}", path=str(path), line=line,
                          column=column, hint="fix the TOML syntax (https://toml.io)") from None
    for key in _prefix(path):
        inner = data.get(key)
        if not isinstance(inner, dict):
            return None
        data = inner
    return data


_AT = compile_later(r"\s*\(at line (\d+), column (\d+)\)")


def _where(message: str) -> tuple[int | None, int | None]:
    match = _AT.search(message)
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def _without_where(message: str) -> str:
    return _AT.sub("", message)


class Lines:
    """The line of each key of a TOML text, by its full dotted path (headers, dotted keys and
    quoted keys understood; a key inside an inline table gets the line of the table's key)."""

    _HEADER = compile_later(r"^\s*\[\[?\s*(.+?)\s*\]\]?\s*(#.*)?$")
    _KEY = compile_later(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?)+?)\s*=""")

    def __init__(self, text: str, prefix: tuple[str, ...]):
        self.prefix = prefix
        self.found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = _split(header.group(1))
                for end in range(1, len(table) + 1):
                    self.found.setdefault(table[:end], number)
                continue
            key = self._KEY.match(line)
            if key:
                self.found.setdefault(table + _split(key.group(1)), number)

    def of(self, *path: str) -> int | None:
        """The line of ``path`` (below the configuration's table), or of its nearest parent."""
        full = self.prefix + path
        while full:
            if full in self.found:
                return self.found[full]
            full = full[:-1]
        return None


def _split(dotted: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', dotted)
    return tuple(a or b or c for a, b, c in parts)


def _parsed(table: dict[str, Any], path: Path, lines: Lines) -> Config:
    check = _Checker(path, lines)
    for key in table:
        if key == "tool" and path.name != PYPROJECT:
            check.fail((key,), "unknown key 'tool'", f"{path.name} takes the keys themselves: "
                                                     "`to = ...`, `[models.opencode]`, no [tool.agentconv]")
        if key not in KEYS:
            check.fail((key,), f"unknown key {key!r}", _suggest(key, KEYS))
    to = table.get("to", ())
    to = (to,) if isinstance(to, str) else to
    check.strings(("to",), to, "a dialect name or a list of them")
    for name in to:
        check.dialect(("to",), name)
    output = table.get("output")
    if output is not None:
        check.kind(("output",), output, str, "a folder path (relative to this file)")
    carry = table.get("carry")
    if carry is not None and carry not in CARRY_VALUES:
        check.fail(("carry",), f"carry must be one of {', '.join(CARRY_VALUES)}, not {carry!r}")
    strict = table.get("strict")
    if strict is not None:
        check.kind(("strict",), strict, bool, "true or false")
    for key in ("include", "exclude"):
        check.strings((key,), table.get(key, ()), "a list of globs")
    models, model_lines = check.overrides("models", table.get("models", {}))
    tools, tool_lines = check.overrides("tools", table.get("tools", {}))
    return Config(to=tuple(to), output=(path.parent / output) if output else None, carry=carry, strict=strict,
                  include=tuple(table.get("include", ())), exclude=tuple(table.get("exclude", ())),
                  models=models, tools=tools, source=path, lines={**model_lines, **tool_lines})


def _suggest(word: str, known: tuple[str, ...] | list[str]) -> str:
    import difflib
    close = difflib.get_close_matches(word, known, n=1)
    return f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"


@struct
class _Checker:
    path: Path
    lines: Lines

    def fail(self, where: tuple[str, ...], message: str, hint: str | None = None) -> None:
        raise ConfigError(message, path=str(self.path), line=self.lines.of(*where),
                          hint=hint or "see the Configuration section of agentconv's README")

    def kind(self, where: tuple[str, ...], value: Any, expected: type, what: str) -> None:
        if not isinstance(value, expected):
            self.fail(where, f"{'.'.join(where)} must be {what}, not {_shown(value)}")

    def strings(self, where: tuple[str, ...], value: Any, what: str) -> None:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            self.fail(where, f"{'.'.join(where)} must be {what}, not {_shown(value)}")

    def dialect(self, where: tuple[str, ...], name: str) -> None:
        from .registry import DIALECTS
        if name not in DIALECTS:
            self.fail(where, f"unknown dialect {name!r}", _suggest(name, list(DIALECTS)).replace("keys", "dialects"))

    def overrides(self, kind: str, value: Any) -> tuple[dict[str, dict[str, str]], dict[Origin, int]]:
        """``[models.<dialect>]`` / ``[tools.<dialect>]``: spelling → the target's spelling."""
        self.kind((kind,), value, dict, f"a table of dialects ([{kind}.<dialect>])")
        out: dict[str, dict[str, str]] = {}
        lines: dict[Origin, int] = {}
        for dialect, table in value.items():
            self.dialect((kind, dialect), dialect)
            self.kind((kind, dialect), table, dict, f"a table of spellings ({kind}.{dialect}.NAME = \"...\")")
            self.supported(kind, dialect)
            for spelling, spelled in table.items():
                where = (kind, dialect, spelling)
                self.kind(where, spelled, str, "a string")
                if not spelled.strip() or not spelling.strip():
                    self.fail(where, f"{'.'.join(where)}: an override needs a name on both sides")
                lines[(kind, dialect, spelling)] = self.lines.of(*where) or 0
            out[dialect] = dict(table)
        return out, lines

    def supported(self, kind: str, dialect: str) -> None:
        from .overrides import overridable
        if not overridable(dialect, kind):
            what = "model setting" if kind == "models" else "list of tool names agentconv can override"
            self.fail((kind, dialect), f"{dialect} has no {what}: [{kind}.{dialect}] cannot apply",
                      f"`agentconv mappings --dialect {dialect}` shows what it writes")


def _shown(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
             dict: "a table"}
    return f"{names.get(type(value), type(value).__name__)} ({value!r})" if not isinstance(value, dict) else "a table"


def walk_keys(config: Config) -> Iterator[tuple[str, str, str, str]]:
    """Every override as (kind, dialect, spelling, spelled)."""
    for kind, tables in (("models", config.models), ("tools", config.tools)):
        for dialect, table in tables.items():
            for spelling, spelled in table.items():
                yield kind, dialect, spelling, spelled
