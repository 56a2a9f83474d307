"""The public functions: load / loads / dump / dumps / convert."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Union

from . import overrides
from .access import accepting_widenings
from .access import lenient_access as access_reading
from .document import Document
from .engine import as_loaded, carry_mode, write_agent
from .errors import AgentconvError, MultipleAgentsError, OutputExistsError, ParseError
from .losses import Loss, apply_loss_policy
from .promptref import rebased
from .registry import detect_and_read, get_dialect

if TYPE_CHECKING:
    from .config import Config
    from .dialects.base import Dialect
    from .losses import Diagnostic
    from .model import Agent
    from .promptref import Reference

PathLike = Union[str, "os.PathLike[str]"]
MAX_BYTES = 16 * 1024 * 1024


def decode(data: bytes, path: str | None = None) -> tuple[str, str, bool]:
    """Bytes → (text, encoding, had_bom); invalid UTF-8 is an error with its position."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # the byte order is kept ("utf-16" would write the machine's order back) and so is the BOM
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return data[2:].decode(codec), codec, True
        except UnicodeDecodeError as exc:
            raise ParseError(f"invalid UTF-16: {exc.reason}", path=path,
                             hint="save the file as UTF-8") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if bom else 0)
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise ParseError(f"invalid UTF-8 byte 0x{data[start]:02x}", path=path, line=line, column=column,
                         hint="save the file as UTF-8") from None
    return text, "utf-8", bom


def loads(text: str | bytes, dialect: str | None = None, *, path: PathLike | None = None,
          trust_carry: bool = False, lenient_access: bool = False) -> Document:
    """Parse agent text. ``dialect=None`` detects it from ``path`` and content.

    An agentconv comment in the file (what another dialect could not say) is taken back only
    where it grants nothing the file does not; ``trust_carry=True`` (for your own files)
    takes back tools, hooks, MCP servers, models and the like too. ``Document.restored`` and
    ``Document.refused`` say which.

    A tool-access value the reader cannot interpret (``disallowedTools: 5``) is a SchemaError;
    with ``lenient_access`` it narrows the agent to no tools instead, reported as a loss.

    >>> doc = loads("---\\nname: a\\ndescription: b\\n---\\nBe brief.\\n")
    >>> doc.dialect, doc.agent.name
    ('claude', 'a')
    """
    where = os.fspath(path) if path is not None else None
    encoding, bom = "utf-8", False
    if len(text) > MAX_BYTES:          # the same limit as load(), for text that came another way
        raise ParseError(f"the text is {len(text)} {'bytes' if isinstance(text, bytes) else 'characters'}; "
                         f"agent files are at most {MAX_BYTES} bytes", path=where,
                         hint="this is not an agent definition")
    if isinstance(text, bytes):
        text, encoding, bom = decode(text, where)
    else:
        loaded = as_loaded(text)           # the one rule the engine's read-back applies too
        text, bom = loaded, loaded is not text
    try:
        with access_reading(lenient_access):
            name, doc = detect_and_read(text, where, trust_carry=trust_carry) if dialect is None \
                else (get_dialect(dialect).name, None)
            if doc is None:
                doc = get_dialect(name).read(text, where, trust_carry=trust_carry)
    except AgentconvError as exc:
        exc.located(where)
        raise
    except RecursionError:
        raise ParseError("the file is nested too deeply to read", path=where,
                         hint="agent files never need this much nesting") from None
    doc.encoding, doc.bom = encoding, bom
    return doc


def read_bytes(path: PathLike, *, refuse_large: bool = True) -> bytes:
    """A file's bytes, refusing what is not a regular file (a FIFO would block, /dev/zero
    never end) and reading at most one byte past the size limit, which loads() enforces."""
    where = os.fspath(path)
    try:
        info = os.stat(where)
        if stat.S_ISDIR(info.st_mode):
            raise AgentconvError("is a directory", path=where, hint="pass a file, or convert a tree with -o DIR")
        if not stat.S_ISREG(info.st_mode):
            raise AgentconvError("not a regular file", path=where, hint="pass an agent file")
        if info.st_size > MAX_BYTES and refuse_large:
            raise ParseError(f"file is {info.st_size} bytes; agent files are at most {MAX_BYTES} bytes",
                             path=where, hint="this is not an agent definition")
        with open(where, "rb") as handle:
            return handle.read(MAX_BYTES + 1)     # the file may grow after the stat
    except OSError as exc:
        raise AgentconvError(f"cannot read: {exc.strerror or exc}", path=where,
                             hint="check that the file exists and is readable") from None


def load(path: PathLike, dialect: str | None = None, *, trust_carry: bool = False,
         lenient_access: bool = False) -> Document:
    """Read and parse an agent file (``trust_carry``, ``lenient_access``: see ``loads``)."""
    return loads(read_bytes(path), dialect, path=os.fspath(path), trust_carry=trust_carry,
                 lenient_access=lenient_access)


def to_dialect(doc: Document, dialect: str | None = None, *, carry: bool | str = True,
               path: PathLike | None = None, accept_widening: Iterable[str] = (),
               config: Config | None = None) -> tuple[str, list[Loss]]:
    """Render ``doc`` in ``dialect`` (default: its own); return the text and the losses.

    ``carry``: True or "meaning" keeps what the target cannot say in a comment it ignores,
    "style" adds formatting hints so a trip back gives the original bytes, False drops it.
    Without ``path`` the output is judged where the target tool would read it
    (``Dialect.output_path``), so a name its path expresses is no loss.

    ``accept_widening``: canonical tools (``read``, ``bash``, ``task``) a target that cannot
    say their rules grants whole instead of denying, each reported as widened.

    ``config``: an ``agentconv.config.Config`` (``load_config``) whose ``[models.<dialect>]``
    and ``[tools.<dialect>]`` overrides say how the target spells a model or a tool."""
    with accepting_widenings(accept_widening):
        return _to_dialect(doc, dialect, carry=carry, path=path, config=config)


def _refuse_unresolved(source: Any, agent: Any, doc: Document, same: bool) -> None:
    """A prompt in a referred file that could not be read never becomes an empty prompt."""
    why = source.unresolved(agent) if source is not None and not same else None
    if why:
        from .errors import MissingReferenceError
        raise MissingReferenceError(f"agent {agent.name!r}: {why}", path=doc.path,
                                    hint="put the prompt file where the tool looks for it, read the agent "
                                         "from its file (not a stream), or write the prompt inline")


def _to_dialect(doc: Document, dialect: str | None = None, *, carry: bool | str = True,
                path: PathLike | None = None, config: Config | None = None) -> tuple[str, list[Loss]]:
    """``to_dialect`` for the current ``accepting_widenings``."""
    target = get_dialect(dialect or doc.dialect or "")
    same = doc.dialect == target.name
    if len(doc.agents) > 1 and not target.many_per_file:
        raise MultipleAgentsError(
            f"the document holds {len(doc.agents)} agents and {target.title} holds one per file",
            path=doc.path, hint="convert into a folder (agentconv convert FILE --to "
                                f"{target.name} -o OUT) for one file per agent, or dump each agent on its own")
    texts, losses = [], []
    source = get_dialect(doc.dialect) if doc.dialect else None
    own_carry = source.file_carry(doc.trivia) if source is not None and doc.trivia is not None else None
    spell_with = tuple(get_dialect(n) for n in (own_carry.sections if own_carry else {}) if n)
    for index, agent in enumerate(doc.agents):
        _refuse_unresolved(source, agent, doc, same)
        of_agent = source.agent_trivia(doc.trivia, index, agent) if source is not None else doc.trivia
        values = source.file_values(of_agent) if source is not None else None
        # the configuration's spellings for this agent, from the first text written for it
        with overrides.writing(None if same else config, target.name, source, agent, values):
            text, lost = _agent_text(doc, target, source, agent, of_agent, values, carry=carry, path=path,
                                     spell_with=spell_with)
        texts.append(text)
        losses += _read_narrowings(doc, agent, target, getattr(of_agent, "warnings", doc.warnings)) + lost
    if not same:
        losses = _refused_losses(doc, target.name) + losses
    text = target.join(texts, doc.trivia if same else None) if texts or target.many_per_file else ""
    if same and doc.bom:
        text = "\ufeff" + text
    return text, losses


def _agent_text(doc: Document, target: Dialect, source: Dialect | None, agent: Agent, of_agent: Any,
                values: dict[str, Any] | None, *, carry: bool | str, path: PathLike | None,
                spell_with: tuple[Dialect, ...]) -> tuple[str, list[Loss]]:
    """One agent of ``doc`` written in ``target``, with what it lost."""
    same = doc.dialect == target.name
    styled = carry_mode(carry) == "style"
    ref = source.prompt_reference(of_agent) if not same and source is not None else None
    if ref is not None:
        agent = _with_prompt_text(agent, ref)
    where = os.fspath(path) if path is not None else \
        (doc.path if same else target.output_where(agent))
    style = dict(doc.style)
    own = source.style_of(of_agent, agent, full=styled) \
        if source is not None and of_agent is not None and not same else None
    shared, specific = split_style(own, target, agent) if own and not same else ({}, {})
    hints = _with_own(shared, style.pop(target.name, {})) if not same else {}
    trivia = of_agent if same else target.trivia_from_style(hints or None, agent)
    kept = rebased(ref, getattr(target, "prompt_syntax", None), where, target.layout)
    if kept is not None:          # a target with prompt files, in the same project: still a file
        trivia = target.trivia_with_reference(trivia, kept, agent)
    unshown = {k: v for k, v in shared.items() if k not in target.shows_style}
    # on a trip back the target's own hints rebuild the file: the formatting of the file
    # read (agentconv's, and the comments it moved) is not carried on
    if (specific or unshown) and source is not None and target.name not in doc.style:
        quotes = {**specific.get("quotes", {}), **unshown.get("quotes", {})}   # a target may show none
        style[source.name] = {**specific, **unshown, **({"quotes": quotes} if quotes else {})}
    text, lost = write_agent(target, agent, trivia=trivia, source_dialect=doc.dialect, carry=carry,
                             path=where, style=style or None, spell_with=spell_with, source_values=values)
    if not same and target.name not in doc.style:
        text, notes = _with_comments(text, doc, source, target, agent)
        lost += notes
    return text, lost


def _with_prompt_text(agent: Agent, ref: Reference | None) -> Agent:
    """An agent whose prompt is in a file another dialect names: its text, or the error why it
    cannot be had (a prompt that could not be read is never written as no prompt)."""
    if ref is None or agent.prompt is not None:
        return agent
    text = ref.required_text()
    return agent.model_copy(update={"prompt": text or None})


def each_agent(doc: Document) -> list[Document]:
    """The document's agents, each as a document of its own with its own trivia (spans,
    formatting), as a one-agent dialect writes them: one file per agent."""
    if len(doc.agents) == 1:
        return [doc]
    source = get_dialect(doc.dialect) if doc.dialect else None
    parts = []
    for i, agent in enumerate(doc.agents):
        trivia = source.agent_trivia(doc.trivia, i, agent) if source is not None else None
        parts.append(doc.model_copy(update={"agents": [agent], "trivia": trivia, "losses": [],
                                            "warnings": list(getattr(trivia, "warnings", []))}))
    return parts


def own_agents(doc: Document, to: str) -> tuple[list[Document], list[str]]:
    """The documents to write into dialect ``to`` (the whole file into a container dialect,
    else one per agent), without the agents that only adjust a built-in of the source's tool
    (opencode's ``build`` given just a model): those say nothing another tool can take; the
    second list says why each was left out."""
    target = get_dialect(to)
    source = get_dialect(doc.dialect) if doc.dialect else None

    def left_out(agent: Agent) -> str | None:
        if source is None or source.name == target.name or adjusts_built_in(source, target, agent):
            return None
        return source.built_in_override(agent)

    overrides = [reason for agent in doc.agents if (reason := left_out(agent))]
    if not overrides:
        return ([doc] if target.many_per_file or len(doc.agents) == 1 else each_agent(doc)), []
    return [part for part in each_agent(doc) if not left_out(part.agents[0])], overrides


def adjusts_built_in(source: Dialect, target: Dialect, agent: Agent) -> bool:
    """``agent`` adjusts a built-in that the target has too, in the same way (opencode.json's
    ``build`` with a model, written as opencode's ``build.md``)."""
    return bool(source.built_in_override(agent)) and target.merges_built_ins and agent.name in target.reserved_names


def _read_narrowings(doc: Document, agent: Agent, target: Dialect, warnings: Iterable[Diagnostic]) -> list[Loss]:
    """What reading the file already narrowed (lenient_access): a loss of every conversion."""
    if doc.dialect == target.name:
        return []
    return [Loss(field=w.field, kind="narrowed", detail=w.message, source=doc.dialect, target=target.name,
                 agent=agent.name) for w in warnings if w.field]


def _with_comments(text: str, doc: Document, source: Dialect | None, target: Dialect,
                   agent: Agent) -> tuple[str, list[Loss]]:
    """The source front matter's comments, above the target keys that say the same (a trip
    back rebuilt from style hints has them already)."""
    block = getattr(doc.trivia, "block", None)
    if block is None or source is None or not source.carries:      # no comments to move
        return text, []
    from .comments import attach, of_block
    found = of_block(block)
    if not found:
        return text, []
    moved, notes = attach(text, found, source, target, agent, block.values(), "\r\n" if "\r\n" in text else "\n")
    if moved == text:
        return text, notes
    from .toolread import judge_output
    if not judge_output(target, moved)[0]:        # the real tool reads the commented text alike
        return moved, notes
    return text, notes + [Loss(field="description", kind="formatting", source=source.name, target=target.name,
                               agent=agent.name, detail=f"{len(found)} comment(s) left out: "
                                                        f"{target.title} would read the file otherwise with them")]


def _refused_losses(doc: Document, target: str) -> list[Loss]:
    """What the file's agentconv comment held but reading did not take back: it does not
    reach the output, and the user should know."""
    who = doc.agents[0].name if len(doc.agents) == 1 else None
    return [Loss(field=field, kind="untrusted", source=doc.dialect, target=target, agent=who,
                 detail=f"in its agentconv comment, not taken back: {why}")
            for field, why in doc.refused]


_SHARED = ("body", "newline", "opening", "closing")


def _with_own(shared: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Shared hints with the target's own carried ones; quoting is per key in both."""
    hints = {**shared, **own}
    if "quotes" in shared and "quotes" in own:
        hints["quotes"] = {**shared["quotes"], **own["quotes"]}
    return hints


def split_style(style: dict[str, Any], target: Dialect, agent: Agent) -> tuple[dict[str, Any], dict[str, Any]]:
    """Formatting the target can show itself (whitespace around the prompt, line ends, how
    a one-line description is quoted) versus what only the trip back can use (carried)."""
    from .briefs import render_description
    # An odd rule such as "-----" closes the block for Claude Code's regex but not for
    # opencode's gray-matter (the prompt then starts with "--"): only plain rules are shared.
    shared = {k: v for k, v in style.items()
              if k in _SHARED and (k not in ("opening", "closing") or v.rstrip("\r\n") == "---")}
    one_line = "\n" not in (render_description(agent) or "")
    quotes = {k: q for k, q in style.get("quotes", {}).items()
              if k == "description" and q != "plain" and one_line and k in getattr(target, "known_keys", ())}
    if quotes:
        shared["quotes"] = quotes
    specific = {k: v for k, v in style.items() if k not in shared and k != "quotes"}
    own_quotes = {k: q for k, q in style.get("quotes", {}).items() if k not in quotes}
    if own_quotes:
        specific["quotes"] = own_quotes
    return shared, specific


def dumps(doc: Document, dialect: str | None = None, *, on_loss: str = "warn", carry: bool | str = True,
          path: PathLike | None = None, accept_widening: Iterable[str] = (), config: Config | None = None) -> str:
    """Render a document; ``dialect=None`` writes the dialect it was read from (same bytes
    when nothing changed). Losses land in ``doc.losses`` and go through ``on_loss``."""
    text, losses = to_dialect(doc, dialect, carry=carry, path=path, accept_widening=accept_widening,
                              config=config)
    doc.losses = losses
    if (dialect is None or get_dialect(dialect).name == doc.dialect):
        # a field the source already lacked is not lost by writing it back (the reader warned)
        losses = [l for l in losses if l.kind not in ("carried", "required")]
    apply_loss_policy(losses, on_loss, doc.path)
    return text


def dump(doc: Document, path: PathLike, dialect: str | None = None, *, overwrite: bool = False,
         on_loss: str = "warn", carry: bool | str = True) -> None:
    """Write a document to ``path`` atomically; refuses to replace a file unless ``overwrite``."""
    from .fsio import write_atomic
    where = os.fspath(path)
    if os.path.lexists(where) and not overwrite:
        raise OutputExistsError(where)
    text = dumps(doc, dialect, on_loss=on_loss, carry=carry, path=where)
    same = dialect is None or get_dialect(dialect).name == doc.dialect
    write_atomic(where, text.encode(doc.encoding if same else "utf-8"), overwrite=overwrite)


def convert(text: str | bytes, *, to: str, read: str | None = None, path: PathLike | None = None,
            on_loss: str = "warn", carry: bool | str = True, trust_carry: bool = False,
            lenient_access: bool = False, accept_widening: Iterable[str] = (), config: Config | None = None) -> str:
    """Convert agent text from one dialect (``read``, detected when None) to ``to``."""
    doc = loads(text, read, path=path, trust_carry=trust_carry, lenient_access=lenient_access)
    return dumps(doc, to, on_loss=on_loss, carry=carry, accept_widening=accept_widening, config=config)
