"""What the configuration decides for one ``convert`` run, after the command line's flags
(which always win). Light on purpose: the CLI imports it at start-up."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .structs import struct
from .terminal import shown

if TYPE_CHECKING:
    from .config import Config

__all__ = ["Run", "run_settings", "unknown_model_lines"]


@struct(frozen=True)
class Run:
    to: tuple[str, ...]
    output: str | None
    carry: str
    strict: bool
    include: tuple[str, ...]
    exclude: tuple[str, ...]


def run_settings(config: Config, *, to: str | None, output: str | None, carry: str | None, strict: bool | None,
                 include: tuple[str, ...], exclude: tuple[str, ...], one_file: bool, in_place: bool = False) -> Run:
    """Flags first, then the configuration, then agentconv's defaults. The configuration's
    ``output`` is used where an output folder is needed (folders, several files, --check ...);
    one FILE without -o still goes to stdout."""
    targets = (to,) if to else config.to
    if not targets:
        import click
        raise click.UsageError("Missing option '--to' (or set `to` in [tool.agentconv] / agentconv.toml)")
    folder = str(config.output) if config.output is not None and not one_file and not in_place else None
    return Run(to=targets, output=output if output is not None else folder,
               carry=carry or config.carry or "meaning", strict=bool(config.strict) if strict is None else strict,
               include=include or config.include, exclude=exclude or config.exclude)


def unknown_model_lines(unknown: Counter[str], target: str) -> list[str]:
    """One note per model no mapping table knows: written as it is, never a failure."""
    return [f"agentconv: note: model {shown(repr(model))} is in no mapping table, written as it is "
            f"({count} agent{'s' if count != 1 else ''}); if {target} spells it otherwise, pin it under "
            f"[tool.agentconv.models.{target}]"
            for model, count in sorted(unknown.items())]
