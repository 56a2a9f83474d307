"""Property tests (hypothesis) for every dialect.

- For generated canonical agents: what a dialect writes reads back as the agent on every field
  it can express, and every other field is named in the loss report (checked here, not by the
  engine's own diff); access never widens; writing what was read gives the same text.
- For generated texts of a dialect (nasty scalars in every quoting style, comments, CRLF):
  reading and writing back gives the same bytes.

CI runs a bounded number of examples; AGENTCONV_HYPOTHESIS_EXAMPLES=2000 runs longer.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentconv.access import same_power, widenings
from agentconv.api import loads, to_dialect
from agentconv.briefs import SECTION_FIELDS
from agentconv.engine import write_agent
from agentconv.errors import AgentconvError, WideningError
from agentconv.model import Agent, Example, ExampleTurn, NativeField, ToolRule
from agentconv.registry import dialect_names, get_dialect

settings.register_profile(
    "agentconv-properties",
    max_examples=int(os.environ.get("AGENTCONV_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROPERTY = settings(settings.get_profile("agentconv-properties"))
DIALECTS = dialect_names()

# ------------------------------------------------------------------------------------- strings

NASTY_PIECES = [
    ": ", ":", "#", " #", "# ", "'", '"', "''", "\\n", "\\", "- ", "-", "---", "...", "? ", "!", "!!str ",
    "&a ", "*a", "%", "@", "`", "|", ">", "{", "}", "[", "]", ",", "~", "null", "true", "no", "1e3",
    "0x1F", "007", ".inf", "<example>", "</example>", "user: ", "assistant: ", "Context: ",
    "<commentary>", "WHEN TO USE:", "INSTRUCTIONS:", "<!-- x -->", "é", "日本語", "🙂", "\u00a0",
    "\t", "\n", "\r\n", "  ", "\u2028", "\x85", "\ufeff", "\x00", "\x1b", "\x7f",
]
_WORDS = st.sampled_from(["review", "the", "diff", "use", "when", "agent", "git", "Read", "x", "a b"])
_PIECE = st.one_of(_WORDS, st.sampled_from(NASTY_PIECES), st.text(max_size=6))


@st.composite
def nasty_text(draw, max_pieces: int = 8, single_line: bool = False) -> str:
    pieces = draw(st.lists(_PIECE, max_size=max_pieces))
    if draw(st.integers(0, 19)) == 0:
        pieces.append("x" * draw(st.integers(1000, 6000)))          # a very long line
    text = "".join(pieces)
    if single_line:
        text = " ".join(text.splitlines())
    return text


def realistic_or_nasty(realistic: list[str], **kwargs) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(realistic), nasty_text(**kwargs))


SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
NAMES = st.one_of(SLUG, nasty_text(max_pieces=4, single_line=True))
TOOLS = ["*", "read", "write", "edit", "bash", "grep", "glob", "list", "webfetch", "websearch", "task",
         "todowrite", "skill", "mcp:github/get_issue", "mcp:db/*", "FooTool"]
PATTERNS = [None, None, "*", "git diff*", "git log*", "npm run *", "src/**", "rm -rf *", "a:b", "x(y)"]


@st.composite
def tool_rules(draw) -> list[ToolRule]:
    rules = draw(st.lists(st.builds(ToolRule, tool=st.sampled_from(TOOLS),
                                    pattern=st.sampled_from(PATTERNS) | nasty_text(max_pieces=3, single_line=True),
                                    action=st.sampled_from(["allow", "ask", "deny"])), max_size=6))
    if draw(st.booleans()):
        rules.insert(0, ToolRule(tool="*", action="deny"))           # an allow-list
    return rules


@st.composite
def examples(draw) -> list[Example]:
    turn = st.builds(ExampleTurn, role=st.sampled_from(["context", "user", "assistant", "commentary", "text"]),
                     text=realistic_or_nasty(["cut the release", "I'll use the agent", "After a merge"]))
    return draw(st.lists(st.builds(Example, turns=st.lists(turn, min_size=1, max_size=4),
                                   after=st.none() | nasty_text(max_pieces=3), inline=st.booleans()), max_size=2))


HEADINGS = {"when_to_use": ["WHEN TO USE", "WHEN TO USE THIS AGENT"], "not_for": ["DON'T USE FOR", "DO NOT USE FOR",
            "DON’T USE FOR", "DONT USE FOR"], "triggers": ["TRIGGERS", "TRIGGER THIS AGENT WITH"]}
SECTION_HEADINGS = st.dictionaries(st.sampled_from(sorted(HEADINGS)), st.just(None)).flatmap(
    lambda keys: st.fixed_dictionaries({k: st.sampled_from(HEADINGS[k]) for k in keys}))


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | nasty_text(max_pieces=3),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), inner, max_size=3),
                       max_leaves=6)
NATIVE_KEYS = {"claude": ["memory", "background", "isolation", "initialPrompt", "version", "author"],
               "opencode": ["variant", "options", "prompt", "x-team"]}


@st.composite
def natives(draw) -> list[NativeField]:
    out, seen = [], set()
    for _ in range(draw(st.integers(0, 3))):
        dialect = draw(st.sampled_from(sorted(NATIVE_KEYS)))
        key = draw(st.sampled_from(NATIVE_KEYS[dialect]))
        if (dialect, key) not in seen:
            seen.add((dialect, key))
            out.append(NativeField(dialect=dialect, key=key, value=draw(JSONISH)))
    return out


def optional(strategy):
    return st.none() | strategy


@st.composite
def agents(draw) -> Agent:
    lists = st.lists(realistic_or_nasty(["a diff is ready", "security review"], max_pieces=4), max_size=3)
    return Agent(
        name=draw(optional(NAMES)),
        description=draw(optional(realistic_or_nasty(["Reviews diffs.", "Use after a change."]))),
        examples=draw(examples()),
        when_to_use=draw(lists), not_for=draw(lists), triggers=draw(lists), section_headings=draw(SECTION_HEADINGS),
        section_order=draw(st.permutations(sorted(HEADINGS))),
        prompt=draw(optional(realistic_or_nasty(["You review code.", "Be brief.\n\n1. Read\n2. Report"],
                                                max_pieces=12))),
        model=draw(optional(realistic_or_nasty(["sonnet", "opus", "anthropic/claude-opus-4-8",
                                                "anthropic/claude-sonnet-4-5", "google/gemini-2.5-flash",
                                                "claude-4-sonnet"], single_line=True))),
        reasoning_effort=draw(optional(st.sampled_from(["low", "high", "max"]) | st.integers(1, 10))),
        temperature=draw(optional(st.floats(0, 2, allow_nan=False))),
        top_p=draw(optional(st.floats(0, 1, allow_nan=False))),
        tools=draw(tool_rules()),
        permission_mode=draw(optional(st.sampled_from(["plan", "acceptEdits", "default"]))),
        max_turns=draw(optional(st.integers(1, 500))),
        color=draw(optional(st.sampled_from(["red", "purple", "magenta", "#A855F7", "accent", "chartreuse"]))),
        mode=draw(optional(st.sampled_from(["primary", "subagent", "all"]))),
        hidden=draw(optional(st.booleans())),
        disabled=draw(optional(st.booleans())),
        mcp_servers=draw(optional(st.lists(SLUG | st.just({"db": {"type": "stdio", "command": "db"}}), max_size=2))),
        skills=draw(optional(st.lists(SLUG, max_size=3))),
        hooks=draw(optional(st.just({"PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command",
                                                                                      "command": "./log.sh"}]}]}))),
        native=draw(natives()),
    )


# ------------------------------------------------------------------------------------- helpers

def differing_fields(before: Agent, after: Agent) -> set[str]:
    """Fields and native keys that differ, compared independently of the engine's diff."""
    a, b = before.model_dump(mode="json"), after.model_dump(mode="json")
    out = {f for f in a if f != "native" and json.dumps(a[f]) != json.dumps(b[f])}
    if "tools" in out and same_power(before.tools, after.tools):
        out.discard("tools")          # the same grants, spelled another way
    old = {(n["dialect"], n["key"]): n["value"] for n in a["native"]}
    new = {(n["dialect"], n["key"]): n["value"] for n in b["native"]}
    out |= {f"native.{k[1]}" for k in old.keys() | new.keys() if json.dumps(old.get(k)) != json.dumps(new.get(k))}
    return out


def restores_a_brief_the_text_renders_alike(text: str, dialect: str, path: str) -> bool:
    """The carry put back brief fields the text already says in a form that renders alike
    ('' and None, a literal backslash-n); see test_a_restored_carry_does_not_make_the_file_rewrite_itself."""
    raw = get_dialect(dialect).read(text, path, apply_carry=False).agent
    restored = loads(text, dialect, path=path).agent
    return bool(differing_fields(raw, restored) & {"description", "examples", *SECTION_FIELDS})


def writable(agent: Agent, dialect: str) -> Agent:
    """The agent as a dialect that gives every agent some tool (or every tool) can hold it: one
    that withholds such a tool is refused there (checked here), so the properties hold for it
    with every tool."""
    target = get_dialect(dialect)
    if not (target.grants_every_tool or target.always_grants or getattr(target, "governed", None)) or not agent.tools:
        return agent
    try:
        write_fresh(agent, dialect)
    except WideningError:
        return agent.model_copy(update={"tools": []})
    return agent


def write_fresh(agent: Agent, dialect: str) -> tuple[str, str, list]:
    """(path the agent would be written to, text, losses), as a conversion into ``dialect``."""
    target = get_dialect(dialect)
    path = str(target.output_path(agent))
    text, losses = write_agent(target, agent, source_dialect=None, path=path)
    return path, text, losses


# ------------------------------------------------------------------------------------- agents

@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY
@given(agent=agents())
def test_every_field_a_dialect_cannot_express_is_reported(dialect: str, agent: Agent):
    agent = writable(agent, dialect)
    path, text, losses = write_fresh(agent, dialect)
    reported = {loss.field.partition(".")[0] if not loss.field.startswith("native.") else loss.field
                for loss in losses}
    enforced = get_dialect(dialect).read(text, path, apply_carry=False).agent
    assert differing_fields(agent, enforced) <= reported
    restored = loads(text, dialect, path=path, trust_carry=True).agent
    assert differing_fields(agent, restored) <= reported


@pytest.mark.parametrize("dialect", [d for d in DIALECTS if get_dialect(d).expresses_access])
@PROPERTY
@given(agent=agents())
def test_writing_never_widens_access(dialect: str, agent: Agent):
    agent = writable(agent, dialect)
    path, text, _ = write_fresh(agent, dialect)
    enforced = get_dialect(dialect).read(text, path, apply_carry=False).agent
    assert widenings(agent.tools, enforced.tools, holds=get_dialect(dialect).holds_tool) == []


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY
@given(agent=agents())
def test_carried_fields_come_back_when_read_in_the_same_dialect(dialect: str, agent: Agent):
    agent = writable(agent, dialect)
    path, text, losses = write_fresh(agent, dialect)
    restored = loads(text, dialect, path=path, trust_carry=True).agent      # the carry is ours
    carried = {loss.field for loss in losses if loss.kind == "carried"} - {"name"}
    assert not (differing_fields(agent, restored) & carried)


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY
@given(agent=agents())
def test_what_was_written_is_a_fixed_point(dialect: str, agent: Agent):
    agent = writable(agent, dialect)
    path, text, _ = write_fresh(agent, dialect)
    doc = loads(text, dialect, path=path)
    if not restores_a_brief_the_text_renders_alike(text, dialect, path):
        assert to_dialect(doc)[0] == text                        # with the text's trivia
    if not differing_fields(agent, doc.agent):                   # said exactly: written afresh too
        assert write_fresh(doc.agent, dialect)[1] == text


PLAIN = st.lists(_WORDS, min_size=1, max_size=5).map(" ".join)


@st.composite
def plain_descriptions(draw) -> Agent:
    """Descriptions in words only (no labels inside a turn): every layout, heading and
    section of these must read back exactly as rendered."""
    labels = {"context": ["Context", "CONTEXT", "context"], "user": ["user", "User", "Human", "human"],
              "assistant": ["assistant", "Assistant"]}
    turn = st.sampled_from(["context", "user", "assistant", "commentary"]).flatmap(
        lambda role: st.builds(ExampleTurn, role=st.just(role), text=PLAIN,
                               label=st.sampled_from(labels[role]) if role in labels else st.none()))
    example = st.builds(Example, turns=st.lists(turn, max_size=4), after=st.none() | PLAIN, inline=st.booleans())
    sections = st.lists(PLAIN, max_size=3)
    return Agent(description=draw(st.none() | PLAIN), examples=draw(st.lists(example, max_size=3)),
                 when_to_use=draw(sections), not_for=draw(sections), triggers=draw(sections),
                 section_headings=draw(SECTION_HEADINGS), section_order=draw(st.permutations(sorted(HEADINGS))))


@PROPERTY
@given(agent=plain_descriptions())
def test_a_rendered_description_parses_back_as_the_agent(agent: Agent):
    from agentconv.briefs import DESCRIPTION_FIELDS, parse_description, render_description
    back = Agent(**parse_description(render_description(agent)))
    assert {k: getattr(back, k) for k in DESCRIPTION_FIELDS} == {k: getattr(agent, k) for k in DESCRIPTION_FIELDS}


@pytest.mark.parametrize("action", ["deny", "ask"])
def test_a_deny_on_an_mcp_tool_converts_to_opencode(action: str):
    agent = Agent(name="triage", description="d", tools=[ToolRule(tool="mcp:github/create_issue", action=action)])
    path, text, losses = write_fresh(agent, "opencode")
    enforced = get_dialect("opencode").read(text, path, apply_carry=False).agent
    assert widenings(agent.tools, enforced.tools) == []


@pytest.mark.parametrize("agent", [
    Agent(triggers=["\\nxx"], examples=[Example(turns=[ExampleTurn(role="context", text="cut"),
                                                         ExampleTurn(role="text", text="cut")])]),
    Agent(name="a", description="", triggers=[": "]),
], ids=["literal-backslash-n", "empty-description"])
def test_a_restored_carry_does_not_make_the_file_rewrite_itself(agent: Agent):
    path, text, _ = write_fresh(agent, "claude")
    assert to_dialect(loads(text, "claude", path=path))[0] == text


# ------------------------------------------------------------------------------------- texts

SCALAR_STYLES = [None, "'", '"', "|", ">"]
CLAUDE_KEYS = ["name", "description", "model", "color", "effort", "permissionMode", "memory", "x-note"]
OPENCODE_KEYS = ["description", "mode", "model", "color", "variant", "x-note"]


def styled_entry(key: str, value, style: str | None) -> str:
    """``key: value`` with the scalar in ``style`` (the emitter falls back when it must)."""
    if isinstance(value, str):
        node = yaml.ScalarNode("tag:yaml.org,2002:str", value, style=style)
        root = yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("tag:yaml.org,2002:str", key), node)])
        text = yaml.serialize(root, Dumper=yaml.SafeDumper, allow_unicode=True, width=2**31 - 1)
        return text if text.endswith("\n") else text + "\n"     # it may end a block with \u2028
    flow = style in ("'", '"')
    return yaml.safe_dump({key: value}, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@st.composite
def front_matter_entry(draw, keys: list[str]) -> str:
    key = draw(st.sampled_from(keys))
    kind = draw(st.sampled_from(["styled", "styled", "raw", "list"]))
    if kind == "list":
        return styled_entry(key, draw(st.lists(nasty_text(max_pieces=3, single_line=True), max_size=3)),
                            draw(st.sampled_from(SCALAR_STYLES)))
    value = draw(nasty_text(max_pieces=6, single_line=kind == "raw"))
    if kind == "raw":       # written by hand, as real files are: may need the tool's repair
        return f"{key}: {value}\n"
    return styled_entry(key, value, draw(st.sampled_from(SCALAR_STYLES)))


COMMENT = st.builds(lambda t: "# " + t + "\n", nasty_text(max_pieces=3, single_line=True))
TRIVIA = st.sampled_from(["", "", "\n", "  \n"]) | COMMENT


@st.composite
def markdown_texts(draw, keys: list[str]) -> str:
    entries, seen = [], set()
    for entry in draw(st.lists(front_matter_entry(keys), max_size=6)):
        key = entry.split(":", 1)[0]
        if key not in seen:
            seen.add(key)
            entries.append(entry + draw(TRIVIA))
    body = draw(nasty_text(max_pieces=10))
    text = "---\n" + draw(TRIVIA) + "".join(entries) + "---\n" + body
    return finish(draw, text)


def finish(draw, text: str) -> str:
    """Apply the file-level variations: CRLF, no final newline."""
    if draw(st.booleans()):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


@st.composite
def prose_texts(draw) -> str:
    line = st.one_of(nasty_text(max_pieces=5, single_line=True),
                     st.sampled_from(["WHEN TO USE:", "DELIVERABLES:", "INSTRUCTIONS:", "", "- item",
                                      "  continued", "<example>", "user: hi", "</example>"]),
                     st.builds(lambda t: "- " + t, nasty_text(max_pieces=3, single_line=True)))
    text = "\n".join(draw(st.lists(line, min_size=1, max_size=12))) + "\n"
    if draw(st.integers(0, 4)) == 0:
        text += draw(st.sampled_from(['<!-- agentconv-carry: {"model":"sonnet"} -->\n',
                                      '<!-- agentconv: for converting back to Claude Code (x ignores this):\n'
                                      '  effort: high\n-->\n']))
    return finish(draw, text)


def assert_identity_or_clean_error(text: str, dialect: str, path: str) -> None:
    """Bytes in, same bytes out — or a clear AgentconvError for text the dialect refuses."""
    data = text.encode("utf-8")
    try:
        doc = loads(data, dialect, path=path)
    except AgentconvError:
        return
    written, _ = to_dialect(doc)
    assert written.encode(doc.encoding) == data


@PROPERTY
@given(text=markdown_texts(CLAUDE_KEYS))
def test_claude_texts_write_back_byte_for_byte(text: str):
    assert_identity_or_clean_error(text, "claude", ".claude/agents/generated.md")


@PROPERTY
@given(text=markdown_texts(OPENCODE_KEYS) | st.builds(lambda t: t, nasty_text(max_pieces=10)))
def test_opencode_texts_write_back_byte_for_byte(text: str):
    assert_identity_or_clean_error(text, "opencode", ".opencode/agent/generated.md")


@PROPERTY
@given(text=prose_texts())
def test_prose_texts_write_back_byte_for_byte(text: str):
    assert_identity_or_clean_error(text, "prose", "agents/generated.md")


@PROPERTY
@given(value=nasty_text(max_pieces=8), style=st.sampled_from(SCALAR_STYLES), crlf=st.booleans())
def test_a_quoted_description_is_always_read_and_written_back(value: str, style, crlf: bool):
    """Validly quoted YAML must never be refused: only hand-written plain values may be."""
    text = "---\nname: gen\n" + styled_entry("description", value, style) + "---\nBody\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    doc = loads(text.encode("utf-8"), "claude", path=".claude/agents/gen.md")
    assert to_dialect(doc)[0] == text
    assert doc.agent.description is not None or not value.replace("\\n", "\n").strip()   # Claude expands \n


def test_the_example_budget_can_be_raised_from_the_environment():
    assert PROPERTY.max_examples == int(os.environ.get("AGENTCONV_HYPOTHESIS_EXAMPLES", "40"))


@pytest.mark.parametrize("description", ["\ufeff", "\ufeffStarts with a no-break space of width zero"])
def test_a_brief_starting_with_u_feff_reports_what_loading_drops(description):
    """Loading a file takes a leading U+FEFF for a byte order mark: the read-back the engine
    judges the output by must see the file as loading gives it (found by this module's
    properties)."""
    path, text, losses = write_fresh(Agent(description=description), "prose")
    assert "description" in {loss.field for loss in losses}
