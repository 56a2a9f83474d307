"""dialects/<name>/schema.json describe the front matter each real tool accepts; every output
agentconv writes for the seeds, the fixtures, the judges' probes and (when ../shared is
there) the corpus sample must validate against its target's schema."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from oracles import sample

from agentconv.data import schema
from agentconv.registry import dialect_names

TARGETS = ("claude", "opencode", "prose", "copilot")


def _validator(dialect: str) -> Draft202012Validator:
    found = schema(dialect)
    assert found is not None, f"dialects/{dialect}/schema.json is missing"
    return Draft202012Validator(found)


@pytest.mark.parametrize("dialect", dialect_names())
def test_every_dialect_has_a_valid_schema(dialect):
    Draft202012Validator.check_schema(schema(dialect))


@pytest.fixture(scope="module")
def inputs() -> list[sample.Source]:
    return sample.sources()


@pytest.mark.parametrize("target", TARGETS)
def test_every_output_matches_its_targets_schema(target, inputs):
    cases, errors = sample.build_cases(target, inputs)
    assert cases and not errors, errors
    validator = _validator(target)
    # a case agentconv reported as skipped (a required field is missing) is not a valid file
    failures = [f"{case}: {'/'.join(map(str, e.absolute_path)) or '(front matter)'}: {e.message}"
                for case in cases if not case.skipped_by_design
                for e in validator.iter_errors(json.loads(json.dumps(case.front_matter)))]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("target", ("claude", "opencode", "copilot"))
def test_fresh_outputs_are_plain_yaml(target, inputs):
    """Neither tool should need its repair pass for a file agentconv wrote afresh (a trip
    back may deliberately restore the source's own spelling, so those are left out)."""
    cases, _ = sample.build_cases(target, inputs)
    repaired = [str(c) for c in cases if c.route.count("→") == 1 and c.block is not None and c.block.mode != "yaml"]
    assert not repaired, "\n".join(repaired)


@pytest.mark.parametrize("document, target, where", [
    ({"name": "a", "description": "b", "color": "mauve"}, "claude", "color"),
    ({"name": "-a", "description": "b"}, "claude", "name"),
    ({"name": "a"}, "claude", "(front matter)"),
    ({"color": "blue"}, "opencode", "color"),
    ({"tools": ["read", "grep"]}, "opencode", "tools"),
    ({"mode": "sideagent"}, "opencode", "mode"),
    ({"permission": {"webfetch": {"*": "allow"}}}, "opencode", "permission"),
    ({"steps": 0}, "opencode", "steps"),
    ({"description": "x"}, "prose", "(front matter)"),
    ({"name": "a"}, "copilot", "(front matter)"),
    ({"description": "x", "tools": None}, "copilot", "tools"),
    ({"description": "x", "tools": ["read", 5]}, "copilot", "tools"),
    ({"description": "x", "model": 5}, "copilot", "model"),
    ({"description": "x", "mcp-servers": "x"}, "copilot", "mcp-servers"),
    ({"description": "x", "user-invocable": "no"}, "copilot", "user-invocable"),
])
def test_the_schemas_reject_what_the_tools_reject(document, target, where):
    errors = list(_validator(target).iter_errors(document))
    assert errors and {"/".join(map(str, e.absolute_path)) or "(front matter)" for e in errors} == {where}
