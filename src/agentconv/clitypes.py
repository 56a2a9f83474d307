"""The command line's parameter types: dialects, tools and renames, each failing with a
message that says what would be right."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .registry import DIALECTS, SHIPPED

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    # click's ParamType is generic from 8.5 on (value type, input type); click>=8.2 is allowed,
    # so the subscript is for the checker only
    _StrParam = click.ParamType[str, Any]
    _PairParam = click.ParamType[tuple[str, str], Any]
else:
    _StrParam = _PairParam = click.ParamType


class DialectType(_StrParam):
    """A dialect name; an unknown one fails with a did-you-mean."""

    name = "dialect"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(SHIPPED) + "]"       # --help loads no plugin: theirs are accepted all the same

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .errors import UnknownDialectError
        from .registry import get_dialect
        try:
            return get_dialect(value).name
        except UnknownDialectError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        """The dialect names that start with what was typed (shell completion)."""
        from click.shell_completion import CompletionItem
        return [CompletionItem(name) for name in self.choices() if name.startswith(incomplete)]

    def choices(self) -> list[str]:
        return list(DIALECTS)


DIALECT_CHOICE = DialectType()

class ToolType(DialectType):
    """A tool agentconv knows how to read as (a dialect with a reading model)."""

    name = "tool"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(_tools()) + "]"

    def choices(self) -> list[str]:
        return _tools()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        name = super().convert(value, param, ctx)
        if name not in _tools():
            self.fail(f"no real tool reads {name} files; choose one of {', '.join(_tools())}", param, ctx)
        return name


def _tools() -> list[str]:
    from .registry import get_dialect
    return [name for name in DIALECTS if get_dialect(name).reading_model]


class RenameType(_PairParam):
    """OLD=NEW: write the agent named OLD under the name NEW."""

    name = "rename"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        old, sep, new = str(value).partition("=")
        if not sep or not old or not new.strip():
            self.fail(f"{value!r} is not OLD=NEW (e.g. --rename build=builder)", param, ctx)
        return old, new.strip()
