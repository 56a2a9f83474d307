"""What a dialect cannot express, found by writing probes through the engine (never a list kept
by hand): each probe is an agent holding one meaning; if the dialect's output, read back as
its tool reads it, loses or changes that meaning, the dialect cannot say it."""

from __future__ import annotations

from functools import cache
from typing import Any

#: (what the summary calls it, the canonical fields the probe sets beyond a name and description)
PROBES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("display name", {"display_name": "Shown Name"}),
    ("models of other providers", {"model": "openai/gpt-5"}),
    ("Anthropic models", {"model": "anthropic/claude-sonnet-4-5"}),
    ("model fallbacks", {"model": "openai/gpt-5", "model_fallbacks": ["anthropic/claude-sonnet-4-5"]}),
    ("reasoning effort", {"reasoning_effort": "high"}),
    ("temperature", {"temperature": 0.2}),
    ("top_p", {"top_p": 0.9}),
    ("permission mode", {"permission_mode": "plan"}),
    ("turn limit", {"max_turns": 5}),
    ("colour", {"color": "blue"}),
    ("primary agents", {"mode": "primary"}),
    ("sub-agents", {"mode": "subagent"}),
    ("hidden", {"mode": "subagent", "hidden": True}),
    ("disabled", {"disabled": True}),
    ("MCP servers", {"mcp_servers": ["github"]}),
    ("skills", {"skills": ["review"]}),
    ("hooks", {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "true"}]}]}}),
    ("tool allow-lists", {"tools": [{"tool": "*", "action": "deny"}, {"tool": "read"}]}),
    ("denied tools", {"tools": [{"tool": "bash", "action": "deny"}]}),
    ("ask before a tool", {"tools": [{"tool": "bash", "action": "ask"}]}),
    ("argument patterns", {"tools": [{"tool": "*", "action": "deny"}, {"tool": "bash", "pattern": "git *"}]}),
)

_LOST = ("dropped", "carried", "approximated", "narrowed", "widened")


@cache
def cannot_express(dialect: str) -> tuple[str, ...]:
    """The probes whose meaning ``dialect`` loses, in PROBES order."""
    from .api import to_dialect
    from .document import Document
    from .model import Agent
    missing = []
    for label, fields in PROBES:
        agent = Agent.model_validate({"name": "probe", "description": "Probes.", "prompt": "Probe.", **fields})
        try:
            _, losses = to_dialect(Document(agents=[agent]), dialect, carry=False)
        except Exception:               # a probe the dialect refuses outright: it cannot say it
            missing.append(label)
            continue
        if any(loss.kind in _LOST and loss.field.split(".")[0] in fields for loss in losses):
            missing.append(label)
    return tuple(missing)


def summary(dialect: str) -> str:
    missing = cannot_express(dialect)
    return "cannot express: " + ", ".join(missing) if missing else "expresses every probe"
