"""How the real tools read an agent file, as agentconv cannot see it with its own lenient
reader: each tool's delimiters, its repair pass, the keys it ignores or forwards, the values
it drops or rejects and the files it skips (issue 9). Each dialect names its model in
``reading_model``; the facts were read in, and judged against, the client named in
``ToolModel.client`` (see ``dialects/<name>/REFERENCE.md``).

``read_as_tool`` gives the tool's verdict on a text; ``compare`` adds every field the tool
reads differently from agentconv. The engine runs ``misread`` on every output it writes.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .data import schema
from .errors import AgentconvError, ParseError
from .formats import schemalite, yamlsrc
from .lazyre import compile_later
from .structs import field, struct

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from .dialects.base import Dialect
    from .document import Document

LOADS, SKIPS, REJECTS = "loads", "skips", "rejects"
#: kinds of finding besides the verdicts: only MISREADS means the tool does not use a file it
#: loads as written; NOTE is agentconv's own remark
MISREADS, DROPS, IGNORES, FORWARDS, NOTE = "misreads", "drops", "ignores", "forwards", "note"
#: the tool loads the file but will not run the agent (Qwen Code and a ${placeholder} in the prompt)
NOT_RUN = "does not run"
_ABSENT: Any = object()


@struct(frozen=True)
class ToolModel:
    """One real client's reading of an agent file, as data wherever it can be."""

    tool: str                                   # "Claude Code"
    client: str                                 # the build the facts were checked with
    dialect: str                                # whose schema.json states the valid values
    split: Callable[[str], tuple[str | None, str]]   # text -> (front matter or None, body)
    repair: Callable[[str], str] | None         # the retry when the front matter is not YAML
    unparsable: str                             # front matter not YAML even after repair: "empty"
                                                # (no keys), "whole-file" (all of it is prompt) or
                                                # REJECTS (the file is not loaded)
    invalid_value: str                          # DROPS the key, or REJECTS the file/project
    unknown_key: str                            # IGNORES, FORWARDS (opencode: provider options) or
                                                # REJECTS (a strict schema: the file is not loaded)
    skip_keys: tuple[str, ...] = ()             # a missing or bad value here skips the file
    unloadable_keys: frozenset[str] = frozenset()   # a non-empty top-level value: not loaded
    normalise: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # before validation
    rejects_project: bool = True                # a rejected file stops every agent, not only its own
    min_prompt: int = 0                         # a shorter prompt (stripped) skips the file
    prompt_check: Callable[[str], str | None] | None = None   # why the tool cannot run the prompt
    rejecting_keys: frozenset[str] = frozenset()    # a bad value here rejects the file, where
                                                    # the tool drops bad values of other keys
    checks: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)  # rules a JSON
                                                    # Schema cannot state (Unicode name classes)
    fallback: Callable[[str], dict[str, Any]] | None = None   # the parser used when YAML fails (Qwen Code)
    requires_body: bool = False                 # an empty prompt and the file is not loaded
    parse: Callable[[str], dict[str, Any] | None] | None = None   # the block's syntax when it is not YAML
                                                    # (JSON): its values, None when it does not parse
    parser: Callable[[str], dict[str, Any]] | None = None     # the whole file is one block of another syntax
                                                    # (TOML): text -> values, ValueError if it is not
    syntax: str = "YAML"                        # the syntax named when the file does not parse
    prompt_key: str | None = None               # the key holding the prompt (a whole-file block)
    missing_rejects: bool = False               # a missing skip_keys key rejects the file (Codex)
    note: str | None = None                     # what to say of every file (where the tool looks)


@struct
class Finding:
    kind: str
    key: str | None
    message: str


@struct
class ToolReading:
    """What the tool makes of one file: its verdict, the values it uses, and why."""

    model: ToolModel
    verdict: str
    values: dict[str, Any]
    prompt: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def fails(self) -> bool:
        """The tool skips, rejects or mis-reads the file (check --for exits 1)."""
        return self.verdict != LOADS or any(f.kind in (MISREADS, NOT_RUN) for f in self.findings)

    def lines(self) -> list[str]:
        return [f.message for f in self.findings]


# -- the generic reading ----------------------------------------------------------------------

def read_as_tool(model: ToolModel, text: str) -> ToolReading:
    if model.parser is not None:
        return _read_whole(model, model.parser, text)
    yaml_text, body = model.split(text)
    reading = ToolReading(model, LOADS, {}, body.strip())
    if yaml_text is not None:
        values = _parse(model, yaml_text)
        if values is None:
            _unparsable(model, reading, text)
        else:
            reading.values = values
    if reading.verdict == LOADS:
        _judge_values(model, reading)
    return reading


def _read_whole(model: ToolModel, parser: Callable[[str], dict[str, Any]], text: str) -> ToolReading:
    """A file that is one block of another syntax (TOML): its values, the prompt from a key."""
    reading = ToolReading(model, LOADS, {}, "")
    if model.note:
        reading.findings.append(Finding(NOTE, None, model.note))
    try:
        reading.values = parser(text)
    except ValueError as exc:
        reading.verdict = REJECTS
        reading.findings.append(Finding(REJECTS, None, f"the file is not valid {model.syntax} ({exc}): "
                                        f"{model.tool} does not load it"))
        return reading
    prompt = reading.values.get(model.prompt_key) if model.prompt_key else None
    reading.prompt = prompt.strip() if isinstance(prompt, str) else ""
    _judge_values(model, reading)
    return reading


def _parse(model: ToolModel, yaml_text: str) -> dict[str, Any] | None:
    if model.parse is not None:
        return model.parse(yaml_text)
    for attempt in (lambda t: t, model.repair):
        if attempt is None:
            break
        try:
            # line breaks before the first key mean nothing to YAML; without them the text is
            # the one agentconv's own reading composed (a cache hit: no second parse)
            _, value = yamlsrc.load_yaml(attempt(yaml_text).lstrip("\r\n"))
        except ParseError:
            continue
        if isinstance(value, dict) or model.fallback is None:
            return value if isinstance(value, dict) else {}
    return model.fallback(yaml_text) if model.fallback is not None else None


def _unparsable(model: ToolModel, reading: ToolReading, text: str) -> None:
    if model.unparsable == REJECTS:
        reading.verdict = REJECTS
        reading.findings.append(Finding(REJECTS, None, f"the front matter is not valid YAML: {model.tool} "
                                        f"does not load the file"))
    elif model.unparsable == "empty":
        reading.findings.append(Finding(MISREADS, None, f"the front matter is not valid YAML even after "
                                        f"{model.tool}'s own repair: {model.tool} reads no key at all"))
    else:                                       # "whole-file": the front matter becomes prompt text
        reading.prompt = text.strip()
        reading.findings.append(Finding(MISREADS, None, f"the front matter is not valid YAML even after "
                                        f"{model.tool}'s own repair: {model.tool} ignores it and uses "
                                        f"the whole file, '---' lines included, as the prompt"))


def _judge_values(model: ToolModel, reading: ToolReading) -> None:
    properties = (schema(model.dialect) or {}).get("properties", {})
    values = reading.values
    if model.requires_body and not reading.prompt:
        reading.verdict = REJECTS
        reading.findings.append(Finding(REJECTS, None, f"the prompt is empty: {model.tool} does not load the file"))
        return
    for key in model.skip_keys:
        if key not in values:
            reading.verdict = REJECTS if model.missing_rejects else SKIPS
            reading.findings.append(Finding(reading.verdict, key, f"no '{key}'"))
            return
    for key in sorted(model.unloadable_keys & set(values)):
        if values[key] not in (None, []):
            reading.verdict = REJECTS
            reading.findings.append(Finding(REJECTS, key, f"'{key}' hooks are declared at the top level, "
                                            f"outside 'hooks'"))
            return
    if len(reading.prompt) < model.min_prompt:
        reading.verdict = SKIPS
        reading.findings.append(Finding(SKIPS, "prompt", f"the prompt is shorter than {model.min_prompt} characters"))
        return
    why = model.prompt_check(reading.prompt) if model.prompt_check else None
    if why:
        reading.findings.append(Finding(NOT_RUN, "prompt", f"{model.tool} loads the file but does not run the agent: "
                                                            f"{why}"))
    for key in list(values):
        if key not in properties and model.unknown_key == REJECTS:
            reading.verdict = REJECTS
            reading.findings.append(Finding(REJECTS, key, f"{key}: {model.tool} does not know this key and "
                                            f"refuses the file"))
            return
        if key not in properties:
            kind = model.unknown_key
            what = ("sends it to the model provider as a request option" if kind == FORWARDS
                    else "ignores it")
            reading.findings.append(Finding(kind, key, f"{key}: {model.tool} does not know this key and {what}"))
            continue
        value = model.normalise.get(key, lambda v: v)(values[key])
        error = _first_error(model.dialect, key, value) or (model.checks[key](value) if key in model.checks else None)
        if error is None:
            continue
        if key in model.skip_keys:
            reading.verdict = SKIPS
            reading.findings.append(Finding(SKIPS, key, f"{key} {_short(values[key])} {error}"))
            return
        if model.invalid_value == REJECTS or key in model.rejecting_keys:
            reading.verdict = REJECTS
            scope = "one such file stops the whole project" if model.rejects_project else "the file is not loaded"
            reading.findings.append(Finding(REJECTS, key, f"{key} {_short(values[key])} {error} ({scope})"))
        else:
            reading.findings.append(Finding(DROPS, key, f"{key} {_short(values.pop(key))} {error}: {model.tool} "
                                            f"drops it and loads the agent without it"))


_PLAIN_TYPES = {"string": str, "boolean": bool}
#: longer text (a prompt under a key) and larger lists and maps (an agent of 10,000 tool rules)
#: are judged each time rather than kept in the cache
_CACHED_TEXT, _CACHED_ITEMS = 512, 64


def _first_error(dialect: str, key: str, value: Any) -> str | None:
    """Why the tool refuses ``value`` for ``key`` (None: it takes it). Every output is judged,
    so the common cases skip jsonschema: a plain typed key, and values seen before."""
    spec = ((schema(dialect) or {}).get("properties", {})).get(key, {})
    kind = spec.get("type")
    plain = _PLAIN_TYPES.get(kind) if isinstance(kind, str) and set(spec) <= {"type", "description"} else None
    if plain is not None and isinstance(value, plain):
        return None
    from .formats.yamlwrite import frozen
    key_of_value = frozen(value) if _worth_caching(value) else None
    if key_of_value is None:
        return _judged(dialect, key, value)
    return _cached_error(dialect, key, key_of_value)


def _worth_caching(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= _CACHED_TEXT
    return not isinstance(value, (list, dict)) or len(value) <= _CACHED_ITEMS


@functools.lru_cache(maxsize=4096)
def _cached_error(dialect: str, key: str, frozen_value: tuple[Any, ...]) -> str | None:
    # a batch repeats its tool lists and permission maps: each distinct value is judged once
    from .formats.yamlwrite import thawed
    return _judged(dialect, key, thawed(frozen_value))


def _judged(dialect: str, key: str, value: Any) -> str | None:
    spec = ((schema(dialect) or {}).get("properties", {})).get(key, {})
    if schemalite.verdict(spec, (schema(dialect) or {}).get("$defs", {}), value) is True:
        return None             # valid without asking jsonschema (which words the errors)
    return _schema_error(dialect, key, value)


def _schema_error(dialect: str, key: str, value: Any) -> str | None:
    error = next(iter(_validator(dialect, key).iter_errors(value)), None)
    if error is None:
        return None
    if error.validator == "enum":
        spelled = (v if isinstance(v, str) else json.dumps(v) for v in error.validator_value)
        return "must be one of " + ", ".join(dict.fromkeys(spelled))
    if error.validator == "type":
        return f"must be {'an' if error.validator_value in ('object', 'integer', 'array') else 'a'} " \
               f"{error.validator_value}"
    own = _validator(dialect, key).schema            # a key's schema is an object, never true/false
    default = "is not a value it accepts"
    said: str = own.get("x-invalid", default) if isinstance(own, Mapping) else default
    return said


@functools.cache
def _validator(dialect: str, key: str) -> Draft202012Validator:
    """One key's schema from ``dialects/<name>/schema.json``, with the ``$defs`` it uses
    (jsonschema is imported only when a value needs checking: it costs start-up time)."""
    from jsonschema import Draft202012Validator
    full = schema(dialect) or {}
    return Draft202012Validator({**full["properties"][key], "$defs": full.get("$defs", {})})


def _short(value: Any, limit: int = 50) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- comparing with agentconv's own reading ----------------------------------------------------

def compare(model: ToolModel, text: str, ours: dict[str, Any] | None, our_prompt: str | None,
            *, every_field: bool = False) -> ToolReading:
    """The tool's reading of ``text`` with a MISREADS finding for every key (and the prompt)
    it reads otherwise than agentconv (``ours``: agentconv's front-matter values); for a file
    the tool does not load, only with ``every_field`` (the verdict says enough to a person)."""
    reading = read_as_tool(model, text)
    if ours is None:
        return reading
    theirs = reading.values
    if reading.verdict != LOADS and not every_field:
        return reading
    for key in dict.fromkeys([*ours, *theirs]):
        mine, told = ours.get(key, _ABSENT), theirs.get(key, _ABSENT)
        if not _same(mine, told) and not _dropped(reading, key):
            reading.findings.append(Finding(MISREADS, key, f"{key}: agentconv reads {_reading(mine)}; "
                                            f"{model.tool} reads {_reading(told)}"))
    # a file the tool does not load has no prompt to read otherwise (its verdict says why)
    if our_prompt is not None and reading.verdict == LOADS and our_prompt.strip() != reading.prompt:
        reading.findings.append(Finding(MISREADS, "prompt", f"prompt: agentconv reads {_reading(our_prompt.strip())}; "
                                        f"{model.tool} reads {_reading(reading.prompt)}"))
    return reading


def _dropped(reading: ToolReading, key: str) -> bool:
    return any(f.key == key and f.kind in (DROPS, REJECTS) for f in reading.findings)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _reading(value: Any) -> str:
    if value is _ABSENT:
        return "nothing (the key is absent)"
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:40]!r}… ({len(value)} characters)"
    return repr(value)


def how_tool_reads(dialect: Dialect, text: str, path: str | None = None, *, every_field: bool = False,
                   ours: tuple[dict[str, Any], str | None] | None = None) -> ToolReading | None:
    """How the tool of ``dialect`` reads ``text``, compared with agentconv's reading (None:
    no tool reads this dialect). A text agentconv cannot read gets the tool's verdict only.
    ``ours``: agentconv's reading (front-matter values, body) when the caller has it already."""
    model = model_of(dialect)
    if model is None:
        return None
    if ours is None:
        try:
            doc = dialect.read(text, path, apply_carry=False)
            if dialect.many_per_file and len(doc.agents) > 1:
                return _each_member(dialect, model, doc, path, every_field)
            ours = agentconv_reading(doc.trivia)
        except AgentconvError as exc:
            reading = compare(model, text, None, None)
            reading.findings.append(Finding(NOTE, None, f"agentconv itself cannot read this file: {exc.message}"))
            return reading
    return compare(model, text, ours[0], ours[1], every_field=every_field)


def agentconv_reading(trivia: Any) -> tuple[dict[str, Any], str | None]:
    """(front-matter values, body) as agentconv read a file, from its trivia."""
    block = getattr(trivia, "block", None)
    members = getattr(trivia, "members", None)
    if block is None and members is not None and len(members) == 1:
        block = members[0].block                    # a container of one agent: that agent's keys
    return (block.values() if block is not None else {}), getattr(trivia, "body", None)


def check_for(tool: str, text: str | bytes, path: str | None = None) -> ToolReading:
    """How the real tool of dialect ``tool`` ("claude", "opencode", "copilot") reads ``text``.

    >>> check_for("claude", "---\\nname: a\\ndescription: Diff A---B\\n---\\nBe brief.\\n").lines()[0]
    "description: agentconv reads 'Diff A---B'; Claude Code reads 'Diff A'"
    """
    from .api import decode
    from .registry import get_dialect
    dialect = get_dialect(tool)
    if isinstance(text, bytes):
        text = decode(text, path)[0]
    reading = how_tool_reads(dialect, text, path)
    if reading is None:
        raise AgentconvError(f"no real tool reads {dialect.name} files", path=path,
                             hint="choose one of: " + ", ".join(n for n, d in _dialects() if d.reading_model))
    return reading


def _each_member(dialect: Dialect, model: ToolModel, doc: Document, path: str | None, every_field: bool) -> ToolReading:
    """A file of several agents, read by the tool one agent at a time (each as the file
    holding it alone): the worst verdict, each finding named by its agent."""
    order = (LOADS, SKIPS, REJECTS)
    whole = ToolReading(model, LOADS, {}, "")
    for index, agent in enumerate(doc.agents):
        alone = dialect.write(agent, dialect.agent_trivia(doc.trivia, index, agent), None, path)
        reading = how_tool_reads(dialect, alone, path, every_field=every_field)
        assert reading is not None          # the dialect has its reading model
        whole.verdict = max(whole.verdict, reading.verdict, key=order.index)
        whole.findings += [Finding(f.kind, f.key, f"agent {agent.name!r}: {f.message}") for f in reading.findings]
    return whole


def _dialects() -> list[tuple[str, Dialect]]:
    from .registry import dialect_names, get_dialect
    return [(n, get_dialect(n)) for n in dialect_names()]


def judge_output(dialect: Dialect, text: str, path: str | None = None, *,
                 ours: tuple[dict[str, Any], str | None] | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """(each field the tool would read otherwise than agentconv wrote it, each (key, reason)
    for which it would not load the file at all). A missing required key is in neither: the
    engine reports it as 'required' already. ``ours``: what agentconv wrote (values, body),
    when the caller read it back already; the tool still reads ``text`` itself."""
    reading = how_tool_reads(dialect, text, path, every_field=True, ours=ours)
    if reading is None:
        return [], []
    tool, verdict = reading.model.tool, reading.verdict
    refused = [(f.key, f.message if f.kind == NOT_RUN else f"{tool} {verdict} the file: {f.message}")
               for f in reading.findings
               if f.kind in (SKIPS, REJECTS, NOT_RUN) and (f.key in reading.values or f.key == "prompt")]
    return [f.message for f in reading.findings if f.kind == MISREADS], refused


def misread(dialect: Dialect, text: str, path: str | None = None) -> list[str]:
    """Each field the tool would read otherwise than agentconv wrote it (empty: as meant)."""
    return judge_output(dialect, text, path)[0]


# -- the delimiters -----------------------------------------------------------------------------

#: Claude Code 2.1.332 (``K0``): the front matter runs to the first ``---`` anywhere, even
#: inside a value, with no line anchor; a leading BOM is dropped first.
_CLAUDE_FRONT = compile_later(r"^---\s*\n([\s\S]*?)---\s*\n?")


def claude_split(text: str) -> tuple[str | None, str]:
    text = text[1:] if text.startswith("\ufeff") else text
    match = _CLAUDE_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end():]


def gray_matter_split(text: str) -> tuple[str | None, str]:
    """gray-matter (opencode): opens on ``---`` (not ``----``), closes at the first line that
    starts with ``---``; without a close the rest of the file is front matter."""
    if not text.startswith("---") or text[3:4] == "-":
        return None, text
    rest = text[3:]
    first_break = re.search(r"\r?\n", rest)
    language = rest[: first_break.start()] if first_break else rest
    if language.strip():
        rest = rest[len(language):]
    close = rest.find("\n---")
    if close < 0:
        return rest, ""
    body = rest[close + 4:]
    body = body[1:] if body.startswith("\r") else body
    body = body[1:] if body.startswith("\n") else body
    return rest[:close], body


# -- Claude Code's repair and value rules -------------------------------------------------------

_REPAIR_LINE = compile_later(r"^([a-zA-Z_-]+):\s+(\S.*)$")
_SPECIAL = re.compile(r"[{}\[\]*&#!|>%@`]|: ")


def claude_repair(yaml_text: str) -> str:
    """Claude Code's retry (``_u``, then leading tabs to two spaces each). Lines are split on
    LF only, and ``.`` does not match CR: a CRLF line is never quoted."""
    out = []
    for line in yaml_text.split("\n"):
        m = _REPAIR_LINE.match(line)
        if m and "\r" not in m.group(2):
            value = m.group(2)
            quoted = (value[:1] == value[-1:] and value[:1] in "'\"" and len(value) > 1)
            if not quoted and not _yaml_list(value) and _SPECIAL.search(value):
                value = value.replace("\\", "\\\\").replace('"', '\\"')
                line = f'{m.group(1)}: "{value}"'
        out.append(line)
    return re.sub(r"(?m)^\t+", lambda m: "  " * len(m.group(0)), "\n".join(out))


def _yaml_list(value: str) -> bool:
    if not (value.startswith("[") and value.endswith("]")):
        return False
    try:
        return isinstance(yamlsrc.load_yaml(value)[1], list)
    except ParseError:
        return False


def _nfkc(value: Any) -> Any:
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def opencode_sanitize(yaml_text: str) -> str:
    """opencode's retry: an unquoted top-level value holding ':' becomes a string."""
    out = []
    for line in yaml_text.splitlines(keepends=True):
        m = re.match(r"^([a-zA-Z_][a-zA-Z0-9_]*):[ \t]*(.*?)(\r?)$", line.rstrip("\n"))
        value = m.group(2) if m else ""
        if m and value and ":" in value and value[0] not in "\"'|>":
            escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
            line = f'{m.group(1)}: "{escaped}"{m.group(3)}' + ("\n" if line.endswith("\n") else "")
        out.append(line)
    return "".join(out)


CLAUDE_CODE = ToolModel(
    tool="Claude Code", client="@anthropic-ai/claude-code 2.1.332", dialect="claude",
    split=claude_split, repair=claude_repair,
    unparsable="empty",                  # no keys, so no name: skipped without a word
    invalid_value=DROPS, unknown_key=IGNORES,
    skip_keys=("name", "description"),
    unloadable_keys=frozenset({"PreToolUse", "PermissionRequest", "PreSkillShellCommand"}),
    normalise={"name": _nfkc},
)

OPENCODE = ToolModel(
    tool="opencode", client="opencode-ai 1.18.33", dialect="opencode",
    split=gray_matter_split, repair=opencode_sanitize,
    unparsable="whole-file",
    invalid_value=REJECTS, unknown_key=FORWARDS,
)

#: Copilot CLI 1.0.102 (Rust ``runtime.node``): the front matter opens on the first line and ends
#: at the next ``---`` line; strict YAML (no repair, a duplicate key is an error); a value of the
#: wrong type, or no front matter, and the file is not loaded (the others still are)
_COPILOT_FRONT = compile_later(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def copilot_split(text: str) -> tuple[str | None, str]:
    text = text[1:] if text.startswith("\ufeff") else text
    match = _COPILOT_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end():]


COPILOT = ToolModel(
    tool="GitHub Copilot", client="@github/copilot 1.0.102", dialect="copilot",
    split=copilot_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("description",), rejects_project=False,
)

#: deepagents-code 0.1.57 (``subagents.py``): the front matter opens on the first line and ends
#: at the first line starting with ``---``; ``yaml.safe_load``; a bad value, invalid YAML or no
#: description skips the file (the others still load); other keys are ignored
_DEEPAGENTS_FRONT = compile_later(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", re.DOTALL)


def deepagents_split(text: str) -> tuple[str | None, str]:
    match = _DEEPAGENTS_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1), match.group(2)


DEEPAGENTS = ToolModel(
    tool="Deep Agents Code", client="deepagents-code 0.1.57", dialect="deepagents",
    split=deepagents_split, repair=None,
    unparsable="empty",                  # skipped (no description), the others still load
    invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("description",), rejects_project=False,
)


#: the reading models stated here; the other tools' are in toolmodels, imported when one is asked
_OWN_MODELS = {"claude-code": CLAUDE_CODE, "opencode": OPENCODE, "copilot": COPILOT, "deepagents": DEEPAGENTS}
_OTHER_MODELS = {"auggie": "AUGGIE", "cline": "CLINE", "junie": "JUNIE", "cursor": "CURSOR", "factory": "FACTORY",
                 "kiro-ide": "KIRO_IDE", "trae": "TRAE", "gemini-cli": "GEMINI_CLI", "qwen-code": "QWEN_CODE",
                 "antigravity": "ANTIGRAVITY", "kiro": "KIRO_CLI", "opencode-json": "OPENCODE_JSON",
                 "codex": "CODEX", "vibe": "VIBE"}
MODELS = tuple(_OWN_MODELS) + tuple(_OTHER_MODELS)


def model_of(dialect: Dialect | None) -> ToolModel | None:
    """The reading model of the tool that reads ``dialect`` (None: no tool, nothing to check)."""
    return model_named(getattr(dialect, "reading_model", None) or "")


def model_named(name: str) -> ToolModel | None:
    """The reading model ``name`` (a key of ``MODELS``), None for a name no model has."""
    if name in _OWN_MODELS:
        return _OWN_MODELS[name]
    if name not in _OTHER_MODELS:
        return None
    from . import toolmodels
    model: ToolModel = getattr(toolmodels, _OTHER_MODELS[name])
    return model
