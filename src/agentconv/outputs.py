"""Where each converted agent lands, and landing it: names the target tool accepts (safe,
not reserved, renamed on request), one source per output (clashes of case and of Unicode
normalisation included), never replacing a source of the run, and writing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from .api import adjusts_built_in
from .document import Document
from .errors import AgentconvError, OutputExistsError
from .fsio import ChangedSinceReadError, Keep, write_atomic
from .losses import Diagnostic
from .paths import is_safe_name, printable, safe_relative_name, unsafe_characters
from .registry import get_dialect
from .results import FileResult, failed
from .structs import field, struct
from .triage import read_source_bytes
from .walk import SKIP_DIRS

if TYPE_CHECKING:
    from .dialects.base import Dialect
    from .dialects.container import ContainerDialect
    from .model import Agent


@struct(frozen=True)
class Claim:
    source: str
    own_output: bool = False
    dialect: str | None = None


@struct
class Job:
    """Everything decided once per run, so per-file work stays minimal."""

    to: str
    out: str | None
    read: str | None = None
    force: bool = False
    dry_run: bool = False
    check: bool = False
    diff: bool = False
    carry: bool | str = True
    trust_carry: bool = False
    strict: bool = False
    in_place: bool = False
    #: remove outputs an earlier run wrote whose source is gone (prune.py)
    prune: bool = False
    #: an unreadable access value is no tools (reported) instead of an error
    lenient_access: bool = False
    #: canonical tools a target that cannot say their rules grants whole (reported as widened)
    accept_widening: tuple[str, ...] = ()
    #: prompt references may read files outside the walked folder (--prompt-files-anywhere)
    prompt_files_anywhere: bool = False
    #: the user's configuration (agentconv.config.Config): its mapping overrides
    config: Any = None
    #: real paths of the files agents of the walked trees keep their prompts in: not agents
    prompt_files: dict[str, str] = field(default_factory=dict)
    #: agent name -> the name to write it under (--rename OLD=NEW)
    renames: dict[str, str] = field(default_factory=dict)
    #: globs: files taken as agents whatever triage says, and files left out
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: folders and files the walk reads (real paths), and folders it does not enter
    roots: tuple[str, ...] = ()
    files: frozenset[str] = frozenset()
    excluded: tuple[str, ...] = ()
    #: output path (case- and normalisation-folded) → the source that got it first
    claimed: dict[str, Claim] = field(default_factory=dict)
    #: outputs this run created inside the walked trees: never read back as sources
    written: set[str] = field(default_factory=set)
    #: into a container dialect: (result, members, facts) per source, landed in one file at the end
    members: list[Members] = field(default_factory=list)
    #: folder -> its real path, resolved once per run (a write opens every folder without
    #: following links, so a link planted later still cannot redirect it)
    real_folders: dict[str, str] = field(default_factory=dict)
    dialect: Dialect = field(init=False)
    out_real: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.dialect = get_dialect(self.to)
        self.to = self.dialect.name
        self.read = get_dialect(self.read).name if self.read else None
        self.out_real = os.path.realpath(self.out) if self.out is not None else None

    @property
    def writes(self) -> bool:
        return not (self.dry_run or self.check or self.diff)

    def real(self, path: str) -> str:
        """``os.path.realpath(path)``, its folder resolved once per run (a tree shares a few)."""
        folder, name = os.path.split(path)
        if name in ("", os.curdir, os.pardir) or os.path.islink(path):
            return os.path.realpath(path)
        real = self.real_folders.get(folder)
        if real is None:
            real = self.real_folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)

    def walks(self, real: str) -> bool:
        """Whether the walk of this run reads the file at real path ``real``."""
        if real in self.files:
            return True
        for root in self.roots:
            if _under(real, root):
                inner = [ex for ex in self.excluded if ex != root and _under(ex, root)]
                below = os.path.relpath(os.path.dirname(real), root).split(os.sep)
                if not any(_under(real, ex) for ex in inner) and not SKIP_DIRS & set(below):
                    return True
        return False


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def claim_key(path: str) -> str:
    """One key for every spelling a case-insensitive, normalising file system (macOS, Windows)
    takes for the same name: case and NFC/NFD variants clash there."""
    folded = unicodedata.normalize("NFD", os.path.normcase(os.path.abspath(path))).casefold()
    return unicodedata.normalize("NFD", folded)


# -------------------------------------------------------------------------------- naming

def renamed(doc: Document, job: Job, result: FileResult) -> Document:
    """The agents under the names they are written as: --rename's, and a name taken from a
    file name that is not UTF-8 read as the tools read it (U+FFFD for each bad byte)."""
    agents = [_renamed(agent, job, result) for agent in doc.agents]
    if all(a is b for a, b in zip(agents, doc.agents, strict=True)):
        return doc
    return doc.model_copy(update={"agents": agents})


def _renamed(agent: Agent, job: Job, result: FileResult) -> Agent:
    name = agent.name
    if name is None:
        return agent
    new = name
    if _SURROGATE.search(name):
        new = _SURROGATE.sub("\ufffd", name)
        result.warnings.append(Diagnostic(message=f"the name {printable(name)} comes from a file name that "
                                                  f"is not UTF-8; written as {new!r}"))
    if new in job.renames:
        result.warnings.append(Diagnostic(message=f"renamed {new!r} to {job.renames[new]!r} (--rename)"))
        new = job.renames[new]
    return agent if new == name else agent.model_copy(update={"name": new})


_SURROGATE = re.compile("[\ud800-\udfff]")


def target_path(doc: Document, source: str, job: Job, result: FileResult) -> str:
    if job.in_place:       # through a symlink, rewrite the file it names, not the link
        return os.path.realpath(source) if os.path.islink(source) else source
    for agent in doc.agents[1:]:       # a container holds several: every name must do
        _refuse_reserved(doc, agent, source, job)
    agent = doc.agents[0]
    name = agent.name or ""
    if _escapes(name) and not job.dialect.many_per_file:
        raise AgentconvError(f"the agent's name {name!r} would put the output outside the output folder",
                             path=source, hint="rename the agent: a name may hold sub-folders, not '..' "
                                               "or an absolute path")
    _refuse_reserved(doc, agent, source, job)
    out, out_real = job.out, job.out_real
    assert out is not None and out_real is not None     # not in place: there is an output folder
    relative = job.dialect.output_path_in(agent, out)
    if name and not is_safe_name(name):
        result.warnings.append(Diagnostic(message=f"the name {name!r} is not a safe file name; written as "
                                                  f"{relative.as_posix()}"))
    hidden = unsafe_characters(name)
    if hidden:
        result.warnings.append(Diagnostic(message=f"the name {name!r} holds invisible or bidi control "
                                                  f"characters ({hidden}): it may not read as it shows"))
    target = os.path.join(out, *relative.parts).removeprefix(os.curdir + os.sep)
    if os.path.commonpath([out_real, job.real(target)]) != out_real:
        raise AgentconvError("a symlink inside the output folder leads outside it", path=target,
                             hint="remove the symlink or choose another output folder")
    return target


def _refuse_reserved(doc: Document, agent: Any, source: str, job: Job) -> None:
    """A name the target's tool keeps for a built-in is not written: a file of that name would
    replace it. Not for a file of the target's own dialect (an opencode file named build
    overrides the built-in on purpose), nor for an adjustment of the same built-in."""
    name = agent.name or ""
    if not name or doc.dialect is None or doc.dialect == job.to \
            or adjusts_built_in(get_dialect(doc.dialect), job.dialect, agent):
        return
    problem = job.dialect.name_problem(name) or job.dialect.name_problem(safe_relative_name(name))
    if problem:
        raise AgentconvError(f"{problem}; not written", path=source,
                             hint=f"give it another name with --rename '{name}=NEW-NAME'")


def _escapes(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return ".." in parts or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None


# -------------------------------------------------------------------------------- landing

@struct(frozen=True)
class Facts:
    """What reading the source told, for settling: its bytes (for --in-place) and its mark."""

    original: bytes
    own_output: bool = False


#: into a container dialect: a source's result, its agents as (key, text) members, its facts
Members = tuple[FileResult, list[tuple[str, str]], Facts]


def _target(result: FileResult) -> str:
    assert result.target is not None        # target_path set it before anything is settled
    return result.target


def settle(result: FileResult, payload: bytes, facts: Facts, job: Job) -> FileResult:
    """Compare with what is on disk, then write (or say what would be written)."""
    target = _target(result)
    claim = job.claimed.setdefault(claim_key(target),
                                   Claim(result.source, facts.own_output, result.source_dialect))
    if claim.source != result.source:
        return _clash(result, payload, claim, facts, job)
    if not job.in_place:
        refused = _replaces_source(result, job)
        if refused is not None:
            return refused
    old = _existing(target)
    if job.in_place and old != facts.original:
        return failed(result, ChangedSinceReadError(result.source))
    if job.diff and old != payload:
        result.diff = _unified_diff(old, payload, target)
    if old == payload:
        status, reason = "unchanged", None
    elif job.check:
        status, reason = "differs", "missing" if old is None else "differs from the conversion"
    elif old is not None and not (job.force or job.in_place):
        status, reason = "exists", "exists with other content; --force replaces it"
    elif not job.writes:
        status, reason = "would-write", "would replace" if old is not None else "would create"
    else:
        return _write(result, payload, old, facts, job)
    return result.model_copy(update={"status": status, "reason": reason})


def _clash(result: FileResult, payload: bytes, claim: Claim, facts: Facts, job: Job) -> FileResult:
    """A second source for one output. It is no conflict when one of the two is agentconv's
    conversion of the other (an earlier run wrote it into the tree): it carries agentconv's
    mark, or it holds exactly what converting the other one writes there."""
    if job.in_place:
        return result.model_copy(update={"status": "skipped", "reason": f"the same file as {claim.source}"})
    if facts.own_output:
        return result.model_copy(update={"status": "skipped", "reason": f"agentconv's own output of an agent "
                                          f"converted here ({claim.source}): not converted again"})
    if _converts_to(claim.source, result.source, result.source_dialect, job):
        return result.model_copy(update={"status": "skipped", "reason": f"the same agent as {claim.source}, "
                                          "which converts to exactly this file: not converted again"})
    if _converts_to(result.source, claim.source, claim.dialect, job) and _existing(_target(result)) == payload:
        return result.model_copy(update={"status": "unchanged", "reason": f"{claim.source}, its agentconv "
                                          "output from an earlier run, gave the same output"})
    return result.model_copy(update={"status": "conflict",
                                     "reason": f"{result.target} is already the output of {claim.source}"})


def _converts_to(original: str, output: str, dialect: str | None, job: Job) -> bool:
    """Whether ``output`` holds exactly what converting ``original`` into ``dialect`` writes
    at that path (with this run's options), so an earlier run made it from ``original``."""
    from .api import to_dialect
    from .triage import load_agent
    if dialect is None:
        return False
    try:
        written = read_source_bytes(output)
        doc = load_agent(read_source_bytes(original), job.read, original)
        doc = renamed(doc, job, FileResult(source=original, status="skipped"))
        text, _ = to_dialect(doc, dialect, carry=job.carry, path=output, accept_widening=job.accept_widening)
    except AgentconvError:
        return False
    return text.encode("utf-8") == written


def _replaces_source(result: FileResult, job: Job) -> FileResult | None:
    target = _target(result)
    real = job.real(target)
    if not job.walks(real):
        return None
    if os.path.lexists(target):
        return failed(result, AgentconvError(
            f"the output {target} would replace a file this run reads as a source; not written",
            path=result.source, hint="choose an output folder (-o) outside the sources"))
    job.written.add(real)          # new here: when the walk gets to it, it is not a source
    return None


def _write(result: FileResult, payload: bytes, old: bytes | None, facts: Facts, job: Job) -> FileResult:
    target = _target(result)
    if job.in_place and old is not None and not os.stat(target).st_mode & 0o222:
        return failed(result, AgentconvError("the file is read-only; not rewritten", path=target,
                                             hint="make it writable (chmod u+w) to normalise it"))
    keep = Keep.of(target, owner=job.in_place) if old is not None else None
    try:
        write_atomic(target, payload, overwrite=old is not None, keep=keep,
                     root=os.path.dirname(target) if job.in_place else job.out,
                     expect=facts.original if job.in_place else None)
    except OutputExistsError:
        return result.model_copy(update={"status": "exists",
                                         "reason": "appeared during the run; --force replaces it"})
    except ChangedSinceReadError as exc:
        return failed(result, exc)
    return result.model_copy(update={"status": "converted", "reason": None})


def _existing(target: str) -> bytes | None:
    if not os.path.lexists(target):
        return None
    if os.path.isdir(target):
        raise AgentconvError("a folder is in the way of the output file", path=target,
                             hint="move the folder or choose another output folder")
    return read_source_bytes(target)


def _unified_diff(old: bytes | None, new: bytes, target: str) -> str:
    before = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    import difflib
    lines = difflib.unified_diff(before, after, "/dev/null" if old is None else target, target)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


# -------------------------------------------------------------------------------- containers

def settle_members(job: Job) -> list[FileResult]:
    """Land every source's agents (members) in the one container file, once, at the end of
    the walk: a new agent is added, one the file holds already with other content is
    replaced only with --force, and every other entry of the file stays byte for byte."""
    pending, job.members = job.members, []
    if not pending:
        return []
    target = _target(pending[0][0])
    container = cast("ContainerDialect", job.dialect)      # members: a dialect of many agents per file
    try:
        old = _existing(target)
        trivia = container.merge_target(old.decode("utf-8", "surrogateescape"), target) if old is not None else None
    except AgentconvError as exc:       # the file to merge into is broken: nothing lands
        return [failed(r, exc.located(target)) for r, _, _ in pending]
    held = container.held(trivia) if trivia is not None else {}
    given: dict[str, str] = {}         # agent name -> the source of this run that gave it
    landed: list[tuple[str, str]] = []
    results = []
    for result, members, _facts in pending:
        refused = _replaces_source(result, job)
        if refused is not None:
            results.append(refused)
            continue
        outcome = _member_outcome(result, members, given, held, job)
        if outcome.status in ("converted", "would-write", "differs", "unchanged"):
            landed += [(k, v) for k, v in members if not _same_member(job.dialect, held, k, v)]
            given.update({k: result.source for k, _ in members})
        results.append(outcome)
    if not landed:
        return results
    text = container.merge(trivia, landed, replace=True).encode("utf-8")
    if job.diff:
        first = next(i for i, r in enumerate(results) if r.status in ("would-write", "differs"))
        results[first] = results[first].model_copy(update={"diff": _unified_diff(old, text, target)})
    if job.writes:
        try:
            write_atomic(target, text, overwrite=old is not None, keep=Keep.of(target) if old is not None else None,
                         root=job.out)
        except (OutputExistsError, ChangedSinceReadError):
            return [failed(r, AgentconvError(f"{target} changed during the run; not written", path=target,
                                             hint="run again")) if r.status == "converted" else r
                    for r in results]
    return results


def _member_outcome(result: FileResult, members: list[tuple[str, str]], given: dict[str, str],
                    held: dict[str, str], job: Job) -> FileResult:
    names = [k for k, _ in members]
    clash = next((k for k in names if k in given), None)
    if clash is not None:
        return result.model_copy(update={"status": "conflict", "reason": f"agent {clash!r} of {result.target} "
                                                                          f"is already the output of {given[clash]}"})
    changed = [k for k, v in members if not _same_member(job.dialect, held, k, v)]
    if not changed:
        return result.model_copy(update={"status": "unchanged", "reason": None})
    replaced = [k for k in changed if k in held]
    if job.check:
        return result.model_copy(update={"status": "differs", "reason": _what(changed, replaced, "would")})
    if replaced and not job.force:
        return result.model_copy(update={"status": "exists", "reason": f"{result.target} holds agent "
                                          f"{replaced[0]!r} with other content; --force replaces it"})
    if not job.writes:
        return result.model_copy(update={"status": "would-write", "reason": _what(changed, replaced, "would")})
    return result.model_copy(update={"status": "converted", "reason": _what(changed, replaced, "")})


def merged_into(dialect: Any, path: str, text: str, *, force: bool) -> str:
    """The container file at ``path`` with the agents of ``text`` added; one it holds with
    other content is replaced only with ``force``; every other byte of the file stays."""
    old = read_source_bytes(path).decode("utf-8")
    trivia = dialect.merge_target(old, path)
    held = dialect.held(trivia)
    members = dialect.members(text)
    replaced = [k for k, v in members if k in held and not _same_member(dialect, held, k, v)]
    if replaced and not force:
        raise AgentconvError(f"the file already holds agent {replaced[0]!r} with other content; not replaced",
                             path=path, hint="pass --force to replace it (the file's other agents stay)")
    changed = [(k, v) for k, v in members if not _same_member(dialect, held, k, v)]
    return dialect.merge(trivia, changed, replace=True) if changed else old


def _same_member(dialect: Any, held: Mapping[str, object], key: str, text: str) -> bool:
    from .formats.values import same_value
    return key in held and same_value(held[key], dialect.member_value(text))


def _what(changed: list[str], replaced: list[str], mood: str) -> str:
    added = [k for k in changed if k not in replaced]
    verb = (mood + " ") if mood else ""
    parts = ([f"{verb}add {', '.join(map(repr, added))}"] if added else []) + \
            ([f"{verb}replace {', '.join(map(repr, replaced))}"] if replaced else [])
    return "; ".join(parts)
