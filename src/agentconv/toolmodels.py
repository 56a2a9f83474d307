"""Reading models of Augment (Auggie), Cline, Junie, Cursor, Factory, Kiro IDE, Trae, Gemini CLI,
Qwen Code and Antigravity (issue 12), beside the ones in ``toolread``: each tool's delimiters and
what it does with a bad value, an unknown key or a missing one. Facts and client versions:
``dialects/<name>/REFERENCE.md``."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import ParseError
from .formats import lineyaml, yamlsrc
from .lazyre import compile_later
from .toolread import DROPS, FORWARDS, IGNORES, REJECTS, ToolModel, _first_error, copilot_split

#: Auggie 0.36.0 (``yo.frontmatterRegex``): ``---``, then the block up to the first ``---`` line
#: that a line break follows (a file ending on ``---`` has no front matter); js-yaml, no repair;
#: a block it cannot parse reads as no key at all (name from the file, a stock description).
#: Values are coerced, never refused: a string key of another type is stringified, a list key
#: of another type is empty, a flag of another type is its default.
_AUGGIE_FRONT = compile_later(r"^---\s*\n([\s\S]*?)\n---\s*\n")


def auggie_split(text: str) -> tuple[str | None, str]:
    match = _AUGGIE_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end():]


AUGGIE: ToolModel = ToolModel(
    tool="Augment", client="@augmentcode/auggie 0.36.0", dialect="augment",
    split=auggie_split, repair=None,
    unparsable="empty", invalid_value=DROPS, unknown_key=IGNORES, rejects_project=False,
)

#: Cline 3.0.65 (@cline/core ``parseConfiguredAgentConfig``): ``---`` on the first line (after a
#: BOM), closed by the LAST ``---`` line whose block above parses as a mapping its schema
#: accepts; a file it cannot read that way, a value of the wrong type, no name, no description or
#: an empty body: the file is not loaded (the others are), without a word to the user.
_CLINE_OPEN = compile_later(r"^---[^\S\r\n]*(?:\r?\n|$)")
_CLINE_CLOSE = compile_later(r"^---[^\S\r\n]*(?:\r?\n|$)", re.MULTILINE)


def cline_split(text: str) -> tuple[str | None, str]:
    text = text[1:] if text.startswith("\ufeff") else text
    opening = _CLINE_OPEN.match(text)
    if opening is None:
        return None, text
    found: tuple[str | None, str] = (None, text)
    for close in _CLINE_CLOSE.finditer(text, opening.end()):
        block = text[opening.end():close.start()]
        try:
            _, values = yamlsrc.load_yaml(block)
        except ParseError:
            continue
        if isinstance(values, dict) and not any(_first_error("cline", k, v) for k, v in values.items()
                                                if k in _CLINE_KEYS):
            found = (block, text[close.end():])
    if found[0] is None:            # no block Cline accepts: it refuses the file (its schema says why)
        first = _CLINE_CLOSE.search(text, opening.end())
        return (text[opening.end():first.start()], text[first.end():]) if first else (text[opening.end():], "")
    return found


_CLINE_KEYS = frozenset({"name", "description", "tools", "skills", "providerId", "modelId", "maxIterations"})

CLINE: ToolModel = ToolModel(
    tool="Cline", client="cline 3.0.65 (@cline/core)", dialect="cline",
    split=cline_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False, requires_body=True,
    normalise={"name": lambda v: v.strip() if isinstance(v, str) else v,
               "description": lambda v: v.strip() if isinstance(v, str) else v},
)

#: Junie CLI: no offline client; the documented fields only (dialects/junie/REFERENCE.md). Read
#: as strictly as the documentation allows: a value it does not document, not loaded.
JUNIE: ToolModel = ToolModel(
    tool="Junie", client="Junie CLI documentation (junie-cli-subagents, no client run)", dialect="junie",
    split=copilot_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("description",), rejects_project=False,
)


#: Cursor (documented; no offline client): it reads no YAML block scalar, so a value written
#: ``|`` or ``>`` reads as that indicator and its lines are lost
_BLOCK_SCALAR = compile_later(r"(?m)^([A-Za-z_][\w-]*):[ \t]*([|>][+-]?[0-9]?)[ \t]*(\r?)\n"
                           r"(?:(?:[ \t]+.*|[ \t]*)(?:\r?\n|\Z))*")


def cursor_split(text: str) -> tuple[str | None, str]:
    yaml_text, body = copilot_split(text)
    if yaml_text is None:
        return None, body
    return _BLOCK_SCALAR.sub(lambda m: f"{m.group(1)}: {json.dumps(m.group(2))}{m.group(3)}\n", yaml_text), body


CURSOR: ToolModel = ToolModel(
    tool="Cursor", client="no offline client: Cursor's documented fields (cursor.com/docs/agent/subagents)",
    dialect="cursor", split=cursor_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False,
)


def factory_repair(yaml_text: str) -> str:
    """droid's fallback line parser: the first ':' of a line splits key and value, a value in
    [..] or {..} is JSON, anything else is the text as written."""
    out = []
    for line in yaml_text.splitlines():
        key, colon, value = line.partition(":")
        if not colon or not re.match(r"^[A-Za-z_][\w-]*$", key):
            continue
        value = value.strip()
        try:
            parsed = json.loads(value) if value[:1] in "[{" else value
        except ValueError:
            parsed = value
        out.append(f"{json.dumps(key)}: {json.dumps(parsed)}")
    return "\n".join(out)


FACTORY: ToolModel = ToolModel(
    tool="Factory", client="@factory/cli-linux-x64 0.225.2", dialect="factory",
    split=copilot_split, repair=factory_repair,
    unparsable="empty", invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False,
)

KIRO_IDE: ToolModel = ToolModel(
    tool="Kiro IDE", client="no offline client: Kiro's documented fields (kiro.dev/docs/chat/subagents)",
    dialect="kiro-ide", split=copilot_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("description",), rejects_project=False,
)

TRAE: ToolModel = ToolModel(
    tool="Trae", client="no offline client: Trae's documented fields",
    dialect="trae", split=copilot_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False,
)


#: Gemini CLI 0.61.0 (``parseAgentMarkdown``): ``^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n([\s\S]*))?``, no
#: BOM stripped (a BOM means no front matter); js-yaml without a fallback; a strict schema
_GEMINI_FRONT = compile_later(r"\A---\r?\n([\s\S]*?)\r?\n---(?:\r?\n([\s\S]*))?")


def gemini_split(text: str) -> tuple[str | None, str]:
    match = _GEMINI_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1), match.group(2) or ""


GEMINI_CLI: ToolModel = ToolModel(
    tool="Gemini CLI", client="@google/gemini-cli 0.61.0", dialect="gemini",
    split=gemini_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=REJECTS,
    skip_keys=("name", "description"), rejects_project=False,
)

#: Qwen Code 0.24.4 (``parseSubagentContent``): BOM dropped, CR and CRLF made LF, then
#: ``^---\n([\s\S]*?)\n---\n([\s\S]*)$`` (a newline must follow the closing line); matched here
#: on the text as written, so that a CRLF prompt compares as the same words
_QWEN_FRONT = compile_later(r"\A---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)\Z")


def qwen_split(text: str) -> tuple[str | None, str]:
    text = text[1:] if text.startswith("\ufeff") else text
    match = _QWEN_FRONT.match(text)
    if match is None:
        return None, text
    return match.group(1).replace("\r\n", "\n"), match.group(2)


_PLACEHOLDER = compile_later(r"\$\{([a-zA-Z_]\w*)\}")


def _qwen_placeholders(prompt: str) -> str | None:
    """Qwen Code fills ``${name}`` in a sub-agent's prompt and refuses to run it when it has no
    such value (``templateString``; there is no escape)."""
    found = sorted(set(_PLACEHOLDER.findall(prompt)))
    return (f"the prompt holds {', '.join('${' + k + '}' for k in found[:3])}, placeholders it fills and cannot "
            f"fill") if found else None


def _qwen_name(value: Any) -> str | None:
    from .dialects.qwen import name_rule
    return name_rule(value)


QWEN_CODE: ToolModel = ToolModel(
    tool="Qwen Code", client="@qwen-code/qwen-code 0.24.4", dialect="qwen",
    split=qwen_split, repair=None, fallback=lineyaml.parse,
    unparsable="empty", invalid_value=DROPS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False, min_prompt=10, prompt_check=_qwen_placeholders,
    rejecting_keys=frozenset({"approvalMode", "model", "runConfig", "executor", "executionBackend"}),
    checks={"name": _qwen_name},
)

#: Antigravity has no offline client: its documented fields only (dialects/antigravity/REFERENCE.md);
#: strict YAML assumed (no repair), a bad documented value refusing the file, other keys ignored
ANTIGRAVITY: ToolModel = ToolModel(
    tool="Antigravity", client="documentation (CLI v1.1.6+), no offline client", dialect="antigravity",
    split=copilot_split, repair=None,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES,
    skip_keys=("name", "description"), rejects_project=False,
)


def _json_object(text: str) -> dict[str, Any] | None:
    """The values of a JSON object (JSONC comments and trailing commas read as whitespace)."""
    from .formats.jsonsrc import blanked
    try:
        value = json.loads(blanked(text))
    except (ValueError, RecursionError, ParseError):
        return None
    return value if isinstance(value, dict) else None


def _only_agent(text: str) -> dict[str, Any] | None:
    """opencode.json holding one agent: that agent's keys (the reading judges one at a time)."""
    agents = (_json_object(text) or {}).get("agent")
    if not isinstance(agents, dict) or len(agents) != 1 or not isinstance(next(iter(agents.values())), dict):
        return None
    only: dict[str, Any] = next(iter(agents.values()))
    return only


def _whole(text: str) -> tuple[str, str]:
    return text, ""


KIRO_CLI: ToolModel = ToolModel(
    tool="Kiro CLI", client="no offline client: Kiro CLI's documented fields "
                            "(kiro.dev/docs/cli/custom-agents/configuration-reference)",
    dialect="kiro", split=_whole, repair=None, parse=_json_object,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES, rejects_project=False,
)

OPENCODE_JSON: ToolModel = ToolModel(
    tool="opencode", client="opencode-ai 1.18.33", dialect="opencode",      # one agent: opencode's keys
    split=_whole, repair=None, parse=_only_agent,
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=FORWARDS,
)


def _toml_values(text: str) -> dict[str, Any]:
    import tomllib
    return tomllib.loads(text)       # its TOMLDecodeError is a ValueError


#: Codex 0.169.0 (``AgentRoleToml``, serde ``deny_unknown_fields``): invalid TOML, a key it does
#: not know, a value of another type or a missing name, description or developer_instructions,
#: and the role file is refused (the others still load)
CODEX: ToolModel = ToolModel(
    tool="Codex", client="@openai/codex 0.169.0", dialect="codex",
    split=lambda text: (None, text), repair=None, parser=_toml_values, syntax="TOML",
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=REJECTS,
    skip_keys=("name", "description", "developer_instructions"), missing_rejects=True,
    rejects_project=False, prompt_key="developer_instructions",
    note="Codex reads .codex/agents only in a project it trusts: in an untrusted one it ignores "
         "every role there without a word (trust the project in Codex, or use ~/.codex/agents)",
)

#: Mistral Vibe 3.0.3 (``AgentProfile.from_toml``): invalid TOML, a bad safety or agent_type and
#: the file is dropped; a setting of the wrong type lists the agent with a config error (it cannot
#: be chosen); a setting Vibe does not know is ignored with a warning
VIBE: ToolModel = ToolModel(
    tool="Mistral Vibe", client="mistral-vibe 3.0.3", dialect="vibe",
    split=lambda text: (None, text), repair=None, parser=_toml_values, syntax="TOML",
    unparsable=REJECTS, invalid_value=REJECTS, unknown_key=IGNORES, rejects_project=False,
)
