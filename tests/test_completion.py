"""Shell completion is click's own: ``_AGENTCONV_COMPLETE=<shell>_source agentconv`` prints the
script to source (README "Shell completion"); completing then offers commands and dialect names."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from agentconv.cli import cli
from agentconv.registry import DIALECTS


def _run(env: dict[str, str]) -> str:
    result = CliRunner().invoke(cli, [], prog_name="agentconv", env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _agentconv_completion agentconv"),
    ("zsh", "compdef _agentconv_completion agentconv"),
    ("fish", "complete --no-files --command agentconv"),
])
def test_the_completion_script_is_printed_for_each_shell(shell, marker):
    script = _run({"_AGENTCONV_COMPLETE": f"{shell}_source"})
    assert marker in script and "_AGENTCONV_COMPLETE" in script


def _completions(words: str) -> list[str]:
    """What bash completion offers for the last word of ``words`` (click's bash protocol)."""
    out = _run({"_AGENTCONV_COMPLETE": "bash_complete", "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split(" ")) - 1)})
    return [line.split(",", 1)[1] for line in out.splitlines()]


@pytest.mark.parametrize("words, expected", [
    ("agentconv con", ["convert"]),
    ("agentconv convert x.md --stri", ["--strict"]),
    ("agentconv convert x.md --to open", ["opencode", "opencode-json"]),
    ("agentconv convert x.md --to ", list(DIALECTS)),
    ("agentconv check --for cl", ["claude", "cline"]),
])
def test_completion_offers_commands_and_dialects(words, expected):
    assert _completions(words) == expected
