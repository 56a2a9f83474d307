"""The quality gates (issue 14): CI runs ruff and mypy --strict before the tests, with the tools
from the ``lint`` extra, and every silenced check in the package says why."""

from __future__ import annotations

import re
import tomllib

from conftest import REPO

CI = (REPO / ".ci" / "run").read_text().splitlines()


def _first(command: str) -> int:
    return next(i for i, line in enumerate(CI) if line.strip().startswith(command))


def test_ci_runs_the_gates_before_the_tests():
    assert _first("ruff check src tests") < _first("python -m pytest")
    assert _first("mypy") < _first("python -m pytest")
    assert _first("pip install -q -e '.[test,lint]'") < _first("ruff check")


def test_the_lint_extra_installs_the_gates():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    lint = {re.split(r"[<>=!~ ]", spec)[0] for spec in project["project"]["optional-dependencies"]["lint"]}
    assert {"mypy", "ruff", "types-PyYAML", "types-jsonschema"} <= lint
    assert project["tool"]["mypy"]["strict"] is True


_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[a-z, -]+\])?(.*)$")


def test_every_type_ignore_names_its_code_and_reason():
    """A ``# type: ignore[code]`` with a comment beside it or on the line above."""
    unexplained = []
    for path in sorted((REPO / "src" / "agentconv").rglob("*.py")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            found = _IGNORE.search(line)
            if found is None:
                continue
            reason = found.group(2).strip().lstrip("#").strip()
            above = lines[number - 2].strip() if number > 1 else ""
            if found.group(1) is None or not (reason or above.startswith("#")):
                unexplained.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert unexplained == []
