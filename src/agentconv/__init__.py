"""agentconv: convert agent definitions between the dialects AI coding tools use."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "load", "loads", "dump", "dumps", "convert", "to_dialect", "detect",
    "get_dialect", "dialect_names", "Agent", "Document", "Example", "ExampleTurn", "ToolRule",
    "NativeField", "Loss", "LossWarning", "Diagnostic", "AgentconvError", "ParseError",
    "SchemaError", "DetectionError", "UnknownDialectError", "LossError", "OutputExistsError",
    "MultipleAgentsError", "WideningError", "convert_tree", "iter_convert_tree", "BatchResult", "FileResult",
    "check_for", "each_agent",
]

_LAZY = {
    "load": "api", "loads": "api", "dump": "api", "dumps": "api", "convert": "api", "to_dialect": "api", "each_agent": "api",
    "detect": "registry", "get_dialect": "registry", "dialect_names": "registry",
    "Agent": "model", "Example": "model", "ExampleTurn": "model", "ToolRule": "model",
    "NativeField": "model", "Document": "document", "Loss": "losses", "LossWarning": "losses",
    "Diagnostic": "losses", "convert_tree": "batch", "iter_convert_tree": "batch",
    "BatchResult": "batch", "FileResult": "batch", "check_for": "toolread",
}
_ERRORS = {"AgentconvError", "ParseError", "SchemaError", "DetectionError", "UnknownDialectError",
           "LossError", "OutputExistsError", "MultipleAgentsError", "WideningError"}


def __getattr__(name: str):
    # Lazy so that `agentconv --help` does not pay for pydantic.
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
