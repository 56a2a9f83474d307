"""Containers that hold their agents as a list, in YAML or JSON (Roo Code's ``customModes:``):
the agent's name is a key inside each item, not the key of a map. Everything else is the
container's (dialects/container.py): members with spans, one member written and verified at
a time, members spliced into the file read, merges that keep the file's other entries.

The list and its items are ``formats/seqsrc``'s: each item is a block of its own, so an
unchanged item keeps its bytes and a changed one is re-rendered entry by entry in the file's
own syntax (YAML block entries, or JSON in the file's indent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..access import key_lines
from ..document import Document
from ..errors import AgentconvError
from ..formats import frontmatter, jsonsrc, seqsrc
from ..losses import Diagnostic
from ..model import Agent
from ..promptref import Reference
from ..structs import struct
from .container import ContainerDialect, Member

if TYPE_CHECKING:
    from pathlib import PurePath


@struct
class ListMember(Member):
    """An item of the list: the container's member, with its own text and how the list writes
    items (the syntax, YAML's dash and indent)."""

    text: str = ""
    syntax: str = "yaml"
    dash: str = "  - "
    indent: str = "    "
    line: int = 1
    #: the item with its aliases to other items' anchors written out, when it has any
    alone: str | None = None


@struct
class ListTrivia:
    """The list as the file holds it, and each member read from it."""

    found: seqsrc.ItemList
    members: list[ListMember]

    @property
    def root(self) -> _Whole:
        """The whole file's value (what a JSON Schema of the file validates)."""
        return _Whole(seqsrc.file_value(self.found.source))


@struct
class _Whole:
    value: Any

    def values(self) -> Any:
        return self.value


class ListContainerDialect(ContainerDialect):
    """A list of agents under ``list_key``, each named by its ``name_key``. The fields come from
    the dialect's own table (``FieldTable``): an item is read and written as one block."""

    extension = ".yaml"
    requires_front_matter = False        # a YAML or JSON file, no front matter
    list_key: ClassVar[str] = ""
    name_key: ClassVar[str] = "name"

    # -- reading ------------------------------------------------------------------------------
    def claim_gate(self) -> tuple[tuple[str, ...], ...]:
        return (("no-split",),)

    def claim(self, text: str) -> float:
        """A list of items holding this tool's keys under ``list_key`` (or one such item alone):
        no other dialect reads this shape. A markdown file's front matter is none (its closing
        ``---`` would start a second YAML document, which the tools refuse)."""
        if frontmatter.closed(text):
            return self.NO_CLAIM
        try:
            found = seqsrc.parse(text, self.list_key, bare_key=self.name_key)
        except AgentconvError:
            return self.NO_CLAIM
        values = [item.block.values() for item in found.items[:20]]      # aliases resolved: the file's nodes
        if values and all(isinstance(v, dict) and self.item_shape(v) for v in values):
            return self.SYNTAX + self.content_claim(values) / 10
        return self.NO_CLAIM

    def item_shape(self, values: dict[str, Any]) -> bool:
        """An item this tool would read as an agent."""
        return self.name_key in values

    def content_claim(self, values: list[dict[str, Any]]) -> float:
        """How much more than the shape the items say this dialect (a key only it reads)."""
        return 0.0

    def read(self, text: str, path: str | None = None, *, apply_carry: bool = True,
             trust_carry: bool = False) -> Document:
        found = seqsrc.parse(text, self.list_key, path=path, bare_key=self.name_key)
        members, agents, warnings = [], [], []
        seen: dict[str, int] = {}
        anchors = seqsrc.anchors_of(text) if found.syntax == "yaml" else set()
        for item in found.items:
            own: list[Diagnostic] = []
            agent = self._item_agent(item, path, own)
            if agent.name in seen:
                own.append(Diagnostic(message=f"{self.name_key} {agent.name!r} appears twice (first on line "
                                              f"{seen[agent.name]}): {self.title} loads no agent of this file",
                                      line=item.line, hint=f"give each item its own {self.name_key}"))
            seen.setdefault(agent.name or "", item.line)
            alone = seqsrc.resolved(item, anchors) if anchors else None
            members.append(ListMember(agent.name or "", item.block, warnings=own, text=item.text,
                                      syntax=found.syntax, dash=found.dash, indent=found.indent, line=item.line,
                                      alone=alone if alone != item.text else None))
            agents.append(agent)
            warnings += own
        if found.syntax == "root":
            warnings.append(Diagnostic(message=f"one {self.name_key} item alone: {self.title} loads items only "
                                               f"from a '{self.list_key}:' list", line=found.items[0].line,
                                       hint=f"put it under '{self.list_key}:' in {self.file_name}"))
        return Document(agents=agents, dialect=self.name, path=path, warnings=warnings,
                        trivia=ListTrivia(found, members))

    def _item_agent(self, item: seqsrc.Item, path: str | None, warnings: list[Diagnostic]) -> Agent:
        values = item.block.values()
        key = values.get(self.name_key)
        label = key if isinstance(key, str) else f"on line {item.line}"
        read_warnings: list[Diagnostic] = []
        with key_lines(lambda k: getattr(item.block.entry(k), "line", None)):
            fields = self.agent_fields(values, path, read_warnings)
        for k in values:
            if k not in self.accepted_keys:
                read_warnings.append(Diagnostic(message=f"{self.title} ignores {k!r}",
                                                line=getattr(item.block.entry(k), "line", item.line)))
        warnings += [w.model_copy(update={"message": f"mode {label!r}: {w.message}", "line": w.line or item.line})
                     for w in read_warnings]
        return self.validated(fields, str(label), item.line, path)

    def file_values(self, trivia: Any) -> dict[str, Any] | None:
        return trivia.block.values() if isinstance(trivia, ListMember) and trivia.block is not None else None

    def agent_trivia(self, trivia: Any, index: int, agent: Agent | None = None) -> Any:
        if not isinstance(trivia, ListTrivia):
            return trivia
        if agent is not None and agent.name is not None:
            return next((m for m in trivia.members if m.key == agent.name), None)
        return trivia.members[index] if index < len(trivia.members) else None

    # -- writing ------------------------------------------------------------------------------
    def member_items(self, agent: Agent, old: dict[str, Any], ref: Reference | None = None) -> list[tuple[str, Any]]:
        return self.native_items(agent, old)

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        """The agent alone, as a list of one (what the engine reads back and verifies)."""
        member = trivia if isinstance(trivia, ListMember) else None
        block = member.block if member is not None else None
        items = self.member_items(agent, block.values() if block is not None else {})
        if isinstance(block, jsonsrc.JsonBlock):
            items = [(k, v) for k, v in items if jsonsrc.jsonable(v)]
        text = seqsrc.render_item(block, items, render=self.render_entry)
        if member is not None and member.alone is not None and text == member.text:
            text = member.alone                 # its aliases name anchors of other items
        if member is not None and member.syntax == "root":
            return text
        if member is not None and member.syntax == "json" and isinstance(block, jsonsrc.JsonBlock):
            return "{\n  " + jsonsrc._dumps(self.list_key, block.style.ascii) + ": [\n    " + text + "\n  ]\n}\n"
        dash, indent = (member.dash, member.indent) if member is not None else ("  - ", "    ")
        return self.list_key + ":\n" + seqsrc.indented(text, dash, indent)

    def render_entry(self, key: str, value: Any, newline: str) -> str:
        from ..formats import yamlwrite
        return yamlwrite.render_entry(key, value, newline)

    def members(self, text: str) -> list[tuple[str, str]]:
        found = seqsrc.parse(text, self.list_key, bare_key=self.name_key)
        return [(str(item.block.values().get(self.name_key)), item.text) for item in found.items]

    def held(self, trivia: Any) -> dict[str, Any]:
        return {m.key: seqsrc.value_of(m.alone or m.text) for m in trivia.members}

    def member_value(self, text: str) -> Any:
        return seqsrc.value_of(text)

    def join(self, texts: list[str], trivia: Any = None) -> str:
        own = {m.alone: m.text for m in trivia.members if m.alone} if isinstance(trivia, ListTrivia) else {}
        return self._spliced(trivia, [(k, own.get(t, t)) for k, t in (self.members(t)[0] for t in texts)])

    def merge(self, trivia: Any, members: list[tuple[str, str]], *, replace: bool) -> str:
        """The file with ``members`` (key, item text) added, and replacing an item of the same
        key only when ``replace``; every other byte of the file stays."""
        if not isinstance(trivia, ListTrivia):
            return self._spliced(None, members)
        new = dict(members)
        items = [(m.key, new.pop(m.key) if replace and m.key in new else m.text) for m in trivia.members]
        kept = {m.key for m in trivia.members}
        return self._spliced(trivia, items + [(k, v) for k, v in new.items() if k not in kept])

    def _spliced(self, trivia: Any, members: list[tuple[str, str]]) -> str:
        found = trivia.found if isinstance(trivia, ListTrivia) else None
        if found is None or (found.syntax == "root" and len(members) != 1):
            return self.list_key + ":\n" + "".join(
                seqsrc.indented(seqsrc.as_syntax(t, "yaml", jsonsrc.Style(), ""), "  - ", "    ") for _, t in members)
        style = found.items[0].block.style if found.syntax == "json" and found.items \
            else jsonsrc.detect_style(found.source)
        at = _json_item_indent(found)
        texts = [(k, seqsrc.as_syntax(t, "yaml" if found.syntax == "root" else found.syntax, style, at))
                 for k, t in members]
        return seqsrc.spliced(found, texts, [m.key for m in trivia.members])

    def output_path(self, agent: Agent) -> PurePath:
        from pathlib import PurePath
        return PurePath(self.file_name)


def _json_item_indent(found: seqsrc.ItemList) -> str:
    if found.syntax != "json" or not found.items:
        return "    "
    start = found.spans[0][0]
    return found.source[found.source.rfind("\n", 0, start) + 1:start]


__all__ = ["ListContainerDialect", "ListMember", "ListTrivia"]
