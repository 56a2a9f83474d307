"""Reference pages generated from data: ``docs/dialects/<name>.md`` per dialect and the
capability matrix ``docs/capabilities.md`` (issue 14). ``python -m agentconv.docs`` writes them
from a checkout; ``--check`` says which are out of date. ``tests/test_docs.py`` fails when the
committed pages differ from what this writes."""

from __future__ import annotations

import warnings
from pathlib import Path

COMMAND = "python -m agentconv.docs"


def repository() -> Path:
    """The checkout this package runs from (``src/agentconv`` inside it)."""
    return Path(__file__).resolve().parents[3]


def generate(fixtures: Path) -> dict[str, str]:
    """Every generated page, by its path below the repository (``docs/capabilities.md``)."""
    from ..losses import LossWarning
    from ..registry import dialect_names
    from . import matrix, pages
    names = dialect_names()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossWarning)      # losses are the data here, not noise
        out = {f"docs/dialects/{name}.md": pages.page(name) for name in names}
        measured, counts = matrix.measured(fixtures, names)
    out["docs/capabilities.md"] = matrix.render(measured, counts, names)
    return out


def stale(root: Path, pages: dict[str, str]) -> list[str]:
    """The pages whose file below ``root`` is missing or differs, and generated pages no dialect
    has any more."""
    differ = [p for p, text in pages.items() if _read(root / p) != text]
    folder = root / "docs" / "dialects"
    gone = sorted(p.relative_to(root).as_posix() for p in folder.glob("*.md")) if folder.is_dir() else []
    return differ + [p for p in gone if p not in pages]


def write(root: Path, pages: dict[str, str]) -> list[str]:
    """Write the pages that differ, remove the ones no dialect has; the paths changed."""
    changed = stale(root, pages)
    for path in changed:
        target = root / path
        if path in pages:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(pages[path], encoding="utf-8", newline="\n")
        else:
            target.unlink()
    return changed


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


__all__ = ["COMMAND", "generate", "repository", "stale", "write"]
