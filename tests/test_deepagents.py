"""Deep Agents Code sub-agents (.deepagents/agents/NAME/AGENTS.md): the loader's reading as
rules, conversions as one-liners, the refusal a tool without tool limits forces, and the real
loader (tests/judges/deepagents.sh) as judge of the fixtures and of every corpus Claude agent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED
from helpers import assert_converts, assert_identity, loss_pairs, make_tree

import agentconv
from agentconv import WideningError
from agentconv.batch import convert_tree

AT = ".deepagents/agents/{}/AGENTS.md"
JUDGE = Path(__file__).with_name("judges") / "deepagents.sh"


@pytest.mark.parametrize("text", [
    "---\ndescription: d\n---\nBody.\n",
    "---\r\nname: other\r\ndescription: 'd: e'\r\nmodel: openai:gpt-5\r\n---\r\n\r\nBody.\r\n",
    "---\n# a comment\ndescription: >-\n  folded\n  text\nmodel:\ncolor: red\n---\nBody.",
])
def test_identity(text):
    assert_identity(text, "deepagents", path=AT.format("r"))


@pytest.mark.parametrize("front, expected", [
    ("description: d\n", {"name": "r", "model": None, "mode": "subagent"}),           # the folder names it
    ("name: '  web  '\ndescription: d\n", {"name": "web"}),                           # stripped, as the loader does
    ("description: d\nmodel: anthropic:claude-haiku-4-5\n", {"model": "anthropic/claude-haiku-4-5"}),
    ("description: d\nmodel: google_genai:gemini-2.5-pro\n", {"model": "google/gemini-2.5-pro"}),
    ("description: d\nmodel: claude-sonnet-4-5\n", {"model": "anthropic/claude-sonnet-4-5"}),   # LangChain infers it
    ("description: d\nmodel: ''\n", {"model": None}),                                  # empty: the runtime's model
    ("description: d\ntools: Read\n", {"tools": []}),                                  # ignored: every tool
])
def test_reading(front, expected):
    agent = agentconv.loads(f"---\n{front}---\nB.\n", "deepagents", path=AT.format("r")).agent
    assert {k: getattr(agent, k) for k in expected} == expected


@pytest.mark.parametrize("text, finding", [
    ("---\ndescription: d\n---\nB.\n", None),
    ("---\nname: a\n---\nB.\n", "no 'description'"),
    ("---\ndescription: d\nmodel: 5\n---\nB.\n", "model 5 must be"),
    ("---\nname: '  '\ndescription: d\n---\nB.\n", "name '  '"),
    ("\ufeff---\ndescription: d\n---\nB.\n", "no 'description'"),          # a BOM hides the front matter
])
def test_check_for_says_what_the_loader_skips(text, finding):
    reading = agentconv.check_for("deepagents", text, AT.format("r"))
    assert reading.fails is (finding is not None)
    if finding:
        assert any(finding in line for line in reading.lines()), reading.lines()


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


def test_claude_agents_land_in_their_own_folder_with_the_model_spelled_provider_colon_model():
    assert_converts(CLAUDE.format(extra="model: claude-haiku-4-5\ncolor: red\n"), "claude", carry=False,
                    path=".claude/agents/r.md", write={"deepagents": "---\ndescription: d\n"
                                                                     "model: anthropic:claude-haiku-4-5\n---\nBody.\n"},
                    losses={"deepagents": [("color", "dropped")]})
    assert str(agentconv.get_dialect("deepagents").output_path(agentconv.loads(CLAUDE.format(extra="")).agent)) \
        == AT.format("r")


def test_a_name_the_folder_cannot_say_is_written():
    doc = agentconv.loads(CLAUDE.replace("name: r", "name: review/security").format(extra=""), "claude")
    assert str(agentconv.get_dialect("deepagents").output_path(doc.agent)) == AT.format("review-security")
    text, losses = agentconv.to_dialect(doc, "deepagents", carry=False)
    assert text.startswith("---\nname: review/security\n") and loss_pairs(losses) == set()


@pytest.mark.parametrize("extra, widened", [
    ("tools: Read, Grep\n", "bash"),
    ("disallowedTools: Bash\n", "bash"),
])
def test_an_agent_whose_tools_are_limited_is_refused_unless_the_widening_is_accepted(extra, widened):
    doc = agentconv.loads(CLAUDE.format(extra=extra), "claude")
    with pytest.raises(WideningError) as info:
        agentconv.to_dialect(doc, "deepagents")
    assert "without widening" in info.value.message
    if extra.startswith("disallowed"):
        text, losses = agentconv.to_dialect(doc, "deepagents", carry=False, accept_widening=[widened])
        assert text == "---\ndescription: d\n---\nBody.\n"
        assert ("tools.bash", "widened") in loss_pairs(losses)


def test_every_tool_converts_with_no_loss():
    assert agentconv.convert(CLAUDE.format(extra=""), to="deepagents", on_loss="raise") == \
        "---\ndescription: d\n---\nBody.\n"


def test_a_tree_lands_one_folder_per_agent_and_only_agents_md_is_read(tmp_path):
    root = make_tree(tmp_path / "p", {
        ".claude/agents/a.md": CLAUDE.replace("name: r", "name: a").format(extra=""),
        ".claude/agents/b.md": CLAUDE.replace("name: r", "name: b").format(extra="tools: Read\n"),
    })
    result = convert_tree([root], tmp_path / "out", to="deepagents")
    assert {Path(f.target).relative_to(tmp_path / "out").as_posix() for f in result.files if f.ok} == {AT.format("a")}
    assert [f.error.type for f in result.files if not f.ok] == ["WideningError"]
    back = make_tree(tmp_path / "d", {AT.format("x"): "---\ndescription: d\n---\nB.\n", "AGENTS.md": "# rules\n",
                                      ".deepagents/agents/stray.md": "---\ndescription: d\n---\nB.\n"})
    result = convert_tree([back], tmp_path / "o2", to="claude")
    files = sorted(result.files, key=lambda f: f.source)
    assert [(Path(f.source).relative_to(back).as_posix(), f.status) for f in files
            if f.ok and f.status != "skipped"] == [(AT.format("x"), "converted")]


# -- the real loader as judge ------------------------------------------------------------------

def _judge(project: Path) -> tuple[int, dict[str, dict], str]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    proc = subprocess.run(["bash", str(JUDGE), str(project)], capture_output=True, text=True, timeout=900)
    if proc.returncode in (2, 3):
        if os.environ.get("AGENTCONV_REQUIRE_ORACLES") == "1":
            pytest.fail(f"deepagents.sh could not run: {proc.stderr[-600:]}")
        pytest.skip(f"deepagents.sh could not run (exit {proc.returncode}): {proc.stderr[-300:]}")
    return proc.returncode, {a["path"]: a for a in json.loads(proc.stdout)}, proc.stderr


@pytest.mark.oracle
def test_the_loader_reads_the_fixtures_as_agentconv_does():
    code, loaded, stderr = _judge(FIXTURES / "deepagents")
    assert code == 0, stderr
    for path in (FIXTURES / "deepagents").rglob("AGENTS.md"):
        agent = agentconv.load(path).agent
        told = loaded[path.relative_to(FIXTURES / "deepagents").as_posix()]
        assert (told["name"], told["system_prompt"]) == (agent.name, agent.prompt)


@pytest.mark.oracle
def test_the_loader_skips_what_check_for_says_it_skips(tmp_path):
    files = {AT.format("ok"): "---\ndescription: d\n---\nB.\n", AT.format("nodesc"): "---\nname: x\n---\nB.\n",
             AT.format("badmodel"): "---\ndescription: d\nmodel: 5\n---\nB.\n",
             AT.format("bom"): "\ufeff---\ndescription: d\n---\nB.\n"}
    code, loaded, stderr = _judge(make_tree(tmp_path, files))
    assert code == 1 and set(loaded) == {AT.format("ok")}, stderr
    for rel, text in files.items():
        assert agentconv.check_for("deepagents", text, rel).fails is (rel not in loaded)


@pytest.mark.oracle
def test_every_corpus_claude_agent_converted_is_loaded_as_meant(tmp_path):
    corpus = SHARED / "corpus" / "claude"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent")
    out = tmp_path / "out"
    result = convert_tree([corpus], out, to="deepagents", carry=False)
    written = [f for f in result.files if f.ok and f.target]
    refused = [f for f in result.files if not f.ok and f.error and f.error.type == "WideningError"]
    code, loaded, stderr = _judge(out)
    mismatched = []
    for f in written:
        rel = Path(f.target).relative_to(out).as_posix()
        doc = agentconv.load(f.target)
        told = loaded.get(rel)
        meant = (doc.agent.name, (doc.trivia.block.values().get("description") or "").strip(), doc.agent.prompt,
                 agentconv.get_dialect("deepagents").fields[2].write(doc.agent.model))
        if told is None or (told["name"], told["description"], told["system_prompt"], told["model"]) != meant:
            mismatched.append((rel, told and (told["name"], told["model"]), meant[0::3]))
    print(f"deepagents-code 0.1.57: {len(written)} converted, {len(refused)} refused (tools withheld), "
          f"{sum(1 for f in written if Path(f.target).relative_to(out).as_posix() in loaded)} loaded, "
          f"{len(written)} field-checked, {len(mismatched)} mismatched")
    assert code == 0, stderr[-2000:]
    assert written and not mismatched, mismatched[:5]
