"""Acceptance by the real Kilo CLI (issue 13): every seed, fixture, probe and corpus agent (the
Roo Code corpus included) converted to a Kilo Code mode, all of them in one `.kilocodemodes`, is
migrated by kilo 7.7.7 with the name, description, prompt, model and permissions meant; nothing
is granted that the source denied; every change is in the loss report. An agent Kilo would widen
(every tool a mode cannot name is allowed there) is refused by `convert`, and counted so.

Opt in with ``python -m pytest -m oracle tests/test_oracle_kilo.py``; the judge installs the
client into ~/.cache/agentconv-oracles. CI=1 or AGENTCONV_REQUIRE_ORACLES=1: a missing judge fails.
"""

from __future__ import annotations

import pytest
from oracles import judges, kilo, sample, verdict
from test_oracle import CHECKS, REQUIRED, Run, _report, summary  # noqa: F401 (summary: a fixture)

pytestmark = pytest.mark.oracle


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (CI requires the real-tool judges)", pytrace=False)
    pytest.skip(reason)


class KiloRun(Run):
    refused: list[str] = []

    @property
    def judged(self):
        """A mode with one of Kilo's own slugs is skipped by its migration (reported by `convert`)."""
        target = kilo.get_dialect(kilo.TARGET)
        return [c for c in super().judged if not target.name_problem(c.name)]

    def summary(self) -> str:
        return super().summary().replace(" converted,", f" converted ({len(self.refused)} refused as widenings),", 1)


@pytest.fixture(scope="module")
def run(tmp_path_factory, summary) -> Run:  # noqa: F811 (the summary fixture, imported for pytest)
    reason = judges.unavailable_reason()
    if reason:
        _unavailable(reason)
    inputs = [s for s in sample.sources() if s.dialect != "kilo"] + kilo.mode_corpus()
    sample.DETOUR.setdefault("kilo", "roo")
    cases, errors = sample.build_cases(kilo.TARGET, inputs)
    result = KiloRun(kilo.TARGET, cases, [e for e in errors if "without widening" not in e])
    result.refused = [e for e in errors if "without widening" in e]
    result.problems = {check: {} for check in CHECKS}
    project = kilo.write_project(result.judged, tmp_path_factory.mktemp("kilo-project"))
    try:
        told = kilo.judge(project)
    except judges.JudgeUnavailable as exc:
        _unavailable(str(exc))
    for case in result.judged:
        key = str(case)
        result.problems["loaded"][key] = kilo.loaded(case, told)
        if case.name in told.agents:
            result.problems["fields"][key] = kilo.fields(case, told)
        result.problems["accounted"][key] = verdict.accounted(case)
        result.problems["never widens"][key] = kilo.never_widens(case, told)
    summary.lines.append(result.summary())
    return result


@pytest.mark.parametrize("check", CHECKS)
def test_kilo_loads_reads_and_grants_each_converted_mode_as_meant(run: Run, check: str) -> None:
    assert run.cases and not run.errors, _report(run.errors)
    failures = run.failures(check)
    assert not failures, _report(failures)
