"""Workers for large batches: a run with workers reports and writes exactly what a run one
file at a time does, in the same order (conflicts, failures, skips, existing outputs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import make_tree

from agentconv import batch
from agentconv.batch import iter_convert_tree
from agentconv.errors import AgentconvError

pytestmark = pytest.mark.skipif(not batch._can_fork(), reason="workers are forked; this platform cannot fork")


def _agent(name: str, description: str = "Reviews code.", **keys: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\nYou review code.\n"


def _tree(root: Path, n: int) -> Path:
    files: dict[str, str | bytes] = {}
    for i in range(n):
        files[f".claude/agents/a{i:03d}.md"] = _agent(f"agent-{i:03d}", tools="Read, Grep, Bash(git diff:*)",
                                                     model="sonnet", color="blue")
    files[".claude/agents/a005.md"] = _agent("agent-007")                  # conflicts with a007
    files[".claude/agents/a006.md"] = _agent("Agent-007")                  # case-only clash
    files[".claude/agents/a011.md"] = "---\nname: x\nname: y\ndescription: d\n---\nBody.\n"   # fails
    files[".claude/agents/a013.md"] = _agent("colon", "Use when: the build breaks")        # lenient
    files[".claude/agents/README.md"] = "# Agents\n"                                         # skipped
    files[".claude/agents/logo.png"] = b"\x89PNG\r\n\x1a\n\x00"                               # skipped
    files["out/.opencode/agent/agent-020.md"] = "something else\n"                          # exists
    return make_tree(root, files)


def _outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def small_chunks(monkeypatch):
    """Workers from 8 files on, 3 files a chunk: many chunks in flight on a small tree."""
    monkeypatch.setattr(batch, "PARALLEL_AT", 8)
    monkeypatch.setattr(batch, "CHUNK", 3)
    started = []
    from concurrent import futures

    class Recording(futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args[0] if args else kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Recording)
    return started


def _run(tmp_path: Path, name: str, jobs: int, **options) -> tuple[list[dict], dict[str, bytes]]:
    root = _tree(tmp_path / name, 40)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        results = [r.model_dump() for r in iter_convert_tree([".claude"], "out", to="opencode", jobs=jobs, **options)]
    finally:
        os.chdir(cwd)
    return results, _outputs(root / "out")


@pytest.mark.parametrize("options", [{}, {"force": True}, {"check": True}, {"diff": True}, {"strict": True}],
                         ids=["write", "force", "check", "diff", "strict"])
def test_workers_give_the_results_and_files_of_one_at_a_time(tmp_path, small_chunks, options):
    serial = _run(tmp_path, "serial", 1, **options)
    parallel = _run(tmp_path, "parallel", 2, **options)
    assert small_chunks == [2]                       # the pool did run
    assert parallel == serial
    statuses = {r["status"] for r in serial[0]}
    assert {"failed", "skipped"} <= statuses
    if not options:
        assert {"converted", "conflict", "exists"} <= statuses


def test_small_batches_stay_in_process(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_AT", 1000)
    _run(tmp_path, "small", 2)
    assert small_chunks == []


def _die(chunk):
    os._exit(3)


def test_a_worker_that_dies_leaves_the_rest_to_this_process(tmp_path, small_chunks, monkeypatch):
    serial = _run(tmp_path, "serial", 1)
    monkeypatch.setattr(batch, "_prepare_chunk", _die)
    assert _run(tmp_path, "broken", 2) == serial


def test_jobs_must_be_positive(tmp_path):
    with pytest.raises(AgentconvError, match="at least 1"):
        list(iter_convert_tree([tmp_path], tmp_path / "out", to="opencode", jobs=0))


def test_cli_jobs_give_the_same_output_exit_code_and_report(tmp_path, small_chunks):
    from click.testing import CliRunner

    from agentconv.cli import cli
    runs = []
    for jobs in ("1", "2"):
        root = _tree(tmp_path / f"cli{jobs}", 40)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            result = CliRunner().invoke(cli, ["convert", ".claude", "--to", "opencode", "-o", "out", "-v",
                                              "-j", jobs], catch_exceptions=False)
        finally:
            os.chdir(cwd)
        runs.append((result.exit_code, result.stdout, result.stderr, _outputs(root / "out")))
    assert small_chunks == [2]
    assert runs[0] == runs[1]
    assert runs[0][0] == 1 and "conflict" in runs[0][2]


def test_workers_on_a_whole_repository_with_out_inside_match_one_at_a_time(tmp_path, small_chunks):
    """Triage, OUT's layout folders and the files a run writes into the walked tree are
    decided alike with workers: a second run converts nothing new either way."""
    runs = []
    for jobs in (1, 2):
        root = _tree(tmp_path / f"repo{jobs}", 40)
        make_tree(root, {"skills/x/SKILL.md": _agent("skill"), "docs/page.md": "---\ntitle: T\ndescription: D\n---\n",
                         "CLAUDE.md": _agent("project"), "agents/old.md": _agent("old")})
        cwd = os.getcwd()
        os.chdir(root)
        try:
            first = [r.model_dump() for r in iter_convert_tree(["."], "out", to="prose", jobs=jobs)]
            second = [r.model_dump() for r in iter_convert_tree(["."], "out", to="opencode", jobs=jobs)]
        finally:
            os.chdir(cwd)
        runs.append((first, second, _outputs(root / "out")))
    assert small_chunks == [2, 2]
    assert runs[0] == runs[1]
    first, second, _ = runs[0]
    assert {r["source"] for r in first if r["status"] == "converted"} == \
        {r["source"] for r in second if r["status"] in ("converted", "unchanged", "exists")}
