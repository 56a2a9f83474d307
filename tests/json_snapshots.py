"""Snapshots of the JSON dialects (kiro, opencode-json): each of their fixtures written in every
dialect, every shipped fixture written in them, as real files beside their loss lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import fixture_files, fixture_id
from helpers import refuses
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import agentconv
from agentconv.registry import dialect_names, get_dialect


class _Binary(SingleFileSnapshotExtension):
    _write_mode = WriteMode.BINARY


class JsonSnapshot(_Binary):
    file_extension = "json"


class MarkdownSnapshot(_Binary):
    file_extension = "md"


class TextSnapshot(_Binary):
    file_extension = "txt"


class YamlSnapshot(_Binary):
    file_extension = "yaml"


class LossesSnapshot(_Binary):
    file_extension = "jsonl"


def extension(target: str):
    suffix = get_dialect(target).extension
    return JsonSnapshot if suffix == ".json" else YamlSnapshot if suffix == ".yaml" else \
        TextSnapshot if target == "prose" else MarkdownSnapshot


def cases(own: list[Path], dialect: str) -> list:
    found = [pytest.param(path, target, id=f"{path.stem}-to-{target}") for path in own for target in dialect_names()]
    for path in fixture_files():
        stem = fixture_id(path).rsplit(".", 1)[0].replace("/", "-")
        found.append(pytest.param(path, dialect, id=f"{stem}-to-{dialect}"))
    return found


def render(path: Path, target: str) -> tuple[bytes, list]:
    """The file in ``target`` (a one-agent target: its agents one after the other)."""
    doc = agentconv.load(path)
    parts = [doc] if get_dialect(target).many_per_file else agentconv.each_agent(doc)
    texts, losses = [], []
    for part in parts:
        try:
            text, lost = agentconv.to_dialect(part, target)
        except agentconv.WideningError as refusal:      # a target that cannot withhold a tool
            assert refuses(part, target)
            text, lost = f"refused: {refusal}\n", []
        texts.append(text.encode(doc.encoding if target == doc.dialect else "utf-8"))
        losses += lost
    return b"".join(texts), losses


def check(path: Path, target: str, snapshot) -> None:
    output, losses = render(path, target)
    assert output == snapshot(extension_class=extension(target))
    lines = "".join(json.dumps({"agent": l.agent, "field": l.field, "kind": l.kind, "detail": l.detail},
                               ensure_ascii=False) + "\n" for l in losses)
    assert lines.encode("utf-8") == snapshot(extension_class=LossesSnapshot, name="losses")


def stale(module: str, all_cases: list) -> set[str]:
    folder = Path(__file__).parent / "__snapshots__" / module
    if not folder.is_dir():
        pytest.skip("no snapshots yet: run with --snapshot-update")
    expected = set()
    for case in all_cases:
        name = f"test_fixture[{case.id}]"
        expected |= {f"{name}.{extension(case.values[1]).file_extension}", f"{name}[losses].jsonl"}
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} - expected
