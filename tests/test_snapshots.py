"""Every fixture written in each of the three dialects, as real files a reviewer can read in
the diff: ``test_fixture[<fixture>-to-<target>].md|txt`` with its loss list beside it
(``...[losses].jsonl``).

Update with ``pytest tests/test_snapshots.py --snapshot-update`` and read what changed.
Binary mode: text mode would turn CRLF outputs into LF and hide exactly what identity keeps.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DIALECTS, fixture_files, fixture_id
from helpers import refuses
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import agentconv


class _BinarySnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.BINARY


class MarkdownSnapshot(_BinarySnapshot):
    file_extension = "md"


class TextSnapshot(_BinarySnapshot):
    file_extension = "txt"


class YamlSnapshot(_BinarySnapshot):
    file_extension = "yaml"


class TomlSnapshot(_BinarySnapshot):
    file_extension = "toml"


class LossesSnapshot(_BinarySnapshot):
    file_extension = "jsonl"


OUTPUT_EXTENSION = {"claude": MarkdownSnapshot, "opencode": MarkdownSnapshot, "prose": TextSnapshot,
                    "copilot": MarkdownSnapshot, "augment": MarkdownSnapshot, "cline": YamlSnapshot,
                    "junie": MarkdownSnapshot, "cursor": MarkdownSnapshot, "factory": MarkdownSnapshot,
                    "kiro-ide": MarkdownSnapshot, "trae": MarkdownSnapshot, "gemini": MarkdownSnapshot,
                    "qwen": MarkdownSnapshot, "antigravity": MarkdownSnapshot, "codex": TomlSnapshot,
                    "vibe": TomlSnapshot}


def _case_id(path, target: str) -> str:
    stem = fixture_id(path).rsplit(".", 1)[0].replace("/", "-")
    return f"{stem}-to-{target}"


CASES = [pytest.param(path, target, id=_case_id(path, target)) for path in fixture_files() for target in DIALECTS]


def losses_as_json_lines(losses) -> bytes:
    return "".join(json.dumps({"field": l.field, "kind": l.kind, "detail": l.detail}, ensure_ascii=False) + "\n"
                   for l in losses).encode("utf-8")


@pytest.mark.parametrize("path, target", CASES)
def test_fixture(path, target, snapshot):
    """test_fixture[<fixture>-to-<target>].md|txt and, beside it, ...[losses].jsonl"""
    doc = agentconv.load(path)
    try:
        text, losses = agentconv.to_dialect(doc, target)
    except agentconv.WideningError as refusal:      # a target that cannot withhold a tool
        assert refuses(doc, target)
        text, losses = f"refused: {refusal}\n", []
    output = text.encode(doc.encoding if target == doc.dialect else "utf-8")
    assert output == snapshot(extension_class=OUTPUT_EXTENSION.get(target, MarkdownSnapshot))
    assert losses_as_json_lines(losses) == snapshot(extension_class=LossesSnapshot, name="losses")


def test_no_stale_snapshot_files():
    """syrupy does not see unused files of per-call extensions: a renamed fixture would leave
    its old outputs behind, so compare the folder with the cases."""
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots"
    if not folder.is_dir():
        pytest.skip("no snapshots yet: run with --snapshot-update")
    expected = set()
    for case in CASES:
        name = f"test_fixture[{case.id}]"
        extension = OUTPUT_EXTENSION.get(case.values[1], MarkdownSnapshot).file_extension
        expected |= {f"{name}.{extension}", f"{name}[losses].jsonl"}
    present = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    assert present - expected == set(), "stale snapshots: delete them"
