"""Identity: reading a file and writing it back in its own dialect gives the same bytes.
One line per case, as sqlglot's validate_identity; edits re-render only what changed."""

from __future__ import annotations

import pytest
from conftest import fixture_files, fixture_id
from helpers import assert_identity

import agentconv

C = "---\nname: a\ndescription: Does a.\n---\nBody.\n"       # a small valid Claude agent

CLAUDE = {
    "minimal": C,
    "crlf": C.replace("\n", "\r\n"),
    "no-final-newline": C.rstrip("\n"),
    "crlf-no-final-newline": C.replace("\n", "\r\n").rstrip("\r\n"),
    "mixed-line-ends": "---\r\nname: a\ndescription: Does a.\r\n---\nBody.\r\n",
    "comments": "---\n# who\nname: a  # short\n\n# when\ndescription: Does a.\n# trailing comment\n---\nBody.\n",
    "key-order": "---\ncolor: red\ndescription: Does a.\nmodel: opus\nname: a\n---\nBody.\n",
    "single-quoted": "---\nname: 'a'\ndescription: 'It''s a.'\n---\nBody.\n",
    "double-quoted": '---\nname: "a"\ndescription: "Does \\"a\\".\\nTwo lines."\n---\nBody.\n',
    "quoted-keys": "---\n\"name\": a\n'description': Does a.\n---\nBody.\n",
    "folded-scalar": "---\nname: a\ndescription: >-\n  Does a,\n  folded.\n---\nBody.\n",
    "literal-scalar": "---\nname: a\ndescription: |\n  Does a.\n\n  # not a comment\n---\nBody.\n",
    "flow-list-tools": "---\nname: a\ndescription: Does a.\ntools: [Read, Grep]\n---\nBody.\n",
    "block-list-tools": "---\nname: a\ndescription: Does a.\ntools:\n  - Read\n  - Grep\n---\nBody.\n",
    "comma-string-tools": "---\nname: a\ndescription: Does a.\ntools: Read,Grep ,  Bash(git diff:*)\n---\nBody.\n",
    "space-separated-tools":
        "---\nname: a\ndescription: Does a.\ntools: Read Grep mcp__github__get_issue\n---\nBody.\n",
    "longer-closing-rule": "---\nname: a\ndescription: Does a.\n----------\nBody.\n",
    "blank-after-opening": "---\n\nname: a\ndescription: Does a.\n---\nBody.\n",
    "trailing-spaces-on-rules": "---  \nname: a\ndescription: Does a.\n---\t\nBody.\n",
    "unquoted-colon": "---\nname: a\ndescription: Use this agent when: things break.\n---\nBody.\n",
    "one-line-examples":
        "---\nname: a\ndescription: Use it.\\n<example>user: hi\\nassistant: ok</example>\n---\nBody.\n",
    "lenient-user-lines":
        "---\nname: a\ndescription: Use it. Examples:\nuser: \"hi\"\nassistant: \"ok\"\nmodel: opus\n---\nBody.\n",
    "unicode": "---\nname: relecteur\ndescription: Relit « la doc » — vite 🙂\n---\nCorrige l’orthographe.\n",
    "empty-body": "---\nname: a\ndescription: Does a.\n---\n",
    "empty-body-no-newline": "---\nname: a\ndescription: Does a.\n---",
    "body-without-blank": "---\nname: a\ndescription: Does a.\n---\n# Title\n\nBody.\n\n\n",
    "unknown-keys": "---\nname: a\ndescription: Does a.\nfrobnicate: {x: 1}\nmemory: user\n---\nBody.\n",
    "nested-hooks":
        "---\nname: a\ndescription: Does a.\nhooks:\n  Stop:\n    - hooks: [{type: command, command: ./x.sh}]\n"
        "---\nBody.\n",
    "yaml-1.1-words-stay-strings": "---\nname: no\ndescription: yes\nbackground: on\n---\nBody.\n",
    "date-like-stays-text": "---\nname: a\ndescription: Does a.\ninitialPrompt: 2024-01-01\n---\nBody.\n",
    "tabs-in-body": "---\nname: a\ndescription: Does a.\n---\n\tIndented\twith tabs.\n",
    "carry-comment-present":
        "---\nname: a\ndescription: Does a.\n# agentconv-carry: {\"temperature\":0.2}\n---\nBody.\n",
    "carry-comment-first": "---\n# agentconv-carry: {\"top_p\":0.5}\nname: a\ndescription: Does a.\n---\nBody.\n",
    "no-name-still-read": "---\ndescription: Does a.\nmodel: sonnet\nisolation: worktree\n---\nBody.\n",
}

OPENCODE = {
    "minimal": "---\ndescription: Does a.\nmode: subagent\n---\nBody.\n",
    "crlf": "---\r\ndescription: Does a.\r\nmode: subagent\r\n---\r\nBody.\r\n",
    "hex-colour-quoted": "---\ndescription: Does a.\nmode: all\ncolor: \"#FF8800\"\n---\nBody.\n",
    "permission-pattern-map": "---\nmode: subagent\npermission:\n  \"*\": deny\n  bash:\n    \"*\": deny\n"
                              "    \"git status\": allow\n  read: allow\n---\nBody.\n",
    "permission-single-action": "---\ndescription: Does a.\nmode: primary\npermission: ask\n---\nBody.\n",
    "tools-map":
        "---\ndescription: Does a.\nmode: subagent\ntools:\n  write: false\n  bash: true\n  mymcp_*: false\n"
        "---\nBody.\n",
    "numbers": "---\ndescription: Does a.\nmode: subagent\ntemperature: 0\ntop_p: 1.0\nsteps: 7\n---\nBody.\n",
    "max-steps-alias": "---\ndescription: Does a.\nmode: subagent\nmaxSteps: 12\n---\nBody.\n",
    "unquoted-colon": "---\ndescription: Use when: it breaks\nmode: subagent\n---\nBody.\n",
    "unknown-provider-option": "---\ndescription: Does a.\nmode: subagent\nreasoningEffort: high\n---\nBody.\n",
    "no-front-matter": "Just a prompt, no front matter.\n",
}

PROSE = {
    "paragraph": "You are a rubber duck.\n",
    "sections": "Does a.\n\nWHEN TO USE:\n- x\n- y\n\nDELIVERABLES:\n- z\n\nBe brief.\n",
    "sections-crlf": "Does a.\r\n\r\nWHEN TO USE:\r\n- x\r\n\r\nBe brief.",
    "instructions-marker": "Does a.\n\nWHEN TO USE:\n- x\n\nINSTRUCTIONS:\nBe brief.\n",
    "headings": "# Reviewer\n\n## Role\nReview code.\n\n## Output\nA list.\n",
    "carry-comment": "Does a.\n\nWHEN TO USE:\n- x\n\nBe brief.\n<!-- agentconv-carry: {\"model\":\"opus\"} -->\n",
    "unicode": "Relit la doc — « vite ».\n\nWHEN TO USE:\n- une page change\n\nSois bref. 🙂",
}


@pytest.mark.parametrize("text", CLAUDE.values(), ids=CLAUDE.keys())
def test_claude(text):
    assert_identity(text, "claude")


@pytest.mark.parametrize("text", OPENCODE.values(), ids=OPENCODE.keys())
def test_opencode(text):
    assert_identity(text, "opencode", path=".opencode/agent/a.md")


@pytest.mark.parametrize("text", PROSE.values(), ids=PROSE.keys())
def test_prose(text):
    assert_identity(text, "prose", path="a.txt")


@pytest.mark.parametrize("path", fixture_files(), ids=fixture_id)
def test_fixture_bytes(path):
    assert_identity(path.read_bytes(), path=str(path))


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + C.encode(),
    C.encode("utf-16"),
], ids=["utf-8-bom", "utf-16"])
def test_encodings_come_back(data):
    assert_identity(data, "claude")


# -- reading what the file means, not how it is spelled ---------------------------------------

def test_spelling_does_not_change_the_agent():
    spellings = ["flow-list-tools", "block-list-tools"]
    a, b = (agentconv.loads(CLAUDE[s], "claude").agent for s in spellings)
    assert a == b
    assert agentconv.loads(CLAUDE["crlf"], "claude").agent == agentconv.loads(C, "claude").agent


def test_yaml_12_booleans_and_no_dates():
    agent = agentconv.loads(CLAUDE["yaml-1.1-words-stay-strings"], "claude").agent
    assert (agent.name, agent.description, agent.native_value("background")) == ("no", "yes", "on")
    agent = agentconv.loads(CLAUDE["date-like-stays-text"], "claude").agent
    assert agent.native_value("initialPrompt") == "2024-01-01"


def test_lenient_read_keeps_the_intended_fields_and_warns():
    doc = agentconv.loads(CLAUDE["lenient-user-lines"], "claude")
    assert doc.agent.model == "anthropic/claude-opus-4-8"      # Claude's alias, as a canonical id
    assert doc.agent.description.startswith("Use it. Examples:") and "assistant" in doc.agent.description
    assert doc.warnings and "Claude Code itself will skip" in doc.warnings[0].hint


def test_unquoted_colon_is_read_like_the_tool_repairs_it():
    assert agentconv.loads(CLAUDE["unquoted-colon"], "claude").agent.description == "Use this agent when: things break."
    assert agentconv.loads(OPENCODE["unquoted-colon"], "opencode").agent.description == "Use when: it breaks"


# -- editing: only the changed entry is re-rendered (tomlkit's principle) --------------------

def _edited(text: str, dialect: str, path: str | None = None, **update) -> str:
    doc = agentconv.loads(text, dialect, path=path)
    doc.agents[0] = doc.agent.model_copy(update=update)
    return agentconv.dumps(doc)


def test_editing_one_field_keeps_comments_quoting_and_line_ends():
    text = CLAUDE["comments"].replace("\n", "\r\n")
    assert _edited(text, "claude", model="opus") == (
        "---\r\n# who\r\nname: a  # short\r\n\r\n# when\r\ndescription: Does a.\r\n# trailing comment\r\n"
        "model: opus\r\n---\r\nBody.\r\n")


def test_editing_the_description_leaves_other_entries_verbatim():
    out = _edited(CLAUDE["single-quoted"], "claude", description="Does b.")
    assert out == "---\nname: 'a'\ndescription: Does b.\n---\nBody.\n"


def test_editing_the_prompt_keeps_the_front_matter_bytes():
    out = _edited(CLAUDE["comma-string-tools"], "claude", prompt="New body.")
    parts = CLAUDE["comma-string-tools"].split("---\n")
    assert out.startswith(parts[0] + "---\n" + parts[1])
    assert out.endswith("New body.\n")


def test_changing_tools_keeps_the_comma_string_shape():
    doc = agentconv.loads(CLAUDE["comma-string-tools"], "claude")
    rules = [r for r in doc.agent.tools if r.tool != "grep"]
    doc.agents[0] = doc.agent.model_copy(update={"tools": rules})
    assert "\ntools: Bash(git diff:*), Read\n" in agentconv.dumps(doc)
