"""The carry: what a target cannot say, kept in a comment the target ignores, for the trip back.

A carry is written for people first: the source dialect's own keys, one per line, under a line
that says what it is for::

    # agentconv: for converting back to Claude Code (opencode ignores this):
    #   permissionMode: plan

A carry is also untrusted input: anyone can write one, and nobody sees it in the tool that
loads the file. So reading one never replaces the prompt or a field the file itself states, and
never grants a capability unless the user says the carry is theirs (``trust_carry``). Every
field a carry restores, and every one it was refused, is reported.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from .lazyre import AsciiFirst, compile_later
from .model import CANONICAL_FIELDS, Agent, NativeField
from .structs import field, struct

HEADER = "agentconv: for converting back"
STYLE_PREFIX = "agentconv-style: "
LEGACY_PREFIX = "agentconv-carry: "
_HEADER_LINE = compile_later(r"^agentconv: for converting back(?: to (?P<title>[^()]+?))? \([^()]*\):[ \t]*$")
# What a YAML comment cannot hold (a line break YAML counts, control characters, surrogates)
_UNSAFE = AsciiFirst("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]", "[\x00-\x08\x0b-\x1f\x7f]")
MAX_DEPTH = 32

#: canonical fields whose every value grants something (tools, code that runs, context)
CAPABILITY_FIELDS = frozenset({"tools", "hooks", "mcp_servers", "skills", "model", "model_fallbacks"})
#: permission modes that only take away (plan: read-only; dontAsk: deny what is not pre-approved)
NARROWING_PERMISSION_MODES = frozenset({"default", "plan", "dontAsk"})
SUBAGENT_MODES = frozenset({"subagent"})


@struct
class Carry:
    """A parsed carry: per dialect (``""`` = agentconv's canonical names) the key/values kept."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    style: dict[str, Any] | None = None
    legacy: dict[str, Any] | None = None        # the one-line JSON payload of agentconv 0.1
    text: str = ""                    # as it stood in the file

    def __bool__(self) -> bool:
        return bool(self.sections or self.style or self.legacy)

    def same_meaning(self, other: Carry | None) -> bool:
        return other is not None and (self.sections, self.style, self.legacy) == \
            (other.sections, other.style, other.legacy)


# ------------------------------------------------------------------------------ rendering

def logical_lines(carry: Carry, host_title: str) -> list[str]:
    """The carry as comment content, without comment markers: a header per section, then its
    entries indented by two spaces (YAML), then a compact style line when asked for."""
    from .registry import get_dialect
    lines: list[str] = []
    for name, values in carry.sections.items():
        if not values:
            continue
        title = get_dialect(name).title if name else ""
        lines.append(f"{HEADER}{' to ' + title if title else ''} ({host_title} ignores this):")
        for key, value in values.items():
            lines += ["  " + line for line in _entry_lines(key, value)]
    if carry.style:
        lines.append(STYLE_PREFIX + _json(carry.style))
    return lines


def _entry_lines(key: str, value: Any) -> list[str]:
    from .formats.yamlwrite import render_entry
    text = render_entry(key, value, "\n")
    lines = text.rstrip("\n").split("\n")
    # a blank line inside a value (or one YAML would end the comment on) cannot stand in a
    # comment: such a value is written as one line of JSON, which YAML reads the same
    # (so is one that ends in whitespace a reader strips, such as a no-break space)
    if _UNSAFE.search(text) or "-->" in text or any(not line.strip() or line != line.rstrip() for line in lines):
        return [f"{json.dumps(key)}: {_json(value)}"]
    return lines


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    # and no run of three dashes: Claude Code's front matter ends at the first '---' anywhere
    from .formats.yamlwrite import break_dash_runs
    return break_dash_runs(text.replace("-->", "--\\u003e"))


# -------------------------------------------------------------------------------- parsing

def parse_lines(lines: list[str]) -> Carry | None:
    """The carry in comment content lines (markers removed); None when there is none."""
    from .errors import AgentconvError
    from .formats.yamlsrc import load_yaml
    from .registry import DIALECTS, get_dialect
    titles = {get_dialect(n).title: n for n in DIALECTS}
    carry = Carry()
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _HEADER_LINE.match(line)
        if header:
            body = []
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "\t"):
                body.append(lines[i])
                i += 1
            title = header.group("title")
            name = titles.get(title.strip(), None) if title else ""
            if name is None:
                continue
            try:
                import textwrap
                _, values = load_yaml(textwrap.dedent("\n".join(body)) + "\n")
            except (AgentconvError, RecursionError):
                continue
            if isinstance(values, dict) and all(isinstance(k, str) for k in values) and _nesting(values) <= MAX_DEPTH:
                carry.sections.setdefault(name, {}).update(values)
            continue
        if line.startswith(STYLE_PREFIX):
            style = _loads(line[len(STYLE_PREFIX):])
            if isinstance(style, dict):
                carry.style = style
        elif line.startswith(LEGACY_PREFIX):
            legacy = _loads(line[len(LEGACY_PREFIX):])
            if isinstance(legacy, dict):
                carry.legacy = {k: v for k, v in legacy.items() if k != "style"}
                if isinstance(legacy.get("style"), dict) and carry.style is None:
                    carry.style = legacy["style"]
        i += 1
    return carry if carry else None


def _loads(text: str) -> Any:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if _nesting(value) <= MAX_DEPTH else None


def _nesting(value: Any) -> int:
    from .formats.yamlsrc import nesting_depth
    return nesting_depth(value)


def is_carry_comment(content: str) -> bool:
    """A comment line (marker removed) that starts a carry."""
    return bool(_HEADER_LINE.match(content)) or content.startswith((STYLE_PREFIX, LEGACY_PREFIX))


# ------------------------------------------------------------------- building (writing side)

def sections_for(agent: Agent, fields: Iterable[str], natives: Iterable[NativeField],
                 dialects: Iterable[Any], old: dict[str, dict[str, Any]] | None = None,
                 ) -> dict[str, dict[str, dict[str, Any]]]:
    """For each lost canonical field (and native key): the keys that say it in the first of
    ``dialects`` whose spelling reads back as the same value (reusing the source file's own
    values, ``old[dialect]``, where they still mean it), else agentconv's canonical name.
    Returns {field: {dialect name or "": {key: value}}}."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    dialects = [d for d in dialects if d is not None and hasattr(d, "agent_fields")]
    old = old or {}
    full = {d.name: dict(d.native_items(agent, old.get(d.name, {}))) for d in dialects}
    dumped = None
    for name in fields:
        value = getattr(agent, name)
        if _unset(value) and name != "tools":      # no rules is every tool: a target that narrows it loses that
            continue
        for dialect in dialects:
            keys = _keys_for(dialect, agent, name, full[dialect.name], old.get(dialect.name, {}))
            if keys is not None:
                out[name] = {dialect.name: keys}
                break
        else:
            dumped = dumped or agent.model_dump(mode="json")
            out[name] = {"": {name: dumped[name]}}
    for native in natives:
        if native.value is not None:           # an empty key says nothing worth carrying
            out[f"native.{native.key}"] = {native.dialect: {native.key: native.value}}
    return out


def _keys_for(dialect: Any, agent: Agent, name: str, full: dict[str, Any],
              old: dict[str, Any]) -> dict[str, Any] | None:
    from .formats.values import same_value
    without = dict(dialect.native_items(agent.model_copy(update={name: _cleared(name)}), old))
    keys = {k: v for k, v in full.items() if k not in without or not same_value(without[k], v)}
    if not keys:
        return None
    try:
        stated = dialect.agent_fields(keys, None, [])
    except Exception:                # noqa: BLE001 - a spelling its own reader refuses is no spelling
        return None
    probe = _updated(Agent(), {k: v for k, v in stated.items() if k in CANONICAL_FIELDS})
    return keys if probe is not None and getattr(probe, name) == getattr(agent, name) else None


def _cleared(name: str) -> Any:
    default = Agent.model_fields[name].get_default(call_default_factory=True)
    return default


def _unset(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def merge(per_field: dict[str, dict[str, dict[str, Any]]], keep: Iterable[str]) -> dict[str, dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {}
    for name in keep:
        for dialect, values in per_field.get(name, {}).items():
            sections.setdefault(dialect, {}).update(values)
    return sections


# ------------------------------------------------------------------- restoring (reading side)

_GRANTS = "grants what the file does not (--trust-carry takes it back)"
_STATED = "the file itself says otherwise"
_PROMPT = "the prompt is always the file's own"


@struct
class Restoration:
    agent: Agent
    restored: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)     # (field, why)


def candidates(carry: Carry) -> tuple[dict[str, Any], list[NativeField]]:
    """Canonical field values and native keys the carry states, read by each section's own
    dialect (so they are validated like any source value)."""
    from .registry import get_dialect
    fields: dict[str, Any] = {}
    natives: list[NativeField] = []
    if carry.legacy:
        fields.update({k: v for k, v in carry.legacy.items() if k in CANONICAL_FIELDS})
        for raw in carry.legacy.get("native", []) if isinstance(carry.legacy.get("native"), list) else []:
            try:
                natives.append(NativeField.model_validate(raw))
            except Exception:        # noqa: BLE001 - a malformed entry is ignored like any bad carry
                continue
    for name, values in carry.sections.items():
        if not name:
            fields.update({k: v for k, v in values.items() if k in CANONICAL_FIELDS})
            continue
        dialect = get_dialect(name)
        read = getattr(dialect, "agent_fields", None)
        if read is None:
            continue
        try:
            stated = read(values, None, [])
            baseline = read({}, None, [])
        except Exception:            # noqa: BLE001 - a carry that its own dialect cannot read says nothing
            continue
        for key, value in stated.items():
            if key == "native":
                natives += [n for n in value if n.key in values]
            elif key in CANONICAL_FIELDS and baseline.get(key, _NOTHING) != value:
                fields[key] = value
    return fields, natives


_NOTHING = object()


def grants(name: str, value: Any, dialect: Any = None) -> bool:
    """Whether restoring ``name`` = ``value`` could let the agent do more than the file says."""
    if name.startswith("native."):
        return dialect is not None and name[len("native."):] in getattr(dialect, "capability_keys", ())
    if name in CAPABILITY_FIELDS:
        return not _unset(value)
    if name == "permission_mode":
        return value not in NARROWING_PERMISSION_MODES
    if name == "mode":
        return value not in SUBAGENT_MODES and value is not None
    return False


def finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def restore(dialect: Any, agent: Agent, carry: Carry, *, path: str | None,
            file_values: dict[str, Any] | None, trust: bool,
            narrowed: tuple[Agent, Agent] | None = None) -> Restoration:
    """Take back what the carry keeps and the file cannot say.

    Never the prompt; never a value the file states otherwise; a capability only when
    ``trust``; and only values that are consistent with the file: writing the restored agent
    must give the file's own values (so an edit made in the target wins over the carry).
    ``narrowed``: (an agent, its narrowing for ``dialect``) the caller computed already."""
    from .registry import get_dialect
    fields, natives = candidates(carry)
    result = Restoration(agent)
    wanted: dict[str, Any] = {}
    reworded = _same_words(dialect, agent, fields)
    wanted.update(reworded)
    for name, value in fields.items():
        current = getattr(agent, name)
        if name in reworded:
            continue
        if name == "prompt":
            result.refused.append((name, _PROMPT))
        elif _same(current, value, name):
            continue
        elif name == "tools" and _narrows_only(current, value):
            wanted[name] = value        # rules the file could not say, granting nothing it does not
        elif name == "mode" and _fewer_roles(current, value):
            wanted[name] = value        # e.g. sub-agent only, where the file can say only "both"
        elif grants(name, value) and not trust:
            result.refused.append((name, _GRANTS))
        elif not _unset(current) and not trust:
            result.refused.append((name, _STATED))
        else:
            wanted[name] = value
    accepted = _consistent(dialect, agent, wanted, path, file_values, narrowed)
    restored = _updated(agent, accepted) or agent
    known = {(n.dialect, n.key) for n in restored.native}
    extra = []
    for native in natives:
        if (native.dialect, native.key) in known:
            continue
        label = f"native.{native.key}"
        if native.dialect == dialect.name:
            result.refused.append((label, _STATED))
        elif grants(label, native.value, _dialect_or_none(get_dialect, native.dialect)) and not trust:
            result.refused.append((label, _GRANTS))
        else:
            extra.append(native)
            known.add((native.dialect, native.key))
    if extra:
        restored = restored.model_copy(update={"native": restored.native + extra})
    result.agent = restored
    result.restored = list(accepted) + [f"native.{n.key}" for n in extra]
    return result


def _same_words(dialect: Any, agent: Agent, fields: dict[str, Any]) -> dict[str, Any]:
    """The carried description parts, when the file states the same words in the only layout
    its tool reads (Cursor's one line): the file says nothing otherwise, so no trust is needed."""
    from .briefs import DESCRIPTION_FIELDS
    parts = {n: v for n, v in fields.items() if n in DESCRIPTION_FIELDS}
    if all(_same(getattr(agent, n), v, n) for n, v in parts.items()):
        return {}
    carried = _updated(agent, parts)
    return parts if carried is not None and dialect.same_words(agent, carried) else {}


def _groups(wanted: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields to try together: a description's parts are one native value."""
    from .briefs import DESCRIPTION_FIELDS
    described = {k: v for k, v in wanted.items() if k in DESCRIPTION_FIELDS}
    return ([described] if described else []) + [{k: v} for k, v in wanted.items() if k not in described]


def _narrows_only(current: Any, value: Any) -> bool:
    """Carried tool rules that allow nothing the file's own rules do not (judged by power)."""
    from .access import widenings
    carried = _updated(Agent(), {"tools": value})
    return carried is not None and not widenings(current, carried.tools)


_ROLES = {"all": {"primary", "subagent"}, "primary": {"primary"}, "subagent": {"subagent"}}


def _fewer_roles(current: Any, value: Any) -> bool:
    """A carried mode that only takes a role away from the one the file says."""
    return current in _ROLES and value in _ROLES and _ROLES[value] < _ROLES[current]


def _dialect_or_none(get_dialect: Any, name: str) -> Any:
    from .errors import AgentconvError
    try:
        return get_dialect(name)
    except AgentconvError:
        return None


def _same(current: Any, value: Any, name: str) -> bool:
    probe = _updated(Agent(), {name: value})
    return probe is not None and getattr(probe, name) == current


def _consistent(dialect: Any, agent: Agent, wanted: dict[str, Any], path: str | None,
                file_values: dict[str, Any] | None, narrowed: tuple[Agent, Agent] | None = None) -> dict[str, Any]:
    from .engine import expressed, fill_required
    from .formats.values import same_value
    if "name" in wanted and agent.name is not None and path is not None \
            and _name_by_path(dialect, wanted["name"]) != agent.name:
        wanted = {k: v for k, v in wanted.items() if k != "name"}    # renamed: the path is the identity
    old = file_values if file_values is not None else {}
    baseline = dict(file_values) if file_values is not None else dict(dialect.native_items(agent, {}))
    accepted: dict[str, Any] = {}
    for group in _groups(wanted):
        trial = _updated(agent, {**accepted, **group})
        if trial is None:
            continue
        trial = fill_required(dialect, trial)
        if dialect.expresses_access and ("tools" in group or "tools" in accepted):
            # the engine's own narrowing of this very agent needs no second write and read
            trial = narrowed[1] if narrowed is not None and trial == narrowed[0] else expressed(dialect, trial)[0]
        items = dict(dialect.native_items(trial, old))
        ordered = file_values is None
        if set(items) == set(baseline) and (not ordered or list(items) == list(baseline)) \
                and all(same_value(items[k], baseline[k]) for k in items):
            accepted.update(group)
    return accepted


def _name_by_path(dialect: Any, name: Any) -> str | None:
    """The name a file written for ``name`` gets from its path in ``dialect``."""
    if not isinstance(name, str):
        return None
    named: str | None = dialect.name_from_path(dialect.output_where(Agent(name=name)))
    return named


def _updated(agent: Agent, update: dict[str, Any]) -> Agent | None:
    try:
        return Agent.model_validate(agent).validated_copy(update)
    except (TypeError, ValueError):
        return None
