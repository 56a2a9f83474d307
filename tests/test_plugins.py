"""Plugin dialects (issue 14, item 3): the example plugin of ``tests/plugin_example`` installed
into a folder of its own (never into the venv) and run through ``agentconv`` in a fresh process
with that folder on PYTHONPATH: detection, identity, A -> B with losses; and plugins that are
broken in every way a plugin can be, each a warning naming it, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent / "plugin_example"
QUILL = """---
name: scribe
description: Writes release notes.
model: anthropic/claude-sonnet-4-5
tools: [open, search, find]
rounds: 12
---
Write the notes from the merged pull requests.
"""
CLAUDE = """---
name: reviewer
description: Reviews diffs.
tools: Read, Grep, Bash(git diff:*)
model: sonnet
color: blue
permissionMode: plan
---
Be brief.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin, installed into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                           "--no-index", "--target", str(target), str(EXAMPLE)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return target


def run(cwd: Path, *args: str, path: list[Path] = (), stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    return subprocess.run([sys.executable, "-m", "agentconv", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / ".quill" / "agents").mkdir(parents=True)
    (tmp_path / ".quill" / "agents" / "scribe.md").write_text(QUILL)
    (tmp_path / ".claude" / "agents").mkdir(parents=True)
    (tmp_path / ".claude" / "agents" / "reviewer.md").write_text(CLAUDE)
    (tmp_path / "notes").mkdir()
    # no path hint: its own key tells
    (tmp_path / "notes" / "scribe.md").write_text("---\nname: scribe\ndescription: Notes.\nrounds: 3\n---\nGo.\n")
    return tmp_path


def test_a_plugin_dialect_is_detected_by_path_and_by_its_own_key(site, project):
    done = run(project, "detect", ".quill/agents/scribe.md", "notes/scribe.md", ".claude/agents/reviewer.md",
               path=[site])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [".quill/agents/scribe.md\tquill", "notes/scribe.md\tquill",
                                        ".claude/agents/reviewer.md\tclaude"]


def test_without_the_plugin_its_dialect_is_unknown(project):
    done = run(project, "convert", ".claude/agents/reviewer.md", "--to", "quill")
    assert done.returncode == 2 and "quill" in done.stderr


def test_a_plugin_dialect_writes_its_files_back_byte_for_byte(site, project):
    done = run(project, "check", ".quill/agents/scribe.md", path=[site])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok\t.quill/agents/scribe.md\tquill")


@pytest.mark.parametrize("source, to, text, losses", [
    (".quill/agents/scribe.md", "claude",
     "---\nname: scribe\ndescription: Writes release notes.\ntools: Glob, Grep, Read\nmodel: claude-sonnet-4-5\n"
     "maxTurns: 12\n---\nWrite the notes from the merged pull requests.\n", set()),
    (".claude/agents/reviewer.md", "quill", None,
     # Claude Code grants Bash whole whatever pattern an agent's tools give it: no narrowing
     {("color", "carried"), ("permission_mode", "carried"), ("tools", "formatting")}),
])
def test_a_plugin_dialect_converts_both_ways_and_reports_its_losses(site, project, source, to, text, losses):
    done = run(project, "convert", source, "--to", to, "--report", "json", path=[site])
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stderr)["files"][0]
    assert {(l["field"], l["kind"]) for l in report["losses"] if l["kind"] != "defaulted"} == losses
    if text is not None:
        assert done.stdout == text
    else:
        assert "tools:\n- open\n- shell\n- search\n" in done.stdout and "rounds" not in done.stdout
        assert "# agentconv: for converting back to Claude Code" in done.stdout


def test_a_tree_converts_into_the_plugin_layout_and_back(site, project, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    done = run(project, "convert", ".claude", "--to", "quill", "-o", str(out), path=[site])
    assert done.returncode == 0, done.stderr
    written = out / ".quill" / "agents" / "reviewer.md"
    back = run(project, "convert", str(written), "--to", "claude", "--trust-carry", path=[site])
    assert back.returncode == 0, back.stderr
    # what Quill cannot say comes back from the carry (tools in another order); the model is the
    # same one, as Claude spells it
    def lines(text: str) -> list[object]:
        return [sorted(line[len("tools: "):].split(", ")) if line.startswith("tools:") else line
                for line in text.splitlines() if not line.startswith("model:")]
    assert lines(back.stdout) == lines(CLAUDE)
    models = [json.loads(run(project, "inspect", "-", path=[site], stdin=text).stdout)["agents"][0]["model"]
              for text in (back.stdout, CLAUDE)]
    assert models[0] == models[1]


def test_agentconv_dialects_marks_a_plugin_as_one(site, project):
    lines = run(project, "dialects", path=[site]).stdout.splitlines()
    quill = [line for line in lines if line.startswith("quill\t")]
    assert quill and "[plugin: distribution agentconv-quill 0.1.0]" in quill[0]
    assert not [line for line in lines if "[plugin" in line and not line.startswith("quill\t")]


# -------------------------------------------------------------------------------- broken plugins

def fake_plugin(root: Path, dist: str, entry: str, module: str, code: str) -> Path:
    """A distribution on ``root``: its dist-info declaring ``entry`` and the module it names."""
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[agentconv.dialects]\n{entry}\n")
    (root / f"{module}.py").write_text(code)
    return root


MARKED = "import pathlib, os; pathlib.Path(os.environ['MARK']).write_text('imported')\n"
BROKEN = [
    ("import-error", "bad = broken_mod:Bad", "broken_mod", "import no_such_module\n",
     "cannot be loaded (ModuleNotFoundError: No module named 'no_such_module')"),
    ("clash", "claude = clash_mod:Claude", "clash_mod", "raise SystemExit('never imported')\n",
     "the name 'claude' is taken by a dialect agentconv ships"),
    ("clash-inside", "claude2 = inside_mod:Impostor", "inside_mod",
     "from agentconv.dialects.base import MarkdownDialect\nclass Impostor(MarkdownDialect):\n    name = 'claude'\n",
     "names itself 'claude', which is a dialect agentconv ships"),
    ("alias-clash", "claude-code = alias_mod:X", "alias_mod", "",
     "the name 'claude-code' is taken by a dialect agentconv ships"),
    ("twice", "twice = twice_mod:A\ntwice = twice_mod:B", "twice_mod",
     "from agentconv.dialects.base import MarkdownDialect\nclass A(MarkdownDialect):\n    name = 'twice'\n"
     "B = A\n", "the name 'twice' is taken by 'twice = twice_mod:A' of distribution twice 1.0"),
    ("not-a-dialect", "notone = plain_mod:Plain", "plain_mod", "class Plain:\n    name = 'notone'\n",
     "is not a subclass of agentconv.dialects.base.Dialect"),
    ("misnamed", "other = misnamed_mod:Other", "misnamed_mod",
     "from agentconv.dialects.base import MarkdownDialect\nclass Other(MarkdownDialect):\n    name = 'another'\n",
     "the class names itself 'another', not 'other'"),
]


@pytest.mark.parametrize("dist, entry, module, code, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_plugin_is_a_warning_naming_it_and_the_shipped_dialects_still_work(tmp_path, project, dist, entry,
                                                                                   module, code, message):
    root = fake_plugin(tmp_path / "site", dist, entry, module, code)
    done = run(project, "convert", ".claude/agents/reviewer.md", "--to", "opencode", path=[root])
    assert done.returncode == 0, done.stderr
    warning = [line for line in done.stderr.splitlines() if line.startswith("agentconv: warning: plugin dialect")]
    assert len(warning) == 1 and message in warning[0], done.stderr
    assert f"'{entry.splitlines()[-1]}' of distribution {dist} 1.0" in warning[0]
    assert "Traceback" not in done.stderr and "description: Reviews diffs." in done.stdout
    assert run(project, "detect", ".claude/agents/reviewer.md", path=[root]).stdout.endswith("\tclaude\n")


def test_a_plugin_is_never_loaded_for_help_or_version(tmp_path, project):
    mark = tmp_path / "mark"
    root = fake_plugin(tmp_path / "site", "marker", "marked = marked_mod:X", "marked_mod", MARKED)
    env = {"MARK": str(mark)}
    for args in (["--help"], ["--version"], ["convert", "--help"]):
        done = subprocess.run([sys.executable, "-m", "agentconv", *args], cwd=project, capture_output=True,
                              env={**os.environ, **env, "PYTHONPATH": str(root)}, text=True, timeout=60)
        assert done.returncode == 0 and not mark.exists(), args
    subprocess.run([sys.executable, "-m", "agentconv", "detect", ".claude/agents/reviewer.md"], cwd=project,
                   env={**os.environ, **env, "PYTHONPATH": str(root)}, capture_output=True, timeout=60)
    assert mark.exists(), "the probe can fail: detection loads the plugins"


def test_without_plugins_converting_one_file_never_imports_importlib_metadata(project):
    """Telling that no plugin is installed costs a look at entry_points.txt files, not the ~20 ms
    importlib.metadata takes to import."""
    probe = ("import sys\nfrom agentconv.cli import cli\ntry:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print('importlib.metadata' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, "convert", ".claude/agents/reviewer.md", "--to", "opencode"],
                          cwd=project, capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("text, may", [
    ("[console_scripts]\nx = y:z\n", False),
    ("[agentconv.dialects]\nx = y:Z\n", True),
])
def test_the_cheap_look_for_plugins_finds_what_importlib_metadata_would(tmp_path, monkeypatch, text, may):
    from agentconv import plugins
    info = tmp_path / "some_dist-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(text)
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(tmp_path / "missing")])
    assert plugins._may_declare(plugins.GROUP) is may
    monkeypatch.setattr(sys, "path", [str(tmp_path / "a.zip")])
    (tmp_path / "a.zip").write_bytes(b"")
    assert plugins._may_declare(plugins.GROUP) is True        # inside a zip: ask importlib.metadata
