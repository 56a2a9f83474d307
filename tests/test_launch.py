"""The entry point converts one FILE without click (launch.py). Whatever it takes, it must do
exactly what click's ``convert`` does: the same output, messages, exit code and files, for
every command line it accepts; any other command line goes to click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agentconv.launch import one_file_options

CLAUDE = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read, Grep\nmodel: sonnet\ncolor: teal\n---\n" \
         "Be brief. \x1b[31mred\x1b[0m stays.\n"
BROKEN = "---\nname: [unclosed\ndescription: x\n---\nHi\n"
TWO = '{"agent": {"a": {"description": "A", "prompt": "Do a."}, "b": {"description": "B", "prompt": "Do b."}}}\n'
FAST = "from agentconv.launch import main"
CLICK = "from agentconv.cli import main"


@pytest.mark.parametrize("argv, taken", [
    (["convert", "a.md", "--to", "opencode"], True),
    (["convert", "--to=opencode", "a.md", "-q", "--strict", "--carry", "none", "--from", "claude"], True),
    (["convert", "a.md", "--to", "opencode", "-o", "out/", "--force", "--report", "json", "-v"], True),
    (["convert", "a.md"], False),                                   # no --to: click says what is missing
    (["convert", "a.md", "b.md", "--to", "opencode"], False),       # several files: a batch
    (["convert", "-", "--to", "opencode"], False),                  # stdin
    (["convert", "missing.md", "--to", "opencode"], False),         # click reports the path
    (["convert", "folder", "--to", "opencode"], False),
    (["convert", "a.md", "--to", "opencodex"], False),              # click's did-you-mean
    (["convert", "a.md", "--to", "opencode", "--to", "claude"], False),
    (["convert", "a.md", "--to", "opencode", "-q", "-v"], False),
    (["convert", "a.md", "--to", "opencode", "--carry", "all"], False),
    (["convert", "a.md", "--to", "opencode", "--dry-run"], False),
    (["convert", "a.md", "--to", "opencode", "--help"], False),
    (["convert", "a.md", "--to"], False),
    (["convert", "a.md", "--to", "-q"], False),
    (["--config", "x.toml", "convert", "a.md", "--to", "opencode"], False),
    (["check", "a.md"], False),
])
def test_only_a_one_file_command_line_is_taken_without_click(tmp_path, monkeypatch, argv, taken):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(CLAUDE)
    (tmp_path / "b.md").write_text(CLAUDE)
    (tmp_path / "folder").mkdir()
    assert (one_file_options(argv) is not None) == taken


SCENARIOS = [
    ("to-stdout", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "opencode"]),
    ("to-a-file", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "opencode", "-o", "out.md"]),
    ("into-a-folder", {"a.md": CLAUDE}, ["convert", "a.md", "--to=gemini", "-o", "out/"]),
    ("exists", {"a.md": CLAUDE, "out.md": "mine\n"}, ["convert", "a.md", "--to", "opencode", "-o", "out.md"]),
    ("forced", {"a.md": CLAUDE, "out.md": "mine\n"}, ["convert", "a.md", "--to", "opencode", "-o", "out.md",
                                                       "--force"]),
    ("strict", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "prose", "--strict"]),
    ("json", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "opencode", "--report", "json", "--no-carry"]),
    ("quiet", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "prose", "-q"]),
    ("verbose", {"a.md": CLAUDE}, ["convert", "a.md", "--to", "copilot", "-v", "--carry", "style"]),
    ("misread", {"a.md": CLAUDE}, ["convert", "a.md", "--from", "opencode", "--to", "claude"]),
    ("broken", {"a.md": BROKEN}, ["convert", "a.md", "--to", "opencode"]),
    ("config", {"a.md": CLAUDE, "agentconv.toml": 'carry = "none"\nstrict = true\n'},
     ["convert", "a.md", "--to", "opencode"]),
    ("bad-config", {"a.md": CLAUDE, "agentconv.toml": "carry = 5\n"}, ["convert", "a.md", "--to", "opencode"]),
    ("many-agents", {"opencode.json": TWO}, ["convert", "opencode.json", "--to", "claude", "-o", "out/"]),
]


def run(folder: Path, entry: str, argv: list[str]) -> tuple[int, str, str, dict[str, bytes]]:
    code = f"import sys\nsys.argv[0] = 'agentconv'\n{entry}\nmain()\n"
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=folder, capture_output=True, timeout=120)
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return done.returncode, done.stdout.decode(), done.stderr.decode(), files


@pytest.mark.parametrize("files, argv", [pytest.param(f, a, id=i) for i, f, a in SCENARIOS])
def test_the_click_free_path_does_what_clicks_convert_does(tmp_path, files, argv):
    outcomes = []
    for entry in (FAST, CLICK):
        folder = tmp_path / ("fast" if entry is FAST else "click")
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        outcomes.append(run(folder, entry, argv))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1] or outcomes[0][2]          # each scenario says something


def test_escape_sequences_in_a_prompt_reach_a_pipe_unchanged(tmp_path):
    (tmp_path / "a.md").write_text(CLAUDE)
    for entry in (FAST, CLICK):
        code, out, _, _ = run(tmp_path, entry, ["convert", "a.md", "--to", "opencode"])
        assert code == 0 and "\x1b[31mred\x1b[0m stays." in out
