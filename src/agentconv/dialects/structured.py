"""One agent per file, the whole file one structured block (a TOML table today; a JSON object
the same way): Codex agent roles, Mistral Vibe agent profiles.

The file is parsed once into a ``Block`` (``formats/block.py``): the dialect's fields table reads
its values, the prompt is one of its keys (or what a key refers to), and writing renders the
block again, so an unchanged agent keeps its bytes and a changed one keeps every comment and
line it did not touch. Where the syntax has comments, the carry rides in one."""

from __future__ import annotations

from contextvars import ContextVar
from importlib import import_module
from typing import Any, ClassVar

from ..access import key_lines
from ..document import Document
from ..errors import ParseError, SchemaError
from ..losses import Diagnostic
from ..model import Agent
from ..record import RecordValidationError
from ..structs import struct
from .base import Dialect, NativeItems, _lf

#: the file being written (its trivia and path): the prompt's entry of a fields table needs them
_WRITING: ContextVar[tuple[Any, str | None]] = ContextVar("structured_writing", default=(None, None))

def writing() -> tuple[Any, str | None]:
    """(trivia, path) of the file being written, when one is."""
    return _WRITING.get()


#: block syntaxes by name: modules offering ``parse``, ``fresh`` and ``has_comments``
SYNTAXES = {"toml": "agentconv.formats.tomlsrc"}


@struct
class StructuredTrivia:
    """How the file was written: its block (with spans and comments)."""

    block: Any                      # the block syntax's own block (TOML, JSON)
    newline: str
    prompt_source: str | None = None        # the text a prompt reference gave, as read
    synthetic: bool = False                 # rebuilt from carried style hints, not read from a file


class StructuredDialect(Dialect):
    """A file that is one mapping: the dialect states its syntax, its fields and its prompt key."""

    syntax: ClassVar[str] = "toml"
    #: the key holding the system prompt (None: the dialect reads it in ``read_prompt``)
    prompt_key: ClassVar[str | None] = None
    #: keys of the tool's own that claim a file in this syntax for the dialect
    exclusive_keys: ClassVar[frozenset[str]] = frozenset()
    #: a file without front matter is still an agent here (triage reads it)
    requires_front_matter = False
    #: TOML has comments: what the target cannot say rides in one (a JSON dialect says False)
    carries = True

    @property
    def block_syntax(self) -> Any:
        return import_module(SYNTAXES[self.syntax])

    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        raise NotImplementedError

    # -- the prompt ---------------------------------------------------------------------------
    def read_prompt(self, values: dict[str, Any], path: str | None, trivia: StructuredTrivia,
                    fields: dict[str, Any], warn: list[Diagnostic]) -> str | None:
        """The prompt; a dialect whose prompt may be a reference resolves it here."""
        value = values.get(self.prompt_key) if self.prompt_key else None
        return _lf(value.strip()) or None if isinstance(value, str) else None

    def write_prompt(self, agent: Agent, out: NativeItems) -> None:
        """The fields-table entry of the prompt: ``Code(PROMPT_KEY, write="write_prompt")``."""
        trivia, path = _WRITING.get()
        out.items += self.prompt_items(agent, out.old, trivia, path)

    def prompt_items(self, agent: Agent, old: dict[str, Any], trivia: StructuredTrivia | None,
                     path: str | None = None) -> list[tuple[str, Any]]:
        """The prompt as the file's keys: the old value while it holds the same text (a blank
        one, which reads as no prompt, included); no key for a prompt of whitespace only."""
        if self.prompt_key is None:
            return []
        value = old.get(self.prompt_key)
        if isinstance(value, str) and (_lf(value.strip()) or None) == (agent.prompt or None):
            return [(self.prompt_key, value)]
        if not agent.prompt or not agent.prompt.strip():
            return []
        return [(self.prompt_key, agent.prompt + "\n")]

    # -- reading ------------------------------------------------------------------------------
    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("toml",),) if self.syntax == "toml" else (("any",),)

    def claim(self, text: str) -> float:
        """A file in this syntax holding a key only this tool reads: nothing else reads it."""
        may_hold_keys = getattr(self.block_syntax, "may_hold_keys", None)
        if may_hold_keys is not None and not may_hold_keys(text):
            return self.NO_CLAIM
        try:
            values = self.block_syntax.parse(text).values()
        except (ParseError, RecursionError):
            return self.NO_CLAIM
        return self.SYNTAX if isinstance(values, dict) and self.owns(values) else self.NO_CLAIM

    def owns(self, values: dict[str, Any]) -> bool:
        return any(k in values for k in self.exclusive_keys)

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        block = self.block_syntax.parse(text, path=path)
        trivia = StructuredTrivia(block, block.newline)
        values = block.values()
        warnings: list[Diagnostic] = []
        with key_lines(lambda key: getattr(block.entry(key), "line", None)):
            fields = self.agent_fields(values, path, warnings)
            fields["prompt"] = self.read_prompt(values, path, trivia, fields, warnings)
        agent = self._validated(fields, block, path)
        restored, refused = [], []
        carry = block.carry
        if apply_carry and carry:
            outcome = self.restore_carry(agent, carry, path, file_values=values, trust=trust_carry)
            agent, restored, refused = outcome.agent, outcome.restored, outcome.refused
        style = carry.style if carry else None
        return Document(agents=[agent], dialect=self.name, path=path, warnings=warnings, trivia=trivia,
                        restored=restored, refused=refused, style=style if isinstance(style, dict) else {})

    def _validated(self, fields: dict[str, Any], block: Any, path: str | None) -> Agent:
        try:
            return Agent.model_validate(fields)
        except RecordValidationError as exc:
            first = exc.errors()[0]
            key = str(first["loc"][0]) if first["loc"] else ""
            entry = block.entry(key)
            raise SchemaError(f"{key}: {first['msg']}", path=path, line=entry.line if entry else None,
                              hint="fix the value or remove the key") from None

    def file_carry(self, trivia: Any) -> Any:
        return trivia.block.carry if isinstance(trivia, StructuredTrivia) else None

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        return trivia.block.values() if isinstance(trivia, StructuredTrivia) else None

    # -- formatting other dialects cannot hold -------------------------------------------------
    #: where the prompt's text stands in a style skeleton (see ``style_of``)
    PROMPT_MARK: ClassVar[str] = "agentconv-prompt-here"

    def style_of(self, trivia: Any, agent: Agent, full: bool = True) -> dict[str, Any] | None:
        """With ``full`` (``--carry style``): the file as written, its prompt's text left out (the
        target holds it), so a trip back gives the same bytes. Other dialects show none of it."""
        if not full or not isinstance(trivia, StructuredTrivia) or trivia.synthetic:
            return None
        text = trivia.block.source
        if text == self.write(agent, None):
            return None
        key = self.prompt_key_of(trivia.block.values())
        if key is None or not agent.prompt:
            return {"file": text}
        raw = trivia.block.raw(key)
        at = text.find(raw) if raw else -1
        inner = raw.find(agent.prompt) if raw else -1
        if at < 0 or inner < 0:
            return None
        rebuilt = text[:at] + raw[:inner] + self.PROMPT_MARK + raw[inner + len(agent.prompt):] + text[at + len(raw):]
        return {"file": rebuilt}

    def prompt_key_of(self, values: dict[str, Any]) -> str | None:
        """The key holding the prompt's text in ``values`` (None: the prompt is elsewhere)."""
        return self.prompt_key if self.prompt_key in values else None

    def trivia_from_style(self, style: dict[str, Any] | None, agent: Agent) -> StructuredTrivia | None:
        text = style.get("file") if isinstance(style, dict) else None
        if not isinstance(text, str) or text.count(self.PROMPT_MARK) > 1:
            return None
        text = text.replace(self.PROMPT_MARK, agent.prompt or "")
        try:
            block = self.block_syntax.parse(text)
        except ParseError:
            return None
        if block.carry is not None:
            return None             # formatting hints may only format: no comment of agentconv's own
        return StructuredTrivia(block, block.newline, synthetic=True)

    # -- writing ------------------------------------------------------------------------------
    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        own = trivia if isinstance(trivia, StructuredTrivia) else None
        old = own.block.values() if own is not None else {}
        token = _WRITING.set((own, path))
        try:
            items = self.ordered(self.native_items(agent, old), old)
        finally:
            _WRITING.reset(token)
        newline = own.newline if own is not None else "\n"
        carry_text = self._carry_text(carry, own, newline)
        text: str = own.block.render(items, carry_text) if own is not None \
            else self.block_syntax.fresh(items, newline, carry_text)
        return text

    def ordered(self, items: list[tuple[str, Any]], old: dict[str, Any]) -> list[tuple[str, Any]]:
        """The keys in the file's own order, new ones after (a fresh file: the order of the
        dialect's ``fields`` table, the prompt's entry included)."""
        table = getattr(self, "fields", ())
        rank = {k: i for i, k in enumerate(old)} if old else \
            {k: i for i, entry in enumerate(table) for k in entry.keys}
        return sorted(items, key=lambda kv: rank.get(kv[0], len(rank)))

    def _carry_text(self, carry: Any, trivia: StructuredTrivia | None, newline: str) -> str | None:
        if not carry:
            return None
        old = trivia.block.carry if trivia is not None else None
        if old is not None and old.text and carry.same_meaning(old):
            kept: str = old.text
            return kept
        from ..carry import logical_lines
        from ..formats.yamlwrite import comment_block
        return comment_block(logical_lines(carry, self.title), newline) or None


__all__ = ["NativeItems", "StructuredDialect", "StructuredTrivia", "SYNTAXES"]
