"""Which native keys hold which canonical field, found by writing: each probe agent (one
meaning each, ``expressible.PROBES``, and a changed name, description and prompt) is written
into the dialect, and the keys whose values differ from the plain probe's hold that meaning.
This covers what a dialect's field table leaves to code (``Code`` rows) and container keys."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import AgentconvError
from ..expressible import PROBES
from .samples import PLAIN_PROBE

_IDENTITY: tuple[dict[str, Any], ...] = ({"name": "other-probe"}, {"description": "Probes another meaning."},
                                         {"prompt": "You probe another meaning."})


@cache
def fields_by_key(dialect: str) -> dict[str, tuple[str, ...]]:
    """Native key → the canonical fields written there, in probe order."""
    plain = (_written(dialect, {}) or ({}, ()))[0]
    found: dict[str, dict[str, None]] = {}
    for fields in (*_IDENTITY, *(f for _, f in PROBES)):
        written = _written(dialect, fields)
        if written is None:
            continue
        values, held = written
        for key, value in values.items():
            if key not in plain or plain[key] != value:
                found.setdefault(key, {}).update(dict.fromkeys(held or fields))   # written, if not exactly
    return {key: tuple(names) for key, names in found.items()}


def _written(dialect: str, fields: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]] | None:
    """The keys and values of the file ``dialect`` writes for the probe with ``fields``, and
    which of ``fields`` that file holds as the probe meant them."""
    from ..api import to_dialect
    from ..document import Document
    from ..model import Agent
    from ..registry import get_dialect
    target = get_dialect(dialect)
    agent = Agent.model_validate({**PLAIN_PROBE, **fields})
    path = str(target.output_path(agent))
    try:
        text, _ = to_dialect(Document(agents=[agent]), dialect, carry=False, path=path)
    except AgentconvError:
        return None
    doc = target.read(text, path)
    values = target.file_values(target.agent_trivia(doc.trivia, 0))
    meant, back = agent.model_dump(mode="json"), doc.agent.model_dump(mode="json")
    held = tuple(f for f in fields if meant[f] == back[f])
    return (dict(values), held) if values is not None else None
