"""What becomes of each canonical field of an agent converted into a target: the engine's loss
report for the field, checked against the output read back as the target's tool reads it (no
carry), the way ``bench/fidelity.py`` measures silent losses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..errors import AgentconvError, WideningError
from ..model import CANONICAL_FIELDS
from .samples import Sample

#: what a field's fate is called, mildest first (a cell lists every fate its samples met)
FATES: dict[str, str] = {
    "=": "exact: the target says the same",
    "d": "the target's default, a wider mode that costs the agent nothing (reported `defaulted`, no loss)",
    "~": "approximated: a nearby value (reported)",
    "n": "narrowed: access the target cannot say is denied (reported per tool)",
    "c": "carried: kept in a comment the target ignores, restored on the way back (reported)",
    "x": "dropped: not expressible and not kept (reported)",
    "w": "widened: granted more freely, as the user accepted (`--accept-widening`; never in this matrix)",
    "s": "the target's tool skips the agent: the field is required there and the value is not one it takes "
         "(reported `required`)",
    "r": "refused: the target cannot hold these rules without widening access (`WideningError`)",
    "!": "silent: differs in the output without being reported (a bug)",
}
_FATE_OF_KIND = {"formatting": "=", "defaulted": "d", "approximated": "~", "narrowed": "n", "widened": "w",
                 "carried": "c", "dropped": "x", "required": "s", "untrusted": "x"}
NATIVE = "native"
ROWS: tuple[str, ...] = (*CANONICAL_FIELDS, NATIVE)


@dataclass
class Pair:
    """The fates of every field over the samples of one source dialect converted to one target."""

    fates: dict[str, set[str]] = field(default_factory=dict)
    samples: int = 0
    refused: list[str] = field(default_factory=list)     # origins refused whole

    def add(self, row: str, fate: str) -> None:
        self.fates.setdefault(row, set()).add(fate)


def measure(sample: Sample, target: str, pair: Pair) -> None:
    """Convert ``sample`` into ``target`` and record each field it holds."""
    pair.samples += 1
    doc = sample.doc
    try:
        fates = _fates(doc, spelled(doc.agent), target)
    except WideningError:
        pair.add("tools", "r")
        try:             # the other fields, measured without the rules the target refuses
            agent = doc.agent.model_copy(update={"tools": []})
            fates = _fates(doc.model_copy(update={"agents": [agent]}), spelled(agent), target)
        except AgentconvError:
            pair.refused.append(sample.origin)
            return
    except AgentconvError:
        pair.refused.append(sample.origin)
        return
    for row, found in fates.items():
        for fate in found:
            pair.add(row, fate)


def _fates(doc: Any, source: dict[str, str], target: str) -> dict[str, set[str]]:
    """Each row the sample holds → its fates (a row's elements may fare differently: one tool
    narrowed, another carried). ``source``: the sample's agent ``spelled``."""
    from ..access import same_power
    from ..api import to_dialect
    from ..registry import get_dialect
    dialect = get_dialect(target)
    path = str(dialect.output_path(doc.agent))
    text, losses = to_dialect(doc, target, path=path)
    back = dialect.read(text, path, apply_carry=False).agent
    reported: dict[str, set[str]] = {}
    for loss in losses:
        row = NATIVE if loss.field.startswith("native.") else loss.field.partition(".")[0]
        reported.setdefault(row, set()).add(_FATE_OF_KIND.get(loss.kind, "x"))
    after = spelled(back)
    differing = {row for row in source if after[row] != source[row]
                 and not (row == "tools" and same_power(doc.agent.tools, back.tools))}
    return {row: reported.get(row) or ({"!"} if row in differing else {"="}) for row in _held(source)}


def spelled(agent: Any) -> dict[str, str]:
    """Each row's value in a spelling in which 1, 1.0 and true differ, as they do for the tools."""
    dumped = agent.model_dump(mode="json")
    out = {f: json.dumps(dumped[f], ensure_ascii=False, default=str) for f in CANONICAL_FIELDS}
    natives = {f"{n['dialect']}\0{n['key']}": n["value"] for n in dumped["native"]}
    out[NATIVE] = json.dumps(natives, ensure_ascii=False, default=str, sort_keys=True)   # keys: in any order
    return out


def _held(source: dict[str, str]) -> list[str]:
    """The rows a sample holds: fields set to other than their default, and native keys."""
    return [row for row in ROWS if source[row] != _defaults()[row]]


@cache
def _defaults() -> dict[str, str]:
    from ..model import Agent
    return spelled(Agent())
