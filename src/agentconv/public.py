"""What ``import agentconv`` hands out: the functions of api.py and batch.py, taking and
giving the pydantic model (twins.py), while the engine inside runs on records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from . import api, batch, document, losses, model, results
from .twins import from_twin, to_twin, twin

Agent = twin(model.Agent)
Example = twin(model.Example)
ExampleTurn = twin(model.ExampleTurn)
ToolRule = twin(model.ToolRule)
NativeField = twin(model.NativeField)
Document = twin(document.Document)
Loss = twin(losses.Loss)
Diagnostic = twin(losses.Diagnostic)
FileResult = twin(results.FileResult)
BatchResult = twin(results.BatchResult)


def _public(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        return to_twin(func(*(from_twin(a) for a in args), **{k: _arg(k, v) for k, v in kwargs.items()}))
    return call


def _arg(key: str, value: Any) -> Any:
    if key == "progress" and callable(value):
        return lambda result: value(to_twin(result))
    return from_twin(value)


loads = _public(api.loads)
load = _public(api.load)
to_dialect = _public(api.to_dialect)
convert = _public(api.convert)
each_agent = _public(api.each_agent)
convert_tree = _public(batch.convert_tree)


def _losses_to_caller(func: Callable[..., Any]) -> Callable[..., Any]:
    """``dumps``/``dump``: "losses land in doc.losses", in the caller's document, raised or not."""
    @wraps(func)
    def call(doc: Any, *args: Any, **kwargs: Any) -> Any:
        inner = from_twin(doc)
        try:
            return func(inner, *args, **kwargs)
        finally:
            doc.losses = to_twin(inner.losses)
    return call


dumps = _losses_to_caller(api.dumps)
dump = _losses_to_caller(api.dump)


@wraps(batch.iter_convert_tree)
def iter_convert_tree(*args: Any, **kwargs: Any) -> Iterator[Any]:
    for result in batch.iter_convert_tree(*(from_twin(a) for a in args),
                                          **{k: _arg(k, v) for k, v in kwargs.items()}):
        yield to_twin(result)
