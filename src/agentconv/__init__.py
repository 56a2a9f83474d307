"""agentconv: convert agent definitions between the dialects AI coding tools use."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "__version__", "load", "loads", "dump", "dumps", "convert", "to_dialect", "detect",
    "get_dialect", "dialect_names", "Agent", "Document", "Example", "ExampleTurn", "ToolRule",
    "NativeField", "Loss", "LossWarning", "Diagnostic", "AgentconvError", "ParseError",
    "SchemaError", "DetectionError", "UnknownDialectError", "LossError", "OutputExistsError",
    "MultipleAgentsError", "WideningError", "convert_tree", "iter_convert_tree", "BatchResult", "FileResult",
    "check_for", "each_agent",
]

# the model and the functions that take or give it come from public.py, as pydantic models
_LAZY = {
    "load": "public", "loads": "public", "dump": "public", "dumps": "public", "convert": "public",
    "to_dialect": "public", "each_agent": "public",
    "detect": "registry", "get_dialect": "registry", "dialect_names": "registry",
    "Agent": "public", "Example": "public", "ExampleTurn": "public", "ToolRule": "public",
    "NativeField": "public", "Document": "public", "Loss": "public", "LossWarning": "losses",
    "Diagnostic": "public", "convert_tree": "public", "iter_convert_tree": "public",
    "BatchResult": "public", "FileResult": "public", "check_for": "toolread",
}
_ERRORS = {"AgentconvError", "ParseError", "SchemaError", "DetectionError", "UnknownDialectError",
           "LossError", "OutputExistsError", "MultipleAgentsError", "WideningError"}


def __getattr__(name: str) -> Any:
    # Lazy so that the CLI does not pay for pydantic: only the library's users need it.
    import importlib
    if name in _ERRORS:
        module = importlib.import_module(".errors", __name__)
    elif name in _LAZY:
        module = importlib.import_module("." + _LAZY[name], __name__)
    else:
        raise AttributeError(f"module 'agentconv' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value
