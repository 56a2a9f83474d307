"""--carry style: formatting hints ride along, so a trip X → Y → X gives the original bytes
(issue 9, build item 2), for every fixture, seed and corpus file of the three dialects."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DIALECTS, fixture_files, fixture_id
from helpers import refuses
from test_corpus import CASES, _require

import agentconv


def _styled_trip(doc, path: Path, via: str) -> bytes:
    """doc → via → back with formatting hints carried, each file read where its tool reads
    it, by the user who wrote both (trust)."""
    middle = str(agentconv.get_dialect(via).output_path(doc.agent))
    text, _ = agentconv.to_dialect(doc, via, carry="style", path=middle)
    back, _ = agentconv.to_dialect(agentconv.loads(text, via, path=middle, trust_carry=True), doc.dialect,
                                   carry="style", path=str(path))
    return (("\ufeff" if doc.bom else "") + back).encode(doc.encoding)


def _assert_trips(path: Path, dialect: str | None) -> None:
    doc = agentconv.load(path, dialect)
    if any("read leniently" in w.message for w in doc.warnings):
        pytest.skip("front matter its own tool cannot parse: a trip back writes it valid")
    if doc.dialect != "prose" and agentconv.check_for(doc.dialect, path.read_bytes(), str(path)).fails:
        pytest.skip("a file its own tool misreads (a '-----' rule): a trip back writes what the tool reads")
    for via in DIALECTS:
        if via != doc.dialect and not refuses(doc, via):
            assert _styled_trip(doc, path, via) == path.read_bytes(), f"{doc.dialect}→{via}→{doc.dialect}"


@pytest.mark.parametrize("path", fixture_files(), ids=fixture_id)
def test_every_fixture_comes_back_byte_for_byte(path):
    _assert_trips(path, None)


@pytest.mark.parametrize("path, dialect", CASES)
def test_every_corpus_file_and_seed_comes_back_byte_for_byte(path, dialect):
    _require(path)
    _assert_trips(path, dialect)
