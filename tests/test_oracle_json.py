"""Acceptance by the real opencode (issue 13): every seed, fixture, probe and sampled corpus
agent (the Kiro corpus too, with its prompt files) converted to opencode-json, all of them in one
project's opencode.json, is loaded by
opencode 1.18.33 (`opencode debug config`) with the name, description, mode, model, prompt and
permissions meant; nothing is granted that the source denied; every change is in the loss report.
Kiro CLI has no offline client (dialects/kiro/REFERENCE.md), so kiro is not judged.

Opt in with ``python -m pytest -m oracle tests/test_oracle_json.py``; the judge installs the
client into ~/.cache/agentconv-oracles. CI=1 or AGENTCONV_REQUIRE_ORACLES=1: a missing judge fails.
"""

from __future__ import annotations

import pytest
from oracles import judges, sample, verdict
from test_oracle import CHECKS, REQUIRED, Run, _report, summary  # noqa: F401 (summary: a fixture)

from agentconv.registry import get_dialect

pytestmark = pytest.mark.oracle
TARGET = "opencode-json"


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (CI requires the real-tool judges)", pytrace=False)
    pytest.skip(reason)


def _write_config(cases, root):
    """Every case's agent in the one opencode.json opencode reads from the project root."""
    dialect = get_dialect(TARGET)
    members = [m for case in cases for m in dialect.members(case.text)]
    (root / dialect.file_name).write_text(dialect.merge(None, members, replace=True), encoding="utf-8")
    return root


def _kiro_corpus(root):
    """The Kiro corpus with the prompt files its repository keeps beside the agents."""
    from test_kiro import _corpus_project
    try:
        return _corpus_project(root)
    except pytest.skip.Exception:
        return []


@pytest.fixture(scope="module")
def run(tmp_path_factory, summary) -> Run:  # noqa: F811 (the summary fixture, imported for pytest)
    reason = judges.unavailable_reason()
    if reason:
        _unavailable(reason)
    kiro = [sample.Source(f"corpus/kiro/{p.name}", p.read_bytes(), str(p), "kiro")
            for p in _kiro_corpus(tmp_path_factory.mktemp("kiro-corpus"))]
    cases, errors = sample.build_cases(TARGET, sample.sources() + kiro)
    result = Run(TARGET, cases, errors)
    project = _write_config(result.judged, tmp_path_factory.mktemp("opencode-json-project"))
    try:
        told = judges.judge("opencode", project)
        granted = judges.opencode_rules(project)
    except judges.JudgeUnavailable as exc:
        _unavailable(str(exc))
    result.extra = {"project": project, "told": told, "granted": granted}
    result.problems = {check: {} for check in CHECKS}
    for case in result.judged:
        key = str(case)
        result.problems["loaded"][key] = verdict.loaded(case, told)
        if case.name in told.agents:
            result.problems["fields"][key] = verdict.opencode_fields(case, told)
        result.problems["accounted"][key] = verdict.accounted(case)
        result.problems["never widens"][key] = verdict.opencode_never_widens(case, granted)
    summary.lines.append(result.summary())
    return result


def test_every_input_converts(run: Run) -> None:
    assert run.cases and not run.errors, _report(run.errors)


@pytest.mark.parametrize("check", CHECKS)
def test_opencode_loads_reads_and_grants_each_agent_of_opencode_json_as_meant(run: Run, check: str) -> None:
    failures = run.failures(check)
    said = run.extra["told"].complaints if check == "loaded" else []
    assert not failures, _report(failures) + ("\n\nthe tool said:\n" + _report(said, 15) if said else "")
