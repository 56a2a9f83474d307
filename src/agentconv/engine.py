"""Writing a canonical agent into a dialect: the one place that checks what got lost.

A writer states how the agent looks in its dialect; the engine reads the output back and
compares it with the agent, so every field the target cannot express is found, reported,
and carried, whatever the dialect. Nothing widens: if the output would allow a call the
source denies, the engine narrows and says so.
"""

from __future__ import annotations

from typing import Any

from .access import RANK, effective_action, probes, widenings
from .errors import AgentconvError
from .losses import Loss
from .model import CANONICAL_FIELDS, Agent, ToolRule


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == "" or value == {}


def _short(value: Any, limit: int = 60) -> str:
    if value is None or value == []:
        return "unset"
    if isinstance(value, list) and value and hasattr(value[0], "model_dump"):
        text = f"{len(value)} item(s)"
    elif isinstance(value, ToolRule):
        text = value.tool
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff_agents(source: Agent, result: Agent, *, src: str | None, dst: str, narrowed: bool) -> list[Loss]:
    """Every difference between what was meant and what the target says, as losses."""
    losses: list[Loss] = []
    who = source.name
    for field in CANONICAL_FIELDS:
        before, after = getattr(source, field), getattr(result, field)
        if before == after:
            continue
        if field == "tools" and (narrowed or _restricts(source.tools, result.tools)):
            kind, detail = "narrowed", "the target cannot express these rules; access was restricted"
        elif _empty(after):
            kind, detail = "dropped", f"{_short(before)} has no equivalent in {dst}"
        elif _empty(before):
            kind, detail = "defaulted", f"unset in the source; {dst} gives {_short(after)}"
        else:
            kind, detail = "approximated", f"{_short(before)} → {_short(after)}"
        losses.append(Loss(field=field, kind=kind, detail=detail, source=src, target=dst, agent=who))
    kept = {(n.dialect, n.key): n.value for n in result.native}
    for native in source.native:
        if kept.get((native.dialect, native.key), object()) != native.value:
            losses.append(Loss(field=f"native.{native.key}", kind="dropped", source=src, target=dst, agent=who,
                               detail=f"{native.dialect} key {native.key!r} has no equivalent in {dst}"))
    return losses


def _restricts(source: list[ToolRule], target: list[ToolRule]) -> bool:
    """Some call is less free in the target (e.g. a writer turned ask into deny)."""
    return any(RANK[effective_action(target, t, a)] < RANK[effective_action(source, t, a)]
               for t, a in probes(source, target))


def carry_payload(source: Agent, losses: list[Loss]) -> dict:
    payload: dict[str, Any] = {}
    natives = []
    dumped = source.model_dump(mode="json")
    for loss in losses:
        if loss.kind != "required" and not loss.field.startswith("native."):
            payload[loss.field] = dumped[loss.field]
    lost_native = {l.field[len("native."):] for l in losses if l.field.startswith("native.")}
    for native in source.native:
        if native.key in lost_native:
            natives.append(native.model_dump(mode="json"))
    if natives:
        payload["native"] = natives
    return payload


def expressed(dialect, agent: Agent, *, trivia: Any = None, path: str | None = None) -> tuple[Agent, str, Agent]:
    """(agent as narrowed for ``dialect``, its text, the text read back). Narrowing adds deny
    rules until the output allows nothing the source denies."""
    work = agent
    for _ in range(6):
        text = dialect.write(work, trivia, None, path)
        result = dialect.read(text, path, apply_carry=False).agents[0]
        wide = widenings(agent.tools, result.tools) if dialect.expresses_access else []
        if not wide:
            return work, text, result
        denies = [ToolRule(tool=tool, action="deny") for tool in sorted({t for t, _ in wide})]
        work = work.model_copy(update={"tools": Agent(tools=list(work.tools) + denies).tools})
    # Denies the target merges with an allow or ask (edit and write share opencode's 'edit'
    # key) can keep coming back wide: keep only denies, which never widens.
    denies = [r.model_copy(update={"action": "deny"}) for r in work.tools if r.action != "allow"]
    work = work.model_copy(update={"tools": denies})
    text = dialect.write(work, trivia, None, path)
    result = dialect.read(text, path, apply_carry=False).agents[0]
    if not widenings(agent.tools, result.tools):
        return work, text, result
    raise AgentconvError(f"cannot write this agent as {dialect.name} without widening its tool access",
                         path=path, hint="convert to a dialect that can express its rules")


def fill_required(dialect, agent: Agent) -> Agent:
    """A target that skips agents without a description, or offers a sub-agent only by its
    description, gets one derived from the prompt (reported as 'defaulted' and carried, so
    the trip back leaves it unset again)."""
    from .briefs import SECTION_FIELDS, derive_description
    needed = "description" in dialect.required or (agent.mode != "primary" and "description" in dialect.delegated_by)
    if not needed or agent.description or agent.examples \
            or any(getattr(agent, f) for f in SECTION_FIELDS) or not agent.prompt:
        return agent
    derived = derive_description(agent.prompt)
    return agent.model_copy(update={"description": derived}) if derived else agent


def write_agent(dialect, agent: Agent, *, trivia: Any = None, source_dialect: str | None = None,
                carry: bool = True, path: str | None = None, style: dict | None = None) -> tuple[str, list[Loss]]:
    """Render one agent in ``dialect``; return the text and what could not be said.

    ``style`` (formatting of the agent in other dialects) rides along in the carry comment,
    so a trip back can give the original bytes."""
    # a file written back in its own dialect (trivia given) stays as it was: identity first
    fresh = trivia is None or getattr(trivia, "synthetic", False)
    filled = fill_required(dialect, agent) if fresh else agent
    work, text, result = expressed(dialect, filled, trivia=trivia, path=path)
    losses = diff_agents(agent, result, src=source_dialect, dst=dialect.name, narrowed=work is not filled)
    losses += [Loss(field=f, kind="required", source=source_dialect, target=dialect.name, agent=agent.name,
                    detail=f"{dialect.title} needs '{f}' and skips the file without it")
               for f in dialect.required if _empty(getattr(result, f))]
    extra = {"style": style} if style and carry else {}
    if not losses and not extra:
        return text, losses
    if carry:
        payload = carry_payload(agent, losses)
        text = dialect.write(work, trivia, {**payload, **extra}, path)
        kept = _restorable(dialect, text, path, agent, payload)
        if kept != payload:
            payload = kept
            text = dialect.write(work, trivia, {**kept, **extra} or None, path)
        carried = set(payload) | {f"native.{n['key']}" for n in payload.get("native", [])}
        losses = [l.model_copy(update={"kind": "carried"}) if l.kind == "dropped" and l.field in carried else l
                  for l in losses]
    return text, losses


def _restorable(dialect, text: str, path: str | None, source: Agent, payload: dict) -> dict:
    """The part of ``payload`` that reading ``text`` gives back. A value the reader refuses
    (it would contradict the file, e.g. a name its path overrides) would only go stale in the
    comment, and the next write of the file would drop it."""
    restored = dialect.read(text, path).agents[0].model_dump(mode="json")
    wanted = source.model_dump(mode="json")
    kept = {k: v for k, v in payload.items() if k in wanted and k != "native" and restored[k] == wanted[k]}
    back = {(n["dialect"], n["key"]): n["value"] for n in restored["native"]}
    natives = [n for n in payload.get("native", []) if (n["dialect"], n["key"]) in back
               and back[(n["dialect"], n["key"])] == n["value"]]
    if natives:
        kept["native"] = natives
    return kept
