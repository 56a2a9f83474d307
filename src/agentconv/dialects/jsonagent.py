"""One agent per JSON file, the file's object being the agent (Kiro CLI's
``.kiro/agents/NAME.json``). The object keeps its spans (``formats/jsonsrc.py``): writing
back an unchanged agent gives the file's bytes, an edit re-renders only the keys that
changed. The prompt is a key of the object, or a reference to a file (``promptref``)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ..access import key_lines
from ..document import Document
from ..errors import ParseError, SchemaError
from ..formats import jsonsrc
from ..losses import Diagnostic
from ..model import Agent
from ..promptref import Reference, Syntax, read_reference
from ..record import RecordValidationError
from ..structs import field, struct
from .base import Dialect, path_stem
from .container import _ARTICLE, _UNFIT, _as_type, _is_type, _lf, _lone_surrogate


@struct
class JsonAgentTrivia:
    """How the file was written: its object with spans, the text around it, the prompt's file."""

    block: jsonsrc.JsonBlock | None
    before: str
    after: str
    prompt_ref: Reference | None = None
    synthetic: bool = False
    warnings: list[Diagnostic] = field(default_factory=list)


class JsonAgentDialect(Dialect):
    """A JSON object that is one agent. A dialect states the keys its tool reads
    (``known_keys``), the JSON type of each (``key_types``), the prompt's key and how a
    reference to a prompt file is spelled; the field mapping is its ``fields`` table."""

    extension = ".json"
    #: JSON has no comments: what the target cannot say is reported, never carried
    carries = False
    requires_front_matter = False
    known_keys: ClassVar[frozenset[str]] = frozenset()
    #: keys only this tool writes: an object holding one is its agent
    exclusive_keys: ClassVar[frozenset[str]] = frozenset()
    key_types: ClassVar[dict[str, str]] = {}
    key_order: ClassVar[tuple[str, ...]] = ()
    prompt_key: ClassVar[str] = "prompt"
    prompt_syntax: ClassVar[Syntax | None] = None

    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        raise NotImplementedError

    def name_from_path(self, path: str | None) -> str | None:
        return path_stem(path) if path else None

    # -- reading ------------------------------------------------------------------------------
    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("json",),)

    def claim(self, text: str) -> float:
        """A JSON object of this tool's keys with a prompt or description (nothing else reads a
        file in this syntax); with a key only this tool writes, it outranks an agent map's."""
        if not text.lstrip().startswith("{"):
            return self.NO_CLAIM
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return self.NO_CLAIM
        if not isinstance(value, dict) or not set(value) <= self.known_keys | {"$schema"}:
            return self.NO_CLAIM
        if not (isinstance(value.get(self.prompt_key), str) or isinstance(value.get("description"), str)):
            return self.NO_CLAIM
        return self.SYNTAX + (0.5 if self.exclusive_keys & set(value) else 0)

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        block, before, after = jsonsrc.parse(text, path=path, depth=1)
        values = block.values()
        if _lone_surrogate(values):
            raise ParseError("the agent holds a lone surrogate escape (\\ud800-\\udfff): not a character",
                             path=path, line=1, hint="write the character itself, or a full pair")
        warnings: list[Diagnostic] = []
        for key, value in values.items():
            line = block.line_of(key)
            wanted = self.key_types.get(key)
            if wanted is not None and not _is_type(value, wanted):
                raise SchemaError(f"{key} must be {_ARTICLE[wanted]}", path=path, line=line,
                                  hint=f"{self.title} does not load the agent otherwise")
            if key not in self.known_keys and key != "$schema":
                warnings.append(Diagnostic(message=f"{self.title} ignores {key!r}", line=line))
        ref = self._prompt_reference(values, block, path, warnings)
        read = {k: v for k, v in values.items() if k != self.prompt_key}
        with key_lines(lambda key: getattr(block.entry(key), "line", None)):
            fields = self.agent_fields(read, path, warnings)
        prompt = ref.text if ref is not None else values.get(self.prompt_key)
        fields["prompt"] = _lf(prompt.strip()) or None if isinstance(prompt, str) else None
        try:
            agent = Agent.model_validate(fields)
        except RecordValidationError as exc:
            first = exc.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else ""
            entry = block.entry(key)
            raise SchemaError(f"{key}: {first['msg']}", path=path, line=entry.line if entry else None,
                              hint="fix the value or remove the key") from None
        return Document(agents=[agent], dialect=self.name, path=path, warnings=warnings,
                        trivia=JsonAgentTrivia(block, before, after, ref, warnings=warnings))

    def _prompt_reference(self, values: dict[str, Any], block: jsonsrc.JsonBlock, path: str | None,
                          warnings: list[Diagnostic]) -> Reference | None:
        value = values.get(self.prompt_key)
        ref_path = self.prompt_syntax.path_of(value) if self.prompt_syntax is not None else None
        if ref_path is None or not isinstance(value, str):     # a path is only ever in text
            return None
        line = block.line_of(self.prompt_key)
        ref = read_reference(value, ref_path, path, layout=self.layout, line=line)
        if ref.problem is not None:
            warnings.append(Diagnostic(message=ref.problem.message, line=line,
                                       hint="converting it to a dialect that holds the prompt inline fails"))
        return ref

    def prompt_reference(self, trivia: Any) -> Reference | None:
        return trivia.prompt_ref if isinstance(trivia, JsonAgentTrivia) else None

    def trivia_with_reference(self, trivia: Any, ref: Reference, agent: Agent) -> Any:
        """Fresh trivia whose agent keeps its prompt in the file ``ref`` names."""
        return JsonAgentTrivia(None, "", "\n", ref, synthetic=True) if trivia is None else trivia

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        return trivia.block.values() if isinstance(trivia, JsonAgentTrivia) and trivia.block is not None else None

    # -- writing ------------------------------------------------------------------------------
    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        own = trivia if isinstance(trivia, JsonAgentTrivia) else None
        old = own.block.values() if own is not None and own.block is not None else {}
        items = self._items(agent, old, own.prompt_ref if own is not None else None)
        if own is not None and own.block is not None:
            return own.before + own.block.render(items) + own.after
        return jsonsrc.Style().dumps(dict(items), "") + "\n"

    def _items(self, agent: Agent, old: dict[str, Any], ref: Reference | None) -> list[tuple[str, Any]]:
        """The agent's keys as the tool reads them, the prompt (the file's reference while it
        still names this prompt) after the keys that come before it in ``key_order``."""
        items = [(k, v) for k, v in self.native_items(agent, old) if k != self.prompt_key]
        prompt = old.get(self.prompt_key, ref.written if ref is not None else None)
        meant = (ref.text if ref is not None else _lf(prompt.strip()) if isinstance(prompt, str) else None) or None
        if not (isinstance(prompt, str) and meant == agent.prompt):
            prompt = agent.prompt
        if prompt is not None:
            items.append((self.prompt_key, prompt))
        rank = {k: i for i, k in enumerate(self.key_order)}
        typed = [(k, _as_type(v, self.key_types.get(k))) for k, v in items]
        # a value JSON cannot hold, or not of the type the tool demands, is left out (reported
        # as dropped): the tool would not load the agent
        return sorted(((k, v) for k, v in typed if v is not _UNFIT and jsonsrc.jsonable(v)),
                      key=lambda kv: rank.get(kv[0], len(rank)))
