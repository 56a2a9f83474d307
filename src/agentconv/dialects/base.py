"""Dialect base classes. A dialect module states only how it differs: its keys, its value
tables (from ``dialects/<name>/mapping.toml``) and two mappings, native → canonical and back."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from ..access import GUARDS, key_lines
from ..document import Document
from ..errors import MultipleAgentsError, ParseError, SchemaError
from ..formats import frontmatter, gates, yamlsrc, yamlwrite
from ..losses import Diagnostic
from ..model import Agent, ToolRule
from ..paths import as_posix, name_stem, path_name, path_parts
from ..record import RecordValidationError
from ..structs import struct

if TYPE_CHECKING:
    from pathlib import PurePath

REGISTRY: dict[str, type[Dialect]] = {}


def _refuse_a_taken_name(cls: type, name: str) -> None:
    """A class outside agentconv's own module for a name (a plugin's) never takes that name or
    an alias of one: whichever module happens to be imported first must not decide."""
    from ..plugins import DialectNameClash
    from ..registry import ALIASES, SHIPPED
    own = SHIPPED.get(name)
    if (own is not None and cls.__module__ != own) or name in ALIASES:
        taken = f"an alias of {ALIASES[name]!r}" if name in ALIASES else "a dialect agentconv ships"
        raise DialectNameClash(f"the class {cls.__qualname__} names itself {name!r}, which is {taken}")


class Dialect:
    """One file format for agent definitions."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: project folder the real tool reads agents from, e.g. ".claude/agents"
    layout: ClassVar[str] = ""
    extension: ClassVar[str] = ".md"
    #: path segments that point at this dialect (used by detection to break ties)
    path_hints: ClassVar[tuple[str, ...]] = ()
    #: canonical fields the real tool needs, or it skips the file
    required: ClassVar[tuple[str, ...]] = ()
    #: False for dialects no tool enforces (prose): tool rules there are carried, not in effect
    expresses_access: ClassVar[bool] = True
    #: how the real client reads a file: one of ``toolread.MODELS`` (None: no tool reads it)
    reading_model: ClassVar[str | None] = None
    #: where the real tool loads agents from, as globs from a project root (``**`` = any folders)
    agent_globs: ClassVar[tuple[str, ...]] = ()
    #: the one file name the tool loads in each agent's own folder (``AGENTS.md``), when it has one:
    #: a name that is never an agent elsewhere is this tool's agent there
    agent_file: ClassVar[str | None] = None
    #: names the real tool keeps for its own agents: a file of that name replaces one
    reserved_names: ClassVar[frozenset[str]] = frozenset()
    #: a front-matter key without which the real tool skips a file in its agent folder silently
    skipped_without: ClassVar[str | None] = None

    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        """What a text must show before ``claim`` can be more than NO_CLAIM: clauses, any one
        of which lets it through (``formats/gates.py`` lists them: ``("any",)``, ``("json",)``,
        ``("keys", k, ...)``, ``("names", key, n, ...)`` ...), checked in ``claim`` itself too.
        Generated into ``_dialectindex.py``, so that telling a file's dialect imports only the
        dialects that may claim it."""
        return (("any",),)

    #: a canonical mode the tool cannot restrict an agent to -> the wider mode it gives instead,
    #: which costs the agent nothing (reported as the tool's default, not as a loss)
    modes_offered: ClassVar[dict[str, str]] = {}

    @property
    def access_defaults(self) -> list[ToolRule]:
        """The real tool's own access defaults, applied before an agent's rules."""
        return []

    #: canonical tools the real tool gives every agent whatever the file says: no rule can
    #: withhold them, so they are not measured as widenings but reported as its defaults
    always_grants: ClassVar[frozenset[str]] = frozenset()

    #: True for a tool that gives every agent every tool (no way to withhold one): an agent whose
    #: source withholds a tool is refused there (WideningError) unless the widening is accepted
    grants_every_tool: ClassVar[bool] = False

    #: the access guards (access.GUARDS) this dialect's tool enforces
    guards: ClassVar[frozenset[str]] = frozenset()

    #: the canonical tools this dialect names one for one (its mapping's [tools]): what an
    #: allow-list may grant when a deny-list cannot withhold what the source withholds
    known_tools: ClassVar[tuple[str, ...]] = ()

    def holds_tool(self, canon: str) -> bool:
        """Whether this dialect has a place for a rule on the canonical tool ``canon``."""
        return canon not in GUARDS or canon in self.guards

    def tool_name(self, canon: str) -> str:
        """How this dialect names the canonical tool ``canon`` (for reports)."""
        return canon
    #: native keys that grant something (memory, code run at start): a carry restores them
    #: only when trusted
    capability_keys: ClassVar[frozenset[str]] = frozenset()
    #: formatting hints of another markdown dialect this one shows itself (see api.split_style)
    shows_style: ClassVar[frozenset[str]] = frozenset()
    #: whether one file holds several agents (a container: dialects/container.py)
    many_per_file: ClassVar[bool] = False
    #: whether what the target cannot say can ride along in a comment it ignores
    carries: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Only a class that names itself registers: a subclass that inherits its parent's
        name (a test double, a variant) must not replace the parent's dialect."""
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name:
            if name in REGISTRY and REGISTRY[name].__module__ != cls.__module__:
                from ..plugins import DialectNameClash
                raise DialectNameClash(f"dialect {name!r} is registered already (by {REGISTRY[name].__module__})")
            _refuse_a_taken_name(cls, name)
            REGISTRY[name] = cls

    # -- reading / writing ------------------------------------------------------------------
    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        raise NotImplementedError

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None,
              path: str | None = None) -> str:
        """``carry`` (a carry.Carry) is written as a comment the real tool ignores."""
        raise NotImplementedError

    def file_carry(self, trivia: Any) -> Any:
        """The carry the file was read with (a carry.Carry), if any."""
        return None

    def agent_trivia(self, trivia: Any, index: int, agent: Agent | None = None) -> Any:
        """The trivia of the file's ``index``-th agent (a one-agent file: the file's)."""
        return trivia

    def join(self, texts: list[str], trivia: Any = None) -> str:
        """The file holding the agents written one by one (a one-agent dialect: the one)."""
        if len(texts) != 1:
            raise MultipleAgentsError(f"{self.title} holds one agent per file, not {len(texts)}",
                                      hint="convert into a folder (-o OUT: one file per agent), "
                                           "or write each of Document.agents on its own")
        return texts[0]

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        """The file's own keys and values, as the carry check compares them."""
        return None

    def trivia_with_reference(self, trivia: Any, ref: Any, agent: Agent) -> Any:
        """Trivia to write ``agent`` with its prompt kept in the file a promptref.Reference names
        (a dialect without prompt references: ``trivia`` as it is)."""
        return trivia

    #: False when a file without front matter is still an agent file of this dialect
    requires_front_matter: ClassVar[bool] = True

    def holds_no_agents(self, text: str) -> str | None:
        """Why a file where the tool reads agents holds none (a config file without an agent
        section), or None."""
        return None

    def prompt_reference(self, trivia: Any) -> Any:
        """The agent's prompt reference as read (a promptref.Reference), if its prompt is in a
        file of its own."""
        return None

    #: how strongly content claims a dialect; detection takes the single strongest claim
    #: NAMES: values in a vocabulary of this tool's own (its tool names), which outweighs keys
    #: several tools share; the claim grows with the number of such names (see ``claim``)
    #: SYNTAX: the whole file is in a syntax only this dialect reads (a JSON object of agents)
    NO_CLAIM, WEAK, STRONG, NAMES, SYNTAX = 0, 1, 2, 3, 4

    def claim(self, text: str) -> float:
        """How strongly the content says it is this dialect: STRONG for something only this
        dialect reads (a key, a value shape), WEAK for what it merely fits, NO_CLAIM."""
        raise NotImplementedError

    def sniff(self, text: str) -> bool:
        return self.claim(text) > self.NO_CLAIM

    def native_items(self, agent: Agent, old: dict[str, Any] | None) -> list[tuple[str, Any]]:
        """The agent as this dialect's keys, reusing old values that still mean the same."""
        return []

    # -- formatting that other dialects cannot hold --------------------------------------------
    def style_of(self, trivia: Any, agent: Agent, full: bool = True) -> dict[str, Any] | None:
        """How ``agent`` was formatted in this dialect, where a fresh write would differ; carried
        through other dialects so a trip back gives the original bytes. Without ``full``, only
        what another dialect may show itself (line ends, framing, quoting)."""
        return None

    def trivia_from_style(self, style: dict[str, Any] | None, agent: Agent) -> Any:
        """Trivia to write ``agent`` with, rebuilt from ``style_of`` hints (None: house style)."""
        return None

    # -- naming -------------------------------------------------------------------------------
    #: False when the tool loads only the files directly in its folder: a name with folders
    #: (opencode's ``review/security``) is written ``review--security`` there
    nested_files: ClassVar[bool] = True

    def output_path(self, agent: Agent) -> PurePath:
        """Where the real tool expects this agent, relative to a project root."""
        from pathlib import PurePath
        return PurePath(self.layout) / self.output_file_name(agent)

    def output_file_name(self, agent: Agent) -> str:
        """The agent's file name inside ``layout`` (with folders where ``nested_files``)."""
        from ..paths import safe_relative_name, safe_segment
        name = safe_relative_name(agent.name or "agent")
        return (name if self.nested_files else safe_segment(name.replace("/", "--"))) + self.extension

    def output_where(self, agent: Agent) -> str:
        """``str(self.output_path(agent))``; without pathlib where the dialect keeps the default
        (a single file written to stdout names its would-be path, and pathlib costs start-up)."""
        if os.name == "nt" or type(self).output_path is not Dialect.output_path:
            return str(self.output_path(agent))
        name = self.output_file_name(agent)
        return as_posix(self.layout + "/" + name if self.layout else name)

    def output_path_in(self, agent: Agent, out: str) -> PurePath:
        """Where the tool expects this agent in the folder ``out`` (a config file the folder
        already has, of the names the tool reads: ``output_path`` otherwise)."""
        return self.output_path(agent)

    def name_from_path(self, path: str | None) -> str | None:
        return None

    def same_words(self, agent: Agent, other: Agent) -> bool:
        """Whether the two agents' descriptions are one text in this dialect's only layout (a
        dialect that writes every description on one line says so)."""
        return False

    def name_problem(self, name: str) -> str | None:
        """Why the real tool would not load ``name`` as a new agent of its own, or None."""
        if name in self.reserved_names:
            return f"{name!r} is one of {self.title}'s built-in agents, which a file of that name replaces"
        return None

    #: the tool merges an agent named as one of its built-ins into that built-in (opencode)
    merges_built_ins: ClassVar[bool] = False

    def built_in_override(self, agent: Agent) -> str | None:
        """Why ``agent`` is no agent of its own for another tool: it only adjusts one of this
        tool's built-ins (a model for opencode's ``build``), whose prompt and tools are the
        tool's. None: it stands on its own (it has a prompt of its own)."""
        if not self.merges_built_ins or agent.name not in self.reserved_names or (agent.prompt or "").strip():
            return None
        return (f"{agent.name!r} only adjusts {self.title}'s built-in agent of that name, whose prompt and tools "
                f"are {self.title}'s own: no agent to convert")

    def agent_shape(self, values: dict[str, Any]) -> bool:
        """Front matter the real tool would load as an agent, found outside its agent folders."""
        return False

    def unresolved(self, agent: Agent) -> str | None:
        """Why ``agent`` cannot be written in another dialect: its prompt is in a file it refers
        to that could not be read (a target would get an empty prompt). None: it can."""
        return None

    # -- carry: what a trip through this dialect must give back ---------------------------------
    def restore_carry(self, agent: Agent, carry: Any, path: str | None,
                      file_values: dict[str, Any] | None = None, trust: bool = False) -> Any:
        """Take back what the file's carry keeps and the file cannot say (see carry.restore)."""
        from ..carry import restore
        return restore(self, agent, carry, path=path, file_values=file_values, trust=trust)


@struct
class MarkdownTrivia:
    """How a markdown file was written: delimiters, the parsed block with spans, the body."""

    split: frontmatter.Split | None
    block: yamlsrc.Block | None
    body: str
    newline: str
    synthetic: bool = False        # rebuilt from carried style hints, not read from a file


class MarkdownDialect(Dialect):
    """Markdown with YAML front matter; the body is the system prompt."""

    known_keys: ClassVar[frozenset[str]] = frozenset()
    shows_style = frozenset({"body", "newline", "opening", "closing", "quotes"})
    #: False when a file without front matter is still a valid agent (opencode)
    requires_front_matter: ClassVar[bool] = True

    def repair(self, yaml_text: str) -> str:
        """The repair the real tool applies when the front matter is not valid YAML."""
        return yaml_text

    has_repair: ClassVar[bool] = False

    #: keys ``exclusive_shape``, ``weak_claim`` and ``tool_names`` need: with ``exclusive_keys``,
    #: a front matter holding none of them is claimed by nothing but its own keys' absence
    shape_keys: ClassVar[frozenset[str]] = frozenset()
    #: gate clauses on values those predicates need (``("names", "tools", ...)``), where
    #: holding the key alone says too little (formats/gates.py)
    shape_values: ClassVar[tuple[tuple[str, ...], ...]] = ()

    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("keys", *sorted(self.exclusive_keys | self.shape_keys)), *self.shape_values)

    def agent_fields(self, values: dict[str, Any], path: str | None,
                     warn: list[Diagnostic]) -> dict[str, Any]:
        """Native key/values → canonical field values (``native`` included)."""
        raise NotImplementedError

    # -- reading ------------------------------------------------------------------------------
    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        split = frontmatter.split(text, path)
        warnings: list[Diagnostic] = []
        block = None
        if split is None:
            if self.requires_front_matter:
                raise ParseError(f"no front matter: a {self.title} agent starts with a '---' line",
                                 path=path, line=1, column=1,
                                 hint="add '---', 'name: ...', 'description: ...', '---' at the top")
            values, body, newline = {}, text, frontmatter.newline_of(text)
        else:
            block, notes = yamlsrc.parse_block(
                split.yaml, path=path, first_line=split.yaml_line, newline=split.newline,
                repair=self.repair if self.has_repair else None, known_keys=self.known_keys)
            warnings += [Diagnostic(message=n, line=split.yaml_line, hint=self.lenient_hint) for n in notes]
            values, body, newline = block.values(), split.body, split.newline
        with key_lines(lambda key: getattr(block.entry(key) if block else None, "line", None)):
            fields = self.agent_fields(values, path, warnings)
        fields["prompt"] = _lf(body.strip()) or None
        agent = self._validated(fields, block, path)
        restored, refused = [], []
        carry = block.carry if block is not None else None
        if apply_carry and carry and block is not None:
            outcome = self.restore_carry(agent, carry, path, file_values=block.values(), trust=trust_carry)
            agent, restored, refused = outcome.agent, outcome.restored, outcome.refused
        style = carry.style if carry else None
        return Document(agents=[agent], dialect=self.name, path=path, warnings=warnings,
                        trivia=MarkdownTrivia(split, block, body, newline), restored=restored, refused=refused,
                        style=style if isinstance(style, dict) else {})

    def file_carry(self, trivia: Any) -> Any:
        return trivia.block.carry if isinstance(trivia, MarkdownTrivia) and trivia.block is not None else None

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        return trivia.block.values() if isinstance(trivia, MarkdownTrivia) and trivia.block is not None else None

    def style_of(self, trivia: MarkdownTrivia, agent: Agent, full: bool = True) -> dict[str, Any] | None:
        from . import style as styling
        return styling.markdown_style(self, trivia, agent, full)

    def trivia_from_style(self, style: dict[str, Any] | None, agent: Agent) -> MarkdownTrivia | None:
        from . import style as styling
        return styling.markdown_trivia(self, style, agent) if style else None

    lenient_hint: ClassVar[str | None] = None

    def _validated(self, fields: dict[str, Any], block: yamlsrc.Block | None, path: str | None) -> Agent:
        try:
            return Agent.model_validate(fields)
        except RecordValidationError as exc:
            first = exc.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else ""
            entry = block.entry(key) if block else None
            raise SchemaError(f"{key}: {first['msg']}", path=path, line=entry.line if entry else None,
                              hint="fix the value or remove the key") from None

    # -- writing ------------------------------------------------------------------------------
    def write(self, agent: Agent, trivia: MarkdownTrivia | None = None, carry: Any = None,
              path: str | None = None) -> str:
        old = trivia.block.values() if trivia is not None and trivia.block is not None else {}
        items = self.native_items(agent, old)
        newline = trivia.newline if trivia is not None else "\n"
        body = self._body(agent, trivia, newline)
        split = trivia.split if trivia is not None else None
        if split is None and not items and not carry and not self.requires_front_matter \
                and trivia is not None:
            return body
        opening = split.opening if split else "---" + newline
        closing = split.closing if split else "---" + newline
        if body and not closing.endswith("\n"):
            closing += newline
        block = trivia.block if trivia is not None else None
        if not items and not carry and block is None:
            return opening + self.empty_front_matter + closing + body
        return opening + yamlwrite.dump_block(items, block, newline, self._carry_text(carry, block, newline),
                                              render=self.render_entry) + closing + body

    #: the front matter written for an agent with no keys at all (a tool whose delimiter needs a
    #: line between the rules says so)
    empty_front_matter: ClassVar[str] = ""

    def render_entry(self, key: str, value: Any, newline: str) -> str:
        """One changed front-matter entry as text (a tool with a partial YAML reader says how)."""
        return yamlwrite.render_entry(key, value, newline)

    def _carry_text(self, carry: Any, block: yamlsrc.Block | None, newline: str) -> str | None:
        if not carry:
            return None
        old = block.carry if block is not None else None
        if old is not None and old.text and carry.same_meaning(old):
            kept: str = old.text            # as the file wrote it: identity
            return kept
        from ..carry import logical_lines
        return yamlwrite.comment_block(logical_lines(carry, self.title), newline) or None

    def _body(self, agent: Agent, trivia: MarkdownTrivia | None, newline: str) -> str:
        prompt = agent.prompt or ""
        if trivia is not None and _lf(trivia.body.strip()) == prompt:
            return trivia.body
        if not prompt:
            return ""
        text = _lf(newline + prompt + newline)
        return text if newline == "\n" else text.replace("\n", newline)

    #: front-matter keys only this dialect reads
    exclusive_keys: ClassVar[frozenset[str]] = frozenset()

    def exclusive_shape(self, values: dict[str, Any]) -> bool:
        """A value shaped as only this dialect writes it (e.g. opencode's tools map)."""
        return False

    def weak_claim(self, values: dict[str, Any]) -> bool:
        """Front matter this dialect reads as an agent when nothing more telling is there."""
        return False

    def claim(self, text: str) -> float:
        split = frontmatter.split(text)
        if split is None:
            return self.NO_CLAIM
        try:
            block, _ = yamlsrc.parse_block(split.yaml, repair=self.repair if self.has_repair else None,
                                           known_keys=self.known_keys)
        except ParseError:
            return self.NO_CLAIM
        values = block.values()
        if not gates.values_pass(self.claim_gate(), values):
            return self.NO_CLAIM            # nothing that could tell (claim_gate)
        if self.rejects_unknown_keys and not set(values) <= self.known_keys:
            return self.NO_CLAIM            # the tool would not load it: not its agent
        own_keys = any(k in values for k in self.exclusive_keys) or self.exclusive_shape(values)
        names = self.tool_names(values)
        if names:
            # more of its names: more its file; as many names as another tool's, its own keys tell
            return self.NAMES + (2 * min(names, 499) + own_keys) / 1000
        if own_keys:
            return self.STRONG
        return self.WEAK if self.weak_claim(values) else self.NO_CLAIM

    #: the tool refuses a file holding any key outside ``known_keys`` (a strict schema)
    rejects_unknown_keys: ClassVar[bool] = False

    def tool_names(self, values: dict[str, Any]) -> int:
        """How many tool names in the front matter are spelled as only this tool spells them."""
        return 0


class NativeItems:
    """A dialect's keys for an agent, in order; each reuses the old value while that still
    means the current one (so an unchanged file keeps its spelling)."""

    def __init__(self, old: dict[str, Any] | None):
        self.old = old or {}
        self.items: list[tuple[str, Any]] = []
        self.memo: dict[str, Any] = {}      # what one entry computed for another (tools for disallowedTools)

    def put(self, key: str, current: Any, meaning: Any, value: Any) -> None:
        """``value`` (or a callable giving it) is written when the old one no longer fits;
        None or MISSING writes nothing."""
        reused = keep(self.old, key, current, meaning)
        if reused is MISSING:
            reused = value() if callable(value) else value
        if reused is not MISSING and reused is not None:
            self.items.append((key, reused))

    def add(self, key: str, value: Any) -> None:
        if value is not MISSING:
            self.items.append((key, value))

    def put_description(self, agent: Agent, unescape: bool = False, key: str = "description") -> None:
        """The description with its examples and sections (Claude expands a literal \\n)."""
        from .. import briefs
        current = {k: getattr(agent, k) for k in briefs.DESCRIPTION_FIELDS}

        def meaning(value: Any) -> dict[str, Any]:
            return briefs.description_meaning(value.replace("\\n", "\n") if unescape else value)

        self.put(key, current, meaning, lambda: briefs.render_description(agent))

    def put_natives(self, agent: Agent, dialect: str) -> list[tuple[str, Any]]:
        written = {key for key, _ in self.items}     # a set: files with thousands of keys exist
        for field in agent.native:
            if field.dialect == dialect and field.key not in written:
                self.items.append((field.key, field.value))
                written.add(field.key)
        return self.items


def _lf(text: str) -> str:
    # prompts are kilobytes and read several times per conversion: scan once, copy only for CRLF
    return text.replace("\r\n", "\n") if "\r" in text else text


def keep(old: dict[str, Any], key: str, current: Any, meaning: Any) -> Any:
    """Reuse the old native value of ``key`` when ``meaning(old)`` is still ``current``."""
    if key in old:
        try:
            if meaning(old[key]) == current:
                return old[key]
        except (TypeError, ValueError, AttributeError):
            pass
    return _MISSING


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
MISSING = _MISSING
_MISSING_KEY = ("<missing>",)


_Parse = TypeVar("_Parse", bound=Callable[..., list[ToolRule] | None])


def cached_rules(parse: _Parse) -> _Parse:
    """Remember a parse of YAML values (or MISSING) into tool rules: the same tool lists
    recur across a tree, and the engine reads each output several times. ToolRules are
    frozen, so cached ones are shared safely; every call gets a list of its own."""
    @functools.lru_cache(maxsize=1024)
    def parsed(key: tuple[Any, ...]) -> tuple[ToolRule, ...] | None:
        rules = parse(*(MISSING if k is _MISSING_KEY else yamlwrite.thawed(k) for k in key))
        return None if rules is None else tuple(rules)

    @functools.wraps(parse)
    def cached(*values: Any) -> Any:
        key = tuple(_MISSING_KEY if v is MISSING else yamlwrite.frozen(v) for v in values)
        if any(k is None for k in key):
            return parse(*values)
        rules = parsed(key)
        return None if rules is None else list(rules)
    return cast(_Parse, cached)     # the same call, positional values in, rules out


def path_stem(path: str | None) -> str | None:
    if not path:
        return None
    name = path_name(path)
    for suffix in (".agent.md", ".md", ".markdown", ".txt"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name_stem(name)


def names_below(path: str, folder: str = "agents") -> list[str]:
    """The folders and file stem below the last ``folder/`` of ``path`` (the file's stem alone
    without one): ``.github/agents/sub/x.agent.md`` → ``['sub', 'x']``."""
    parts = path_parts(path)
    anchors = [i for i, p in enumerate(parts[:-1]) if p == folder]
    rest = list(parts[anchors[-1] + 1:]) if anchors else [parts[-1]]
    rest[-1] = path_stem(rest[-1]) or rest[-1]
    return rest
