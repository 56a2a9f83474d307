"""The public model as pydantic classes: a twin of each record class (record.py), built from
the record's own declaration on first use, so the two cannot drift apart.

``agentconv.Agent`` and the other public names are twins; the functions of ``agentconv``
take twins or records and hand out twins (``to_twin``), while the engine runs on records.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

import pydantic
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import SkipJsonSchema

from .record import Record, from_twin

_TWINS: dict[type[Record], type[TwinBase]] = {}
_SKIP = {"__dict__", "__weakref__", "__annotations__", "__module__", "__qualname__", "__doc__",
         "model_fields", "_frozen", "_extra", "_field_validators", "_model_validators", "_resolved",
         "_template", "_factories", "_required",
         "__twin_config__", "__init_subclass__", "__orig_bases__", "__parameters__"}


class TwinBase(BaseModel):
    """Equal to the record it twins when their fields are (and to its own kind, as pydantic)."""

    @pydantic.model_validator(mode="before")
    @classmethod
    def _records_as_twins(cls, data: Any) -> Any:
        """A record given where the model is wanted (``Document(agents=[record])``) is taken."""
        if isinstance(data, dict):
            return {k: to_twin(v) for k, v in data.items()}
        if isinstance(data, Record):
            return to_twin(data).__dict__
        return data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return other.__eq__(self) is True
        return BaseModel.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable, like a pydantic model


def twin(record: type[Record]) -> type[TwinBase]:
    """The pydantic class of ``record``."""
    if record not in _TWINS:
        _TWINS[record] = _build(record)
    return _TWINS[record]


def _build(record: type[Record]) -> type[TwinBase]:
    if not record._resolved:
        record._resolve()
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": record.__module__, "__qualname__": record.__qualname__,
                                 "__doc__": record.__doc__, "__record__": record}
    for name, info in record.model_fields.items():
        hint = _twin_hint(info.annotation)
        # a hint built at run time (the checker sees a variable, not a type)
        annotations[name] = SkipJsonSchema[hint] if info.exclude else hint  # type: ignore[valid-type,misc]
        options = {k: getattr(info, k) for k in ("description", "serialization_alias")
                   if getattr(info, k) is not None}
        if info.exclude:
            options["exclude"] = True
        if not info.repr:
            options["repr"] = False
        if info.default_factory is not None:
            namespace[name] = pydantic.Field(default_factory=info.default_factory, **options)
        elif not info.is_required:
            namespace[name] = pydantic.Field(default=info.default, **options) if options else info.default
        elif options:
            namespace[name] = pydantic.Field(**options)
    for klass in reversed(record.__mro__):
        if klass is object or klass is Record or not issubclass(klass, Record):
            continue
        for attr_name, attr in vars(klass).items():
            if attr_name in _SKIP or attr_name in record.model_fields:
                continue
            namespace[attr_name] = _twin_member(attr)
    namespace["__annotations__"] = annotations
    config = ConfigDict(extra=getattr(record, "_extra", "forbid"), frozen=record._frozen)
    own: ConfigDict = getattr(record, "__twin_config__", ConfigDict())
    config.update(own)
    namespace["model_config"] = config
    cls = type(record.__name__, (TwinBase,), namespace)
    if record._frozen and "__hash__" not in vars(record):
        cls.__hash__ = _hash_of_values  # type: ignore[method-assign,assignment]  # TwinBase sets None
    return cls


def _hash_of_values(self: Any) -> int:
    return hash((type(self).__name__, *self.__dict__.values()))


def _twin_member(attr: Any) -> Any:
    func = attr.__func__ if isinstance(attr, classmethod) else attr
    fields = getattr(func, "__record_fields__", None)
    if fields:
        return pydantic.field_validator(*fields)(classmethod(func))
    if getattr(func, "__record_model__", False):
        return pydantic.model_validator(mode="after")(func)
    return attr


def _twin_hint(hint: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, Record):
        return twin(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if not args or origin is Literal:
        return hint
    if origin is typing.Annotated:
        return typing.Annotated[(_twin_hint(args[0]), *hint.__metadata__)]
    mapped = tuple(_twin_hint(a) for a in args)
    if origin in (Union, types.UnionType):
        return Union[mapped]  # noqa: UP007 (a union of a runtime tuple of types has no `|` spelling)
    return origin[mapped] if len(mapped) > 1 else origin[mapped[0]]


def to_twin(value: Any) -> Any:
    """A value with records in it, with pydantic twins in their place (not validated again)."""
    if isinstance(value, Record):
        cls = twin(type(value))
        return cls.model_construct(**{name: to_twin(v) for name, v in value.__dict__.items()})
    if isinstance(value, list):
        return [to_twin(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_twin(v) for v in value)
    if isinstance(value, dict):
        return {k: to_twin(v) for k, v in value.items()}
    return value


__all__ = ["twin", "to_twin", "from_twin", "TwinBase"]
