"""Mistral Vibe agent profiles (issue 13): one table per concern, each row a fact read in
mistral-vibe 3.0.3 (dialects/vibe/REFERENCE.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED
from helpers import assert_identity, canonical_diff, loss_heads, round_trip

import agentconv
from agentconv.errors import MissingReferenceError, SchemaError
from agentconv.model import ToolRule

P = ".vibe/agents/r.toml"
DENY_ALL = ToolRule(tool="*", action="deny")


def _allow(*tools: str) -> list[ToolRule]:
    return [DENY_ALL, *(ToolRule(tool=t) for t in tools)]


@pytest.mark.parametrize("text", [
    'description = "d"\ninstructions = "B."\n',
    "# why\ndescription = 'd'   # short\ninstructions = '''\nB.\n'''\n\n[tools.bash]\npermission = \"never\"\n",
    'description = "d"\r\nenabled_tools = ["grep"]\r\ninstructions = """\r\nB.\r\n"""\r\n',
    'instructions = "B."\n[project_context]\nmax_chars = 1\n# agentconv-looking text in a prompt stays:\n',
])
def test_identity(text):
    assert_identity(text.encode(), "vibe", path=P)


CARRY_LIKE = "# agentconv: for converting back to Claude Code (Mistral Vibe ignores this):\n#   color: red\n"


def test_a_carry_is_a_comment_of_the_file_never_lines_of_its_prompt():
    inside = f'description = "d"\ninstructions = """\nHi.\n{CARRY_LIKE}"""\n'
    doc = assert_identity(inside.encode(), "vibe", path=P)
    assert "color: red" in doc.agent.prompt and doc.agent.color is None
    outside = agentconv.loads(f'description = "d"\ninstructions = "Hi."\n{CARRY_LIKE}', "vibe", path=P,
                              trust_carry=True)
    assert outside.agent.color == "red" and outside.agent.prompt == "Hi."


@pytest.mark.parametrize("keys, tools", [
    ("", []),
    ("enabled_tools = []\n", []),                                     # empty: not set, every tool
    ('enabled_tools = ["read_file", "grep"]\n', _allow("read")),        # Vibe 3.0.3 runs no grep tool
    ('enabled_tools = ["grep", "task"]\n', [DENY_ALL]),
    ('enabled_tools = ["READ", "search_replace"]\n', _allow("edit", "read")),   # renamed, any case
    ('enabled_tools = ["web_*"]\n', _allow("webfetch", "websearch")),            # a glob
    ('enabled_tools = ["re:^(todo|bash)$"]\n', _allow("bash", "todowrite")),     # a regex
    ('enabled_tools = ["serena_*"]\n', _allow("serena_*")),                      # a tool of its own
    ('disabled_tools = ["bash"]\n', [ToolRule(tool="bash", action="deny")]),
    ('enabled_tools = ["todo"]\ndisabled_tools = ["todo"]\n', [DENY_ALL]),
    ('[tools.bash]\npermission = "never"\n', [ToolRule(tool="bash", action="deny")]),
    ('[tools.bash]\npermission = "ask"\n', [ToolRule(tool="bash", action="ask")]),
    ('[tools.read_file]\npermission = "always"\n', []),              # runs without asking: allowed
])
def test_tools_as_vibe_reads_them(keys, tools):
    agent = agentconv.loads(f'instructions = "B."\n{keys}', "vibe", path=P).agent
    assert agent.tools == tools


@pytest.mark.parametrize("keys, expected", [
    ("", {"name": "r", "mode": "primary", "display_name": None}),      # the file stem; a user's agent
    ('agent_type = "subagent"\n', {"mode": "subagent"}),
    ('display_name = "Reviewer"\n', {"display_name": "Reviewer"}),
    ('active_model = "devstral-2"\n', {"model": "devstral-2"}),
    ('instructions = "  Hi.  "\n', {"prompt": "Hi."}),
    ('system_prompt_id = "cli"\n', {"prompt": None}),                  # Vibe's own prompt
])
def test_reading(keys, expected):
    agent = agentconv.loads(f'description = "d"\n{keys}', "vibe", path=P).agent
    assert {k: getattr(agent, k) for k in expected} == expected


@pytest.mark.parametrize("value", ['"sometimes"', "3"])
def test_a_permission_vibe_cannot_mean_is_an_error_never_every_tool(value):
    with pytest.raises(SchemaError):
        agentconv.loads(f'[tools.bash]\npermission = {value}\n', "vibe", path=P)
    lenient = agentconv.loads(f'[tools.bash]\npermission = {value}\n', "vibe", path=P, lenient_access=True)
    assert lenient.agent.tools == [DENY_ALL]


CLAUDE = "---\nname: r\ndescription: d\n{extra}---\nBody.\n"


@pytest.mark.parametrize("extra, expected", [
    ("tools: Read, Grep\n", 'enabled_tools = ["read_file"]\n'),               # searching needs bash there
    ("disallowedTools: Bash\n", 'disabled_tools = ["bash"]\n'),
    ("tools: ''\n", 'enabled_tools = ["read_file"]\ndisabled_tools = ["read_file"]\n'),   # [] is every tool
    ("tools: Read, Bash(git diff:*)\n", 'enabled_tools = ["read_file", "bash"]\n'),       # Claude grants Bash
    ("", 'agent_type = "subagent"\ninstructions = """\nBody.\n"""\n'),
])
def test_from_claude(extra, expected):
    text = agentconv.convert(CLAUDE.format(extra=extra), to="vibe", read="claude", on_loss="ignore")
    assert expected in text


def test_a_rule_on_part_of_a_tool_is_written_on_the_whole_tool_never_wider():
    rules = [ToolRule(tool="bash", pattern="rm *", action="deny"), ToolRule(tool="edit", pattern="*.env", action="ask")]
    text, losses = agentconv.to_dialect(agentconv.Document(agents=[agentconv.Agent(name="r", tools=rules)]), "vibe")
    assert 'disabled_tools = ["bash"]' in text and '[tools.edit]\npermission = "ask"' in text
    assert {l.field for l in losses if l.kind == "narrowed"} >= {"tools.bash"}


def _project(tmp_path: Path, prompt: str | None = "Plan it.\n") -> Path:
    agent = tmp_path / ".vibe/agents/planner.toml"
    agent.parent.mkdir(parents=True)
    agent.write_text('description = "d"\nsystem_prompt_id = "planner"\n', encoding="utf-8")
    if prompt is not None:
        (tmp_path / ".vibe/prompts").mkdir()
        (tmp_path / ".vibe/prompts/planner.md").write_text(prompt, encoding="utf-8")
    return agent


def test_a_prompt_file_is_read_beside_the_agents_folder_and_kept_as_a_reference(tmp_path):
    agent = _project(tmp_path)
    doc = agentconv.load(agent)
    assert doc.agent.prompt == "Plan it."
    assert agentconv.dumps(doc) == agent.read_text(encoding="utf-8")          # the reference stays
    elsewhere, lost = agentconv.to_dialect(doc, "vibe", path=tmp_path / "out/.vibe/agents/planner.toml")
    assert 'instructions = """\nPlan it.\n"""' in elsewhere         # no prompt file beside the output,
    assert "system_prompt_id" not in elsewhere                          # which Vibe would refuse to start
    assert [l.field for l in lost] == ["native.system_prompt_id"]
    text, losses = agentconv.to_dialect(doc, "claude")
    assert text.endswith("\nPlan it.\n") and "#   system_prompt_id: planner" in text      # for the trip back
    back = agentconv.loads(text, "claude", path=".claude/agents/planner.md", trust_carry=True)
    assert agentconv.to_dialect(back, "vibe", path=str(agent))[0] == agent.read_text(encoding="utf-8")
    edited = doc.model_copy(update={"agents": [doc.agent.model_copy(update={"prompt": "Plan better."})]})
    assert 'instructions = """\nPlan better.\n"""' in agentconv.dumps(edited)     # wins over the id


def test_a_missing_prompt_file_is_a_clear_error_never_an_empty_prompt(tmp_path):
    agent = _project(tmp_path, prompt=None)
    doc = agentconv.load(agent)
    assert agentconv.dumps(doc) == agent.read_text(encoding="utf-8")          # identity needs no text
    assert "no prompt file" in doc.warnings[0].message
    with pytest.raises(MissingReferenceError) as info:
        agentconv.to_dialect(doc, "claude")
    assert "planner" in info.value.message and info.value.hint
    with pytest.raises(SchemaError):
        agentconv.loads('system_prompt_id = "../x"\n', "vibe", path=P)


def test_a_prompt_file_outside_the_project_is_not_read(tmp_path):
    agent = _project(tmp_path, prompt=None)
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    (tmp_path / ".vibe/prompts").mkdir()
    (tmp_path / ".vibe/prompts/planner.md").symlink_to(tmp_path / "secret.md")
    (tmp_path / ".vibe/prompts/planner.md").unlink()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("secret", encoding="utf-8")
    (tmp_path / ".vibe/prompts/planner.md").symlink_to(outside)
    with pytest.raises(agentconv.AgentconvError):
        agentconv.load(agent)


def test_the_prompt_file_is_not_converted_as_an_agent_of_its_own(tmp_path):
    _project(tmp_path)
    result = agentconv.convert_tree([tmp_path], tmp_path / "out", to="claude")
    converted = [Path(f.source).name for f in result.files if f.status == "converted"]
    assert converted == ["planner.toml"]


@pytest.mark.parametrize("path", sorted((FIXTURES / "vibe").rglob("agents/*.toml")), ids=lambda p: p.name)
def test_claude_and_back_gives_the_agent_back(path):
    doc = agentconv.load(path)
    back, losses = round_trip(doc, "claude")
    diff = canonical_diff(doc.agent, back.agent)
    assert not set(diff) - loss_heads(losses) and not diff


def _corpus_project(tmp_path: Path) -> list[Path]:
    """The corpus's Vibe agents with the prompt files they name, as a Vibe home lays them out
    (the corpus keeps those prompts with the prose briefs)."""
    agents = sorted((SHARED / "corpus/vibe").rglob("*.toml"))
    if not agents:
        pytest.skip("no Vibe corpus in ../shared/corpus/vibe")
    (tmp_path / ".vibe/agents").mkdir(parents=True)
    (tmp_path / ".vibe/prompts").mkdir()
    for agent in agents:
        shutil.copy(agent, tmp_path / ".vibe/agents" / agent.name)
        for prompt in (SHARED / "corpus/prose" / agent.parent.parent.name / "prompts").glob("*.md"):
            shutil.copy(prompt, tmp_path / ".vibe/prompts" / prompt.name)
    return sorted((tmp_path / ".vibe/agents").glob("*.toml"))


def test_the_corpus_resolves_its_prompts_and_comes_back_from_claude(tmp_path):
    for path in _corpus_project(tmp_path):
        doc = agentconv.load(path)
        assert doc.agent.prompt, path.name
        assert agentconv.dumps(doc).encode() == path.read_bytes()
        back, losses = round_trip(doc, "claude")
        diff = canonical_diff(doc.agent, back.agent)
        assert not set(diff) - loss_heads(losses), (path.name, diff)
