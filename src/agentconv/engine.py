"""Writing a canonical agent into a dialect: the one place that checks what got lost.

A writer states how the agent looks in its dialect; the engine reads the output back and
compares it with the agent, so every field the target cannot express is found, reported,
and carried, whatever the dialect. Nothing widens: if the output would allow a call the
source denies, the engine narrows and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .access import GUARDS, OTHER_TOOL, effective_action, power_action, power_members, power_of, restricts, widenings
from .accessdiff import tool_changes
from .carry import Carry, merge, sections_for
from .errors import AgentconvError, WideningError
from .losses import Loss
from .model import ALL_TOOLS, CANONICAL_FIELDS, Agent, ToolRule
from .registry import get_dialect

if TYPE_CHECKING:
    from .dialects.base import Dialect
    from .document import Document
    from .model import NativeField


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


def expressed(dialect: Dialect, agent: Agent, *, trivia: Any = None,
              path: str | None = None) -> tuple[Agent, str, Agent]:
    """(agent as narrowed for ``dialect``, its text, the text read back). Narrowing adds deny
    rules until the output allows nothing the source denies."""
    work, text, back = _expressed(dialect, agent, trivia=trivia, path=path)
    return work, text, back.agents[0]


def _expressed(dialect: Dialect, agent: Agent, *, trivia: Any = None,
               path: str | None = None) -> tuple[Agent, str, Document]:
    """``expressed`` with the whole document read back (its trivia is what agentconv reads
    in the output, which the tool's reading is compared with)."""
    work = agent
    for _ in range(6):
        text = dialect.write(work, trivia, None, path)
        back = dialect.read(as_loaded(text), path, apply_carry=False)
        result = back.agents[0]
        wide = widenings(agent.tools, result.tools, holds=dialect.holds_tool) if dialect.expresses_access else []
        if not wide:
            return work, text, back
        denies = [ToolRule(tool=t, action="deny") for tool in sorted({t for t, _ in wide}) for t in power_members(tool)]
        denied = Agent(tools=list(work.tools) + denies).tools
        if denied == work.tools:
            break        # the denies were there already: each further round would write the same
        work = work.model_copy(update={"tools": denied})
    # Denies the target merges with an allow or ask (edit and write share opencode's 'edit'
    # key) can keep coming back wide: keep only denies, which never widens. A deny the target
    # has no name for (every MCP tool, in a deny-list) is kept by an allow-list instead.
    only_denies = work.model_copy(update={"tools": [r.model_copy(update={"action": "deny"})
                                                    for r in work.tools if r.action != "allow"]})
    for trial in (_as_allow_list(dialect, agent), only_denies):
        if trial is None:
            continue
        text = dialect.write(trial, trivia, None, path)
        back = dialect.read(as_loaded(text), path, apply_carry=False)
        wide = widenings(agent.tools, back.agents[0].tools, holds=dialect.holds_tool)
        if not wide:
            return trial, text, back
    tools = sorted({power_of(t) for t, _ in wide})
    message, hint = _widening_refusal(dialect, tools)
    raise WideningError(message, path=path, hint=hint)


def as_loaded(text: str) -> str:
    """The text as loading the file gives it: a leading U+FEFF is a byte order mark there (a
    prose brief whose description starts with one loses it, and the read-back must see that)."""
    return text[1:] if text.startswith("\ufeff") else text


def _as_allow_list(dialect: Dialect, agent: Agent) -> Agent | None:
    """The agent's rules behind an allow-list of the tools the target names (``mcp:*`` denied,
    the rest allowed → the target's own tools allowed, anything else denied): the least
    narrowing for a target whose deny-list cannot name what the source withholds."""
    default = effective_action(agent.tools, OTHER_TOOL)
    if not dialect.known_tools or default == "deny":
        return None
    # by power: MultiEdit is denied where the source denies Edit and Write without naming it
    head = [ToolRule(tool=ALL_TOOLS, action="deny"),
            *(ToolRule(tool=t, action=power_action(agent.tools, t)) for t in dialect.known_tools
              if t not in GUARDS)]      # a guard is no tool: an allow-list leaves it as any other does
    tail = [r for r in agent.tools if r.tool != ALL_TOOLS]
    return agent.model_copy(update={"tools": Agent(tools=head + tail).tools})


def fill_required(dialect: Dialect, agent: Agent) -> Agent:
    """A target that skips agents without a description gets one derived from the prompt
    (reported as 'defaulted' and carried, so the trip back leaves it unset again)."""
    from .briefs import SECTION_FIELDS, derive_description
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


def write_agent(dialect: Dialect, agent: Agent, *, trivia: Any = None, source_dialect: str | None = None,
                carry: bool | str = True, path: str | None = None, style: dict[str, Any] | None = None,
                spell_with: tuple[Dialect, ...] = (),
                source_values: dict[str, Any] | None = None) -> tuple[str, list[Loss]]:
    """Render one agent in ``dialect``; return the text and what could not be said.

    What is lost goes into a carry comment (carry.py), spelled as the source dialect (or,
    failing that, one of ``spell_with``) spells it; ``style`` (formatting of the agent in
    other dialects) rides along only with ``carry="style"``. ``source_values``: the source
    file's own keys, reused in the carry where they still mean the agent."""
    from .registry import get_dialect
    mode = carry_mode(carry)
    # a file written back in its own dialect (trivia given) stays as it was: identity first
    fresh = trivia is None or getattr(trivia, "synthetic", False)
    filled = fill_required(dialect, agent) if fresh else agent
    work, text, back = _expressed(dialect, filled, trivia=trivia, path=path)
    result = back.agents[0]
    # a carry adds only a comment: agentconv reads the final text as it read this one, and the
    # tool's reading of the final text is compared with it (no third parse of the output)
    ours = _ours(back.trivia)
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
        return _read_as_written(dialect, text, path, losses, agent, source_dialect, ours)
    fields, natives = _lost(agent, losses)
    source = _dialect(get_dialect, source_dialect)
    old = {source.name: source_values} if source is not None and source_values else {}
    per_field = sections_for(agent, fields, natives, [source, *spell_with], old)
    hints = style if mode == "style" and style else None
    if not per_field and not hints:
        return _read_as_written(dialect, text, path, losses, agent, source_dialect, ours)
    kept = _restorable(dialect, work, result, trivia, path, per_field, hints, (filled, work))
    if kept or hints:
        text = dialect.write(work, trivia, Carry(merge(per_field, kept), style=hints), path)
    return _read_as_written(dialect, text, path, [_as_carried(l) if _base(l.field) in kept else l for l in losses],
                            agent, source_dialect, ours)


def _ours(trivia: Any) -> tuple[dict[str, Any], str | None]:
    from .toolread import agentconv_reading
    return agentconv_reading(trivia)


def _read_as_written(dialect: Dialect, text: str, path: str | None, losses: list[Loss], agent: Agent,
                     src: str | None, ours: tuple[dict[str, Any], str | None] | None = None) -> tuple[str, list[Loss]]:
    """A new output must be read by the real tool as agentconv reads it (toolread): a writer
    bug is an error; a value the tool refuses (a name Claude Code reserves) means the tool
    skips the file, reported like a missing required field."""
    from .toolread import judge_output
    wrong, refused = judge_output(dialect, text, path, ours=ours)
    if wrong:
        raise AgentconvError(f"{dialect.title} would read the output otherwise than it was written: "
                             + "; ".join(wrong), path=path, hint="please report this agent: a writer bug")
    return text, losses + [Loss(field=key if key in CANONICAL_FIELDS else f"native.{key}", kind="required",
                                detail=reason, source=src, target=dialect.name, agent=agent.name)
                           for key, reason in refused]


def _lost(agent: Agent, losses: list[Loss]) -> tuple[list[str], list[NativeField]]:
    """Canonical fields and native keys whose meaning the target lost (a default the target
    filled in is not one: it has nothing to carry)."""
    fields: list[str] = []
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


def _dialect(get_dialect: Callable[[str], Dialect], name: str | None) -> Dialect | None:
    if not name:
        return None
    try:
        return get_dialect(name)
    except AgentconvError:
        return None


def _restorable(dialect: Dialect, work: Agent, result: Agent, trivia: Any, path: str | None,
                per_field: dict[str, dict[str, dict[str, Any]]], hints: dict[str, Any] | None,
                narrowed: tuple[Agent, Agent] | None = None) -> list[str]:
    """The lost fields a trusted read of the output gives back. A value the reader would
    refuse (it contradicts the file, e.g. a name its path overrides) would only go stale in
    the comment. Checked on the read-back agent and the written keys: no second parse."""
    from .carry import restore
    probe = Carry(merge(per_field, per_field), style=hints)
    old = dialect.file_values(trivia) or {}
    written = dict(dialect.native_items(work, old))
    outcome = restore(dialect, result, probe, path=path, file_values=written, trust=True, narrowed=narrowed)
    back = set(outcome.restored)
    return [name for name in per_field if name in back]


def _widening_refusal(dialect: Dialect, tools: list[str]) -> tuple[str, str]:
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
