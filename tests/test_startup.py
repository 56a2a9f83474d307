"""Start-up (issue 11): each command imports only what it uses. Run in a fresh interpreter,
each command's heavy imports are listed from ``sys.modules`` after it ran."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pydantic", "yaml", "jsonschema", "tomlkit", "click")
PLAIN = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read, Grep\nmodel: sonnet\n---\nBe brief.\n"
PROBE = """
import json, sys
from agentconv.cli import cli
try:
    cli(sys.argv[1:], prog_name="agentconv")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m in {heavy})), file=sys.stderr)
"""


def heavy_imports(tmp_path, *args: str) -> set[str]:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True, exist_ok=True)
    (agents / "reviewer.md").write_text(PLAIN)
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=set(HEAVY)), *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args, absent", [
    (["--help"], {"pydantic", "yaml", "jsonschema", "tomlkit"}),
    (["--version"], {"pydantic", "yaml", "jsonschema", "tomlkit"}),
    (["detect", ".claude/agents/reviewer.md"], {"jsonschema", "tomlkit"}),
    (["check", ".claude/agents/reviewer.md"], {"jsonschema", "tomlkit"}),
    (["check", "--for", "claude", ".claude/agents/reviewer.md"], {"jsonschema", "tomlkit"}),
    (["convert", ".claude/agents/reviewer.md", "--to", "opencode"], {"jsonschema", "tomlkit"}),
])
def test_a_command_imports_only_what_it_uses(tmp_path, args, absent):
    assert heavy_imports(tmp_path, *args) & absent == set()


def test_the_probe_sees_imports(tmp_path):
    """The probe can fail: converting does load pydantic and PyYAML."""
    assert {"pydantic", "yaml"} <= heavy_imports(tmp_path, "convert", ".claude/agents/reviewer.md", "--to", "opencode")
