"""The library API: load / loads / dump / dumps / convert / to_dialect, Document, errors."""

from __future__ import annotations

import warnings

import pytest

import agentconv
from agentconv import (
    AgentconvError,
    Document,
    LossError,
    LossWarning,
    MultipleAgentsError,
    OutputExistsError,
    ParseError,
    UnknownDialectError,
)

CLAUDE = "---\nname: reviewer\ndescription: Reviews diffs.\ncolor: blue\n---\nBe brief.\n"
LOSSY = CLAUDE.replace("color: blue", "effort: high\npermissionMode: plan")


def test_public_names_resolve():
    for name in agentconv.__all__:
        assert getattr(agentconv, name) is not None, name
    with pytest.raises(AttributeError):
        agentconv.no_such_thing  # noqa: B018


def test_loads_detects_and_reads_one_agent():
    doc = agentconv.loads(CLAUDE)
    assert (doc.dialect, doc.agent.name, doc.agent.description, doc.agent.prompt) == (
        "claude", "reviewer", "Reviews diffs.", "Be brief.")
    assert doc.losses == [] and doc.path is None


def test_loads_takes_bytes_and_a_path_for_naming():
    doc = agentconv.loads(b"---\ndescription: Reviews.\nmode: subagent\n---\nx\n",
                          path=".opencode/agent/review/deep.md")
    assert (doc.dialect, doc.agent.name, doc.path) == ("opencode", "review/deep", ".opencode/agent/review/deep.md")


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "reviewer.md"
    path.write_bytes(CLAUDE.replace("\n", "\r\n").encode())
    doc = agentconv.load(path)
    assert doc.path == str(path) and doc.agent.prompt == "Be brief."
    assert agentconv.dumps(doc) == CLAUDE.replace("\n", "\r\n")


def test_load_of_a_missing_file_is_an_agentconv_error(tmp_path):
    missing = tmp_path / "nope.md"
    with pytest.raises(AgentconvError) as info:
        agentconv.load(missing)
    assert info.value.path == str(missing) and info.value.hint
    assert str(info.value).startswith(f"{missing}: cannot read")


def test_dumps_defaults_to_the_source_dialect_and_records_losses():
    doc = agentconv.loads(CLAUDE)
    assert agentconv.dumps(doc) == CLAUDE and doc.losses == []
    text = agentconv.dumps(doc, "opencode")
    assert "color: '#3B82F6'" in text and doc.losses == []          # the same colour, spelled for opencode
    lossy = agentconv.loads(LOSSY)
    agentconv.dumps(lossy, "opencode")
    assert {(l.field, l.kind) for l in lossy.losses} == {("reasoning_effort", "carried"),
                                                         ("permission_mode", "carried")}


def test_dumps_warns_about_each_loss_by_default():
    doc = agentconv.loads(LOSSY)
    with pytest.warns(LossWarning) as record:
        agentconv.dumps(doc, "opencode")
    assert len(record) == 2 and any("reasoning_effort" in str(w.message) for w in record)


def test_on_loss_ignore_is_silent_and_raise_raises():
    doc = agentconv.loads(LOSSY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        agentconv.dumps(doc, "opencode", on_loss="ignore")
    with pytest.raises(LossError) as info:
        agentconv.dumps(doc, "opencode", on_loss="raise")
    assert [l.field for l in info.value.losses] == ["reasoning_effort", "permission_mode"]


def test_on_loss_must_be_a_known_policy():
    with pytest.raises(AgentconvError, match="on_loss"):
        agentconv.convert(CLAUDE, to="opencode", on_loss="shout")


def test_to_dialect_returns_text_and_losses_without_touching_the_document():
    doc = agentconv.loads(CLAUDE)
    text, losses = agentconv.to_dialect(doc, "prose", carry=False)
    assert text == "Reviews diffs.\n\nINSTRUCTIONS:\nBe brief.\n"
    assert {l.kind for l in losses} == {"dropped"} and doc.losses == []


def test_convert_reads_and_writes_in_one_step():
    text = agentconv.convert(CLAUDE, to="opencode", read="claude", carry=False)
    assert text.startswith("---\ndescription: Reviews diffs.\nmode: subagent\ncolor: '#3B82F6'\n---\n")
    named = agentconv.convert(text, to="claude", path=".opencode/agent/reviewer.md", on_loss="ignore")
    assert agentconv.loads(named).agent.name == "reviewer"
    with pytest.raises(LossError) as info:              # no path, no carry: nothing names it
        agentconv.convert(text, to="claude", on_loss="raise")
    assert ("name", "required") in {(l.field, l.kind) for l in info.value.losses}


def test_convert_back_and_forth_restores_the_text_meaning():
    there = agentconv.convert(LOSSY, to="opencode")       # saved where opencode reads it
    back = agentconv.convert(there, to="claude", read="opencode", path=".opencode/agent/reviewer.md")
    assert agentconv.loads(back).agent == agentconv.loads(LOSSY).agent


def test_dump_writes_and_refuses_to_overwrite(tmp_path):
    doc = agentconv.loads(CLAUDE)
    target = tmp_path / "out" / "reviewer.md"
    agentconv.dump(doc, target)
    assert target.read_text() == CLAUDE
    with pytest.raises(OutputExistsError) as info:
        agentconv.dump(doc, target, "opencode")
    assert info.value.path == str(target) and "overwrite" in info.value.hint
    assert target.read_text() == CLAUDE
    agentconv.dump(doc, target, "opencode", overwrite=True, on_loss="ignore")
    assert "mode: subagent" in target.read_text()


def test_dump_keeps_the_source_encoding_for_identity(tmp_path):
    data = "\ufeff---\r\nname: a\r\ndescription: é\r\n---\r\nx".encode("utf-8")
    doc = agentconv.loads(data)
    agentconv.dump(doc, tmp_path / "a.md")
    assert (tmp_path / "a.md").read_bytes() == data


def test_document_agent_needs_exactly_one():
    doc = agentconv.loads(CLAUDE)
    for agents in ([], [doc.agent, doc.agent]):
        with pytest.raises(MultipleAgentsError) as info:
            _ = Document(agents=agents, dialect="claude", path="x.md").agent
        assert f"{len(agents)} agents" in info.value.message and info.value.hint and info.value.path == "x.md"


def test_documents_compare_by_meaning_not_trivia():
    assert agentconv.loads(CLAUDE) == agentconv.loads(CLAUDE.replace("\n", "\r\n"))
    assert agentconv.loads(CLAUDE) != agentconv.loads(CLAUDE.replace("blue", "red"))


@pytest.mark.parametrize("text, dialect, line, column, message", [
    ("---\nname: a\nname: b\n---\n", "claude", 3, 1, "appears twice"),
    ("---\nname: a\n", "claude", 1, 1, "never closed"),
    ("---\n- a\n- b\n---\n", "claude", 2, 1, "not a mapping"),
    ("---\ndescription: a\n---\nx", "prose", 1, 1, "front matter"),
])
def test_errors_carry_path_line_column_and_hint(text, dialect, line, column, message):
    with pytest.raises(ParseError) as info:
        agentconv.loads(text, dialect, path="agents/a.md")
    err = info.value
    assert (err.path, err.line, err.column) == ("agents/a.md", line, column)
    assert message in err.message and err.hint
    assert str(err) == f"agents/a.md:{line}:{column}: {err.message}\nhint: {err.hint}"
    assert err.to_dict()["line"] == line


def test_errors_without_a_path_say_input():
    with pytest.raises(ParseError) as info:
        agentconv.loads("---\nname: a\n", "claude")
    assert str(info.value).startswith("<input>:1:1: ")


def test_unknown_dialect_suggests_the_close_one():
    with pytest.raises(UnknownDialectError) as info:
        agentconv.convert(CLAUDE, to="opencod")
    assert info.value.hint == "did you mean 'opencode'?"
    assert agentconv.get_dialect("Claude-Code").name == "claude"
    assert agentconv.dialect_names() == ["claude", "opencode", "prose", "claude-json", "copilot", "deepagents",
                                        "augment", "cline", "junie", "cursor", "factory", "kiro-ide", "trae",
                                         "gemini", "qwen", "antigravity", "kiro", "opencode-json", "roo", "kilo", "zoo",
                                         "bob", "codex", "vibe"]
