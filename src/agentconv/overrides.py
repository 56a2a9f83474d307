"""The user's mapping overrides (``[models.<dialect>]``, ``[tools.<dialect>]`` of the
configuration) while one agent is written into one target dialect.

An override changes how the target *writes* a model or a tool, nothing else: reading a file
is unaffected, except that the engine's read-back of the output it is writing takes the
pinned spelling as the model it stands for (the user said they are the same model, so it is
no loss). A tool override is judged like any output: the engine reads the names back with the
target's own table and the tool's reading model, so a name that grants more than the source
allowed is narrowed or refused, never let through.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import vocabulary
from .data import mapping, mapping_bytes
from .structs import field, struct

if TYPE_CHECKING:
    from .config import Config
    from .dialects.base import Dialect
    from .model import Agent


@struct(frozen=True)
class Active:
    """The overrides in force for the agent being written: canonical id → target spelling."""

    models: dict[str, str] = field(default_factory=dict)
    tools: dict[str, str] = field(default_factory=dict)


_ACTIVE: ContextVar[Active | None] = ContextVar("agentconv_overrides", default=None)


def overridable(dialect: str, kind: str) -> bool:
    """Whether the dialect's writer consults ``kind`` ("models" or "tools") overrides."""
    from .registry import get_dialect
    target = get_dialect(dialect)
    if kind == "tools":
        return bool(getattr(target, "names_tools", False))
    return bool(getattr(target, "spells_models", False)) or any(
        getattr(entry, "field", None) == "model" for entry in getattr(target, "fields", ()))


@contextmanager
def writing(config: Config | None, target: str, source: Dialect | None, agent: Agent,
            source_values: dict[str, Any] | None) -> Iterator[None]:
    """Within this block, the target's writers use the overrides that apply to ``agent``."""
    active = resolved(config, target, source, agent, source_values) if config is not None else None
    token = _ACTIVE.set(active)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def resolved(config: Config, target: str, source: Dialect | None, agent: Agent,
             source_values: dict[str, Any] | None) -> Active | None:
    """The overrides for ``target`` keyed by the canonical ids of ``agent``'s model and tools:
    a key is a canonical id, an id without its provider (``claude-sonnet-5``), or the source
    file's own spelling (``sonnet`` in a Claude file, ``Bash`` for Claude's shell tool)."""
    models, tools = config.models.get(target, {}), config.tools.get(target, {})
    if not models and not tools:
        return None
    raw = (source_values or {}).get("model")
    chosen: dict[str, str] = {}
    for model in [agent.model, *agent.model_fallbacks]:
        for key, spelled in models.items():
            if model and (key == model or vocabulary.qualified_model(key) == model
                          or (model == agent.model and key == raw)):
                chosen[model] = spelled
    named: dict[str, str] = {}
    for tool in dict.fromkeys(rule.tool for rule in agent.tools):
        for key, spelled in tools.items():
            if key == tool or (source is not None and source.tool_name(tool) == key):
                named[tool] = spelled
    # a canonical id the agent does not name may still be written (a deny the engine adds)
    named = {**{k: v for k, v in tools.items() if k == k.lower() and k not in named}, **named}
    return Active(models=chosen, tools=named)


def model_spelling(model: Any) -> str | None:
    """How the overrides in force write the canonical ``model`` (None: as the dialect does)."""
    active = _ACTIVE.get()
    return active.models.get(model) if active is not None and isinstance(model, str) else None


def model_written_as(value: Any) -> str | None:
    """The canonical id a pinned spelling stands for, while its output is read back."""
    active = _ACTIVE.get()
    if active is None or not isinstance(value, str):
        return None
    return next((model for model, spelled in active.models.items() if spelled == value), None)


def tool_spelling(tool: str) -> str | None:
    """How the overrides in force name the canonical ``tool`` (None: as the dialect does)."""
    active = _ACTIVE.get()
    return active.tools.get(tool) if active is not None else None


def pinned_tools() -> tuple[tuple[str, str], ...]:
    """The tool overrides in force, as a key for caches of rendered tool access."""
    active = _ACTIVE.get()
    return tuple(sorted(active.tools.items())) if active is not None else ()


@lru_cache(maxsize=256)
def _shipped_model(model: str) -> bool:
    """Whether a shipped table names ``model`` (an alias or own name, either side, a variant).
    Tables are asked in registry order and the search stops at the first that knows it: the
    common models are in the first tables, already read for the conversion itself."""
    from .registry import DIALECTS, SHIPPED
    variants = mapping("_canonical", "vocabulary.toml").get("models", {}).get("variants", {})
    if model in variants or model in variants.values():
        return True
    # the shipped tables first (a plugin's only if none knows it), each parsed only if its
    # text holds the spelling: a model no table knows costs no TOML parse at all
    for name in [*SHIPPED, *(n for n in DIALECTS if n not in SHIPPED)]:
        if not may_spell(name, model):
            continue
        models = mapping(name).get("models", {})
        for table in ("aliases", "own"):
            spellings = models.get(table, {})
            if model in spellings or model in spellings.values():
                return True
    return False


def may_spell(dialect: str, text: str) -> bool:
    """Whether ``dialect``'s mapping.toml could hold ``text``: its bytes do, or an escape might."""
    raw = mapping_bytes(dialect)
    return text.encode("utf-8") in raw or b"\\u" in raw or b"\\U" in raw


def unknown_models(agents: Iterable[Agent], target: str, config: Config | None) -> list[str]:
    """The models of ``agents`` no table knows (shipped, or pinned for ``target``): written as
    they are, which is right for a new model and worth a note once per run."""
    pinned = set((config.models.get(target, {}) if config is not None else {}).items())
    pinned_ids = {vocabulary.qualified_model(k) for k, _ in pinned} | {k for k, _ in pinned}
    out: list[str] = []
    for agent in agents:
        for model in [agent.model, *agent.model_fallbacks]:
            if model and model not in pinned_ids and not _shipped_model(model) \
                    and not _shipped_model(model.partition("/")[2]):
                out.append(model)
    return out
