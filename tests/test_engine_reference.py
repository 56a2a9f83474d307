"""Differential property test (issue 11, "one pass per file"): the engine, which reads each
output once, against the reference engine (tests/reference_engine.py, the engine before it),
on generated agents of every dialect into every dialect, with every carry mode. Both must
write the same bytes and report the same losses, or fail with the same error."""

from __future__ import annotations

import pytest
import reference_engine
from hypothesis import given
from hypothesis import strategies as st
from test_properties import DIALECTS, PROPERTY, agents

import agentconv.api as api
from agentconv import engine
from agentconv.errors import AgentconvError
from agentconv.registry import get_dialect

CARRY = st.sampled_from(["meaning", "style", "none"])
SOURCES = st.none() | st.sampled_from(DIALECTS)


def outcome(write, target, agent, **kwargs):
    """(text, losses as data) or the error's message: what a user would see."""
    try:
        text, losses = write(target, agent, **kwargs)
    except AgentconvError as exc:
        return ("error", str(exc))
    return text, [loss.model_dump() for loss in losses]


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY
@given(agent=agents(), source=SOURCES, carry=CARRY)
def test_writing_an_agent_gives_what_the_reference_gives(dialect, agent, source, carry):
    target = get_dialect(dialect)
    kwargs = dict(source_dialect=source, carry=carry, path=str(target.output_path(agent)))
    assert outcome(engine.write_agent, target, agent, **kwargs) \
        == outcome(reference_engine.write_agent, target, agent, **kwargs)


def converted(patch, write, text, source, target, carry):
    """``to_dialect`` of a file of ``source`` into ``target`` with ``write`` as the engine."""
    patch.setattr(api, "write_agent", write)
    try:
        doc = api.loads(text, source, path=str(get_dialect(source).output_path(api.loads(text, source).agent)))
        out, losses = api.to_dialect(doc, target, carry=carry)
    except AgentconvError as exc:
        return ("error", str(exc))
    return out, [loss.model_dump() for loss in losses]


@pytest.mark.parametrize("source", DIALECTS)
@PROPERTY
@given(agent=agents(), target=st.sampled_from(DIALECTS), carry=CARRY)
def test_converting_a_file_gives_what_the_reference_gives(source, agent, target, carry):
    """A file as the source dialect writes it (trivia, style hints, carry comments and all),
    converted into each dialect and back into its own."""
    try:
        text, _ = reference_engine.write_agent(get_dialect(source), agent, carry="style",
                                               path=str(get_dialect(source).output_path(agent)))
    except AgentconvError:
        return                        # the first test compares this case
    for into in (target, source):
        with pytest.MonkeyPatch.context() as patch:
            new = converted(patch, engine.write_agent, text, source, into, carry)
        with pytest.MonkeyPatch.context() as patch:
            old = converted(patch, reference_engine.write_agent, text, source, into, carry)
        assert new == old
