"""What a dialect's ``REFERENCE.md`` states, for its generated page: the facts themselves (its
text, headings one level down), the sources it cites and the client it names."""

from __future__ import annotations

import re

from ..data import data_root

_URL = re.compile(r"https?://[^\s)>`|,;\"]+|\b(?:[a-z0-9-]+\.)+(?:com|dev|ai|google|io|org|net)/[^\s)>`|,;\"]*")
_HOST_AND_PATH = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:com|dev|ai|google|io|org|net)) `([^`\s]+)`")
_RESEARCH = re.compile(r"\b((?:dialects|refresh-2026-12|corpus)\.md)`?(?: (§\d[\d.]*[a-z]?))?")
_JUDGE = re.compile(r"(?:\.\./shared/oracles/[\w.-]+\.sh|tests/judges/[\w.-]+\.sh|tests/oracles/[\w.-]+\.py"
                    r"|tests/test_[\w]+\.py)")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def text(dialect: str) -> str:
    path = data_root() / dialect / "REFERENCE.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def body(dialect: str) -> str:
    """The reference without its title, each heading one level lower (under the page's own)."""
    lines = text(dialect).splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join("#" + line if line.startswith("#") else line for line in lines).strip()


def web_sources(dialect: str) -> list[str]:
    """Documentation pages the reference cites, as links, in order of first mention."""
    found = [f"{host}/{path}" for host, path in _HOST_AND_PATH.findall(text(dialect))]
    found += [m.rstrip(".") for m in _URL.findall(text(dialect))]
    return list(dict.fromkeys(url if url.startswith("http") else "https://" + url for url in found))


def research_notes(dialect: str) -> list[str]:
    """The project's research notes it cites (``refresh-2026-12.md §3.3``)."""
    cited = list(dict.fromkeys(f"{name} {part}".strip() for name, part in _RESEARCH.findall(text(dialect))))
    cited = [c.rstrip(".") for c in cited]
    return [c for c in cited if " " in c or not any(o.startswith(c + " ") for o in cited)]


def judges(dialect: str) -> list[str]:
    """The scripts and tests that ran the real client on crafted or converted files."""
    return list(dict.fromkeys(_JUDGE.findall(text(dialect))))


def named_clients(dialect: str) -> list[str]:
    """The clients its first paragraph names in bold (``**@github/copilot 1.0.102**``)."""
    paragraphs = [p for p in text(dialect).split("\n\n") if p.strip() and not p.startswith("# ")]
    return _BOLD.findall(paragraphs[0]) if paragraphs else []
