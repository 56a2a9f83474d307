"""The built wheel ships the dialect data (top-level ``dialects/`` → ``agentconv/_data/dialects``)
and works on its own. Runs in CI: it needs no network (hatchling from the test environment)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = list(out.glob("agentconv-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_ships_every_dialect_folder(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "dialects").rglob("*") if p.is_file()}
    assert shipped, "the repository has no dialect data"
    for data in sorted(shipped):
        assert "agentconv/_data/" + data in names, data
    for dialect in ("claude", "opencode", "copilot"):
        assert f"agentconv/_data/dialects/{dialect}/mapping.toml" in names


def test_wheel_has_the_package_and_the_console_script(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert {"agentconv/__init__.py", "agentconv/cli.py", "agentconv/dialects/claude.py"} <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "agentconv = agentconv.launch:main" in archive.read(entry_points).decode()
    assert not any(n.startswith(("tests/", "fixtures/")) for n in names)


def test_wheel_marks_the_package_typed(wheel):
    """PEP 561: with py.typed a type checker reads agentconv's own annotations."""
    assert "agentconv/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_unpacked_wheel_reads_its_own_data(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = ("import agentconv, agentconv.data as d; "
             "print(d.data_root()); "
             "print(agentconv.convert('---\\nname: a\\ndescription: b\\ntools: Read\\nmodel: sonnet\\n---\\nx\\n', "
             "to='opencode', on_loss='ignore'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root, text = done.stdout.split("\n", 1)
    assert Path(root) == tmp_path / "agentconv" / "_data" / "dialects"
    assert "model: anthropic/claude-sonnet-5" in text and "read: allow" in text
