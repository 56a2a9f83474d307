"""Container dialects: many agents in one file, as a map of name → agent object inside the
file's own object (``claude --agents`` JSON; later ``opencode.json``'s ``agent`` block).

Each agent is a member with its own spans (``Member``); writing edits only the members that
changed and leaves every other key of the file untouched. The engine writes and verifies one
member at a time, each as a small container of its own (``write``), and ``join`` splices the
members into the file: the work is linear in the number of agents."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, ClassVar

from ..document import Document
from ..errors import ParseError, SchemaError
from ..formats import jsonsrc
from ..losses import Diagnostic
from ..model import Agent
from ..promptref import Reference, Syntax, read_reference
from ..record import RecordValidationError
from ..structs import field, struct
from .base import Dialect

if TYPE_CHECKING:
    from pathlib import PurePath


@struct
class Member:
    """One agent of a container file: the key that names it and its object, with spans."""

    key: str
    block: jsonsrc.JsonBlock | None
    synthetic: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)     # reading this agent's entry
    prompt_ref: Reference | None = None                           # its prompt, kept in a file


@struct
class ContainerTrivia:
    """How a container file was written: its object, where the agents sit, each member."""

    root: jsonsrc.JsonBlock
    holder: jsonsrc.JsonBlock
    members: list[Member]


class ContainerDialect(Dialect):
    """A JSON object holding agents by name. A dialect states where (``agents_at``), which
    keys its tool reads in an agent (``accepted_keys``), which it reads only as arrays
    (``list_keys``) and the key of the prompt; the field mapping comes from a fields base."""

    many_per_file = True
    #: JSON has no comments: what the target cannot say is reported, never carried
    carries = False
    extension = ".json"
    #: keys from the file's object to the map of agents (() = the object itself)
    agents_at: ClassVar[tuple[str, ...]] = ()
    #: the file, relative to a project root, that holds the agents
    file_name: ClassVar[str] = ""
    #: keys the tool reads in an agent's object; any other it strips silently
    accepted_keys: ClassVar[frozenset[str]] = frozenset()
    #: keys the tool accepts only as arrays of strings (a string fails the whole file)
    list_keys: ClassVar[frozenset[str]] = frozenset()
    #: key -> the JSON type the tool demands (string, array, object, integer, boolean)
    key_types: ClassVar[dict[str, str]] = {}
    prompt_key: ClassVar[str] = "prompt"
    #: fresh members write their keys in this order (the rest after, as they come)
    key_order: ClassVar[tuple[str, ...]] = ()
    #: the file is JSONC: comments and trailing commas allowed (kept with their entries)
    comments: ClassVar[bool] = False
    #: how the tool names a prompt kept in a file of its own (None: it has no such reference)
    prompt_syntax: ClassVar[Syntax | None] = None
    #: the tool reads a key outside ``accepted_keys`` too (opencode forwards it to the model
    #: provider): the fields table reads every key, and none is reported as ignored
    reads_every_key: ClassVar[bool] = False
    #: key -> why the tool refuses the whole file when an agent holds it: never written
    refused_keys: ClassVar[dict[str, str]] = {}

    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        raise NotImplementedError

    def native_items(self, agent: Agent, old: dict[str, Any] | None) -> list[tuple[str, Any]]:
        raise NotImplementedError

    # -- reading ------------------------------------------------------------------------------
    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("json",),)

    def claim(self, text: str) -> float:
        """A JSON object whose members are objects holding this tool's keys: nothing else
        reads a file in this syntax, so the claim outranks a prose brief's."""
        if not text.lstrip().startswith("{"):
            return self.NO_CLAIM
        try:
            value = json.loads(jsonsrc.blanked(text) if self.comments else text)
        except (ValueError, RecursionError, ParseError):
            return self.NO_CLAIM
        for key in self.agents_at:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()) \
                and any(self._agent_keys(v) for v in value.values()):
            return self.SYNTAX
        return self.NO_CLAIM

    def _agent_keys(self, member: dict[str, Any]) -> bool:
        """Whether a member holds keys this tool reads in an agent: its prompt or a
        description; below a key the tool names (``agent``), any of its agent keys (an entry
        that only sets ``build``'s model)."""
        return self.prompt_key in member or "description" in member \
            or bool(self.agents_at and self.accepted_keys & set(member))

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        root, _, _ = jsonsrc.parse(text, path=path, depth=len(self.agents_at) + 2, comments=self.comments)
        holder = self._holder(root, path)
        warnings: list[Diagnostic] = []
        members, agents = [], []
        for entry in holder.entries:
            if entry.inner is None:
                raise SchemaError(f"agent {entry.key!r} is not an object", path=path, line=entry.line,
                                  hint=f"{self.title} fails on the whole file when one agent is not an object")
            own: list[Diagnostic] = []
            ref = self._prompt_reference(entry, path, own)
            agents.append(self._agent(entry, path, own, ref))
            members.append(Member(entry.key, entry.inner, warnings=own, prompt_ref=ref))
            warnings += own
        return Document(agents=agents, dialect=self.name, path=path, warnings=warnings,
                        trivia=ContainerTrivia(root, holder, members))

    def _holder(self, root: jsonsrc.JsonBlock, path: str | None) -> jsonsrc.JsonBlock:
        holder = root
        for key in self.agents_at:
            entry = holder.entry(key)
            if entry is None or entry.inner is None:
                raise ParseError(f"no object {key!r} holding the agents", path=path, line=1,
                                 hint=f"put the agents under {key!r}")
            holder = entry.inner
        return holder

    def _prompt_reference(self, entry: jsonsrc.Entry, path: str | None,
                          warnings: list[Diagnostic]) -> Reference | None:
        value = _members(entry).values().get(self.prompt_key)
        ref_path = self.prompt_syntax.path_of(value) if self.prompt_syntax is not None else None
        if ref_path is None or not isinstance(value, str):     # a path is only ever in text
            return None
        line = _members(entry).line_of(self.prompt_key)
        ref = read_reference(value, ref_path, path, layout=self.reference_root, line=line)
        if ref.problem is not None:
            warnings.append(Diagnostic(message=f"agent {entry.key!r}: {ref.problem.message}", line=line,
                                       hint="converting it to a dialect that holds the prompt inline fails"))
        return ref

    #: the layout folder whose parent is the project root of a file of this dialect ("": its folder)
    reference_root: ClassVar[str] = ""

    def prompt_reference(self, trivia: Any) -> Reference | None:
        return trivia.prompt_ref if isinstance(trivia, Member) else None

    def trivia_with_reference(self, trivia: Any, ref: Reference, agent: Agent) -> Any:
        """Fresh trivia whose agent keeps its prompt in the file ``ref`` names."""
        return Member(agent.name or "agent", None, synthetic=True, prompt_ref=ref) if trivia is None else trivia

    def _agent(self, entry: jsonsrc.Entry, path: str | None, warnings: list[Diagnostic],
               ref: Reference | None = None) -> Agent:
        values = _members(entry).values()
        if _lone_surrogate(values) or _lone_surrogate(entry.key):
            raise ParseError(f"agent {entry.key!r} holds a lone surrogate escape (\\ud800-\\udfff): not a character",
                             path=path, line=entry.line, hint="write the character itself, or a full pair")
        for key in values:
            if key not in self.accepted_keys and key != self.prompt_key and not self.reads_every_key:
                warnings.append(Diagnostic(message=f"agent {entry.key!r}: {self.title} ignores {key!r}",
                                           line=_members(entry).line_of(key)))
        read_warnings: list[Diagnostic] = []
        read = {k: v for k, v in values.items()
                if (k in self.accepted_keys or self.reads_every_key) and k != self.prompt_key}
        for key, value in values.items():
            if key in self.refused_keys:
                raise SchemaError(f"agent {entry.key!r}: {key}: {self.refused_keys[key]}", path=path,
                                  line=_members(entry).line_of(key),
                                  hint=f"{self.title} refuses every agent of the file otherwise")
            wanted = self.key_types.get(key)
            if wanted is not None and not _is_type(value, wanted):
                raise SchemaError(f"agent {entry.key!r}: {key} must be {_ARTICLE[wanted]}",
                                  path=path, line=_members(entry).line_of(key),
                                  hint=f"{self.title} refuses every agent of the file otherwise")
        fields = self.agent_fields(read, path, read_warnings)
        warnings += [w.model_copy(update={"message": f"agent {entry.key!r}: {w.message}",
                                          "line": w.line or entry.line}) for w in read_warnings
                     if not w.message.startswith("no 'name'")]       # the key names it
        fields["name"] = entry.key
        fields["native"] = fields.get("native", []) + [
            {"dialect": self.name, "key": k, "value": v} for k, v in values.items()
            if k not in self.accepted_keys and k != self.prompt_key and not self.reads_every_key]
        prompt = ref.text if ref is not None else values.get(self.prompt_key)
        fields["prompt"] = _lf(prompt.strip()) or None if isinstance(prompt, str) else None
        return self.validated(fields, entry.key, entry.line, path)

    def validated(self, fields: dict[str, Any], key: str, line: int | None, path: str | None) -> Agent:
        """The agent of one member's canonical fields; an invalid field is an error at its line."""
        try:
            return Agent.model_validate(fields)
        except RecordValidationError as exc:
            first = exc.errors()[0]
            field_name = str(first["loc"][0]) if first["loc"] else ""
            raise SchemaError(f"agent {key!r}: {field_name}: {first['msg']}", path=path, line=line,
                              hint="fix the value or remove the key") from None

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        return trivia.block.values() if isinstance(trivia, Member) and trivia.block is not None else None

    def agent_trivia(self, trivia: Any, index: int, agent: Agent | None = None) -> Any:
        """The member the agent was read from: by its name (agents may have been added,
        removed or reordered since), else by its place."""
        if not isinstance(trivia, ContainerTrivia):
            return trivia
        if agent is not None and agent.name is not None:
            return next((m for m in trivia.members if m.key == agent.name), None)
        return trivia.members[index] if index < len(trivia.members) else None

    # -- writing ------------------------------------------------------------------------------
    def member_items(self, agent: Agent, old: dict[str, Any],
                     ref: Reference | None = None) -> list[tuple[str, Any]]:
        """The agent's keys as this tool reads them: the fields base's items, only the keys
        the tool accepts, arrays where it wants arrays, and the prompt (a reference the
        file had, while it still names this prompt)."""
        from .toolnames import split_list
        items = [(k, split_list(v) if k in self.list_keys and isinstance(v, str) else v)
                 for k, v in self.native_items(agent, old)
                 if (k in self.accepted_keys or self.reads_every_key) and k != "name"]
        written = {k for k, _ in items}
        items += [(n.key, n.value) for n in agent.native if n.dialect == self.name and n.key not in written]
        prompt = old.get(self.prompt_key, ref.written if ref is not None else None)
        meant = (ref.text if ref is not None else _lf(prompt.strip()) if isinstance(prompt, str) else None) or None
        if not (isinstance(prompt, str) and meant == agent.prompt):
            prompt = agent.prompt
        if prompt is not None:
            items.append((self.prompt_key, prompt))
        rank = {k: i for i, k in enumerate(self.key_order)}
        typed = [(k, _as_type(v, self.key_types.get(k))) for k, v in items]
        # a value JSON cannot hold (a YAML set, date or binary), or not of the type the tool
        # demands, is left out (reported as dropped): the tool would refuse every agent
        return sorted(((k, v) for k, v in typed
                       if v is not _UNFIT and jsonsrc.jsonable(v) and k not in self.refused_keys),
                      key=lambda kv: rank.get(kv[0], len(rank)))

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        """The agent alone, as a container of one (what the engine reads back and verifies)."""
        member = trivia if isinstance(trivia, Member) else None
        block = member.block if member is not None else None
        items = self.member_items(agent, block.values() if block is not None else {},
                                  member.prompt_ref if member is not None else None)
        style = block.style if block is not None else jsonsrc.Style()
        depth = len(self.agents_at) + 1
        text = block.render(items) if block is not None else style.dumps(dict(items), (style.indent or "") * depth)
        key = agent.name or (member.key if member is not None else "agent")
        return _standalone(self.agents_at, key, text, style)

    def join(self, texts: list[str], trivia: Any = None) -> str:
        """The members written one by one (``write``), as the one file holding exactly these
        agents: spliced into the file read when ``trivia`` is one (an unchanged agent and
        every key outside the agents keep their bytes), else a fresh file."""
        return self._spliced(trivia, [self.members(t)[0] for t in texts])

    def merge(self, trivia: Any, members: list[tuple[str, str]], *, replace: bool) -> str:
        """The file with ``members`` (key, JSON text) added, and replacing a member of the
        same key only when ``replace``; every other byte of the file stays."""
        if not isinstance(trivia, ContainerTrivia):
            return self._spliced(None, members)
        new = dict(members)
        items = [(e.key, new.pop(e.key) if replace and e.key in new else e.value_text)
                 for e in trivia.holder.entries]
        kept = {e.key for e in trivia.holder.entries}
        return self._spliced(trivia, items + [(k, v) for k, v in new.items() if k not in kept])

    def _spliced(self, trivia: Any, members: list[tuple[str, str]]) -> str:
        if not isinstance(trivia, ContainerTrivia):
            inner = {k: jsonsrc.Raw(v) for k, v in members}
            return _nested(self.agents_at, inner, jsonsrc.Style()) + "\n"
        holder = trivia.holder
        rendered = holder.render([(k, jsonsrc.Raw(v)) for k, v in members])
        return holder.source[:holder.start] + rendered + holder.source[holder.end:]

    def merge_target(self, text: str, path: str | None = None) -> ContainerTrivia:
        """The trivia of a file agents are merged into. A config file without the object that
        holds agents (an opencode.json of settings only) gets an empty one after its other
        keys, which keep their bytes."""
        if self.agents_at:
            root, before, after = jsonsrc.parse(text, path=path, depth=1, comments=self.comments)
            if root.entry(self.agents_at[0]) is None:
                empty: Any = {}
                for key in reversed(self.agents_at[1:]):
                    empty = {key: empty}
                items = [(e.key, jsonsrc.Raw(e.value_text)) for e in root.entries] + [(self.agents_at[0], empty)]
                text = before + root.render(items) + after
        trivia: ContainerTrivia = self.read(text, path).trivia
        return trivia

    def held(self, trivia: Any) -> dict[str, Any]:
        """Each member's key → its value, as the file read holds it (to tell which agents of a
        merge are new, unchanged or replaced)."""
        return {m.key: m.block.values() for m in trivia.members}

    def member_value(self, text: str) -> Any:
        """The value of a member's text, as ``members`` gives it."""
        return json.loads(jsonsrc.blanked(text))        # JSONC members too

    def members(self, text: str) -> list[tuple[str, str]]:
        """(key, JSON text) of each agent of a container file."""
        root, _, _ = jsonsrc.parse(text, depth=len(self.agents_at) + 1, comments=self.comments)
        return [(e.key, e.value_text) for e in self._holder(root, None).entries]

    def output_path(self, agent: Agent) -> PurePath:
        from pathlib import PurePath
        return PurePath(self.file_name)


def _members(entry: jsonsrc.Entry) -> jsonsrc.JsonBlock:
    """An agent's entry split into its keys (parsed one level deeper than the agents)."""
    assert entry.inner is not None
    return entry.inner


def _standalone(path: tuple[str, ...], key: str, member: str, style: jsonsrc.Style) -> str:
    """A file holding one member (already indented for its depth) under ``path``."""
    unit, nl = (style.indent, style.newline) if style.indent is not None else ("", "")

    def quote(key: str) -> str:
        return json.dumps(key, ensure_ascii=style.ascii) + style.colon

    text = unit * (len(path) + 1) + quote(key) + member
    for depth in range(len(path) - 1, -1, -1):
        pad = unit * (depth + 1)
        text = pad + quote(path[depth]) + "{" + nl + text + nl + pad + "}"
    return "{" + nl + text + nl + "}\n"


def _nested(path: tuple[str, ...], inner: dict[str, Any], style: jsonsrc.Style) -> str:
    value: Any = inner
    for key in reversed(path):
        value = {key: value}
    return style.dumps(value, "")


_ARTICLE = {"string": "a string", "array": "an array of strings", "object": "an object",
            "integer": "an integer", "number": "a number", "boolean": "true or false"}
_UNFIT: Any = object()


def _is_type(value: Any, wanted: str) -> bool:
    if wanted == "array":
        return isinstance(value, list) and all(isinstance(v, (str, dict)) for v in value)
    if wanted == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if wanted == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, {"string": str, "object": dict, "boolean": bool}[wanted])


def _as_type(value: Any, wanted: str | None) -> Any:
    """``value`` as the type the tool demands, where another form means the same (a markdown
    file's "true", "25"), else _UNFIT."""
    if wanted is None or _is_type(value, wanted):
        return value
    if wanted == "boolean" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if wanted == "integer" and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return _UNFIT


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> bool:
    """JSON escapes can spell half a character; the pairs are decoded, what remains is alone."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    return False


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text
