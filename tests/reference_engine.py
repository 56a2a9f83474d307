"""The engine as it was before "one pass per file" (issue 11): the reference the differential
property test (tests/test_engine_reference.py) runs the engine against. Keep it as it is; it
reads back every output with agentconv's own reader again for the tool's judgement and checks
the carry with a second write and read."""
from __future__ import annotations

from typing import Any

from agentconv.access import power_members, power_of, restricts, widenings
from agentconv.accessdiff import tool_changes
from agentconv.carry import Carry, merge, sections_for
from agentconv.engine import _as_allow_list, as_loaded
from agentconv.errors import AgentconvError
from agentconv.losses import Loss
from agentconv.model import CANONICAL_FIELDS, Agent, ToolRule
from agentconv.registry import get_dialect


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
        if before == after and (field != "tools" or not get_dialect(dst).expresses_access):
            continue
        if field == "tools" and get_dialect(dst).expresses_access:
            losses += [Loss(field=name, kind=kind, detail=detail, source=src, target=dst, agent=who)
                       for name, kind, detail in tool_changes(
                           source.tools, result.tools, get_dialect(src) if src else None, get_dialect(dst))]
            continue
        if field == "tools" and (narrowed or _restricts(source.tools, result.tools)):
            kind, detail = "narrowed", "the target cannot express these rules; access was restricted"
        elif field == "mode" and before is not None and get_dialect(dst).modes_offered.get(before, before) == after:
            kind, detail = "defaulted", (f"{get_dialect(dst).title} has no {before}-only agents: it offers "
                                         f"this one as {after}")
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
    return restricts(tuple(source), tuple(target))


def expressed(dialect, agent: Agent, *, trivia: Any = None, path: str | None = None) -> tuple[Agent, str, Agent]:
    """(agent as narrowed for ``dialect``, its text, the text read back). Narrowing adds deny
    rules until the output allows nothing the source denies."""
    work = agent
    for _ in range(6):
        text = dialect.write(work, trivia, None, path)
        result = dialect.read(as_loaded(text), path, apply_carry=False).agents[0]
        wide = widenings(agent.tools, result.tools, holds=dialect.holds_tool) if dialect.expresses_access else []
        if not wide:
            return work, text, result
        denies = [ToolRule(tool=t, action="deny") for tool in sorted({t for t, _ in wide}) for t in power_members(tool)]
        work = work.model_copy(update={"tools": Agent(tools=list(work.tools) + denies).tools})
    # Denies the target merges with an allow or ask (edit and write share opencode's 'edit'
    # key) can keep coming back wide: keep only denies, which never widens.
    # (the policy for a deny the target cannot name is the engine's own: not what is compared)
    denies = [r.model_copy(update={"action": "deny"}) for r in work.tools if r.action != "allow"]
    for trial in (_as_allow_list(dialect, agent), work.model_copy(update={"tools": denies})):
        if trial is None:
            continue
        text = dialect.write(trial, trivia, None, path)
        result = dialect.read(as_loaded(text), path, apply_carry=False).agents[0]
        if not widenings(agent.tools, result.tools, holds=dialect.holds_tool):
            return trial, text, result
    tools = sorted({power_of(t) for t, _ in widenings(agent.tools, result.tools, holds=dialect.holds_tool)})
    message, hint = _widening_refusal(dialect, tools)
    raise AgentconvError(message, path=path, hint=hint)


def fill_required(dialect, agent: Agent) -> Agent:
    """A target that skips agents without a description gets one derived from the prompt
    (reported as 'defaulted' and carried, so the trip back leaves it unset again)."""
    from agentconv.briefs import SECTION_FIELDS, derive_description
    if "description" not in dialect.required or agent.description or agent.examples \
            or any(getattr(agent, f) for f in SECTION_FIELDS) or not agent.prompt:
        return agent
    derived = derive_description(agent.prompt)
    return agent.model_copy(update={"description": derived}) if derived else agent


CarryMode = str        # "meaning" | "style" | "none"


def carry_mode(carry: bool | str | None) -> CarryMode:
    """True / "meaning": what the target cannot say; "style": also formatting hints for
    byte-exact trips; False / "none": no comment at all."""
    if carry is True or carry is None:
        return "meaning"
    if carry is False:
        return "none"
    if carry in ("meaning", "style", "none"):
        return carry
    raise AgentconvError(f"carry must be meaning, style or none, not {carry!r}")


def write_agent(dialect, agent: Agent, *, trivia: Any = None, source_dialect: str | None = None,
                carry: bool | str = True, path: str | None = None, style: dict | None = None,
                spell_with: tuple = (), source_values: dict | None = None) -> tuple[str, list[Loss]]:
    """Render one agent in ``dialect``; return the text and what could not be said.

    What is lost goes into a carry comment (carry.py), spelled as the source dialect (or,
    failing that, one of ``spell_with``) spells it; ``style`` (formatting of the agent in
    other dialects) rides along only with ``carry="style"``. ``source_values``: the source
    file's own keys, reused in the carry where they still mean the agent."""
    from agentconv.registry import get_dialect
    mode = carry_mode(carry)
    # a file written back in its own dialect (trivia given) stays as it was: identity first
    fresh = trivia is None or getattr(trivia, "synthetic", False)
    filled = fill_required(dialect, agent) if fresh else agent
    work, text, result = expressed(dialect, filled, trivia=trivia, path=path)
    losses = diff_agents(agent, result, src=source_dialect, dst=dialect.name, narrowed=work is not filled)
    losses += [Loss(field=f, kind="required", source=source_dialect, target=dialect.name, agent=agent.name,
                    detail=f"{dialect.title} needs '{f}' and skips the file without it")
               for f in dialect.required if _empty(getattr(result, f))]
    if not fresh:
        own = dialect.file_carry(trivia)
        if own and mode != "none":
            text = dialect.write(work, trivia, own, path)
            losses = [l.model_copy(update={"kind": "carried"}) if l.kind == "dropped" else l for l in losses]
        return text, losses
    if mode == "none" or not dialect.carries or (not losses and not (style and mode == "style")):
        return _read_as_written(dialect, text, path, losses, agent, source_dialect)
    fields, natives = _lost(agent, losses)
    source = _dialect(get_dialect, source_dialect)
    old = {source.name: source_values} if source is not None and source_values else {}
    per_field = sections_for(agent, fields, natives, [source, *spell_with], old)
    hints = style if mode == "style" and style else None
    if not per_field and not hints:
        return _read_as_written(dialect, text, path, losses, agent, source_dialect)
    kept = _restorable(dialect, work, result, trivia, path, per_field, hints)
    if kept or hints:
        text = dialect.write(work, trivia, Carry(merge(per_field, kept), style=hints), path)
    return _read_as_written(dialect, text, path, [_as_carried(l) if _base(l.field) in kept else l for l in losses],
                            agent, source_dialect)


def _read_as_written(dialect, text: str, path: str | None, losses: list[Loss],
                     agent: Agent, src: str | None) -> tuple[str, list[Loss]]:
    """A new output must be read by the real tool as agentconv reads it (toolread): a writer
    bug is an error; a value the tool refuses (a name Claude Code reserves) means the tool
    skips the file, reported like a missing required field."""
    from agentconv.toolread import judge_output
    wrong, refused = judge_output(dialect, text, path)
    if wrong:
        raise AgentconvError(f"{dialect.title} would read the output otherwise than it was written: "
                             + "; ".join(wrong), path=path, hint="please report this agent: a writer bug")
    return text, losses + [Loss(field=key if key in CANONICAL_FIELDS else f"native.{key}", kind="required",
                                detail=reason, source=src, target=dialect.name, agent=agent.name)
                           for key, reason in refused]


def _lost(agent: Agent, losses: list[Loss]) -> tuple[list[str], list]:
    """Canonical fields and native keys whose meaning the target lost (a default the target
    filled in is not one: it has nothing to carry)."""
    fields: list[str] = []
    natives = []
    lost = {_base(l.field) for l in losses if l.kind in ("dropped", "approximated", "narrowed")
            or (l.kind == "formatting" and l.field == "tools")      # the same access, other words
            or (l.kind == "defaulted" and l.field == "mode" and agent.mode is not None)}   # a mode the target widens
    for name in lost:
        if not name.startswith("native.") and name not in fields:
            fields.append(name)
    wanted = {name[len("native."):] for name in lost if name.startswith("native.")}
    natives = [n for n in agent.native if n.key in wanted]
    return sorted(fields, key=CANONICAL_FIELDS.index), natives


def _base(field: str) -> str:
    """``tools.read`` → ``tools``: the canonical field a loss is about (``native.KEY`` kept)."""
    return field if field.startswith("native.") else field.split(".", 1)[0]


def _as_carried(loss: Loss) -> Loss:
    if loss.kind == "dropped":
        return loss.model_copy(update={"kind": "carried"})
    return loss


def _dialect(get_dialect, name: str | None):
    if not name:
        return None
    try:
        return get_dialect(name)
    except AgentconvError:
        return None


def _restorable(dialect, work: Agent, result: Agent, trivia: Any, path: str | None,
                per_field: dict, hints: dict | None) -> list[str]:
    """The lost fields a trusted read of the output gives back. A value the reader would
    refuse (it contradicts the file, e.g. a name its path overrides) would only go stale in
    the comment. Checked on the read-back agent and the written keys: no second parse."""
    from agentconv.carry import restore
    probe = Carry(merge(per_field, per_field), style=hints)
    old = dialect.file_values(trivia) or {}
    written = dict(dialect.native_items(work, old))
    outcome = restore(dialect, result, probe, path=path, file_values=written, trust=True)
    back = set(outcome.restored)
    return [name for name in per_field if name in back]


def _widening_refusal(dialect, tools: list[str]) -> tuple[str, str]:
    """(message, hint) for an agent the target cannot write without granting ``tools``."""
    from agentconv.access import OTHER_TOOL
    named = [t for t in tools if t != OTHER_TOOL]
    what = ", ".join(named + (["every tool it does not name"] if OTHER_TOOL in tools else []))
    them = "it" if len(tools) == 1 else "them"
    hint = "convert to a dialect that can express its rules"
    if OTHER_TOOL in tools:
        hint += f" ({dialect.title} cannot keep an allow-list)"
    elif named:
        hint += ", or accept the widening by name: " + " ".join(f"--accept-widening {t}" for t in named)
    return (f"cannot write this agent as {dialect.name} without widening its tool access ({what}: "
            f"{dialect.title} grants {them} and cannot withhold {them})", hint)
