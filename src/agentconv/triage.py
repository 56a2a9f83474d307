"""Telling agent definitions from the other files in a tree, before anything is converted:
what is skipped (and why), what is read, and where a broken file breaks.

A file is an agent when the source dialect's real tool would load it: it sits where that
tool loads agents from (``Dialect.agent_globs``), or it has that dialect's agent shape
(``Dialect.agent_shape``) elsewhere, as in collections that keep agents in category folders.
Skills, commands, memory notes, project instructions (CLAUDE.md, AGENTS.md), documentation,
templates and test fixtures are never agents, whatever their front matter says. A file
without front matter is a prose brief only when it was named, or under ``--from prose``.
"""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from . import vocabulary
from .api import MAX_BYTES, decode, loads, read_bytes
from .document import Document
from .errors import AgentconvError, DetectionError, ParseError
from .formats import frontmatter, yamlsrc
from .registry import DIALECTS, dialect_for_path, get_dialect
from .structs import struct
from .walk import Source

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_MARKDOWN = (".md", ".markdown")
_AGENT_SUFFIXES = (*_MARKDOWN, ".txt")
#: project documentation; only files *without* front matter, since an agent may well be
#: called "security" or "changelog"
_DOC_NAMES = frozenset({"readme", "changelog", "changes", "history", "license", "licence", "copying",
                        "notice", "authors", "contributors", "contributing", "code_of_conduct",
                        "security", "support", "funding", "codeowners"})
#: files that are never agents, front matter or not: what each one is
_NEVER_NAMES = {"skill": "a skill", "claude": "Claude Code's project instructions",
                "agents": "project instructions (AGENTS.md)", "gemini": "Gemini's project instructions",
                "readme": "documentation", "changelog": "documentation", "license": "a licence",
                "licence": "a licence", "contributing": "documentation", "code_of_conduct": "documentation"}
#: folders whose files are never agents (outside an agent folder): what they hold
_NEVER_FOLDERS = {"skills": "skills", "skill": "skills", "commands": "commands", "command": "commands",
                  "prompts": "prompts",
                  "output-styles": "output styles", "memory": "memory notes", "memories": "memory notes",
                  "docs": "documentation", "doc": "documentation", "fixtures": "test fixtures",
                  "__fixtures__": "test fixtures", "testdata": "test fixtures", "test-fixtures": "test fixtures",
                  "test_fixtures": "test fixtures", "__snapshots__": "test snapshots"}
#: file name endings of other artefacts that share the front-matter shape: what each one is
_NEVER_ENDINGS = {".prompt.md": "a GitHub Copilot prompt file",
                  ".instructions.md": "a GitHub Copilot instructions file",
                  ".chatmode.md": "a GitHub Copilot chat mode"}
_PLACEHOLDER = re.compile(r"\{\{\s*[A-Za-z_][\w.\- ]*\}\}")
_DESCRIPTION_KEY = re.compile(r"^description[ \t]*:", re.MULTILINE)
_NAME_KEY = re.compile(r"^name[ \t]*:", re.MULTILINE)
_INDENTED_OPENING = re.compile(r"[ \t]+---[ \t]*\r?\n")
_INDENTED_KEY = re.compile(r"^[ \t]*description[ \t]*:", re.MULTILINE)
#: agentconv's own carry comments (today's and the readable block's): in front matter, in prose
_FRONT_MARK = re.compile(r"^[ \t]*# agentconv", re.MULTILINE)
_PROSE_MARK = "<!-- agentconv"


@struct(frozen=True)
class Verdict:
    """What triage decided about one readable file."""

    skip: str | None = None         # why it is not an agent
    read: str | None = None         # the dialect to read it as (None: detect)
    own_output: bool = False        # it carries agentconv's own mark: an earlier run wrote it


def skip_by_name(path: str, explicit: bool) -> str | None:
    name = os.path.basename(path)
    if name.startswith(".") and _agent_folder(path, None) is None:     # a tool's own dotfile (.roomodes) is read
        return "hidden file"
    if not explicit and not name.lower().endswith(_AGENT_SUFFIXES) and _agent_folder(path, None) is None:
        return "not a .md or .txt file"     # unless a tool loads it from its agent folder (Cline's .yaml)
    return None


def _stem(path: str) -> str:
    return os.path.basename(path).split(".")[0].lower().replace("-", "_")


def read_source_bytes(path: str) -> bytes:
    return read_bytes(path, refuse_large=False)     # a large file is skipped, not failed


def triage(source: Source, data: bytes, read: str | None) -> Verdict:
    """Whether a readable file is an agent definition, and how to read it. Files that claim
    to be agents and then fail to parse are failures (raised), not skips."""
    path = source.path
    if len(data) > MAX_BYTES:
        return Verdict(f"larger than {MAX_BYTES} bytes: not an agent definition")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Verdict("binary file")
    folder = _agent_folder(path, read)
    if folder is None and not source.explicit:
        passed_over = _unloaded_in_agent_folder(path, read) or _other_tools_folder(path, read)
        if passed_over:
            return Verdict(passed_over)
    fronted = data.lstrip(b"\xef\xbb\xbf").startswith(b"---")
    try:
        text = decode(data, path)[0]
    except AgentconvError:
        if fronted or folder or source.explicit:
            raise
        return Verdict("not UTF-8 text")
    if not text.strip():
        return Verdict("empty file")
    if not source.explicit:
        never = _never(source, folder)
        if never:
            return Verdict(never)
    own = _own_output(text)
    if frontmatter.has_front_matter(text):
        return _fronted(source, text, read, folder, own)
    if source.explicit or _indented_front_matter(text, folder):
        return Verdict(own_output=own)      # the reader says what is wrong, if anything
    if folder is not None and not get_dialect(folder[0]).requires_front_matter:
        empty = get_dialect(folder[0]).holds_no_agents(text)
        if empty:
            return Verdict(empty)                        # a config file of the tool, without agents
        return Verdict(read=folder[0], own_output=own)      # opencode loads it: the file is the prompt
    if _stem(path) in _DOC_NAMES:
        return Verdict(f"{os.path.basename(path)} is documentation, not an agent")
    if folder is not None:
        return Verdict(f"no front matter: {get_dialect(folder[0]).title} does not load it as an agent")
    if read == "prose":
        return Verdict(own_output=own)
    return Verdict("no front matter: not an agent (name the file, or pass --from prose for a folder of briefs)")


def _fronted(source: Source, text: str, read: str | None, folder: tuple[str, int] | None, own: bool) -> Verdict:
    yaml_text = _front_matter_text(text)
    placeholder = None if source.explicit else _PLACEHOLDER.search(yaml_text)
    if placeholder:
        return Verdict(f"a template: {placeholder.group(0)} is not filled in")
    needed = get_dialect(folder[0]).skipped_without if folder is not None and not source.explicit else None
    if needed and folder is not None and not _key_line(needed).search(yaml_text):
        title = get_dialect(folder[0]).title
        return Verdict(f"no '{needed}' in its front matter: {title} skips the file silently")
    if source.explicit or folder is not None:
        return Verdict(own_output=own)
    if not _DESCRIPTION_KEY.search(yaml_text):
        return Verdict("front matter without a description: not an agent definition")
    values = _values(yaml_text)
    if values is None:          # broken YAML that names an agent: the reader says where it breaks
        return Verdict(None if _NAME_KEY.search(yaml_text) else "front matter is not an agent's",
                       own_output=own)
    named = dialect_for_path(source.path)      # a name only one dialect uses: review.agent.md
    shaped = [n for n in ([read] if read else DIALECTS) if get_dialect(n).agent_shape(values)
              or (n == named and isinstance(values.get("description"), str))]
    if shaped:
        return Verdict(read=read, own_output=own)
    return Verdict("front matter is not an agent's: " + _shape_hint(read))


@cache
def _key_line(key: str) -> re.Pattern[str]:
    return re.compile(rf"^[\"']?{re.escape(key)}[\"']?[ \t]*:", re.MULTILINE)


def _own_output(text: str) -> bool:
    """Whether the file carries agentconv's own mark, so an earlier run wrote it. Only a
    hint for telling an output from its original: the mark is input like anything else."""
    if frontmatter.has_front_matter(text):
        return _FRONT_MARK.search(_front_matter_text(text)) is not None
    return _PROSE_MARK in text


def _indented_front_matter(text: str, folder: tuple[str, int] | None) -> bool:
    """Front matter whose '---' is indented: meant as an agent, read by no tool as one."""
    return _INDENTED_OPENING.match(text) is not None \
        and (folder is not None or _INDENTED_KEY.search(text) is not None)


def _shape_hint(read: str | None) -> str:
    if read == "opencode":
        return "opencode keys and a description are needed outside .opencode/agent"
    if read == "claude":
        return "Claude Code needs a name and a description outside .claude/agents"
    return "outside an agent folder an agent needs a name and a description (or only opencode keys)"


def _values(yaml_text: str) -> dict[str, Any] | None:
    """The front matter's values as some tool's own repair reads them (None: no tool can)."""
    from .dialects.base import MarkdownDialect
    for name in DIALECTS:
        dialect = get_dialect(name)
        if not isinstance(dialect, MarkdownDialect) or not dialect.has_repair:
            continue
        try:
            block, _ = yamlsrc.parse_block(yaml_text, repair=dialect.repair, known_keys=dialect.known_keys)
        except ParseError:
            continue
        return block.values()
    return None


def _agent_folder(path: str, read: str | None) -> tuple[str, int] | None:
    """(dialect, segments before its agent folder) when the dialect's tool loads ``path``."""
    posix = os.path.normpath(path).replace(os.sep, "/")
    for name in [read] if read else DIALECTS:
        for pattern in _globs(name):
            match = pattern.search(posix)
            if match:
                return name, posix[:match.start()].count("/") + (match.start() > 0)
    return None


def _other_tools_folder(path: str, read: str | None) -> str | None:
    """A file where a tool agentconv does not read keeps its agents: guessing its dialect
    from the content would read another tool's names and keys as this one's."""
    if read is not None:
        return None
    posix = "/" + os.path.normpath(path).replace(os.sep, "/")
    for folder, tool in vocabulary.other_tool_folders().items():
        if f"/{folder}/" in posix:
            return f"in {tool}'s agent folder ({folder}): agentconv does not read {tool} agents yet " \
                   f"(--from D reads the folder as dialect D)"
    return None


def _unloaded_in_agent_folder(path: str, read: str | None) -> str | None:
    """Why a file inside a dialect's agent folder is not loaded (its name does not fit)."""
    posix = os.path.normpath(path).replace(os.sep, "/")
    for name in [read] if read else DIALECTS:
        for glob in get_dialect(name).agent_globs:
            if "*" in glob and _folder_regex(glob).search(posix):       # a folder of agents, not one file
                pattern = glob[len(_agent_folder_of(glob)) + 1:].removeprefix("**/")
                return f"{get_dialect(name).title} loads only {pattern} files from its agent folder"
    return None


@cache
def _globs(dialect: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_glob_regex(g)) for g in get_dialect(dialect).agent_globs)


@cache
def _folder_regex(glob: str) -> re.Pattern[str]:
    """Any file below the glob's agent folder (``.claude/agents/**/*.md``: ``.claude/agents``;
    ``.deepagents/agents/*/AGENTS.md``: ``.deepagents/agents``)."""
    return re.compile(_glob_regex(_agent_folder_of(glob) + "/**/*"))


def _agent_folder_of(glob: str) -> str:
    parts = glob.split("/")
    fixed = next((i for i, p in enumerate(parts) if any(c in p for c in "*?[")), len(parts) - 1)
    return "/".join(parts[:fixed])


def _glob_regex(glob: str) -> str:
    parts = glob.split("/")
    out = "(?:^|/)" if not glob.startswith("/") else "^"
    for part in parts[:-1]:
        out += "(?:[^/]+/)*" if part == "**" else _segment(part) + "/"
    return out + _segment(parts[-1]) + "$"


def _segment(part: str) -> str:
    """One path segment of a glob: ``*``, ``?`` and ``[...]``/``[!...]`` (Gemini CLI skips a file
    whose name starts with '_': ``[!_]*.md``)."""
    out, i = "", 0
    while i < len(part):
        c, close = part[i], part.find("]", i + 2)
        if c == "[" and close > 0:
            inner = part[i + 1:close]
            out += f"[^/{re.escape(inner[1:])}]" if inner.startswith("!") else f"[{re.escape(inner)}]"
            i = close + 1
            continue
        out += "[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c)
        i += 1
    return out


def matching_glob(globs: tuple[str, ...], source: Source) -> str | None:
    """The first of ``globs`` (``--include`` / ``--exclude``) that matches ``source``: a glob
    with a '/' against the path below the walked folder, one without against the file name."""
    if not globs:
        return None
    path = os.path.normpath(source.path)
    if source.root and os.path.normpath(source.root) != os.curdir:
        path = os.path.relpath(path, source.root)
    posix = path.replace(os.sep, "/")
    name = posix.rsplit("/", 1)[-1]
    return next((g for g in globs if _path_glob(g).match(posix if "/" in g else name)), None)


@lru_cache(maxsize=256)
def _path_glob(glob: str) -> re.Pattern[str]:
    out, i = "", 0
    glob = glob.strip("/")
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        else:
            out, i = out + ("[^/]*" if glob[i] == "*" else "[^/]" if glob[i] == "?" else re.escape(glob[i])), i + 1
    return re.compile(out + "(?:/.*)?$", re.DOTALL)


def _never(source: Source, folder: tuple[str, int] | None) -> str | None:
    """Why a walked file is never an agent, whatever it holds: its name, or a folder it is in
    (below the walked root and outside any agent folder)."""
    path = source.path
    name = os.path.basename(path)
    what = _NEVER_NAMES.get(_stem(path)) \
        or next((w for e, w in _NEVER_ENDINGS.items() if name.lower().endswith(e)), None)
    if what and not (folder is not None and name == get_dialect(folder[0]).agent_file):
        return f"{name} is {what}, not an agent"
    parts = os.path.normpath(path).split(os.sep)
    root = os.path.normpath(source.root) if source.root else os.curdir
    first = 0 if root == os.curdir else len(root.split(os.sep))
    last = folder[1] if folder is not None else len(parts) - 1
    for i in range(first, last):
        kind = _NEVER_FOLDERS.get(parts[i].lower())
        if kind:
            return f"in {parts[i]}/, which holds {kind}: not agents"
    for i in range(first + 1, len(parts)):
        if _holds_skill(os.sep.join(parts[:i])):
            return f"in {parts[i - 1]}/, a skill folder (it holds SKILL.md): not agents"
    return None


@lru_cache(maxsize=4096)
def _holds_skill(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder or os.curdir, "SKILL.md"))


def forget_skill_folders() -> None:
    _holds_skill.cache_clear()


def _front_matter_text(text: str) -> str:
    try:
        split = frontmatter.split(text)
    except AgentconvError:
        return text          # never closed: let the parser report it
    return split.yaml if split else ""


def load_agent(data: bytes, read: str | None, path: str, *, trust_carry: bool = False,
               lenient_access: bool = False) -> Document:
    try:
        return loads(data, read, path=path, trust_carry=trust_carry, lenient_access=lenient_access)
    except DetectionError as exc:
        raise _precise(data, path, exc) from None


def _precise(data: bytes, path: str, exc: DetectionError) -> AgentconvError:
    """Detection says only that it is unsure; the reader of the dialect the folder names (or,
    when nothing tells, of Claude) says where the file breaks."""
    text = decode(data, path)[0]
    if not frontmatter.has_front_matter(text):
        return exc
    hinted = dialect_for_path(path)
    if hinted is None and exc.candidates:
        return exc
    try:
        get_dialect(hinted or "claude").read(text, path)
    except AgentconvError as error:
        return error.located(path)
    return exc


def prompt_files(sources: Iterable[Source], root_of: Callable[[str], str | None],
                 anywhere: bool = False) -> dict[str, str]:
    """Real path of each prompt file the agents among ``sources`` name (``{file:…}``,
    ``file://…``) → the file naming it: part of that agent, never an agent of its own,
    whatever dialect the run reads. ``root_of``: the project root of a source's path."""
    from .promptref import project_root, reading_outside_root
    found: dict[str, str] = {}
    for source in sources:
        folder = None if source.skip or source.error else _agent_folder(source.path, None)
        dialect = get_dialect(folder[0]) if folder is not None else None
        if dialect is None or getattr(dialect, "prompt_syntax", None) is None:
            continue
        try:
            with project_root(root_of(source.path), anywhere=anywhere or reading_outside_root()):
                doc = dialect.read(decode(read_source_bytes(source.path), source.path)[0], source.path)
        except AgentconvError:
            continue                  # converting it reports why
        for index, agent in enumerate(doc.agents):
            ref = dialect.prompt_reference(dialect.agent_trivia(doc.trivia, index, agent))
            if ref is not None and ref.text is not None and ref.target:
                found.setdefault(os.path.realpath(ref.target), source.path)
    return found
