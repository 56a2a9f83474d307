"""The engine's records (record.py) against their pydantic twins (twins.py): the same values
accepted, coerced alike, refused alike; the twins are what ``import agentconv`` hands out."""

from __future__ import annotations

import copy

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agentconv
from agentconv import model
from agentconv.document import Document
from agentconv.losses import Loss
from agentconv.record import RecordValidationError
from agentconv.results import FileResult
from agentconv.twins import to_twin, twin

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=4), st.sampled_from(["5", " 7 ", "1.5", "yes", "off", "allow", "deny",
                                                          "subagent", "all", "user", "context", "*", "nan"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(["tool", "pattern", "action",
                                                                                         "role", "text", "x"]),
                                                                        inner, max_size=3)), max_leaves=6)


def outcome(cls, data):
    try:
        return "ok", cls(**copy.deepcopy(data)).model_dump(mode="json")
    except (pydantic.ValidationError, RecordValidationError):
        return "refused", None


@pytest.mark.parametrize("record", [model.Agent, model.ToolRule, model.ExampleTurn, model.Example, Loss])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_record_validates_as_its_pydantic_twin(record, data):
    fields = data.draw(st.lists(st.sampled_from(sorted(record.model_fields)), max_size=3, unique=True))
    values = {name: data.draw(VALUES) for name in fields}
    assert outcome(record, values) == outcome(twin(record), values)


@pytest.mark.parametrize("record, values", [
    (model.Agent, {"max_turns": "5", "temperature": 1, "hidden": "yes", "reasoning_effort": 3.0}),
    (model.Agent, {"tools": [{"tool": "read"}, {"tool": "*", "action": "deny"}], "description": ""}),
    (model.Agent, {"name": 5}),
    (model.Agent, {"temperature": float("inf")}),
    (model.Agent, {"mode": "agent"}),
    (model.Agent, {"colour": "red"}),
    (model.ExampleTurn, {"role": "user", "text": "hi", "label": "Assistant"}),
    (model.Example, {"turns": [{"role": "user", "text": "a\nb"}], "inline": True}),
    (FileResult, {"source": "a.md", "status": "converted", "extra": 1}),
    (FileResult, {"source": "a.md", "status": "renamed"}),
])
def test_known_cases_agree(record, values):
    assert outcome(record, values) == outcome(twin(record), values)


def test_the_public_names_are_pydantic_models_with_the_records_fields():
    for name in ("Agent", "Document", "Loss", "ToolRule", "FileResult", "BatchResult"):
        public = getattr(agentconv, name)
        assert issubclass(public, pydantic.BaseModel)
        assert set(public.model_fields) == set(public.__record__.model_fields)


def test_the_library_takes_and_gives_the_pydantic_model():
    doc = agentconv.loads("---\nname: a\ndescription: b\ntools: Read\n---\nBe brief.\n")
    assert isinstance(doc, pydantic.BaseModel) and isinstance(doc.agent.tools[0], agentconv.ToolRule)
    text, losses = agentconv.to_dialect(doc, "opencode")
    assert all(isinstance(l, agentconv.Loss) for l in losses)
    assert agentconv.loads(text, "opencode").agent.tools == doc.agent.tools
    agentconv.dumps(doc, "prose", on_loss="ignore", carry=False)       # prose cannot say tools
    assert doc.losses and isinstance(doc.losses[0], agentconv.Loss)      # losses land in the caller's doc


def test_a_record_and_its_twin_compare_equal_both_ways():
    record = model.Agent(name="a", tools=[model.ToolRule(tool="read")])
    public = to_twin(record)
    assert record == public and public == record
    assert record != to_twin(record.model_copy(update={"name": "b"}))
    assert Document(agents=[record]) == agentconv.Document(agents=[public])


def test_a_frozen_record_refuses_assignment_and_hashes():
    rule = model.ToolRule(tool="read")
    with pytest.raises(TypeError):
        rule.tool = "bash"
    assert hash(rule) == hash(model.ToolRule(tool="read")) and len({rule, model.ToolRule(tool="read")}) == 1


def test_the_json_schema_is_pydantics():
    assert agentconv.Document.model_json_schema() == Document.model_json_schema()
    assert "Agent" in Document.model_json_schema()["$defs"]
