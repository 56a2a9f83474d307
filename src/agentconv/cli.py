"""The ``agentconv`` command: a thin click layer over the library.

Data goes to stdout, reports to stderr. Exit codes: 0 ok, 1 failure (or losses under
--strict), 2 usage error. Library imports happen inside commands so --help stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .clitypes import DIALECT_CHOICE, RenameType, ToolType
from .configcli import run_settings, unknown_model_lines
from .onefile import convert_one, read_source, show_plugin_warnings, unknown_json
from .registry import DIALECTS

if TYPE_CHECKING:
    from .toolread import ToolReading
from .terminal import NO_BAR, echo, echo_err, echo_json, error_text, progress_bar, result_lines, shown, summary

if TYPE_CHECKING:
    from .config import Config

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns every AgentconvError into `path:line:col: message` + hint and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import AgentconvError
        try:
            return super().invoke(ctx)
        except AgentconvError as exc:
            echo(f"agentconv: {error_text(exc)}", err=True)
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
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read the configuration from FILE (agentconv.toml, or a pyproject.toml with "
                   "[tool.agentconv]) instead of the nearest one above the working directory.")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None) -> None:
    """Convert agent definitions between Claude Code, opencode and prose briefs, losing nothing
    silently: whatever a target cannot express is reported (and carried for the trip back)."""
    ctx.obj = {"config_file": config_file}
    show_plugin_warnings()


def _config(ctx: click.Context) -> Config:
    """The run's configuration (--config FILE, or the nearest one found), read once."""
    from pathlib import Path

    from .config import load_config
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    if "config" not in obj:
        named = obj.get("config_file")
        obj["config"] = load_config(Path(named) if named else None, Path.cwd())
        root.obj = obj
    config: Config = obj["config"]
    return config


def _for_each_file(files: tuple[str, ...], action: Callable[[str], str]) -> None:
    """Run ``action`` on every file, print its line; report failures and exit 1 if any."""
    from .errors import AgentconvError
    failed = False
    for file in files:
        try:
            echo(action(file))
        except AgentconvError as exc:
            echo(f"agentconv: {error_text(exc.located(file))}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


@cli.command(epilog="""\b
Examples:
  agentconv convert .claude/agents/reviewer.md --to opencode        # one file, to stdout
  agentconv convert reviewer.md --to opencode -o .            # -> ./.opencode/agent/reviewer.md
  cat brief.txt | agentconv convert - --from prose --to claude --strict
  agentconv convert .claude/agents --to opencode -o .         # a whole tree, into the layout
  agentconv convert .claude/agents --to opencode -o . --dry-run   # plan only
  agentconv convert .claude/agents --to opencode -o . --check     # CI: exit 1 when out of date
  agentconv convert .claude/agents --to claude --in-place --diff  # what normalising would change
  agentconv convert agents/ --to claude -o out --report json | jq .totals""")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...|-")
@click.option("--to", "to", type=DIALECT_CHOICE,
              help="Dialect to write (default: the configuration's `to`, which may name several).")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected per file when omitted).")
@click.option("-o", "--output", "output", metavar="OUT",
              help="Output folder: agents go into the target tool's layout inside it "
                   "(OUT/.claude/agents/NAME.md, OUT/.opencode/agent/NAME.md, OUT/agents/NAME.md). "
                   "For one FILE it may also name the output file. Default for one FILE: stdout.")
@click.option("--force", is_flag=True, help="Replace output files that exist with other content.")
@click.option("--dry-run", is_flag=True, help="Plan only: report what would be written; write nothing.")
@click.option("--diff", is_flag=True, help="Print a unified diff of what would change (stdout); write nothing.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if OUT (or, with --in-place, a source) is not what a "
                   "conversion would write. For CI keeping generated copies in sync.")
@click.option("--in-place", is_flag=True,
              help="Normalise each PATH already in the --to dialect where it is, writing only files "
                   "whose bytes change; files in other dialects are skipped.")
@click.option("--strict/--no-strict", default=None,
              help="Fail (and write nothing for) any file that would lose anything (default: the "
                   "configuration's `strict`, else off).")
@click.option("--carry", "carry", type=click.Choice(["meaning", "style", "none"]), default=None,
              help="What the target cannot say goes into a comment it ignores, for the trip back: "
                   "'meaning' (the source's own keys), 'style' (also formatting hints, so the trip "
                   "back gives the original bytes) or 'none' (default: the configuration's `carry`, "
                   "else meaning).")
@click.option("--no-carry", is_flag=True, help="Same as --carry none: report and drop what the target cannot say.")
@click.option("--trust-carry", is_flag=True,
              help="The sources' agentconv comments are yours: also take back what they hold that "
                   "grants something (tools, permission mode, hooks, MCP servers, skills, model, "
                   "memory, ...). Without it those are reported as 'untrusted' and left out.")
@click.option("--accept-widening", "accept_widening", multiple=True, metavar="TOOL",
              help="Where the target cannot say TOOL's rules (read, bash, task, ...), grant it "
                   "instead of denying it, reported as widened. Repeatable; off by default.")
@click.option("--lenient-access", is_flag=True,
              help="Read a tools/permission value agentconv cannot interpret as no tools at all "
                   "(reported as narrowed) instead of failing.")
@click.option("--prompt-files-anywhere", is_flag=True,
              help="Read a prompt file an agent names ({file:...}, file://...) even outside the "
                   "project root (the folder converted, or the one holding the agent's tool folder).")
@click.option("--report", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints one JSON document (an entry per file, the totals) on stdout; "
                   "with one FILE converted to stdout, on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures, conflicts and refusals.")
@click.option("-v", "--verbose", is_flag=True, help="Also list each file's outcome, losses and why files were skipped.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for large trees (default: one per core; 1: none). Output and "
                   "reports are the same either way.")
@click.option("--rename", "renames", type=RenameType(), multiple=True, metavar="OLD=NEW",
              help="Write the agent named OLD as NEW, e.g. when OLD is a name the target tool "
                   "keeps for itself (opencode's build, plan, ...). Repeatable.")
@click.option("--include", "include", multiple=True, metavar="GLOB",
              help="Convert files matching GLOB even where they would not count as agents "
                   "(e.g. 'docs/agents/*.md'). A GLOB without '/' matches file names. Repeatable.")
@click.option("--exclude", "exclude", multiple=True, metavar="GLOB",
              help="Skip files matching GLOB ('vendor/**', '*.draft.md'). Repeatable.")
@click.option("--prune", is_flag=True,
              help="Remove outputs an earlier run wrote into OUT whose source is gone (as its manifest, "
                   ".agentconv-manifest.json in OUT, records them), if they are still as agentconv wrote "
                   "them; nothing else. With --dry-run, say what would be removed.")
@click.pass_context
def convert(ctx: click.Context, paths: tuple[str, ...], to: str | None, from_: str | None, output: str | None,
            force: bool, dry_run: bool, diff: bool, check: bool, in_place: bool, strict: bool | None, carry: str | None,
            no_carry: bool, trust_carry: bool, accept_widening: tuple[str, ...], lenient_access: bool,
            prompt_files_anywhere: bool, report: str, quiet: bool, verbose: bool,
            jobs: int | None, renames: tuple[tuple[str, str], ...], include: tuple[str, ...],
            exclude: tuple[str, ...], prune: bool) -> None:
    """Convert agent files, or whole trees of them, to another dialect.

    One FILE (or - for stdin) without -o is printed on stdout. Folders and several files need
    -o OUT (or --in-place): they are walked recursively, files that are not agent definitions
    (README.md, images, ...) are skipped and listed, a file that fails is reported with
    path:line:col and the others are still converted. Existing files are never replaced
    without --force, and nothing is written outside OUT. Exit 1 when any file failed, clashed
    with another or was refused.
    """
    if quiet and verbose:
        raise click.UsageError("-q and -v cannot be used together")
    one = len(paths) == 1 and not (dry_run or diff or check or in_place or prune) and \
        (paths[0] == "-" or not os.path.isdir(paths[0]))
    config = _config(ctx)
    run = run_settings(config, to=to, output=output, carry="none" if no_carry else carry, strict=strict,
                       include=include, exclude=exclude, one_file=one, in_place=in_place)
    if one and output is None and len(run.to) > 1:
        raise click.UsageError(f"the configuration names {len(run.to)} targets: one FILE to stdout needs one "
                               "--to (or -o OUT)")
    from .promptref import project_root
    codes = []
    with project_root(None, anywhere=prompt_files_anywhere):
        _refuse_prune_without_out(prune, run.output, in_place)
        for target in run.to:
            if one:
                codes.append(convert_one(paths[0], target, from_, run.output, force, run.strict, run.carry,
                                          trust_carry, report, quiet, dict(renames), lenient_access,
                                          accept_widening, verbose=verbose, config=config))
                continue
            codes.append(_convert_batch(paths, target, from_, run.output, force=force, dry_run=dry_run, diff=diff,
                                        check=check, in_place=in_place, strict=run.strict, carry=run.carry,
                                        trust_carry=trust_carry, report=report,
                                        verbosity=-1 if quiet else 1 if verbose else 0, jobs=jobs,
                                        renames=dict(renames), include=run.include, exclude=run.exclude,
                                        lenient_access=lenient_access, accept_widening=accept_widening,
                                        prompt_files_anywhere=prompt_files_anywhere, config=config,
                                        prune=prune))
    sys.exit(max(codes, default=0))


def _refuse_prune_without_out(prune: bool, output: str | None, in_place: bool) -> None:
    if prune and (in_place or not output):
        raise click.UsageError("--prune removes outputs agentconv wrote into an output folder: it needs -o OUT "
                               "and cannot be combined with --in-place")


def _convert_batch(paths: tuple[str, ...], to: str, from_: str | None, output: str | None, *,
                   report: str, verbosity: int, **options: Any) -> int:
    """Folders and several files: the library converts, this only renders its results."""
    from .batch import BatchResult, Tally, iter_convert_tree
    if "-" in paths:
        raise click.UsageError("'-' reads one file from stdin; it cannot be combined with other paths "
                               "or with --dry-run/--diff/--check/--in-place")
    if options["in_place"] and output:
        raise click.UsageError("--in-place rewrites the sources; it takes no -o")
    if not (options["in_place"] or output):
        raise click.UsageError("converting folders or several files needs -o OUT (or --in-place)")
    results = iter_convert_tree(paths, output, to=to, read=from_, **options)
    tally, files, held = Tally(), [], []
    bar = progress_bar(paths, verbosity)
    with bar:
        for result in results:
            tally.add(result)
            if report == "json":
                files.append(result)
            elif result.diff:
                echo(result.diff, nl=False)
            lines = result_lines(result, verbosity)
            if bar is NO_BAR:
                echo_err(lines)
            else:
                held += lines
                bar.update(1)
    echo_err(held)
    if verbosity >= 0:
        echo_err([summary(tally, verbosity)] + unknown_model_lines(tally.unknown_models, to))
    if report == "json":
        batch = BatchResult(files=files, totals=tally.totals(), losses=dict(tally.losses))
        echo_json({**batch.report(), **unknown_json(tally.unknown_models)})
    return tally.exit_code


@cli.command(epilog="""\b
Example:
  agentconv detect .claude/agents/*.md notes/brief.txt""")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def detect(files: tuple[str, ...]) -> None:
    """Print the dialect of each file (tab-separated), refusing to guess when unsure."""
    from .api import decode
    from .registry import detect as detect_dialect

    def one(file: str) -> str:
        data, path = read_source(file)
        return f"{shown(file)}\t{detect_dialect(decode(data, path)[0], path)}"

    _for_each_file(files, one)


@cli.command(epilog="""\b
Example:
  agentconv inspect .claude/agents/reviewer.md | jq .agents[0].tools""")
@click.argument("file", metavar="FILE|-")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected when omitted).")
def inspect(file: str, from_: str | None) -> None:
    """Print the canonical model of a file as JSON (the field names losses refer to)."""
    from .api import loads
    data, path = read_source(file)
    doc = loads(data, from_, path=path)
    echo_json(doc.model_dump(mode="json"))


@cli.command(epilog="""\b
Examples:
  agentconv check .claude/agents/*.md && echo all good
  agentconv check --for claude .claude/agents/*.md     # how Claude Code itself reads them""")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--from", "from_", type=DIALECT_CHOICE, help="Dialect to read (detected when omitted).")
@click.option("--for", "for_", type=ToolType(),
              help="Say how this tool reads each file: loads, skips, rejects or misreads (naming "
                   "the field and both readings); exit 1 unless it loads every file as written.")
@click.option("--strict", is_flag=True,
              help="Also fail where the file's own tool reads a field otherwise than the file says "
                   "(what `check --for` of its dialect fails on), not only where it skips or rejects "
                   "the file. The agentconv-check pre-commit hook runs this.")
def check(files: tuple[str, ...], from_: str | None, for_: str | None, strict: bool) -> None:
    """Parse and validate each file and check it writes back byte for byte, and that the
    file's own tool loads it (with --for: how that tool reads each file)."""
    if for_ is not None:
        _check_for(files, for_)
    from .api import loads, to_dialect
    from .errors import AgentconvError

    def one(file: str) -> str:
        data, path = read_source(file)
        doc = loads(data, from_, path=path)
        if to_dialect(doc)[0].encode(doc.encoding) != data:
            raise AgentconvError("writing the file back would change it", path=file,
                                 hint="please report this file: identity is a bug otherwise")
        reading = _tool_reading(doc.dialect, data, path)
        if reading is not None and reading.verdict != "loads":
            raise AgentconvError(f"{reading.model.tool} {reading.verdict} this file: "
                                 + "; ".join(_tool_notes(reading)), path=file,
                                 hint=f"`agentconv check --for {doc.dialect} {file}` says how it reads the file")
        if strict and reading is not None and reading.fails:
            _refuse_misread(reading, doc.dialect, file)
        notes = [w.message for w in doc.warnings if not _told_by(reading, w.message)]
        notes += _tool_notes(reading) if reading is not None else []
        return f"ok\t{shown(file)}\t{doc.dialect}" + shown("".join(f"; warning: {n}" for n in notes))

    _for_each_file(files, one)


def _refuse_misread(reading: ToolReading, dialect: str | None, file: str) -> None:
    """``check --strict``: the tool loads the file, but not as it is written."""
    from .errors import AgentconvError
    raise AgentconvError(f"{reading.model.tool} misreads this file: " + "; ".join(_tool_notes(reading)), path=file,
                         hint=f"`agentconv check --for {dialect} {file}` says how it reads the file")


def _tool_reading(dialect: str | None, data: bytes, path: str | None) -> ToolReading | None:
    from .api import decode
    from .registry import get_dialect
    from .toolread import how_tool_reads
    return how_tool_reads(get_dialect(dialect), decode(data, path)[0], path) if dialect else None


def _read_as(tool: str, data: bytes, path: str | None) -> ToolReading:
    reading = _tool_reading(tool, data, path)
    assert reading is not None      # --for takes only tools with a reading model (ToolType)
    return reading


def _tool_notes(reading: ToolReading) -> list[str]:
    """What the tool does otherwise than the file says (keys it merely ignores are left out)."""
    return [f.message for f in reading.findings if f.kind != "ignores"]


def _told_by(reading: ToolReading | None, warning: str) -> bool:
    # agentconv's own "read leniently"/"skips" notes, where the tool model says it precisely
    return reading is not None and bool(reading.findings) and ("leniently" in warning or "skips" in warning)


def _check_for(files: tuple[str, ...], tool: str) -> None:
    """``check --for TOOL``: one verdict line per file, then what the tool reads otherwise."""
    from .errors import AgentconvError
    failed = False
    for file in files:
        try:
            data, path = read_source(file)
            reading = _read_as(tool, data, path)
        except AgentconvError as exc:
            echo(f"agentconv: {exc.located(file)}", err=True)
            failed = True
            continue
        misread = reading.verdict == "loads" and reading.fails
        echo(f"{'misreads' if misread else reading.verdict}\t{file}\t{reading.model.tool}")
        for line in reading.lines():
            echo(f"  {line}")
        failed = failed or reading.fails
    sys.exit(1 if failed else 0)


@cli.command(epilog="""\b
Example:
  agentconv dialects | cut -f1""")
def dialects() -> None:
    """List the dialects: name, tool, where the tool reads agents from, and what it cannot
    express (found by converting probe agents into it, each holding one meaning)."""
    from .expressible import summary
    from .plugins import describe
    from .registry import get_dialect
    for name in DIALECTS:
        d = get_dialect(name)
        where = d.layout + '/' if d.layout else getattr(d, 'file_name', '')
        echo(f"{name}\t{describe(d)}\t{where}\t{summary(name)}")


@cli.command(epilog="""\b
Examples:
  agentconv mappings --dialect opencode         # what opencode gets, and from where
  agentconv mappings --json | jq '.dialects[0].models'""")
@click.option("--dialect", "dialect", type=DIALECT_CHOICE, help="Only this dialect.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document (stable shape) on stdout.")
@click.pass_context
def mappings(ctx: click.Context, dialect: str | None, as_json: bool) -> None:
    """Show the model, tool and colour tables each dialect writes with, merged with the
    configuration's overrides, and where each entry comes from: the shipped data (with the
    client it was verified against) or the configuration file and line."""
    from .mappings import effective, text_lines
    document = effective([dialect] if dialect else list(DIALECTS), _config(ctx))
    if as_json:
        echo_json(document)
        return
    for line in text_lines(document):
        echo(line)


@cli.command(epilog="""\b
Example:
  agentconv schema > agent.schema.json""")
def schema() -> None:
    """Print the JSON Schema of the canonical model (what `inspect` prints)."""
    from .document import Document
    echo(json.dumps(Document.model_json_schema(), indent=2))


def main() -> None:
    cli(prog_name="agentconv")


if __name__ == "__main__":
    main()
