"""formats/block.py: one interface for a parsed block, with YAML (front matter) and JSON
implementations. JSON keeps every byte on identity and edits one entry in the file's own style."""

from __future__ import annotations

import json

import pytest
import yaml

from agentconv.errors import AgentconvError, ParseError
from agentconv.formats import jsonsrc, tomlsrc, yamlsrc

JSON_TEXTS = {
    "two-spaces": '{\n  "a": {\n    "x": 1,\n    "y": ["p", "q"]\n  },\n  "b": {"x": 2}\n}\n',
    "four-spaces-crlf-no-final-newline":
        '{\r\n    "a": {\r\n        "x": "\\u00e9",\r\n        "y": true\r\n    }\r\n}',
    "tabs": '{\n\t"a": {\n\t\t"x": "caf\u00e9 \\"quoted\\"",\n\t\t"y": null\n\t}\n}\n',
    "compact": '{"a":{"x":1.0,"y":[]},"b":{}}',
    "space-around": '  {"a" : {"x" : 1}}  \n\n',
    "escaped-slash-and-unicode": '{\n  "a": {"x": "a\\/b \\ud83d\\ude00"}\n}\n',
}


@pytest.mark.parametrize("text", JSON_TEXTS.values(), ids=JSON_TEXTS.keys())
def test_json_identity_is_byte_exact(text):
    root, before, after = jsonsrc.parse(text, depth=2)
    assert root.values() == json.loads(text)
    members = "".join(e.lead + e.text for e in root.entries)
    assert before + root.render(list((e.key, jsonsrc.Raw(e.value_text)) for e in root.entries)) + after == text
    for entry in root.entries:
        assert entry.inner.render(entry.inner.values().items()) == entry.inner.text
    assert members


EDITS = [
    # (text, key of the member, new items, expected member text)
    ('{\n  "a": {\n    "x": 1,\n    "y": ["p", "q"]\n  }\n}\n', "a", [("x", 2), ("y", ["p", "q"])],
     '{\n    "x": 2,\n    "y": ["p", "q"]\n  }'),
    ('{\n  "a": {\n    "x": 1,\n    "y": ["p", "q"]\n  }\n}\n', "a", [("x", 1), ("y", ["p", "q"]), ("z", {"k": [1]})],
     '{\n    "x": 1,\n    "y": ["p", "q"],\n    "z": {\n      "k": [1]\n    }\n  }'),
    ('{\n  "a": {\n    "x": 1,\n    "y": 2\n  }\n}\n', "a", [("y", 2)], '{\n    "y": 2\n  }'),
    ('{"a":{"x":1,"y":2}}', "a", [("x", 1), ("y", 3)], '{"x":1,"y":3}'),
    ('{"a":{"x":1,"y":[2]}}', "a", [("x", 1), ("y", [2, {"k": "v"}])], '{"x":1,"y":[2,{"k":"v"}]}'),
    ('{"a": {"x": 1, "y": [2]}}', "a", [("x", 1), ("y", [2, 3])], '{"x": 1, "y": [2, 3]}'),
    ('{\r\n\t"a": {\r\n\t\t"x": "\\u00e9"\r\n\t}\r\n}', "a", [("x", "\u00e9"), ("w", "\u00e8")],
     '{\r\n\t\t"x": "\\u00e9",\r\n\t\t"w": "\\u00e8"\r\n\t}'),
    # keys the object had keep their place; new ones follow
    ('{\n  "a": {\n    "y": 1,\n    "x": 2\n  }\n}\n', "a", [("x", 2), ("n", 0), ("y", 1)],
     '{\n    "y": 1,\n    "x": 2,\n    "n": 0\n  }'),
]


@pytest.mark.parametrize("text, key, items, expected", EDITS)
def test_a_json_edit_rewrites_only_the_entries_that_changed(text, key, items, expected):
    root, _, _ = jsonsrc.parse(text, depth=2)
    assert root.entry(key).inner.render(items) == expected
    json.loads(expected)


@pytest.mark.parametrize("text, line, message", [
    ('{\n  "a": 1,\n  "a": 2\n}', 3, "appears twice"),
    ('{\n  "a": 1,\n  "b": \n}', 4, "invalid JSON"),
    ('[1, 2]', 1, "not a JSON object"),
    ('{"a": 1} {"b": 2}', 1, "text after the JSON object"),
    ('{\n  "a": 1\n', 3, "invalid JSON"),
])
def test_broken_json_is_an_error_with_its_line(text, line, message):
    with pytest.raises(ParseError) as info:
        jsonsrc.parse(text, path="x.json", depth=2)
    assert info.value.line == line and message in info.value.message


@pytest.mark.parametrize("value", [{1, 2}, float("nan"), b"bytes"])
def test_a_value_json_cannot_hold_is_refused_clearly(value):
    assert not jsonsrc.jsonable(value)
    with pytest.raises(AgentconvError):
        jsonsrc.Style().dumps(value, "")


def test_every_syntax_offers_the_same_block_interface():
    yaml_block, _ = yamlsrc.parse_block("name: a\ndescription: b # why\n")
    json_block, _, _ = jsonsrc.parse('{"name": "a", "description": "b"}')
    toml_block = tomlsrc.parse('name = "a"\ndescription = "b" # why\n')
    lines = {id(yaml_block): 3, id(json_block): 1, id(toml_block): 2}      # YAML: after '---'
    for block in (yaml_block, json_block, toml_block):
        assert block.values() == {"name": "a", "description": "b"}
        assert block.entry("description").line == lines[id(block)]
        changed = block.render([("name", "a"), ("description", "c")])
        assert '"c"' in changed or "description: c" in changed
    assert "# why" in toml_block.render([("name", "a"), ("description", "c")])      # the comment stays
    assert yaml_block.render([("name", "a"), ("description", "b")]) == "name: a\ndescription: b # why\n"


TOML = ('''# an agent in TOML\nname = "reviewer"   # who\ndescription = 'Reviews diffs'\n'''
        '''tools = [\n  "read",  # reading\n'''
        '''  "grep",\n]\n\n[mcp_servers.github]\ncommand = "gh-mcp"\n''')


@pytest.mark.parametrize("text", [TOML, TOML.replace("\n", "\r\n"), 'a = 1\nb = { c = [1, 2], d = "x" }'])
def test_toml_identity_is_byte_exact(text):
    block = tomlsrc.parse(text)
    assert block.render(block.values().items()) == text


def test_a_toml_edit_keeps_every_other_line_and_comment():
    block = tomlsrc.parse(TOML)
    items = dict(block.values(), description="Reviews every diff", model="gpt-5")
    out = block.render(items.items())
    assert out.replace("description = 'Reviews every diff'", "description = 'Reviews diffs'") \
        .replace('model = "gpt-5"\n', "") == TOML
    assert block.entry("mcp_servers").line == 9
    assert tomlsrc.parse(out).values() == items
    with pytest.raises(ParseError) as info:
        tomlsrc.parse("a = 1\nb = \n", path="x.toml")
    assert info.value.line == 2


@pytest.mark.parametrize("old, value, line", [
    ("'a'", "b c", "d = 'b c'"),                # a literal stays literal (whatever tomlkit release)
    ("'a'", "it's", '''d = "it's"'''),          # ... unless the text cannot be one
    ("'a'", "x\x01", 'd = "x\\u0001"'),
    ('"a"', "b", 'd = "b"'),
])
def test_an_edited_string_keeps_its_quoting_where_it_can(old, value, line):
    block = tomlsrc.parse(f"d = {old}\n")
    out = block.render([("d", value)])
    assert out == line + "\n" and tomlsrc.parse(out).values() == {"d": value}


@pytest.mark.parametrize("value", [
    "TRIGGER THIS AGENT WITH:\n- review\u2028", "a\u2029b", "x\x85", ["a\u2028", "b\nc\nd"],
    ["x\\N\ny\nz", "q\u2028"], "back\\Lslash\u2028",
])
def test_a_value_with_yamls_own_line_breaks_reads_back_whole_and_ends_its_line(value):
    """PyYAML ends a literal block on U+2028 without its final newline (the closing '---' then
    joined that line); such strings are double-quoted, spelled with JSON-style escapes where no
    string holds a backslash of its own."""
    from agentconv.formats.yamlwrite import render_entry
    text = render_entry("description", value)
    assert text.endswith("\n") and yaml.safe_load(text)["description"] == value
    if not any("\\" in v for v in ([value] if isinstance(value, str) else value)):
        assert "\\L" not in text and "\\P" not in text and "\\N" not in text


@pytest.mark.parametrize("value, written", [
    ("🐛 Finds bugs", "description: 🐛 Finds bugs\n"),                 # libyaml would write "\U0001F41B ..."
    ("line one\n🐛 two\n", "description: |\n  line one\n  🐛 two\n"),
    (["🐛", {"k": "😀"}], "description:\n- 🐛\n- k: 😀\n"),
    ("é ü", "description: é ü\n"),
])
def test_characters_past_the_bmp_are_written_as_themselves(value, written):
    from agentconv.formats import yamlwrite
    assert yamlwrite._dump("description", value) == written
    assert yaml.safe_load(written)["description"] == value
