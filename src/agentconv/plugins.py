"""Third-party dialects: classes named by entry points of the ``agentconv.dialects`` group.

Loaded once, the first time anything asks for every dialect (detection, a tree walk, an unknown
``--to``), never for ``--help`` or ``--version``. A plugin only adds: one that does not load, is
no ``Dialect`` subclass or takes a name agentconv already uses is skipped with a warning naming
its distribution and entry point, and a shipped dialect is never replaced.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Protocol

from .structs import struct

if TYPE_CHECKING:
    from .dialects.base import Dialect

GROUP = "agentconv.dialects"


class PluginWarning(UserWarning):
    """A plugin dialect that was skipped, and why."""


class DialectNameClash(TypeError):
    """A dialect class takes a name agentconv's own dialects (or their aliases) use."""


class EntryPoint(Protocol):
    """What the loader uses of an ``importlib.metadata.EntryPoint``."""

    name: str
    value: str

    def load(self) -> object: ...


@struct(frozen=True)
class Plugin:
    """Where a plugin dialect came from, as ``agentconv dialects`` shows it."""

    name: str
    distribution: str
    entry_point: str


#: plugin dialect name -> where it came from
PLUGINS: dict[str, Plugin] = {}
#: why each skipped plugin was skipped (also warned, once)
PROBLEMS: list[str] = []


def load_plugins(into: MutableMapping[str, str], taken: frozenset[str]) -> None:
    """Add every plugin dialect to ``into`` (dialect name -> module), refusing the ``taken``
    names (the shipped dialects and their aliases) and names an earlier plugin took."""
    for entry, distribution in _entry_points():
        problem = _register(entry, distribution, into, taken)
        if problem is not None:
            PROBLEMS.append(problem)
            warnings.warn(problem, PluginWarning, stacklevel=2)


def _register(entry: EntryPoint, distribution: str, into: MutableMapping[str, str],
              taken: frozenset[str]) -> str | None:
    """Load one entry point into ``into``; why not, when it cannot be."""
    where = f"plugin dialect {entry.name!r} (entry point '{entry.name} = {entry.value}' of {distribution})"
    if entry.name in taken:
        return f"{where}: the name {entry.name!r} is taken by a dialect agentconv ships (or an alias of one); skipped"
    if entry.name in PLUGINS:
        first = PLUGINS[entry.name]
        return f"{where}: the name {entry.name!r} is taken by '{first.entry_point}' of {first.distribution}; skipped"
    try:
        loaded = entry.load()
    except DialectNameClash as exc:
        return f"{where}: {exc}; skipped"
    except Exception as exc:            # any failure of third-party code must not stop a run
        return f"{where} cannot be loaded ({type(exc).__name__}: {exc}); skipped"
    problem = _not_a_dialect(loaded, entry.name)
    if problem is not None:
        return f"{where}: {problem}; skipped"
    assert isinstance(loaded, type)
    into[entry.name] = loaded.__module__
    PLUGINS[entry.name] = Plugin(entry.name, distribution, f"{entry.name} = {entry.value}")
    return None


def _not_a_dialect(loaded: object, name: str) -> str | None:
    from .dialects.base import REGISTRY, Dialect
    if not (isinstance(loaded, type) and issubclass(loaded, Dialect)):
        return f"{loaded!r} is not a subclass of agentconv.dialects.base.Dialect"
    own = loaded.__dict__.get("name")
    if own != name:
        return (f"the class names itself {own!r}, not {name!r}: a dialect registers under the name "
                "its own class sets, which its entry point must repeat")
    if REGISTRY.get(name) is not loaded:
        return f"another class is registered as {name!r}"
    return None


def is_plugin(name: str) -> bool:
    return name in PLUGINS


# -------------------------------------------------------------------------------- discovery

def _entry_points() -> Iterator[tuple[EntryPoint, str]]:
    """The group's entry points with their distribution's name and version, sorted by name."""
    if not _may_declare(GROUP):
        return
    from importlib.metadata import entry_points
    found: dict[tuple[str, str], tuple[EntryPoint, str]] = {}
    for entry in entry_points(group=GROUP):
        dist = entry.dist
        label = "an unknown distribution" if dist is None else f"distribution {dist.metadata['Name']} {dist.version}"
        found.setdefault((entry.name, entry.value), (entry, label))
    yield from (found[key] for key in sorted(found))


def _may_declare(group: str) -> bool:
    """Whether an installed distribution may declare ``group``, told from the ``entry_points.txt``
    files on ``sys.path`` (importing importlib.metadata costs ~20 ms a run: more than a tenth of
    converting one file). Anything this cannot look into says yes, so nothing is missed."""
    from importlib.machinery import PathFinder
    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return True
    return any(_declares(folder, group) for folder in sys.path)


def _declares(folder: str, group: str) -> bool:
    folder = folder or os.curdir
    if folder.endswith(".egg") or os.path.isfile(folder):
        return True                     # an egg or a zip: importlib.metadata reads inside
    try:
        entries: Iterable[os.DirEntry[str]] = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.name.lower().endswith((".dist-info", ".egg-info")) and entry.is_dir():
            try:
                with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
                    if group in f.read():
                        return True
            except OSError:
                continue
    return False


def describe(dialect: Dialect) -> str:
    """The title ``agentconv dialects`` shows: a plugin's says so, and where it came from."""
    plugin = PLUGINS.get(dialect.name)
    return dialect.title if plugin is None else f"{dialect.title} [plugin: {plugin.distribution}]"
