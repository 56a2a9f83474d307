"""``claude --agents '{...}'``: Claude Code agents as one JSON object, names as keys.

How it differs from a ``.claude/agents/*.md`` file, all as tables (``dialects/claude-json/``):
several agents in one object, the name is the key, the prompt is the ``prompt`` key, only the
keys of the ``--agents`` schema count (no ``color``; any other key is stripped), list values
are arrays only, and JSON has no comments, so nothing is carried. The fields themselves are
Claude Code's own (``ClaudeFields``), spelled the same in both forms."""

from __future__ import annotations

from ..data import mapping
from .claude import ClaudeFields
from .container import ContainerDialect

_TABLE = mapping("claude-json")
_KEYS = _TABLE["keys"]
_CONTAINER = _TABLE["container"]


class ClaudeJson(ClaudeFields, ContainerDialect):
    name = "claude-json"
    title = "Claude Code --agents JSON"
    agents_at = tuple(_CONTAINER["agents_at"])
    file_name = _CONTAINER["file_name"]
    prompt_key = _CONTAINER["prompt_key"]
    accepted_keys = frozenset(_KEYS["accepted"])
    key_order = tuple(_KEYS["accepted"])
    list_keys = frozenset(_KEYS["arrays"])
    key_types = dict(_KEYS["types"])
    required = ("name", *_KEYS["required"])
    # Claude Code's own agents it would replace, and its name rules, are ClaudeFields'
    skipped_without = None
