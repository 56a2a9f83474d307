"""The pre-commit hooks (issue 14, item 4): ``.pre-commit-hooks.yaml`` as pre-commit itself runs
it, from a copy of this working tree used as a hook repository by a sample repository made in
tmp (pre-commit installs agentconv into its own environment, under a PRE_COMMIT_HOME in tmp).
Each hook once passing and once failing with the file named."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from agentconv.cli import cli

REPO = Path(__file__).resolve().parents[1]
HOOKS = REPO / ".pre-commit-hooks.yaml"
AGENT = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read, Grep\n---\nBe brief.\n"
#: front matter Claude Code cannot parse even after its own repair: it skips the file
SKIPPED = "---\nname: broken\ndescription: [unclosed\n  more: {\n---\nNever loaded.\n"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree as pre-commit sees a hook repository: its files committed in a repo of
    their own (uncommitted changes included, as ``pre-commit try-repo`` would take them)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("hooks")
    for name in ("src", "dialects"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, root / name)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "hooks")
    return root, _git(root, "rev-parse", "HEAD")


@pytest.fixture()
def sample(tmp_path: Path, hook_repo: tuple[Path, str]) -> Path:
    root, rev = hook_repo
    repo = tmp_path / "sample"
    (repo / ".claude" / "agents").mkdir(parents=True)
    (repo / ".claude" / "agents" / "reviewer.md").write_text(AGENT)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {root}\n  rev: {rev}\n  hooks:\n  - id: agentconv-check\n"
        "  - id: agentconv-sync\n    args: [.claude]\n")
    # the sync hook's targets and output folder are the project's configuration
    (repo / "pyproject.toml").write_text('[tool.agentconv]\nto = "opencode"\noutput = "."\n')
    _git(repo, "init", "-q")
    return repo


def pre_commit(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", hook, "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's own cache: one environment for every run of this module (~20 s to make)."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.slow
def test_agentconv_check_passes_a_sound_agent_and_fails_naming_a_broken_one(sample, home):
    passed = pre_commit(sample, home, "agentconv-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (sample / ".claude" / "agents" / "broken.md").write_text(SKIPPED)
    failed = pre_commit(sample, home, "agentconv-check")
    assert failed.returncode == 1
    assert "agentconv: .claude/agents/broken.md: Claude Code skips this file" in failed.stdout
    assert "reviewer.md" not in failed.stdout.replace("ok\t.claude/agents/reviewer.md", "")


@pytest.mark.slow
def test_agentconv_sync_fails_naming_a_stale_output_and_passes_once_converted(sample, home):
    stale = pre_commit(sample, home, "agentconv-sync")
    assert stale.returncode == 1
    assert "would change .opencode/agent/reviewer.md (missing)" in stale.stdout
    done = CliRunner().invoke(cli, ["convert", str(sample / ".claude"), "--to", "opencode", "-o", str(sample)])
    assert done.exit_code == 0, done.stderr
    synced = pre_commit(sample, home, "agentconv-sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr


# -------------------------------------------------------------------------------- without pre-commit

def test_the_check_hooks_files_pattern_covers_every_dialects_layout():
    from agentconv.registry import SHIPPED, get_dialect
    hook = next(h for h in yaml.safe_load(HOOKS.read_text()) if h["id"] == "agentconv-check")
    pattern = re.compile(hook["files"])
    for name in SHIPPED:
        dialect = get_dialect(name)
        if not dialect.reading_model and not dialect.many_per_file:
            continue                # a prose brief is an agent only where a user names it
        examples = [re.sub(r"\[!?[^]]*\]|\*", "x", glob.replace("**/", "")) for glob in dialect.agent_globs]
        examples.append(f"{dialect.layout}/x{dialect.extension}" if dialect.layout else dialect.file_name)
        for example in examples:
            assert pattern.search(example) and pattern.search(f"sub/{example}"), (name, example)
    assert not pattern.search("docs/guide.md") and not pattern.search("src/agents/x.md")


@pytest.mark.parametrize("file, plain, strict", [
    ("fixtures/claude/minimal.md", 0, 0),
    ("fixtures/claude/block-examples.md", 0, 1),          # Claude Code loads it, with another prompt
    ("fixtures/claude/continued-user-lines.md", 1, 1),    # Claude Code skips it
])
def test_check_strict_fails_where_check_for_the_files_own_tool_fails(tmp_path, file, plain, strict):
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    path = agents / Path(file).name
    path.write_bytes((REPO / file).read_bytes())
    runner = CliRunner()
    assert runner.invoke(cli, ["check", str(path)]).exit_code == plain
    assert runner.invoke(cli, ["check", "--for", "claude", str(path)]).exit_code == strict
    done = runner.invoke(cli, ["check", "--strict", str(path)])
    assert done.exit_code == strict and (not strict or str(path) in done.stderr)
