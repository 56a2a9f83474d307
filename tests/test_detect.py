"""Detection from path and content, refusing to guess when the content fits several dialects."""

from __future__ import annotations

import pytest
from conftest import fixture_files, fixture_id

import agentconv
from agentconv import DetectionError

CLAUDE = "---\nname: a\ndescription: Does a.\n---\nBody.\n"
OPENCODE = "---\ndescription: Does a.\nmode: subagent\n---\nBody.\n"
PROSE = "Does a.\n\nWHEN TO USE:\n- x\n"


@pytest.mark.parametrize("text, expected", [
    (CLAUDE, "claude"),
    ("---\nname: a\n---\n", "claude"),
    ("---\nname: a\ndescription: b\ntools: Read, Grep\n---\n", "claude"),
    ("---\nname: a\ndescription: Use when: it breaks\n---\n", "claude"),
    ("---\ndescription: b\npermissionMode: plan\n---\n", "claude"),
    (CLAUDE.replace("\n", "\r\n"), "claude"),
    (OPENCODE, "opencode"),
    ("---\ndescription: Does a.\n---\nBody.\n", "opencode"),
    ("---\ndescription: b\ntemperature: 0.2\n---\n", "opencode"),
    ("---\ndescription: b\npermission:\n  edit: deny\n---\n", "opencode"),
    ("---\ndescription: b\ntools:\n  bash: false\n---\n", "opencode"),
    ("---\nname: a\nmode: subagent\n---\n", "opencode"),
    (PROSE, "prose"),
    ("# Reviewer\n\nYou review code.\n", "prose"),
    ("Just one line without a newline", "prose"),
    ("\ufeff" + CLAUDE, "claude"),
], ids=lambda v: v if v in ("claude", "opencode", "prose") else None)
def test_content(text, expected):
    assert agentconv.loads(text).dialect == expected


@pytest.mark.parametrize("text, candidates", [
    ("---\nname: a\ndescription: b\nmode: subagent\npermissionMode: plan\n---\nx\n", ["claude", "opencode"]),
    ("---\n---\nbody\n", ["claude", "opencode", "copilot", "deepagents", "augment", "cline", "junie", "cursor",
                         "factory", "kiro-ide", "trae", "gemini", "qwen", "antigravity"]),
], ids=["claude-and-opencode-keys", "empty-front-matter"])
def test_ambiguous_content_lists_the_candidates(text, candidates):
    with pytest.raises(DetectionError) as info:
        agentconv.detect(text)
    assert info.value.candidates == candidates
    assert " or ".join(candidates) in info.value.hint and "--from" in info.value.hint


@pytest.mark.parametrize("text, path, expected", [
    (OPENCODE, ".claude/agents/x.md", "claude"),           # where Claude reads it, Claude it is
    (CLAUDE, ".opencode/agent/x.md", "opencode"),
    (CLAUDE, "proj/.opencode/agents/review/x.md", "opencode"),
    ("---\ndescription: b\n---\n", "home/.config/opencode/agent/x.md", "opencode"),
    ("---\n---\nbody\n", ".claude/agents/x.md", "claude"),  # the path settles what content cannot
    (PROSE, ".claude/agents/x.md", "prose"),               # no front matter: not a Claude agent
    (PROSE, ".opencode/agent/x.md", "prose"),
    (CLAUDE, "notes/agents.md", "claude"),
])
def test_path_hints(text, path, expected):
    assert agentconv.detect(text, path) == expected


def test_a_path_with_a_drive_letter_still_hints():
    text = "---\nname: a\ndescription: b\n---\n"
    assert agentconv.detect(text, "C:/work/.opencode/agent/a.md") == "opencode"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x00\x01\x02ELF", "binary"),
    (b"---\nname: a\x00\n---\n", "binary"),
])
def test_empty_and_binary_input_is_refused(data, message):
    with pytest.raises(DetectionError) as info:
        agentconv.loads(data, path="x.md")
    assert message in info.value.message and info.value.path == "x.md"


def test_invalid_utf8_is_a_parse_error_with_its_position():
    with pytest.raises(agentconv.ParseError) as info:
        agentconv.loads(b"---\nname: a\ndescription: caf\xe9\n---\n", path="x.md")
    assert (info.value.line, info.value.column) == (3, 17)


@pytest.mark.parametrize("path", fixture_files(), ids=fixture_id)
def test_every_fixture_detects_as_its_folder(path):
    assert agentconv.load(path).dialect == fixture_id(path).split("/")[0]


def test_a_subclass_that_does_not_name_itself_does_not_replace_its_parent():
    from agentconv.dialects.base import REGISTRY
    from agentconv.dialects.claude import Claude

    class Variant(Claude):
        pass

    assert REGISTRY["claude"] is Claude and agentconv.get_dialect("claude").__class__ is Claude
    with pytest.raises(TypeError, match="registered already"):
        type("Impostor", (Claude,), {"name": "claude", "__module__": "somewhere.else"})
    assert REGISTRY["claude"] is Claude


# -- claim gates (``Dialect.claim_gate``): detection asks only the dialects a text may be -------

_KEYS = sorted({"name", "description", "tools", "model", "color", "mode", "readonly", "kind", "x", "customModes",
                "slug", "prompt", "developer_instructions", "permissionMode", "display_name", "approvalMode",
                "mcp-servers", "includePowers", "reasoningLevel", "modelId", "disabled_tools", "subagent"})
_VALUES = ["a", "Read, Grep", "[Read, Bash]", "[read_file, grep_search]", "{bash: false}", "[gpt-5, sonnet]",
           "true", "3", "'x: y'", "|\n  block\n", "[mcp__github__get_issue]", "Execute", "read-only", "",
           "[mcp_github_get_issue]", "mcp_*", "[mcp_*]", "read_file, Read", "' Read-Only '", "[ApplyPatch]",
           "[view_file]", "run_shell_command", "[READ_FILE]", "[1, read_file]", "[[read_file]]"]



def _gated_out_claims(text: str) -> dict[str, object]:
    """Each dialect the gates leave out, with its claim when asked anyway (or the error it
    raises, which detection without the gates would raise): all must be 0."""
    from agentconv.errors import ParseError
    from agentconv.registry import DIALECTS, _may_claim, get_dialect
    asked = set(_may_claim(text))
    claims: dict[str, object] = {}
    for name in (n for n in DIALECTS if n not in asked):
        try:
            claims[name] = get_dialect(name).claim(text)
        except ParseError as exc:
            claims[name] = exc.message
    return {n: c for n, c in claims.items() if c}


def _claims_changed_by_gates(text: str) -> dict[str, tuple[object, object]]:
    """Each dialect whose claim on ``text`` differs when its own gate is lifted (every claim
    checks its gate first, so the registry's gating and the claim agree by construction; this
    checks that the gate only ever leaves out what the claim would refuse anyway)."""
    from agentconv.dialects.base import Dialect
    from agentconv.errors import ParseError
    from agentconv.registry import DIALECTS, get_dialect

    def claim(name: str) -> object:
        try:
            return get_dialect(name).claim(text)
        except ParseError as exc:
            return exc.message
    gated = {n: claim(n) for n in DIALECTS}
    with pytest.MonkeyPatch.context() as patch:
        for name in DIALECTS:
            patch.setattr(type(get_dialect(name)), "claim_gate", Dialect.claim_gate)
        lifted = {n: claim(n) for n in DIALECTS}
    return {n: (gated[n], lifted[n]) for n in DIALECTS if gated[n] != lifted[n]}


def _corpus_and_fixture_texts() -> list:
    import os
    from pathlib import Path

    from conftest import SHARED
    paths = list(fixture_files())
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        paths += sorted(Path(d) / n for d, _, names in os.walk(corpus) for n in names if n != "MANIFEST.tsv")
    return paths


def test_no_dialect_the_gates_leave_out_claims_a_fixture_or_corpus_file():
    failing = {}
    for path in _corpus_and_fixture_texts():
        text = path.read_bytes().decode("utf-8", errors="replace")
        if "\x00" not in text and (left := _gated_out_claims(text) or _claims_changed_by_gates(text)):
            failing[str(path)] = left
    assert failing == {}


@pytest.mark.parametrize("text", [
    "---\ncustomModes:\n  - slug: a\n    name: A\n    roleDefinition: x\n    groups: [read]\n---\n",
    "---\ndescription: Use when: it breaks\ntools: Read\n---\nBody.\n",                 # repaired YAML
    "---\n- a\n- b\n---\n", "---\n[name, tools]\n---\n", "---\n---\n", "{\"a\": {\"prompt\": \"x\"}}",
    'developer_instructions = "x"\nname = "a"\n', "customModes:\n  - slug: a\n    name: A\n    roleDefinition: x\n",
    "---\n1: a\nname: b\n---\n", "---\n\"na\\x6de\": a\ndescription: b\n---\n",
    # the value clauses: each dialect's own tool names, MCP spelling, categories, model fallbacks
    *(f"---\nname: a\ndescription: b\ntools: {v}\n---\nBody.\n" for v in _VALUES),
    *(f"---\ndescription: b\nmodel: {v}\n---\nBody.\n" for v in _VALUES),
])
def test_the_gates_leave_out_only_dialects_that_claim_nothing(text):
    assert _gated_out_claims(text) == {}
    assert _claims_changed_by_gates(text) == {}


def test_the_gates_leave_out_only_dialects_that_claim_nothing_in_generated_front_matter():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_VALUES)), max_size=6,
                    unique_by=lambda kv: kv[0]),
           st.sampled_from(["---\n{}---\nBody.\n", "{}", "---\n{}"]))
    def check(pairs, shape):
        lines = "".join(f"{k}: {v}\n" if not v.startswith("|") else f"{k}: {v}" for k, v in pairs)
        assert _gated_out_claims(shape.format(lines)) == {}
        assert _claims_changed_by_gates(shape.format(lines)) == {}
    check()


@pytest.mark.parametrize("gate, values, passes", [
    (("keys", "a"), {"a": 1}, True),                                   # a flat gate (a plugin's) is one clause
    ((("keys", "a"), ("list", "m")), {"m": ["x"]}, True),
    ((("keys", "a"), ("list", "m")), {"m": "x"}, False),
    ((("names", "tools", "read_file"),), {"tools": [" READ_FILE "]}, True),
    ((("names", "tools", "read_file"),), {"tools": "Read, read_file"}, True),
    ((("names", "tools", "read-only"),), {"tools": " Read-Only "}, True),
    ((("names", "tools", "read_file"),), {"tools": ["Read"]}, False),
    ((("mcp", "tools", "mcp_", "_"),), {"tools": ["mcp_github_get"]}, True),
    ((("mcp", "tools", "mcp_", "_"),), {"tools": ["mcp__github__get"]}, False),
    ((("mcp", "tools", "mcp_", "_"),), {"tools": ["mcp_"]}, False),
    ((("never",),), {"a": 1}, False),
    ((), {}, True),
])
def test_a_gate_passes_front_matter_by_its_clauses(gate, values, passes):
    from agentconv.formats.gates import values_pass
    assert values_pass(gate, values) is passes
