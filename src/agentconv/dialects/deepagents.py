"""Deep Agents Code (LangChain) sub-agents: ``.deepagents/agents/NAME/AGENTS.md``, one folder per
agent. Its loader (``deepagents_code/subagents.py``) reads ``name`` (the folder's name when
omitted), ``description`` and ``model`` (``provider:model``); the body is the prompt. Nothing
else: a sub-agent has every tool of the main agent, so an agent whose source limits its tools
cannot be written here without widening (the engine refuses, unless the widening is accepted).
Facts and sources: ``dialects/deepagents/REFERENCE.md``."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .. import vocabulary
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent
from ..paths import path_parts, safe_segment
from .base import MarkdownDialect, NativeItems
from .fields import UNSET, Code, Description, FieldTable, Key

if TYPE_CHECKING:
    from pathlib import PurePath

_TABLE = mapping("deepagents")
_MODELS = _TABLE.get("models", {})
_SEPARATOR = _MODELS.get("separator", ":")
#: Deep Agents' (LangChain's) provider names -> canonical providers, and back
_PROVIDER = dict(_MODELS.get("providers", {}))
_OWN_PROVIDER = {canonical: own for own, canonical in _PROVIDER.items()}
AGENT_FILE = "AGENTS.md"
#: while writing: whether the output's folder already says the agent's name
_FOLDER_SAYS_NAME: ContextVar[bool] = ContextVar("deepagents_folder_says_name", default=True)


class DeepAgents(FieldTable, MarkdownDialect):
    name = "deepagents"
    title = "Deep Agents Code"
    layout = ".deepagents/agents"
    path_hints = (".deepagents/agents/",)
    # the loader looks one folder down for exactly AGENTS.md; any other file is ignored (warned)
    agent_globs = (".deepagents/agents/*/AGENTS.md",)
    agent_file = AGENT_FILE
    reading_model = "deepagents"
    grants_every_tool = True                        # a sub-agent has the main agent's tools
    required = ("description",)
    #: every key the loader reads; any other it ignores
    known_keys = frozenset({"name", "description", "model"})
    skipped_without = "description"
    # its built-in sub-agent: a project agent of that name replaces it
    reserved_names = frozenset({"general-purpose"})

    field_defaults = {"mode": "subagent"}          # the main agent delegates to it through its task tool
    fields = (
        Code("name", read="read_name", write="write_name"),
        Description(),
        Key("model", "model", read=lambda v: _read_model(v), write=lambda m: deepagents_model(m),
            meaning=lambda v: canonical_model(v) if v.strip() else None),
    )

    def name_from_path(self, path: str | None) -> str | None:
        if not path:
            return None
        parts = path_parts(path)
        return parts[-2] if len(parts) >= 2 and parts[-1] == AGENT_FILE else None

    def output_path(self, agent: Agent) -> PurePath:
        from pathlib import PurePath
        return PurePath(self.layout) / folder_name(agent.name or "agent") / AGENT_FILE

    def write(self, agent: Agent, trivia: Any = None, carry: Any = None, path: str | None = None) -> str:
        token = _FOLDER_SAYS_NAME.set(path is not None and self.name_from_path(path) == agent.name)
        try:
            return super().write(agent, trivia, carry, path)
        finally:
            _FOLDER_SAYS_NAME.reset(token)

    def read_name(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        value = values.get("name")
        if isinstance(value, str) and value.strip():
            fields["name"] = value.strip()              # the loader strips it
        elif "name" in values:
            from ..model import NativeField
            fields["native"].append(NativeField(dialect=self.name, key="name", value=value))

    def write_name(self, agent: Agent, out: NativeItems) -> None:
        """``name`` only where the output's folder does not say it (or the file had it)."""
        # a blank name skips the file in Deep Agents: the folder's name is the one to use then
        if agent.name and agent.name.strip() and ("name" in out.old or not _FOLDER_SAYS_NAME.get()):
            out.put("name", agent.name, lambda v: v.strip(), agent.name)


def folder_name(name: str) -> str:
    """The folder an agent lives in: one level, so a name's '/' becomes '-' (the file's
    ``name`` key then says the name itself)."""
    return safe_segment(name.replace("/", "-").replace("\\", "-")) or "agent"


def _read_model(value: Any) -> Any:
    if not isinstance(value, str):
        return None                                  # null is kept as written (it inherits too)
    return canonical_model(value) if value.strip() else UNSET     # empty: the runtime's model


def canonical_model(spelling: str) -> str:
    """``anthropic:claude-haiku-4-5`` → ``anthropic/claude-haiku-4-5``; a bare id gets the
    provider its prefix names (LangChain infers it the same way)."""
    provider, sep, ident = spelling.strip().partition(_SEPARATOR)
    if not sep:
        return vocabulary.qualified_model(spelling.strip())
    return f"{_PROVIDER.get(provider, provider)}/{ident}"


def deepagents_model(model: str | None) -> str | None:
    if model is None:
        return None
    provider, slash, ident = model.partition("/")
    if not slash:
        return model
    return f"{_OWN_PROVIDER.get(provider, provider)}{_SEPARATOR}{ident}"
