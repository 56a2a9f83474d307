"""The ``agentconv`` command: a thin click layer over the library.

Data goes to stdout, reports to stderr. Exit codes: 0 ok, 1 failure (or losses under
--strict), 2 usage error. Library imports happen inside commands so --help stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from . import __version__
from .registry import DIALECTS

class DialectType(click.ParamType):
    """A dialect name; an unknown one fails with a did-you-mean."""

    name = "dialect"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(DIALECTS) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .errors import UnknownDialectError
        from .registry import get_dialect
        try:
            return get_dialect(value).name
        except UnknownDialectError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)


DIALECT_CHOICE = DialectType()
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns every AgentconvError into `path:line:col: message` + hint and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import AgentconvError
        try:
            return super().invoke(ctx)
        except AgentconvError as exc:
            click.echo(f"agentconv: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=Group, context_settings=CONTEXT, epilog="""\b
Examples:
  agentconv convert .claude/agents/reviewer.md --to opencode
  agentconv detect fixtures/*/*
  agentconv check .claude/agents/*.md""")
@click.version_option(__version__, "-V", "--version", prog_name="agentconv")
def cli() -> None:
    """Convert agent definitions between Claude Code, opencode and prose briefs, losing nothing
    silently: whatever a target cannot express is reported (and carried for the trip back)."""


def _read_source(source: str) -> tuple[bytes, str | None]:
    from .errors import AgentconvError
    if source == "-":
        return sys.stdin.buffer.read(), None
    if os.path.isdir(source):
        raise AgentconvError("is a directory", path=source,
                             hint="pass a file here; trees are converted with -o DIR")
    try:
        return open(source, "rb").read(), source
    except OSError as exc:
        raise AgentconvError(f"cannot read: {exc.strerror}", path=source,
                             hint="check that the file exists and is readable") from None


def _loss_lines(losses, source: str | None) -> list[str]:
    return [f"agentconv: {source or '<stdin>'}: {l.field}: {l.kind}" + (f" ({l.detail})" if l.detail else "")
            for l in losses]


def _output_path(out: str, target, agent) -> str:
    """-o naming an existing directory: the target tool's layout inside it, never outside."""
    if not os.path.isdir(out):
        return out
    relative = target.output_path(agent)
    path = os.path.join(out, *relative.parts)
    root = os.path.realpath(out)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        from .errors import AgentconvError
        raise AgentconvError("the agent's name would put the output outside the output folder",
                             path=path, hint="rename the agent")
    return path


@cli.command(epilog="""\b
Examples:
  agentconv convert .claude/agents/reviewer.md --to opencode
  agentconv convert reviewer.md --to opencode -o .            # -> ./.opencode/agent/reviewer.md
  cat brief.txt | agentconv convert - --from prose --to claude --strict
  agentconv convert a.md --to claude --report json -o out.md""")
@click.argument("source", metavar="FILE|-")
@click.option("--to", "to", required=True, type=DIALECT_CHOICE, help="Dialect to write.")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected when omitted).")
@click.option("-o", "--output", "output", metavar="OUT",
              help="Output file, or an existing directory to write into the target tool's layout "
                   "(OUT/.claude/agents/NAME.md, OUT/.opencode/agent/NAME.md). Default: stdout.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--strict", is_flag=True, help="Exit 1 and write nothing if anything would be lost.")
@click.option("--no-carry", is_flag=True,
              help="Do not keep inexpressible fields in a comment for the trip back (they are dropped, and reported).")
@click.option("--report", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Loss report format. json goes to stdout with -o, else to stderr.")
def convert(source: str, to: str, from_: str | None, output: str | None, force: bool, strict: bool,
            no_carry: bool, report: str) -> None:
    """Convert one agent file to another dialect."""
    from .api import loads, to_dialect
    from .errors import LossError, OutputExistsError
    from .fsio import write_atomic
    from .registry import get_dialect

    data, path = _read_source(source)
    doc = loads(data, from_, path=path)
    target = get_dialect(to)
    out_path = _output_path(output, target, doc.agent) if output else None
    text, losses = to_dialect(doc, to, carry=not no_carry, path=out_path)
    status = "lossy" if losses else "ok"
    if strict and losses:
        status = "failed"
    entry = {"source": path or "-", "target": out_path, "from": doc.dialect, "to": target.name,
             "status": status, "losses": [l.model_dump(exclude_none=True) for l in losses],
             "warnings": [w.model_dump(exclude_none=True) for w in doc.warnings]}
    if report == "json":
        click.echo(json.dumps({"files": [entry]}, ensure_ascii=False, indent=2), err=out_path is None)
    else:
        for warning in doc.warnings:
            click.echo(f"agentconv: {path or '<stdin>'}: warning: {warning.message}", err=True)
        for line in _loss_lines(losses, path):
            click.echo(line, err=True)
    if strict and losses:
        raise LossError(losses, path=path)
    if out_path is None:
        click.echo(text, nl=False)
        return
    if os.path.lexists(out_path) and not force:
        raise OutputExistsError(out_path)
    write_atomic(out_path, text.encode("utf-8"), overwrite=force)
    if report == "text":
        click.echo(f"agentconv: wrote {out_path}", err=True)


@cli.command(epilog="""\b
Example:
  agentconv detect .claude/agents/*.md notes/brief.txt""")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def detect(files: tuple[str, ...]) -> None:
    """Print the dialect of each file (tab-separated), refusing to guess when unsure."""
    from .api import decode
    from .errors import AgentconvError
    from .registry import detect as detect_dialect
    failed = False
    for file in files:
        try:
            data, path = _read_source(file)
            text, _, _ = decode(data, path)
            click.echo(f"{file}\t{detect_dialect(text, path)}")
        except AgentconvError as exc:
            click.echo(f"agentconv: {exc.located(file)}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


@cli.command(epilog="""\b
Example:
  agentconv inspect .claude/agents/reviewer.md | jq .agents[0].tools""")
@click.argument("file", metavar="FILE|-")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected when omitted).")
def inspect(file: str, from_: str | None) -> None:
    """Print the canonical model of a file as JSON (the field names losses refer to)."""
    from .api import loads
    data, path = _read_source(file)
    doc = loads(data, from_, path=path)
    click.echo(json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2))


@cli.command(epilog="""\b
Example:
  agentconv check .claude/agents/*.md && echo all good""")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected when omitted).")
def check(files: tuple[str, ...], from_: str | None) -> None:
    """Parse and validate each file and check it writes back byte for byte."""
    from .api import loads, to_dialect
    from .errors import AgentconvError
    failed = False
    for file in files:
        try:
            data, path = _read_source(file)
            doc = loads(data, from_, path=path)
            text, _ = to_dialect(doc)
            if text.encode(doc.encoding) != data:
                raise AgentconvError("writing the file back would change it", path=file,
                                     hint="please report this file: identity is a bug otherwise")
            notes = "".join(f"; warning: {w.message}" for w in doc.warnings)
            click.echo(f"ok\t{file}\t{doc.dialect}{notes}")
        except AgentconvError as exc:
            click.echo(f"agentconv: {exc.located(file)}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


@cli.command(epilog="""\b
Example:
  agentconv dialects | cut -f1""")
def dialects() -> None:
    """List the dialects: name, tool and where the tool reads agents from."""
    from .registry import get_dialect
    for name in DIALECTS:
        d = get_dialect(name)
        click.echo(f"{name}\t{d.title}\t{d.layout}/")


@cli.command(epilog="""\b
Example:
  agentconv schema > agent.schema.json""")
def schema() -> None:
    """Print the JSON Schema of the canonical model (what `inspect` prints)."""
    from .document import Document
    click.echo(json.dumps(Document.model_json_schema(), indent=2))


def main() -> None:
    cli(prog_name="agentconv")


if __name__ == "__main__":
    main()
