"""Dialect lookup (with did-you-mean) and detection that refuses to guess."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .errors import AgentconvError, DetectionError, ParseError, SchemaError, UnknownDialectError
from .lazyre import compile_later
from .paths import as_posix

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

    from .dialects.base import Dialect
    from .document import Document

#: agentconv's own dialects: name -> module, imported on first use so start-up stays cheap
SHIPPED: dict[str, str] = {
    "claude": "agentconv.dialects.claude",
    "opencode": "agentconv.dialects.opencode",
    "prose": "agentconv.dialects.prose",
    "claude-json": "agentconv.dialects.claude_json",
    "copilot": "agentconv.dialects.copilot",
    "deepagents": "agentconv.dialects.deepagents",
    "augment": "agentconv.dialects.augment",
    "cline": "agentconv.dialects.cline",
    "junie": "agentconv.dialects.junie",
    "cursor": "agentconv.dialects.cursor",
    "factory": "agentconv.dialects.factory",
    "kiro-ide": "agentconv.dialects.kiro_ide",
    "trae": "agentconv.dialects.trae",
    "gemini": "agentconv.dialects.gemini",
    "qwen": "agentconv.dialects.qwen",
    "antigravity": "agentconv.dialects.antigravity",
    "kiro": "agentconv.dialects.kiro",
    "opencode-json": "agentconv.dialects.opencode_json",
    "roo": "agentconv.dialects.roo",
    "kilo": "agentconv.dialects.kilo",
    "zoo": "agentconv.dialects.zoo",
    "bob": "agentconv.dialects.bob",
    "codex": "agentconv.dialects.codex",
    "vibe": "agentconv.dialects.vibe",
}
ALIASES = {"claude-agents": "claude-json", "claude-code": "claude", "claudecode": "claude", "open-code": "opencode",
           "plain": "prose", "github-copilot": "copilot",
           "deep-agents": "deepagents",
           "droid": "factory", "factory-droid": "factory",
           "gemini-cli": "gemini", "qwen-code": "qwen", "agy": "antigravity",
           "kiro-cli": "kiro", "opencode.json": "opencode-json",
           "roo-code": "roo", "roomodes": "roo", "kilo-code": "kilo", "kilocode": "kilo",
           "zoo-code": "zoo", "ibm-bob": "bob",
           "codex-cli": "codex", "mistral-vibe": "vibe"}




class _WithPlugins(dict[str, str]):
    """The shipped dialects, and the plugin dialects (``plugins.py``) from the moment anything
    asks for every dialect or for a name agentconv does not ship: asking for a shipped one by
    name loads no plugin."""

    loaded = False

    def load(self) -> None:
        if not self.loaded:
            self.loaded = True          # first: a plugin's import may ask for the dialects
            from .plugins import load_plugins
            load_plugins(self, frozenset(SHIPPED) | frozenset(ALIASES))

    def __iter__(self) -> Iterator[str]:
        self.load()
        return super().__iter__()

    def __len__(self) -> int:
        self.load()
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        if not super().__contains__(key):
            self.load()
        return super().__contains__(key)

    def __getitem__(self, key: str) -> str:
        if not super().__contains__(key):
            self.load()
        return super().__getitem__(key)

    def keys(self) -> dict_keys[str, str]:
        self.load()
        return super().keys()

    def values(self) -> dict_values[str, str]:
        self.load()
        return super().values()

    def items(self) -> dict_items[str, str]:
        self.load()
        return super().items()


#: every dialect: name -> module (the shipped ones, then plugins')
DIALECTS: dict[str, str] = _WithPlugins(SHIPPED)


def dialect_names() -> list[str]:
    return list(DIALECTS)


@cache
def _instance(name: str) -> Dialect:
    from .dialects.base import REGISTRY
    importlib.import_module(DIALECTS[name])
    return REGISTRY[name]()


def get_dialect(dialect: str | Dialect) -> Dialect:
    if type(dialect) is str and dialect in _NAMED:     # the engine asks thousands of times per batch
        return _NAMED[dialect]
    from .dialects.base import Dialect
    if isinstance(dialect, Dialect):
        return dialect
    if isinstance(dialect, type) and issubclass(dialect, Dialect):
        return dialect()
    key = str(dialect).strip().lower()
    key = ALIASES.get(key, key)
    if key not in DIALECTS:
        raise UnknownDialectError(str(dialect), list(DIALECTS) + list(ALIASES))
    if type(dialect) is str:
        _NAMED[dialect] = _instance(key)
    return _instance(key)


_NAMED: dict[str, Dialect] = {}


@lru_cache(maxsize=256)
def dialect_for_path(path: str | None) -> str | None:
    """The one dialect a path's folders (or, for a hint ``*.x``, its file name's ending) point at
    (``.claude/agents/x.md`` → claude, ``review.agent.md`` → copilot)."""
    if not path:
        return None
    hits = dialects_for_path(path)
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=256)
def dialects_for_path(path: str | None) -> tuple[str, ...]:
    """Every dialect a path's hints point at (``.roomodes``: Roo Code and Zoo Code)."""
    if not path:
        return ()
    posix = as_posix(path)
    folders, endings = _folder_hinted(posix.rpartition("/")[0]), _ending_hinted(posix)
    return tuple(n for n in DIALECTS if n in folders or n in endings)


# A tree's files share a few folders: folder hints are matched once per folder, not once per
# file. A folder hint ``x/`` can only end at a slash, so it lies inside the folder part.

@lru_cache(maxsize=1024)
def _folder_hinted(folder: str) -> frozenset[str]:
    within = "/" + folder + "/" if folder else "/"
    return frozenset(n for n in DIALECTS if any(not h.startswith("*") and h.rstrip("/") + "/" in within
                                                for h in _path_hints(n)))


def _ending_hinted(posix: str) -> tuple[str, ...]:
    return tuple(n for n, ending in _endings() if posix.endswith(ending))


@lru_cache(maxsize=1)
def _endings() -> tuple[tuple[str, str], ...]:
    """(dialect, ending) of every ``*ending`` hint (``*.agent.md``)."""
    return tuple((n, h[1:]) for n in DIALECTS for h in _path_hints(n) if h.startswith("*"))


def _path_hints(name: str) -> tuple[str, ...]:
    from ._dialectindex import PATH_HINTS  # generated (dialectindex.py): no dialect is imported
    hints = PATH_HINTS.get(name)
    return hints if hints is not None else get_dialect(name).path_hints


def _may_claim(text: str) -> list[str]:
    """The dialects whose claim gate ``text`` passes (``Dialect.claim_gate``, generated into
    ``_dialectindex.py``): every other one claims NO_CLAIM, so it need not even be imported."""
    from ._dialectindex import CLAIM_GATES
    from .formats.gates import ANY, GateFacts
    facts = GateFacts(text)
    return [n for n in DIALECTS if facts.passes(CLAIM_GATES.get(n) or ANY)]


_INDENTED_OPENING = re.compile(r"[ \t]+---[ \t]*\r?\n")
_CLOSING_LINE = compile_later(r"^[ \t]*---[ \t]*\r?$", re.MULTILINE)


def _raise_what_breaks(text: str, path: str | None) -> None:
    """When no dialect claims front matter because every reader refuses it (a duplicate
    key, say), that error is the one to show, not "cannot tell which dialect"."""
    errors = []
    for name in _front_matter_dialects():
        try:
            get_dialect(name).read(text, path)
            return
        except ParseError as exc:
            errors.append(exc)
        except AgentconvError:
            return
    if errors and len({(e.message, e.line) for e in errors}) == 1:
        raise errors[0]


def _raise_what_the_file_dialects_refuse(text: str, path: str | None) -> None:
    """A file only container dialects' paths name (``.roomodes``) that all of them refuse is
    no prose brief: the first refusal is the error to show."""
    hits = dialects_for_path(path)
    if not hits or not all(get_dialect(n).many_per_file for n in hits):
        return
    for name in hits:
        try:
            get_dialect(name).read(text, path)
            return
        except (ParseError, SchemaError) as exc:
            raise exc
        except AgentconvError:
            continue


def _front_matter_dialects() -> list[str]:
    from .dialects.base import MarkdownDialect
    return [n for n in DIALECTS if isinstance(get_dialect(n), MarkdownDialect)]


def detect(text: str, path: str | None = None) -> str:
    """Tell the dialect from the path and the content; raise DetectionError when unsure."""
    return detect_and_read(text, path)[0]


def detect_and_read(text: str, path: str | None = None, *,
                    trust_carry: bool = False) -> tuple[str, Document | None]:
    """``detect``, with the document when telling the dialect meant reading it whole (a path
    hint), so that loading a file does not read it twice."""
    if "\x00" in text:
        raise DetectionError("this is a binary file, not an agent definition", path=path)
    if not text.strip():
        raise DetectionError("the file is empty", path=path)
    if _INDENTED_OPENING.match(text) and _CLOSING_LINE.search(text, text.index("---") + 3):
        raise ParseError("the front matter's opening '---' is indented: no tool reads it as front matter, "
                         "so the whole file would be taken for a prose brief", path=path, line=1, column=1,
                         hint="remove the spaces before '---' (or pass --from prose to read it as text)")
    hinted = dialect_for_path(path)
    if hinted is not None:
        try:
            doc = get_dialect(hinted).read(text, path, trust_carry=trust_carry)
            # a markdown dialect's file without front matter is a brief; a container has none
            if hinted != "prose" and not get_dialect(hinted).many_per_file and get_dialect("prose").sniff(text):
                raise AgentconvError("no front matter")
            return hinted, doc
        except (ParseError, SchemaError) as exc:
            if get_dialect(hinted).many_per_file:
                raise exc        # a file of modes its tool refuses is no prose brief: say why
        except AgentconvError:
            pass
    claims = {n: get_dialect(n).claim(text) for n in _may_claim(text)}
    strongest = max(claims.values(), default=0)
    candidates = [n for n, c in claims.items() if c == strongest and c > 0]
    if candidates == ["prose"]:
        _raise_what_the_file_dialects_refuse(text, path)
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        from .formats.frontmatter import has_front_matter
        if has_front_matter(text):
            _raise_what_breaks(text, path)
            raise DetectionError("cannot tell which dialect this is: its front matter has no key "
                                 "that tells", path=path, candidates=_front_matter_dialects())
        raise DetectionError("cannot tell which dialect this is: it matches none", path=path)
    raise DetectionError("cannot tell which dialect this is: its front matter mixes keys of several "
                         "dialects" if strongest > 1 else "cannot tell which dialect this is: the content "
                         "fits several", candidates=candidates, path=path)
