"""One FILE converted to stdout or to -o OUT: the most common command line, run without
click (``launch.py`` parses it; ``cli.py`` calls the same functions for the same command)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from .configcli import unknown_model_lines
from .terminal import echo, echo_err, echo_json, loss_lines, shown

if TYPE_CHECKING:
    from .config import Config
    from .dialects.base import Dialect
    from .document import Document
    from .model import Agent


def show_plugin_warnings() -> None:
    """A skipped plugin dialect reads like agentconv's other warnings: one line on stderr."""
    import warnings

    from .plugins import PluginWarning
    shown_by_python = warnings.showwarning
    if getattr(shown_by_python, "agentconv", False):
        return

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if issubclass(category, PluginWarning):
            echo(f"agentconv: warning: {message}", err=True)
        else:
            shown_by_python(message, category, filename, lineno, file, line)

    show.agentconv = True  # type: ignore[attr-defined]  # a mark on the function: installed once
    warnings.showwarning = show


def read_source(source: str) -> tuple[bytes, str | None]:
    from .api import MAX_BYTES, read_bytes
    if source == "-":
        from .errors import AgentconvError
        try:
            if sys.stdin is None:
                raise ValueError("closed")
            return sys.stdin.buffer.read(MAX_BYTES + 1), None      # loads() refuses what is too long
        except (OSError, ValueError):
            raise AgentconvError("cannot read standard input: it is closed", path="-",
                                 hint="pipe the agent file in, or pass its path") from None
    return read_bytes(source), source


def is_folder(out: str) -> bool:
    """-o names a folder when it is one, or ends with '/' (made when missing)."""
    return os.path.isdir(out) or out.endswith(("/", os.sep))


def output_path(out: str, target: Dialect, agent: Agent) -> str:
    """-o naming a folder: the target tool's layout inside it, never outside."""
    if not is_folder(out):
        return out
    from .errors import AgentconvError
    problem = target.name_problem(agent.name) if agent.name else None
    if problem:
        raise AgentconvError(f"{problem}; not written", path=out,
                             hint=f"give it another name with --rename '{agent.name}=NEW-NAME'")
    relative = target.output_path(agent)
    path = os.path.join(out, *relative.parts)
    root = os.path.realpath(out)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        raise AgentconvError("the agent's name would put the output outside the output folder",
                             path=path, hint="rename the agent")
    return path


def convert_one(source: str, to: str, from_: str | None, output: str | None, force: bool, strict: bool,
                 carry: str, trust_carry: bool, report: str, quiet: bool = False,
                 renames: dict[str, str] | None = None, lenient_access: bool = False,
                 accept_widening: tuple[str, ...] = (), verbose: bool = False, config: Config | None = None) -> int:
    from .api import loads, to_dialect
    from .errors import LossError, OutputExistsError
    from .fsio import write_atomic
    from .losses import Diagnostic, strict_losses
    from .registry import get_dialect

    data, path = read_source(source)
    doc = loads(data, from_, path=path, trust_carry=trust_carry, lenient_access=lenient_access)
    target = get_dialect(to)
    doc = without_built_in_overrides(doc, target.name, path)
    if len(doc.agents) > 1 and output is not None and not target.many_per_file and path is not None:
        # one file per agent, as for a tree (the output must be a folder)
        from .cli import _convert_batch
        return _convert_batch((path,), to, from_, output, force=force, dry_run=False, diff=False, check=False,
                              in_place=False, strict=strict, carry=carry, trust_carry=trust_carry, report=report,
                              verbosity=-1 if quiet else 1 if verbose else 0, jobs=1, renames=dict(renames or {}),
                              include=(), exclude=(), lenient_access=lenient_access,
                              accept_widening=accept_widening, config=config)
    if renames and len(doc.agents) == 1 and doc.agent.name in renames:
        doc = doc.model_copy(update={"agents": [doc.agent.model_copy(update={"name": renames[doc.agent.name]})]})
    out_path = output_path(output, target, doc.agents[0]) if output and doc.agents else None
    text, losses = to_dialect(doc, to, carry=carry, path=out_path, accept_widening=accept_widening, config=config)
    from .overrides import unknown_models
    unknown = Counter(unknown_models(doc.agents, target.name, config) if doc.dialect != target.name else [])
    status = "lossy" if strict_losses(losses) else "ok"      # a note on defaults is no loss
    if strict and strict_losses(losses):
        status = "failed"
    if out_path is None and doc.dialect != target.name:        # stdout: the user names the file
        doc.warnings += [Diagnostic(message=f"{problem} (--rename '{a.name}=NEW-NAME' writes it under another name)")
                         for a in doc.agents if a.name and (problem := target.name_problem(a.name))]
    entry = {"source": path or "-", "target": out_path, "from": doc.dialect, "to": target.name,
             "status": status, "losses": [l.model_dump(exclude_none=True) for l in losses],
             "restored": list(doc.restored),
             "warnings": [w.model_dump(exclude_none=True) for w in doc.warnings]}
    if report == "json":
        echo_json({"files": [entry], **unknown_json(unknown)}, err=out_path is None)
    elif not quiet:
        echo_err(unknown_model_lines(unknown, target.name))
        for warning in doc.warnings:
            echo(f"agentconv: {shown(path or '<stdin>')}: warning: {shown(warning.message)}", err=True)
        if doc.restored:
            echo(f"agentconv: {shown(path or '<stdin>')}: taken back from its agentconv comment: "
                       f"{', '.join(doc.restored)}", err=True)
        for line in loss_lines(losses, path):
            echo(line, err=True)
    if strict and strict_losses(losses):
        raise LossError(strict_losses(losses), path=path)
    if out_path is None:
        echo(text, nl=False)
        return 0
    if target.many_per_file and os.path.isfile(out_path):
        from .outputs import merged_into
        text = merged_into(target, out_path, text, force=force)
        write_atomic(out_path, text.encode("utf-8"), overwrite=True)
    else:
        if os.path.lexists(out_path) and not force:
            raise OutputExistsError(out_path)
        write_atomic(out_path, text.encode("utf-8"), overwrite=force)
    if report == "text" and not quiet:
        echo(f"agentconv: wrote {shown(out_path)}", err=True)
    return 0


def unknown_json(unknown: Counter[str]) -> dict[str, list[dict[str, object]]]:
    """The report's ``unknown_models``: each model no table knows, with how many agents had it."""
    return {"unknown_models": [{"model": m, "agents": n} for m, n in sorted(unknown.items())]}


def without_built_in_overrides(doc: Document, to: str, path: str | None) -> Document:
    """The document less its agents that only adjust a built-in of the source's tool (said
    on stderr); none left is an error."""
    from .api import own_agents
    from .errors import AgentconvError
    parts, overrides = own_agents(doc, to)
    if not overrides:
        return doc
    if not parts:
        raise AgentconvError(overrides[0], path=path, hint="give it a prompt of its own to convert it as an agent")
    for reason in overrides:
        echo(f"agentconv: {shown(path or '<stdin>')}: {shown(reason)}; left out", err=True)
    if len(parts) == 1:
        return parts[0]
    return doc.model_copy(update={"agents": [part.agents[0] for part in parts], "trivia": None})


def run_one_file(source: str, to: str, from_: str | None = None, output: str | None = None,
                 strict: bool | None = None, carry: str | None = None, no_carry: bool = False,
                 trust_carry: bool = False, lenient_access: bool = False, force: bool = False,
                 quiet: bool = False, verbose: bool = False, report: str = "text") -> int | None:
    """``agentconv convert FILE --to D ...`` as cli.convert runs it for one file, for the
    parameters launch.py parsed: the exit code, or None when click's command must run it."""
    from .config import load_config
    from .configcli import run_settings
    from .errors import AgentconvError
    from .promptref import project_root
    from .registry import get_dialect
    from .terminal import error_text
    show_plugin_warnings()
    try:
        to, from_ = get_dialect(to).name, get_dialect(from_).name if from_ else None
        config = load_config(None, os.getcwd())
        run = run_settings(config, to=to, output=output, carry="none" if no_carry else carry, strict=strict,
                           include=(), exclude=(), one_file=True)
        if len(run.to) != 1:
            return None
        with project_root(None, anywhere=False):
            return convert_one(source, run.to[0], from_, run.output, force, run.strict, run.carry, trust_carry,
                               report, quiet, {}, lenient_access, (), verbose=verbose, config=config)
    except AgentconvError as exc:
        echo(f"agentconv: {error_text(exc)}", err=True)
        return 1
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except (EOFError, KeyboardInterrupt):
        echo(err=True)
        echo("Aborted!", err=True)
        return 1
