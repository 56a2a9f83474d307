"""agentconv.structs: the record classes behave as the dataclasses they replace, for every
option agentconv uses (each case is run on a dataclass and on a struct, and must agree)."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

import pytest

from agentconv import structs


def declare(make: Any, field: Any, frozen: bool) -> dict[str, type]:
    @make(frozen=frozen)
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        note: str = field(default="", repr=False, compare=False)
        kind: ClassVar[str] = "point"

    @make(frozen=frozen)
    class Labelled(Point):
        label: str = "here"
        size: int = field(init=False, default=3)

    @make
    class Counted:
        items: list[int]
        total: int = field(init=False)

        def __post_init__(self) -> None:
            self.total = sum(self.items)

    return {"Point": Point, "Labelled": Labelled, "Counted": Counted}


KINDS = {"dataclass": (dataclasses.dataclass, dataclasses.field), "struct": (structs.struct, structs.field)}


def outcome(action: Callable[[], Any]) -> Any:
    try:
        value = action()
    except Exception as exc:  # noqa: BLE001 — the kind of failure is what is compared
        return ("raises", AttributeError if isinstance(exc, AttributeError) else type(exc))
    return value


CASES: dict[str, Callable[[dict[str, type]], Any]] = {
    "positional": lambda c: repr(c["Point"](1, 2)),
    "keywords and defaults": lambda c: repr(c["Point"](y=5, x=1)),
    "fresh factory value": lambda c: c["Point"](1).tags is not c["Point"](1).tags,
    "missing argument": lambda c: c["Point"](),
    "too many": lambda c: c["Point"](1, 2, [], "n", 9),
    "unknown keyword": lambda c: c["Point"](1, z=2),
    "twice": lambda c: c["Point"](1, x=2),
    "equal": lambda c: c["Point"](1, 2) == c["Point"](1, 2),
    "compare=False ignored": lambda c: c["Point"](1, note="a") == c["Point"](1, note="b"),
    "other class unequal": lambda c: c["Point"](1) == c["Labelled"](1),
    "unequal": lambda c: c["Point"](1) != c["Point"](2),
    "hash": lambda c: hash(c["Point"](1, 2, ("a",))) == hash(c["Point"](1, 2, ("a",))),
    "assign": lambda c: setattr(c["Point"](1), "x", 2),
    "delete": lambda c: delattr(c["Point"](1), "x"),
    "new attribute": lambda c: setattr(c["Point"](1), "other", 2),
    "inherited order": lambda c: repr(c["Labelled"](1, 2, ["t"], "n", "there")),
    "init=False default": lambda c: c["Labelled"](1).size,
    "init=False keyword": lambda c: c["Labelled"](1, size=4),
    "class var is no field": lambda c: (c["Point"].kind, c["Point"].__match_args__),
    "post init": lambda c: c["Counted"]([1, 2, 3]).total,
    "replace": lambda c: repr((dataclasses.replace if "__dataclass_fields__" in c["Point"].__dict__
                               else structs.replace)(c["Point"](1, 2), y=7)),
    "replace a non-init field": lambda c: (dataclasses.replace if "__dataclass_fields__" in c["Labelled"].__dict__
                                           else structs.replace)(c["Labelled"](1), size=1),
    "default on the class": lambda c: (c["Point"].y, hasattr(c["Point"], "x"), hasattr(c["Point"], "tags")),
}


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_a_struct_behaves_as_the_dataclass(case, frozen):
    results = [outcome(partial(CASES[case], declare(*made, frozen))) for made in KINDS.values()]
    assert results[0] == results[1]


@pytest.mark.parametrize("frozen", [False, True])
def test_a_struct_pickles_and_compares_equal_after(frozen):
    # -j N sends results between processes
    point = Point(1, 2, ["a"]) if not frozen else FrozenPoint(1, 2, ("a",))
    assert pickle.loads(pickle.dumps(point)) == point


@structs.struct
class Point:
    x: int
    y: int
    tags: list[str] = structs.field(default_factory=list)


@structs.struct(frozen=True)
class FrozenPoint:
    x: int
    y: int
    tags: tuple[str, ...] = ()
