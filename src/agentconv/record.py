"""Records: the canonical model's classes on plain Python, validated as pydantic would.

agentconv's engine runs on these (importing pydantic costs ~100 ms, more than a whole
single-file conversion); the public API hands out pydantic twins of the same classes
(``twins.py``), built from these declarations, so the JSON Schema is pydantic's.

A record validates at construction and in ``model_validate`` (pydantic's lax mode for the
types the model uses: ``'5'`` is an int, ``'yes'`` a bool, an int is no str) and offers the
pydantic methods agentconv and its users call: ``model_copy``, ``model_dump``,
``model_fields``, ``model_validate_json``, ``model_json_schema``.
"""

from __future__ import annotations

import copy as _copy
import functools
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Self, Union

_MISSING: Any = object()


class FieldInfo:
    """A field's declaration: default, description, and how it is serialised."""

    __slots__ = ("default", "default_factory", "description", "serialization_alias", "exclude", "repr",
                 "annotation", "name", "check")

    def __init__(self, default: Any = _MISSING, *, default_factory: Callable[[], Any] | None = None,
                 description: str | None = None, serialization_alias: str | None = None,
                 exclude: bool = False, repr: bool = True) -> None:
        self.default, self.default_factory, self.description = default, default_factory, description
        self.serialization_alias, self.exclude, self.repr = serialization_alias, exclude, repr
        self.annotation: Any = None
        self.name = ""
        self.check: Callable[[Any], Any] = _any

    @property
    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def get_default(self, call_default_factory: bool = False) -> Any:
        if self.default_factory is not None:
            return self.default_factory() if call_default_factory else None
        return None if self.default is _MISSING else self.default


def Field(default: Any = _MISSING, **kwargs: Any) -> Any:   # noqa: N802 - pydantic's spelling
    return FieldInfo(default, **kwargs)


class RecordValidationError(ValueError):
    """Like pydantic's ValidationError: ``errors()`` lists ``loc``, ``msg``, ``type``, ``input``."""

    def __init__(self, title: str, errors: list[dict[str, Any]]) -> None:
        self.title, self._errors = title, errors
        lines = [f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} for {title}"]
        for e in errors:
            lines += [".".join(str(p) for p in e["loc"]), f"  {e['msg']} [type={e['type']}]"]
        super().__init__("\n".join(lines))

    def errors(self) -> list[dict[str, Any]]:
        return list(self._errors)

    def error_count(self) -> int:
        return len(self._errors)


class _Invalid(Exception):
    def __init__(self, msg: str, kind: str, value: Any, loc: tuple[Any, ...] = ()) -> None:
        self.msg, self.kind, self.value, self.loc = msg, kind, value, loc


def field_validator(*names: str, mode: str = "after") -> Callable[[Any], Any]:
    """Marks a classmethod run on a field's value after its type is checked (given fields only)."""
    def mark(func: Any) -> Any:
        target: Any = func.__func__ if isinstance(func, classmethod) else func
        target.__record_fields__ = names
        return func
    return mark


def model_validator(*, mode: str = "after") -> Callable[[Any], Any]:
    """Marks a method run on the whole record after every field is checked."""
    def mark(func: Any) -> Any:
        func.__record_model__ = True
        return func
    return mark


# ------------------------------------------------------------------------------ type checks

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _any(value: Any) -> Any:
    return value


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            pass
    raise _Invalid("Input should be a valid string", "string_type", value)


def _int(value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2 ** 63:      # pydantic's limit for a float
            return int(value)
        raise _Invalid("Input should be a valid integer, got a number with a fractional part",
                       "int_from_float", value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise _Invalid("Input should be a valid integer, unable to parse string as an integer",
                           "int_parsing", value) from None
    raise _Invalid("Input should be a valid integer", "int_type", value)


def _float(value: Any) -> float:
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _Invalid("Input should be a valid number, unable to parse string as a number",
                           "float_parsing", value) from None
    raise _Invalid("Input should be a valid number", "float_type", value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise _Invalid("Input should be a valid boolean, unable to interpret input", "bool_parsing", value)


_SCALARS: dict[Any, Callable[[Any], Any]] = {str: _str, int: _int, float: _float, bool: _bool}
_EXACT: dict[Any, tuple[type, ...]] = {str: (str,), int: (int,), float: (float,), bool: (bool,)}


def _literal(choices: tuple[Any, ...]) -> Callable[[Any], Any]:
    allowed = set(choices)

    def check(value: Any) -> Any:
        if isinstance(value, typing.Hashable) and value in allowed and \
                any(type(value) is type(c) for c in choices if c == value):
            return value
        wanted = " or ".join(repr(c) for c in choices)
        raise _Invalid(f"Input should be {wanted}", "literal_error", value)
    return check


def _list(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise _Invalid("Input should be a valid list", "list_type", value)
        out = []
        for i, v in enumerate(value):
            try:
                out.append(item(v))
            except _Invalid as exc:
                exc.loc = (i, *exc.loc)
                raise
        return out
    return check


def _tuple(items: tuple[Callable[[Any], Any], ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)) or len(value) != len(items):
            raise _Invalid("Input should be a valid tuple", "tuple_type", value)
        return tuple(f(v) for f, v in zip(items, value, strict=True))
    return check


def _dict(key: Callable[[Any], Any], val: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise _Invalid("Input should be a valid dictionary", "dict_type", value)
        out = {}
        for k, v in value.items():
            try:
                out[key(k)] = val(v)
            except _Invalid as exc:
                exc.loc = (k, *exc.loc)
                raise
        return out
    return check


def _union(options: list[Any]) -> Callable[[Any], Any]:
    checks = [_checker(o) for o in options]
    exact = [_EXACT.get(o) for o in options]

    def check(value: Any) -> Any:
        for kinds, f in zip(exact, checks, strict=True):        # smart mode: an exact type wins
            if kinds and type(value) in kinds:
                return f(value)
        first: _Invalid | None = None
        for f in checks:
            try:
                return f(value)
            except _Invalid as exc:
                first = first or exc
        assert first is not None
        raise first
    return check


def _optional(inner: Callable[[Any], Any], exact: type | None = None) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        return value if value is None or type(value) is exact else inner(value)
    return check


def _record(cls: type[Record]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            try:
                return cls._validated(value)
            except RecordValidationError as exc:
                raise _Invalid(exc._errors[0]["msg"], exc._errors[0]["type"], value, exc._errors[0]["loc"]) from None
        if _same_record(value, cls):
            return cls._from_other(value)
        raise _Invalid(f"Input should be a valid dictionary or instance of {cls.__name__}", "model_type", value)
    return check


def _instance(cls: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        raise _Invalid(f"Input should be an instance of {cls.__name__}", "is_instance_of", value)
    return check


def _checker(tp: Any) -> Callable[[Any], Any]:
    if tp is Any or tp is object:
        return _any
    if tp in _SCALARS:
        return _SCALARS[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _checker(args[0])
    if origin is Literal:
        return _literal(args)
    if origin in (Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner = _checker(rest[0]) if len(rest) == 1 else _union(rest)
        exact = rest[0] if len(rest) == 1 and rest[0] in _SCALARS else None
        return _optional(inner, exact) if len(rest) < len(args) else inner
    if origin is list:
        return _list(_checker(args[0]) if args else _any)
    if origin is tuple:
        return _tuple(tuple(_checker(a) for a in args))
    if origin is dict or tp is dict:
        return _dict(*(_checker(a) for a in args)) if args else _dict(_any, _any)
    if tp is list:
        return _list(_any)
    if isinstance(tp, type) and issubclass(tp, Record):
        return _record(tp)
    if isinstance(tp, type):
        return _instance(tp)
    return _any


def _same_record(value: Any, cls: type[Record]) -> bool:
    """A pydantic twin of ``cls`` (same class name and fields) counts as one."""
    fields = getattr(type(value), "model_fields", None)
    return type(value).__name__ == cls.__name__ and isinstance(fields, dict) and set(fields) == set(cls.model_fields)


# ------------------------------------------------------------------------------ the base class

class Record:
    """Base of agentconv's model classes. Subclasses declare annotated fields with defaults
    (``Field(...)`` for factories and descriptions); class keywords ``frozen=True`` and
    ``extra="forbid"`` (the default) mean what they mean in pydantic."""

    model_fields: typing.ClassVar[dict[str, FieldInfo]] = {}
    _frozen: typing.ClassVar[bool] = False
    _extra: typing.ClassVar[str] = "forbid"
    _field_validators: typing.ClassVar[dict[str, list[Callable[..., Any]]]] = {}
    _model_validators: typing.ClassVar[list[Callable[..., Any]]] = []
    _resolved: typing.ClassVar[bool] = False
    _template: typing.ClassVar[dict[str, Any]] = {}
    _factories: typing.ClassVar[tuple[tuple[str, Callable[[], Any]], ...]] = ()
    _required: typing.ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, frozen: bool | None = None, extra: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if frozen is not None:
            cls._frozen = frozen
        if extra is not None:
            cls._extra = extra
        cls._resolved = False
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}) if issubclass(base, Record) else {})
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if name.startswith("_") or "ClassVar" in str(annotation):
                continue
            default = cls.__dict__.get(name, _MISSING)
            info = default if isinstance(default, FieldInfo) else FieldInfo(default)
            info.name = name
            fields[name] = info
            if name in cls.__dict__:
                delattr(cls, name)
        cls.model_fields = fields
        validators: dict[str, list[Callable[..., Any]]] = {}
        models: list[Callable[..., Any]] = []
        for base in reversed(cls.__mro__):
            for attr in vars(base).values():
                func = attr.__func__ if isinstance(attr, classmethod) else attr
                for name in getattr(func, "__record_fields__", ()):
                    validators.setdefault(name, []).append(getattr(cls, func.__name__))
                if getattr(func, "__record_model__", False):
                    models.append(func)
        cls._field_validators, cls._model_validators = validators, models

    @classmethod
    def _resolve(cls) -> None:
        """Type hints are strings until the first record is built (the classes they name
        may be declared further down the module)."""
        for name, info in cls.model_fields.items():
            if info.annotation is None or isinstance(info.annotation, str):
                owner = next(k for k in cls.__mro__ if name in k.__dict__.get("__annotations__", {}))
                hint = owner.__annotations__[name]
                if isinstance(hint, str):
                    hint = eval(hint, vars(sys.modules[owner.__module__]), dict(vars(owner)))  # noqa: S307
                info.annotation = hint
                info.check = _checker(hint)
        template, factories = {}, []
        for name, info in cls.model_fields.items():
            template[name] = None if info.is_required or info.default_factory else info.default
            if info.default_factory is not None:
                factories.append((name, info.default_factory))
            elif isinstance(info.default, (list, dict, set)):
                factories.append((name, functools.partial(_copy.copy, info.default)))
        cls._template, cls._factories = template, tuple(factories)
        cls._required = tuple(n for n, i in cls.model_fields.items() if i.is_required)
        cls._resolved = True

    # -- construction -----------------------------------------------------------------------
    def __init__(self, **data: Any) -> None:
        self._fill(self._checked(data))

    @classmethod
    def _checked(cls, data: dict[str, Any]) -> dict[str, Any]:
        if not cls._resolved:
            cls._resolve()
        values = dict(cls._template)
        for name, factory in cls._factories:
            if name not in data:
                values[name] = factory()
        errors = cls._check_into(values, data)
        for name in cls._required:
            if name not in data:
                errors.append({"loc": (name,), "msg": "Field required", "type": "missing", "input": data})
        if errors:
            raise RecordValidationError(cls.__name__, errors)
        return values

    @classmethod
    def _check_into(cls, values: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
        """Check each of ``data``'s fields into ``values``; the errors found."""
        fields = cls.model_fields
        errors = []
        for key, value in data.items():
            info = fields.get(key)
            if info is None:
                if cls._extra != "ignore":
                    errors.append({"loc": (key,), "msg": "Extra inputs are not permitted",
                                   "type": "extra_forbidden", "input": value})
                continue
            try:
                value = info.check(value)
                for validator in cls._field_validators.get(key, ()):
                    value = validator(value)
            except _Invalid as exc:
                errors.append({"loc": (key, *exc.loc), "msg": exc.msg, "type": exc.kind, "input": exc.value})
                continue
            except (ValueError, AssertionError) as exc:
                errors.append({"loc": (key,), "msg": f"Value error, {exc}", "type": "value_error", "input": value})
                continue
            values[key] = value
        return errors

    def _fill(self, values: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", values)
        for validator in self._model_validators:
            try:
                validator(self)
            except (ValueError, AssertionError) as exc:
                if isinstance(exc, RecordValidationError):
                    raise
                raise RecordValidationError(type(self).__name__, [
                    {"loc": (), "msg": f"Value error, {exc}", "type": "value_error", "input": values}]) from None

    @classmethod
    def _validated(cls, data: dict[str, Any]) -> Self:
        record = cls.__new__(cls)
        record._fill(cls._checked(data))
        return record

    @classmethod
    def _from_other(cls, other: Any) -> Self:
        """A twin's values taken as they are (pydantic validated them)."""
        record = cls.__new__(cls)
        object.__setattr__(record, "__dict__", {name: from_twin(getattr(other, name)) for name in cls.model_fields})
        return record

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, dict):
            return cls._validated(obj)
        if _same_record(obj, cls):
            return cls._from_other(obj)
        raise RecordValidationError(cls.__name__, [
            {"loc": (), "msg": f"Input should be a valid dictionary or instance of {cls.__name__}",
             "type": "model_type", "input": obj}])

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        import json
        return cls.model_validate(json.loads(text))

    @classmethod
    def model_construct(cls, **values: Any) -> Self:
        record = cls.__new__(cls)
        full = {name: values[name] if name in values else info.get_default(call_default_factory=True)
                for name, info in cls.model_fields.items()}
        object.__setattr__(record, "__dict__", full)
        return record

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        values = _copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        if update:
            values.update(update)
        record = type(self).__new__(type(self))
        object.__setattr__(record, "__dict__", values)
        return record

    def validated_copy(self, update: dict[str, Any]) -> Self:
        """``model_validate({**self.model_dump(), **update})`` without dumping and checking
        again the fields that do not change (every validator is idempotent)."""
        if not self._resolved:
            type(self)._resolve()
        values = dict(self.__dict__)
        errors = self._check_into(values, update)
        if errors:
            raise RecordValidationError(type(self).__name__, errors)
        record = type(self).__new__(type(self))
        record._fill(values)
        return record

    # -- serialising -------------------------------------------------------------------------
    def model_dump(self, *, mode: str = "python", exclude_none: bool = False, by_alias: bool = False,
                   exclude: set[str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, info in self.model_fields.items():
            if info.exclude or (exclude and name in exclude):
                continue
            value = self.__dict__[name]
            if exclude_none and value is None:
                continue
            key = info.serialization_alias if by_alias and info.serialization_alias else name
            out[key] = _dumped(value, mode, exclude_none, by_alias)
        return out

    def model_dump_json(self, *, indent: int | None = None, exclude_none: bool = False, by_alias: bool = False) -> str:
        import json
        return json.dumps(self.model_dump(mode="json", exclude_none=exclude_none, by_alias=by_alias),
                          indent=indent, ensure_ascii=False, separators=None if indent else (",", ":"))

    @classmethod
    def model_json_schema(cls, **kwargs: Any) -> dict[str, Any]:
        from .twins import twin
        return twin(cls).model_json_schema(**kwargs)

    # -- identity ----------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise TypeError(f"{type(self).__name__} is frozen")
        if name not in self.model_fields:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        self.__dict__[name] = value

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self.__dict__ == other.__dict__
        if _same_record(other, type(self)):
            return all(self.__dict__[n] == getattr(other, n) for n in self.model_fields)
        return NotImplemented

    def __hash__(self) -> int:
        if not self._frozen:
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return hash((type(self).__name__, *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={self.__dict__[n]!r}" for n, i in self.model_fields.items() if i.repr)
        return f"{type(self).__name__}({shown})"

    def __copy__(self) -> Self:
        return self.model_copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        record = type(self).__new__(type(self))
        object.__setattr__(record, "__dict__", _copy.deepcopy(self.__dict__, memo))
        return record

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", state)


def _dumped(value: Any, mode: str, exclude_none: bool, by_alias: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode=mode, exclude_none=exclude_none, by_alias=by_alias)
    if isinstance(value, list):
        return [_dumped(v, mode, exclude_none, by_alias) for v in value]
    if isinstance(value, tuple):
        items = [_dumped(v, mode, exclude_none, by_alias) for v in value]
        return items if mode == "json" else tuple(items)
    if isinstance(value, dict):
        return {k: _dumped(v, mode, exclude_none, by_alias) for k, v in value.items()}
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return value.model_dump(mode=mode, exclude_none=exclude_none, by_alias=by_alias)
    return value


def from_twin(value: Any) -> Any:
    """A value with pydantic twins in it, with records in their place."""
    if isinstance(value, list):
        return [from_twin(v) for v in value]
    if isinstance(value, dict):
        return {k: from_twin(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(from_twin(v) for v in value)
    record = getattr(type(value), "__record__", None)
    if record is not None:
        return record._from_other(value)
    return value
