"""Dialect fields as data: which native key holds which canonical field, how the tool reads its
value and how agentconv writes it back. A dialect lists its keys in ``fields`` (in the order a
fresh file writes them); ``FieldTable`` reads and writes any dialect from that list, so a
dialect's code is only what a table cannot say (a ``Code`` entry naming two of its methods).

    fields = (
        NAME,
        Description(unescape=True),
        Code("tools", "disallowedTools", read="read_access", write="write_access"),
        Key("model", "model", read=canonical_model, write=claude_model),
        Key("maxTurns", "max_turns", read=positive_int),
    )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from .. import overrides
from ..losses import Diagnostic
from ..model import Agent, NativeField
from ..structs import struct
from . import toolnames
from .base import MISSING, NativeItems

Reader = Callable[[Any], Any]


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


#: a reader's answer for a value the tool reads as "not set" (Claude's ``model: inherit``)
UNSET: Any = _Unset()


# -- value readers: a native value → the canonical one, or None for a value the tool does not read

def same(value: Any) -> Any:
    return value


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def positive_int(value: Any) -> int | None:
    """A count the tool reads: a positive integer, or digits in a string (YAML quoted them)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
        return int(value)
    return None


def count(value: Any) -> int | None:
    """A positive integer as written (no string digits)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def model_reader(canonical: Callable[[str], str | None], *, read_blank: bool = False) -> Reader:
    """A ``model`` value → its canonical id: text (blank too with ``read_blank``) given to
    ``canonical``; a spelling it gives no id for (``inherit``: the parent's model) is UNSET,
    anything else (a number, a list) None: the tool reads no model there."""
    def read(value: Any) -> Any:
        if not isinstance(value, str) or not (read_blank or value.strip()):
            return None
        model = canonical(value)
        return UNSET if model is None else model
    return read


def aliased_model(inherit: str, aliases: dict[str, str]) -> Callable[[str], str | None]:
    """A dialect's model spelling → the canonical id: ``inherit`` (the dialect's word for the
    parent's model) none, one of its ``aliases`` the id it runs, else the id with its provider."""
    from .. import vocabulary

    def canonical(spelling: str) -> str | None:
        value = spelling.strip()
        if value == inherit:
            return None
        return aliases.get(value) or vocabulary.qualified_model(value)
    return canonical


def text_or_int(value: Any) -> str | int | None:
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def or_raise(read: Reader, what: str) -> Reader:
    """``read``, raising ValueError where it reads nothing: for a ``meaning`` (what an old value
    means) that must not pass a value the tool refuses for one that means "unset"."""
    def parsed(value: Any) -> Any:
        result = read(value)
        if result is None:
            raise ValueError(f"not a {what} value")
        return result
    return parsed


def comma_names(value: Any) -> list[str] | None:
    """A comma-separated string or a list of strings → the names, each stripped (a name may
    hold spaces: only commas separate)."""
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, list) and all(isinstance(n, str) for n in value):
        return [n.strip() for n in value]
    return None


def names(value: Any) -> list[str] | None:
    """A comma-separated string or a list of strings → the names."""
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return toolnames.split_list(value)
    return None


def a_list(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def a_map(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def one_of(*allowed: Any) -> Reader:
    def read(value: Any) -> Any:
        return value if isinstance(value, str) and value in allowed else None
    read.__name__ = f"one_of{allowed}"
    return read


# -- entries ------------------------------------------------------------------------------------

class Entry:
    """One row of a dialect's field table: the native keys it reads, how it writes them."""

    keys: tuple[str, ...] = ()

    def take(self, dialect: Any, values: dict[str, Any], fields: dict[str, Any],
             warn: list[Diagnostic]) -> set[str]:
        """Read this entry's keys from ``values`` into ``fields``; the keys it consumed."""
        raise NotImplementedError

    def put(self, dialect: Any, agent: Agent, out: NativeItems) -> None:
        raise NotImplementedError


@struct(frozen=True)
class Key(Entry):
    """A native key that holds one canonical field.

    ``read`` turns the native value into the canonical one (None: a value the tool does not
    read, kept as a native key); ``write`` turns the canonical value into the native one (None:
    nothing written); ``meaning`` says what an old value means, so an unchanged value keeps its
    spelling (default: ``read``). ``field=None``: ``read`` gives a dict of fields and ``get``
    gives the canonical value from the agent. ``aliases`` are older spellings the tool still reads
    when ``key`` is absent; a file that used one keeps it. ``only_if_present``: written only when
    the file being rewritten has the key (a name the path already says).
    """

    key: str
    field: str | None
    read: Reader = text
    write: Callable[[Any], Any] = same
    meaning: Reader | None = None
    get: Callable[[Agent], Any] | None = None
    aliases: tuple[str, ...] = ()
    only_if_present: bool = False

    @property
    def keys(self) -> tuple[str, ...]:          # type: ignore[override]  # Entry's field, derived here
        return (self.key, *self.aliases)

    def take(self, dialect: Any, values: dict[str, Any], fields: dict[str, Any],
             warn: list[Diagnostic]) -> set[str]:
        spelled = next((k for k in self.keys if k in values), None)
        if spelled is None:
            return set()
        got = self.read(values[spelled])
        if self.field == "model":           # a spelling the configuration pinned, read back
            got = overrides.model_written_as(values[spelled]) or got
        elif isinstance(got, dict) and "model" in got:
            got = _pinned_models(values[spelled], got)
        if got is None:
            return set()
        if got is UNSET:
            return {spelled}
        if self.field is None:
            fields.update(got)
        else:
            fields[self.field] = got
        return {spelled}

    def current(self, agent: Agent) -> Any:
        if self.get is not None:
            return self.get(agent)
        assert self.field is not None       # a key with no field has its own get
        return getattr(agent, self.field)

    def put(self, dialect: Any, agent: Agent, out: NativeItems) -> None:
        spelled = next((k for k in self.keys if k in out.old), self.key)
        if self.only_if_present and spelled not in out.old:
            return
        current = self.current(agent)
        pinned = overrides.model_spelling(current) if self.field == "model" else None
        out.put(spelled, current, self.meaning or self.read,
                lambda: self.write(current) if pinned is None else pinned)


@struct(frozen=True)
class Description(Entry):
    """``description``: the text, its usage examples and its sections (``unescape``: the tool
    expands a literal ``\\n``, as Claude Code does)."""

    key: str = "description"
    unescape: bool = False

    @property
    def keys(self) -> tuple[str, ...]:          # type: ignore[override]  # Entry's field, derived here
        return (self.key,)

    def take(self, dialect: Any, values: dict[str, Any], fields: dict[str, Any],
             warn: list[Diagnostic]) -> set[str]:
        value = values.get(self.key)
        if not isinstance(value, str):
            return set()
        from .. import briefs
        fields.update(briefs.parse_description(value.replace("\\n", "\n") if self.unescape else value))
        return {self.key}

    def put(self, dialect: Any, agent: Agent, out: NativeItems) -> None:
        out.put_description(agent, unescape=self.unescape, key=self.key)


@struct(frozen=True)
class Code(Entry):
    """Keys the dialect reads and writes in code: ``read`` names its method
    ``(values, fields, warn)``, ``write`` its method ``(agent, out)``. The keys are consumed
    (never kept as native keys) unless the read method leaves them in ``fields['native']``."""

    names: tuple[str, ...] = ()
    read: str = ""
    write: str = ""

    def __init__(self, *keys: str, read: str = "", write: str = "") -> None:
        object.__setattr__(self, "names", keys)
        object.__setattr__(self, "read", read)
        object.__setattr__(self, "write", write)

    @property
    def keys(self) -> tuple[str, ...]:          # type: ignore[override]  # Entry's field, derived here
        return self.names

    def take(self, dialect: Any, values: dict[str, Any], fields: dict[str, Any],
             warn: list[Diagnostic]) -> set[str]:
        if self.read:
            getattr(dialect, self.read)(values, fields, warn)
        return set(self.names)

    def put(self, dialect: Any, agent: Agent, out: NativeItems) -> None:
        if self.write:
            getattr(dialect, self.write)(agent, out)


NAME = Key("name", "name")


def _pinned_models(value: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """A model list (Copilot's ``model: [a, b]``) whose spellings the configuration pinned,
    read back as the models they stand for."""
    spelled = value if isinstance(value, list) else [value]
    models = [fields.get("model"), *fields.get("model_fallbacks", [])]
    if len(spelled) != len(models):
        return fields
    back = [overrides.model_written_as(s) or m for s, m in zip(spelled, models, strict=True)]
    return {**fields, "model": back[0], **({"model_fallbacks": back[1:]} if len(back) > 1 else {})}


if TYPE_CHECKING:
    from .base import Dialect
    _TableBase = Dialect            # a table is always mixed into a dialect (class X(XFields, MarkdownDialect))
else:
    _TableBase = object


class FieldTable(_TableBase):
    """``agent_fields`` and ``native_items`` from a dialect's ``fields`` table."""

    #: the dialect's keys: native key ↔ canonical field, in the order a fresh file writes them
    fields: ClassVar[tuple[Entry, ...]] = ()
    #: canonical values every agent of the dialect has unless a key says otherwise
    field_defaults: ClassVar[dict[str, Any]] = {}
    #: known keys whose unreadable value makes the real tool refuse to start (warned)
    rejects_unreadable: ClassVar[frozenset[str]] = frozenset()
    #: the dialect native keys are kept under in the model (a second form of one tool shares it)
    native_dialect: ClassVar[str] = ""

    def native_owner(self) -> str:
        return self.native_dialect or self.name

    # -- native → canonical ---------------------------------------------------------------
    def agent_fields(self, values: dict[str, Any], path: str | None, warn: list[Diagnostic]) -> dict[str, Any]:
        fields: dict[str, Any] = {**self.field_defaults, "native": []}
        path_name = self.name_from_path(path)
        if path_name is not None:
            fields["name"] = path_name
        taken: set[str] = set()
        for entry in self.fields:
            taken |= entry.take(self, values, fields, warn)
        owner = self.native_owner()
        for key, value in values.items():
            if key in taken:
                continue
            fields["native"].append(NativeField(dialect=owner, key=key, value=value))
            if key in self.rejects_unreadable:
                warn.append(Diagnostic(message=f"{self.title} rejects {key}: {value!r}",
                                       hint=f"{self.title} refuses to start with this value"))
        self.check_read(taken, fields, warn)
        return fields

    def check_read(self, taken: set[str], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        """Say what the real tool does with a file lacking a key it needs (``skipped_without``);
        ``taken``: the keys read."""
        key = getattr(self, "skipped_without", None)
        if key and key not in taken:
            warn.append(Diagnostic(message=f"no {key!r}: {self.title} skips this file silently",
                                   hint=f"add '{key}: <{key}>' to the front matter"))

    # -- canonical → native ---------------------------------------------------------------
    def native_items(self, agent: Agent, old: dict[str, Any] | None) -> list[tuple[str, Any]]:
        out = NativeItems(old)
        for entry in self.fields:
            entry.put(self, agent, out)
        return out.put_natives(agent, self.native_owner())


__all__ = ["UNSET", "Code", "Description", "Entry", "FieldTable", "Key", "MISSING", "NAME", "a_list", "a_map", "count",
           "flag", "names", "number", "one_of", "positive_int", "same", "text", "text_or_int"]
