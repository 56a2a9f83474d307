"""Shortcuts taken for speed give exactly what the long way gives (values, types, errors)."""

from __future__ import annotations

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from agentconv.formats import yamlsrc, yamlwrite
from agentconv.registry import detect, detect_and_read, get_dialect

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_scalar = st.one_of(_text, st.integers(), st.booleans(), st.none(), st.floats(),
                    st.sampled_from([0.0, -0.0, 1.0, 1, True, "1", "true", "~", "-0.0"]))
_value = st.recursive(_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(_text, inner, max_size=4)), max_leaves=12)


def _typed(value):
    """The value with every type spelled out, so that 1 == True == 1.0 do not hide a mix-up."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _constructed(node):
    loader = yamlsrc.Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(["description", "permission", "tools", "x-y"]), value=_value)
def test_rendering_from_the_cache_is_what_yaml_dump_writes(key, value):
    frozen = yamlwrite._frozen(value)
    assert frozen is not None and _typed(yamlwrite._thawed(frozen)) == _typed(value)
    for _ in range(2):          # the second time comes from the cache
        assert yamlwrite._dumped(key, frozen) == yamlwrite._dump(key, value)


@settings(max_examples=300, deadline=None)
@given(value=st.dictionaries(_text, _value, min_size=1, max_size=5))
def test_building_values_directly_is_what_the_constructor_builds(value):
    text = yaml.dump(value, Dumper=yamlwrite.Dumper, sort_keys=False, allow_unicode=True)
    node = yamlsrc._compose(text, 1)
    assert _typed(yamlsrc._construct(node)) == _typed(_constructed(node))


@pytest.mark.parametrize("text", [
    "a: 1\nb: true\nc: null\nd: 1.5\ne: [1, x]\n", "<<: {a: 1}\nb: 2\n", "a: !!binary aGVsbG8=\n",
    "=: x\n", "'<<': {a: 1}\n", "a: 0x1F\nb: 1_000\nc: 1:30\n", "a: !!str 1\n", "a: !!set {x, y}\n",
    "a: b\na: c\n", "a: !foo x\n", "? [a]\n: b\n", "a: !!int x\n",
])
def test_unusual_nodes_take_the_long_way(text):
    node = yamlsrc._compose(text, 1)
    try:
        expected = ("value", _typed(_constructed(node)))
    except Exception as exc:
        expected = ("error", type(exc), str(exc))
    try:
        got = ("value", _typed(yamlsrc._construct(node)))
    except Exception as exc:
        got = ("error", type(exc), str(exc))
    assert got == expected


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.rglob("*") if p.is_file()), ids=str)
def test_the_document_detection_reads_is_the_one_reading_gives(path):
    text = path.read_text(encoding="utf-8")
    where = str(path)
    name, doc = detect_and_read(text, where)
    assert name == detect(text, where)
    if doc is not None:
        again = get_dialect(name).read(text, where)
        assert doc == again and doc.warnings == again.warnings
        dialect = get_dialect(name)           # a container's agents each with its own trivia
        for i, (a, b) in enumerate(zip(doc.agents, again.agents, strict=True)):
            assert dialect.write(a, dialect.agent_trivia(doc.trivia, i, a)) == \
                dialect.write(b, dialect.agent_trivia(again.trivia, i, b))


_tool_values = st.one_of(
    st.none(), st.sampled_from(["Read, Grep", "Read Bash(git diff:*)", "*", "", "mcp__github__get_issue"]),
    st.lists(st.sampled_from(["Read", "Edit", "Bash(npm test:*)", "WebFetch", "Task(review)"]), max_size=4),
    st.dictionaries(st.sampled_from(["read", "edit", "bash", "*", "github_get"]),
                    st.one_of(st.booleans(), st.sampled_from(["allow", "ask", "deny"]),
                              st.dictionaries(st.sampled_from(["*", "git diff*", "rm *"]),
                                              st.sampled_from(["allow", "ask", "deny"]), max_size=3)), max_size=4),
    st.integers())


@settings(max_examples=300, deadline=None)
@given(first=_tool_values, second=_tool_values, missing=st.sampled_from([None, 0, 1]))
def test_cached_tool_parses_are_the_parses(first, second, missing):
    from agentconv.dialects import claude, opencode
    from agentconv.dialects.base import MISSING
    values = [first, second]
    if missing is not None:
        values[missing] = MISSING
    for parse in (claude._parsed_access, opencode._parsed_access):
        try:
            expected = ("value", parse.__wrapped__(*values))
        except Exception as exc:
            expected = ("error", type(exc), str(exc))
        for _ in range(2):
            try:
                got = ("value", parse(*values))
            except Exception as exc:
                got = ("error", type(exc), str(exc))
            assert got == expected
            if got[0] == "value" and got[1] is not None:
                got[1].append("mine")             # each caller's list is its own
    rules = claude._parsed_access(first if not isinstance(first, dict) else None, MISSING) or []
    other = opencode._parsed_access(second if isinstance(second, dict) else None, MISSING) or []
    from agentconv import access
    expected = [(t, a) for t, a in access.power_probes(rules, other)
                if access.RANK[access.power_action(other, t, a)] > access.RANK[access.power_action(rules, t, a)]]
    assert access.widenings(rules, other) == expected == access.widenings(rules, other)
    rendered = opencode.render_permission(rules)
    assert rendered == opencode.render_permission(rules)
    for value in rendered.values():
        if isinstance(value, dict):
            value["mine"] = "deny"                # a caller's change stays its own
    assert "mine" not in str(opencode.render_permission(rules))


def _parse_description_uncached(text):
    from agentconv.briefs import SECTION_FIELDS, parse_examples, parse_sections
    before, examples = parse_examples(text)
    sections = parse_sections(before)
    fields = {"examples": examples}
    headings, order = {}, []
    if sections.items and not sections.rest.strip():
        fields.update(sections.items)
        headings, order, before = sections.headings, list(sections.items), sections.lead
    fields["section_headings"] = headings
    fields["section_order"] = [] if order == sorted(order, key=SECTION_FIELDS.index) else order
    fields["description"] = before.strip() or None
    return fields


_DESCRIPTIONS = [
    "Reviews code.", "", "  ", "Use this agent when:\n\n<example>\nContext: x\nuser: \"a\"\nassistant: \"b\"\n"
    "<commentary>\nwhy\n</commentary>\n</example>\n\nafter text\n\n<example>user: c</example>",
    "Summary.\n\nWHEN TO USE:\n- one\n- two\n\nDON'T USE FOR:\n- three\n", "<example></example>",
    "WHEN TO USE:\n- a\n\ntrailing prose", "<example>Human: hi\nAssistant: yo</example>   ",
    "Use it. Examples: <example>Context: x user: a</example> <example>user: b</example>",
    "WHEN TO USE THIS AGENT:\n- a\n\nDELIVERABLES THIS AGENT CREATES:\n- b",
    "DON'T USE FOR:\n- a\n\nWHEN TO USE:\n- b",
]


@pytest.mark.parametrize("text", _DESCRIPTIONS)
def test_cached_description_parse_is_the_parse(text):
    from agentconv.briefs import parse_description
    expected = _parse_description_uncached(text)
    first = parse_description(text)
    assert first == expected and list(first) == list(expected)
    first["examples"][:0] = ["mine"]
    for example in first["examples"][1:]:
        example.turns.clear()                      # models are built anew for every caller
    assert parse_description(text) == expected


@pytest.mark.parametrize("text, value", [
    ("a: |\n  x\n", "x\n"), ("a: |+\n  x\n\n", "x\n\n"), ("a: >\n  x\n", "x\n"),
    ("a: |-\n  x\n", "x"), ("a: b\n", "b"), ("l:\n- |\n  x\n", ["x\n"]),
])
def test_a_text_without_its_final_break_reads_as_itself(text, value):
    """The node of a text is reused for the same text less its final line break (a tool's own
    split) only where that break means nothing: never where a block scalar ends the text."""
    from agentconv.formats import yamlsrc
    key = "l" if text.startswith("l:") else "a"
    assert yamlsrc.load_yaml(text)[1][key] == value
    assert yamlsrc.load_yaml(text.rstrip("\n"))[1] == yaml.safe_load(text.rstrip("\n"))


def test_a_text_without_its_final_break_shares_the_parse():
    from agentconv.formats import yamlsrc
    assert yamlsrc._composed("name: shared-parse\n") is yamlsrc._composed("name: shared-parse")


def _nested(value, depth):
    for _ in range(depth):
        value = [value] if depth % 2 else {"k": value}
    return value


_shared = st.lists(_text, max_size=3)


@settings(max_examples=300, deadline=None)
@given(value=_value, shared=_shared, depth=st.integers(0, 80), alias=st.booleans(), flow=st.booleans())
def test_texts_skipped_by_the_alias_and_depth_walk_pass_it(value, shared, depth, alias, flow):
    """The walk that refuses aliases and deep nesting is skipped only for texts it passes."""
    data = {"a": _nested(value, depth), "b": shared, "c": shared if alias else list(shared)}
    text = yaml.dump(data, default_flow_style=flow, allow_unicode=True)
    node = yaml.compose(text, Loader=yamlsrc.Loader)
    if not yamlsrc._may_alias_or_nest_deep(text):
        yamlsrc._refuse_aliases(node, None, 0)


_LABEL_WORDS = ["WHEN TO USE", "WHEN TO USE THIS AGENT", "SPECIFIC SCENARIOS", "SCENARIOS", "DELIVERABLES",
                "DON'T USE FOR", "DON’T USE FOR", "DO NOT USE FOR", "TRIGGERS", "TRIGGER THIS AGENT WITH",
                "When to use", "use", ":", "\n", " ", "- item", "USES"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_LABEL_WORDS) | st.text(max_size=4), max_size=8).map("".join))
def test_a_text_without_label_words_has_no_sections_as_the_pattern_finds_none(text):
    from agentconv.briefs import _IN_EVERY_LABEL, _LABEL_LINE, _SECTION_PATTERNS
    assert all(any(word in label for word in _IN_EVERY_LABEL)
               for pattern in _SECTION_PATTERNS.values() for label in pattern.split("|"))
    if _LABEL_LINE.search(text):
        assert any(word in text for word in _IN_EVERY_LABEL)
