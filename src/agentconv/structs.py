"""``@struct``: agentconv's plain record classes, as ``@dataclass`` makes them (``__init__``,
``__repr__``, ``__eq__``, ``__hash__`` when frozen, ``__match_args__``, ``__post_init__``,
inherited fields) for the options agentconv uses, without the dataclasses module.

Why: a dataclass is made by compiling generated source (~0.4 ms a class) and importing
dataclasses imports inspect; the ~25 record classes a one-file convert loads cost ~15 ms of
its start-up that way. These methods are closures over the field list instead.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["FrozenInstanceError", "field", "replace", "struct"]

_MISSING: Any = object()
T = TypeVar("T")


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen struct."""


class Field:
    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
                 init: bool = True, repr: bool = True, compare: bool = True) -> None:
        self.name = ""
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare = init, repr, compare

    def value(self) -> Any:
        """The default, a fresh one from the factory, or _MISSING."""
        return self.default_factory() if self.default_factory is not None else self.default


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None, init: bool = True,
          repr: bool = True, compare: bool = True) -> Any:
    return Field(default, default_factory, init, repr, compare)


@overload
def struct(cls: type[T], /) -> type[T]: ...


@overload
def struct(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def struct(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    def make(target: type[T]) -> type[T]:
        return _made(target, frozen)
    return make if cls is None else make(cls)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of ``obj`` with ``changes`` (``dataclasses.replace``)."""
    fields: dict[str, Field] = type(obj).__struct_fields__  # type: ignore[attr-defined]  # set by @struct
    for name in changes:
        if name not in fields or not fields[name].init:
            raise ValueError(f"{type(obj).__qualname__} has no init field {name!r}")
    values = {name: getattr(obj, name) for name, f in fields.items() if f.init}
    return type(obj)(**{**values, **changes})


def _made(cls: type[T], frozen: bool) -> type[T]:
    fields = _fields(cls)
    own = cls.__dict__
    _define(cls, "__struct_fields__", fields)
    in_init = [f for f in fields.values() if f.init]
    later = [f for f in fields.values() if not f.init and (f.default is not _MISSING or f.default_factory)]
    compared = tuple(f.name for f in fields.values() if f.compare)
    key = _getter(compared)
    shown = tuple(f.name for f in fields.values() if f.repr)
    if "__init__" not in own:
        _define(cls, "__init__", _init(cls, in_init, later, frozen))
    if "__repr__" not in own:
        def __repr__(self: Any) -> str:
            return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"
        _define(cls, "__repr__", __repr__)
    if "__eq__" not in own:
        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return bool(key(self) == key(other))
        _define(cls, "__eq__", __eq__)
        if "__hash__" not in own:        # as dataclass: hashable when frozen, else not at all
            _define(cls, "__hash__", (lambda self: hash(key(self))) if frozen else None)
    if "__match_args__" not in own:
        _define(cls, "__match_args__", tuple(f.name for f in in_init))
    if frozen:
        def __setattr__(self: Any, name: str, value: Any) -> None:
            if type(self) is cls or name in fields:
                raise FrozenInstanceError(f"cannot assign to field {name!r}")
            object.__setattr__(self, name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in fields:
                raise FrozenInstanceError(f"cannot delete field {name!r}")
            object.__delattr__(self, name)
        _define(cls, "__setattr__", __setattr__)
        _define(cls, "__delattr__", __delattr__)
    return cls


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` as a tuple, fetched in C."""
    if not names:
        return lambda obj: ()
    get = attrgetter(*names)
    return (lambda obj: (get(obj),)) if len(names) == 1 else get


def _define(cls: type, name: str, value: Any) -> None:
    setattr(cls, name, value)


def _fields(cls: type) -> dict[str, Field]:
    """The fields of the struct bases, then the class's own annotations in order (ClassVar
    annotations are not fields); a default in the class body becomes the field's."""
    fields: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(base.__dict__.get("__struct_fields__", {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if "ClassVar" in str(annotation):
            continue
        value = cls.__dict__.get(name, _MISSING)
        declared = value if isinstance(value, Field) else Field(default=value)
        declared.name = name
        if isinstance(value, Field):          # the class attribute is the default, as dataclass leaves it
            if value.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
        fields[name] = declared
    return fields


def _init(cls: type, in_init: list[Field], later: list[Field], frozen: bool) -> Callable[..., None]:
    """An ``__init__`` that compiles the real one on the first instance: a class never made
    costs nothing, and making many costs what a dataclass's does."""
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        real = _compiled_init(cls, in_init, later, frozen)
        if cls.__dict__.get("__init__") is __init__:
            _define(cls, "__init__", real)
        real(self, *args, **kwargs)
    return __init__


def _compiled_init(cls: type, in_init: list[Field], later: list[Field], frozen: bool) -> Callable[..., None]:
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = ["self"], []
    for f in in_init:
        if f.default is not _MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not None:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
    for f in in_init:
        body.append(f"    _set(self, {f.name!r}, {f.name})" if frozen else f"    self.{f.name} = {f.name}")
    for f in later:
        scope[f"_later_{f.name}"] = f.default_factory if f.default_factory is not None else _constant(f.default)
        body.append(f"    _set(self, {f.name!r}, _later_{f.name}())")
    if getattr(cls, "__post_init__", None) is not None:
        body.append("    self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, scope)  # noqa: S102  # agentconv's own field names, as dataclasses does
    made: Callable[..., None] = scope["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value
