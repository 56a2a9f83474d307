"""Acceptance by the real Codex and Mistral Vibe (issue 13): every seed, fixture, probe and corpus
agent of the sample, converted to a Codex role and to a Vibe agent, is loaded by codex 0.169.0 and
mistral-vibe 3.0.3 with the description, model, prompt and tool settings agentconv wrote; nothing
the tool reads grants what the source withheld (Codex's reading aside: it always reads, and an
agent withholding that is refused); every change is in the loss report.

Opt in with ``python -m pytest -m oracle tests/test_oracle_toml.py``; the judges install the
clients into ~/.cache/agentconv-oracles. CI=1 or AGENTCONV_REQUIRE_ORACLES=1: a missing judge fails.
"""

from __future__ import annotations

import pytest
from oracles import judges, sample, toml_judges, verdict
from test_oracle import CHECKS, REQUIRED, Run, _report, summary  # noqa: F401 (summary: a fixture)

from agentconv.registry import get_dialect

pytestmark = pytest.mark.oracle
TARGETS = ("codex", "vibe")


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (CI requires the real-tool judges)", pytrace=False)
    pytest.skip(reason)


class TomlRun(Run):
    @property
    def judged(self):
        target = get_dialect(self.target)
        return [c for c in super().judged if not target.name_problem(c.name)]

    def summary(self) -> str:
        judged = self.judged
        ok = [c for c in judged if not self.problems["loaded"].get(str(c))]
        bad = [c for c in ok if any(self.problems[k].get(str(c)) for k in CHECKS[1:])]
        return (f"{self.target} {toml_judges.VERSION[self.target]}: {len(self.cases)} converted, "
                f"{len(self.cases) - len(judged)} skipped by design (reported 'required'), {len(ok)} loaded, "
                f"{len(ok) - len(bad)} field-checked, {len(judged) - len(ok)} rejected, {len(bad)} mismatched")


@pytest.fixture(scope="module", params=TARGETS)
def run(request, tmp_path_factory, summary) -> Run:  # noqa: F811 (the summary fixture, imported for pytest)
    target = request.param
    reason = judges.unavailable_reason()
    if reason:
        _unavailable(reason)
    sample.DETOUR.setdefault(target, "claude")
    if target == "codex":           # Codex always reads and searches: accepted as a user migrating would
        sample.ACCEPT.setdefault("codex", tuple(sorted(get_dialect("codex").always_grants)))
    inputs = sample.sources() + toml_judges.vibe_corpus(tmp_path_factory.mktemp("vibe-corpus"))
    cases, errors = sample.build_cases(target, inputs)
    result = TomlRun(target, cases, errors)
    result.problems = {check: {} for check in CHECKS}
    # Codex starts at most [agents] max_threads (64 in the judge) sub-agents per session
    size = toml_judges.BATCH[target]
    for n, batch in enumerate(result.judged[i:i + size] for i in range(0, len(result.judged), size)):
        project = sample.write_project(batch, tmp_path_factory.mktemp(f"{target}-project-{n}"))
        try:
            told = toml_judges.judge(target, project)
        except judges.JudgeUnavailable as exc:
            _unavailable(str(exc))
        _check(result, batch, told)
    summary.lines.append(result.summary())
    return result


def _check(result: Run, batch, told) -> None:
    for case in batch:
        key = str(case)
        result.problems["loaded"][key] = toml_judges.loaded(case, told)
        if case.name in told.agents:
            result.problems["fields"][key] = toml_judges.fields(case, told)
        result.problems["accounted"][key] = verdict.accounted(case)
        result.problems["never widens"][key] = toml_judges.never_widens(case, told)


@pytest.mark.parametrize("check", CHECKS)
def test_the_real_tool_loads_reads_and_grants_each_converted_agent_as_meant(run: Run, check: str) -> None:
    assert run.cases and not run.errors, _report(run.errors)
    failures = run.failures(check)
    assert not failures, _report(failures)
