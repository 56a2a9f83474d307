"""Codex CLI agent roles: ``.codex/agents/*.toml``, one role per file, the whole file one TOML
table. How it differs, as tables in ``dialects/codex/mapping.toml`` (facts, read in npm
@openai/codex 0.169.0, in its REFERENCE.md):

- ``name`` names the role (the file name does not); ``description`` and
  ``developer_instructions`` (the prompt) are required, and a blank one is refused;
- Codex refuses a role file holding a key it does not know (a strict schema), so nothing of
  another tool is ever written as a key: it rides in a comment;
- no tool list: ``sandbox_mode`` is the only limit (``read-only``: reading and searching only,
  ``workspace-write``: changing the workspace too). An agent is written in the widest mode that
  does not widen it; one that withholds reading cannot be written at all (Codex always reads).
- Codex ignores ``.codex/agents`` of a project it does not trust, without a word.
"""

from __future__ import annotations

from typing import Any

from .. import access, vocabulary
from ..access import evaluator
from ..data import mapping
from ..losses import Diagnostic
from ..model import Agent, ToolRule, normalise_rules
from .base import MISSING, NativeItems
from .fields import NAME, Code, Description, FieldTable, Key, one_of
from .stemname import flat_file_name
from .structured import StructuredDialect
from .toolgroups import DENY_ALL

_TABLE = mapping("codex")
_VALUES = _TABLE["values"]
SANDBOX: dict[str, tuple[str, ...]] = {k: tuple(v["grants"]) for k, v in _TABLE["sandbox"].items()}
_ORDER = tuple(_VALUES["sandbox_order"])
_EFFORTS = tuple(_VALUES["reasoning_efforts"])
_PROVIDER = _VALUES["own_provider"] + "/"


class Codex(FieldTable, StructuredDialect):
    name = "codex"
    title = "Codex"
    layout = ".codex/agents"
    extension = ".toml"
    path_hints = (".codex/agents/",)
    agent_globs = (".codex/agents/*.toml",)
    reading_model = "codex"
    required = ("name", "description", "prompt")
    prompt_key = "developer_instructions"
    exclusive_keys = frozenset({"developer_instructions", "nickname_candidates", "sandbox_mode",
                                "model_reasoning_effort"})
    capability_keys = frozenset({"mcp_servers", "skills", "web_search", "approval_policy"})
    #: Codex reads and searches in every sandbox: no role can be kept from it
    always_grants = frozenset({"read", "grep", "glob"})

    fields = (
        NAME,
        Description(),
        Key("model", "model", read=lambda v: vocabulary.qualified_model(v.strip())
            if isinstance(v, str) and v.strip() else None, write=lambda m: codex_model(m)),
        Key("model_reasoning_effort", "reasoning_effort", read=one_of(*_EFFORTS),
            write=lambda e: e if e in _EFFORTS else None),
        Code("sandbox_mode", read="read_sandbox", write="write_sandbox"),
        Code("developer_instructions", write="write_prompt"),
    )
    field_defaults = {"mode": "subagent"}

    def output_file_name(self, agent: Agent) -> str:
        return flat_file_name(self, agent)

    def name_problem(self, name: str) -> str | None:
        if not name.strip():
            return "Codex needs a non-empty name"
        return super().name_problem(name)

    def holds_tool(self, canon: str) -> bool:
        return any(canon in tools for tools in SANDBOX.values())

    def read_sandbox(self, values: dict[str, Any], fields: dict[str, Any], warn: list[Diagnostic]) -> None:
        mode = values.get("sandbox_mode", MISSING)
        if mode is MISSING:
            return
        if mode not in SANDBOX:
            fields["tools"] = access.unreadable(Codex, "sandbox_mode", mode, "one of " + ", ".join(SANDBOX),
                                                values, warn)
            return
        fields["tools"] = sandbox_rules(mode)

    def write_sandbox(self, agent: Agent, out: NativeItems) -> None:
        old = out.old.get("sandbox_mode", MISSING)
        if old in SANDBOX and sandbox_rules(old) == agent.tools:
            out.add("sandbox_mode", old)
            return
        out.add("sandbox_mode", sandbox_for(agent.tools))


def sandbox_rules(mode: str) -> list[ToolRule]:
    grants = SANDBOX[mode]
    return normalise_rules([DENY_ALL, *(ToolRule(tool=t) for t in grants)]) if grants else []


def sandbox_for(rules: list[ToolRule]) -> Any:
    """The widest sandbox mode whose tools ``rules`` all allow wholly (MISSING: every tool, the
    parent's sandbox). An agent that may not even read gets read-only: Codex always reads, which
    the engine reports (``always_grants``)."""
    if not rules:
        return MISSING
    whole = evaluator(tuple(rules))

    def free(tool: str) -> bool:
        return whole.action(tool) == "allow" and whole.action(tool, access.OTHER_ARG) == "allow" \
            and not any(r.tool == tool and r.action != "allow" for r in rules)

    fitting = [m for m in _ORDER if all(free(t) for t in SANDBOX[m])]
    return fitting[-1] if fitting else _ORDER[0]


def codex_model(model: str | None) -> str | None:
    """Canonical id → Codex's: OpenAI's models without their provider."""
    if not model or not model.strip():
        return None
    return model[len(_PROVIDER):] if model.startswith(_PROVIDER) else model


__all__ = ["Codex", "SANDBOX", "codex_model", "sandbox_for", "sandbox_rules"]
