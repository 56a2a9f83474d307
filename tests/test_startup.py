"""Start-up (issue 11): each command imports only what it uses. Run in a fresh interpreter,
each command's heavy imports are listed from ``sys.modules`` after it ran."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

HEAVY = ("pydantic", "yaml", "jsonschema", "tomlkit", "click", "pathlib")
PLAIN = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read, Grep\nmodel: sonnet\n---\nBe brief.\n"
PROBE = """
import json, sys
from agentconv.launch import main          # the console script's entry point
sys.argv[0] = "agentconv"
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m in {heavy})), file=sys.stderr)
"""


def heavy_imports(tmp_path, *args: str) -> set[str]:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True, exist_ok=True)
    (agents / "reviewer.md").write_text(PLAIN)
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=set(HEAVY)), *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args, absent", [
    (["--help"], {"pydantic", "yaml", "jsonschema", "tomlkit", "pathlib"}),
    (["--version"], {"pydantic", "yaml", "jsonschema", "tomlkit", "pathlib"}),
    (["detect", ".claude/agents/reviewer.md"], {"pydantic", "jsonschema", "tomlkit", "pathlib"}),
    (["check", ".claude/agents/reviewer.md"], {"pydantic", "jsonschema", "tomlkit"}),
    (["check", "--for", "claude", ".claude/agents/reviewer.md"], {"pydantic", "jsonschema", "tomlkit"}),
    (["convert", ".claude/agents/reviewer.md", "--to", "opencode"],
     {"pydantic", "jsonschema", "tomlkit", "click", "pathlib"}),
    # into a dialect of flat file names
    (["convert", ".claude/agents/reviewer.md", "--to", "cline"],
     {"pydantic", "jsonschema", "tomlkit", "click", "pathlib"}),
    (["convert", ".claude/agents/reviewer.md", "--to=opencode", "--strict", "-o", "out/"],
     {"pydantic", "jsonschema", "tomlkit", "click"}),
    (["convert", ".claude", "--to", "opencode", "-o", "out"], {"pydantic", "jsonschema", "tomlkit"}),
])
def test_a_command_imports_only_what_it_uses(tmp_path, args, absent):
    assert heavy_imports(tmp_path, *args) & absent == set()


def test_the_probe_sees_imports(tmp_path):
    """The probe can fail: converting loads PyYAML, printing the model's JSON Schema pydantic
    (the engine runs on records; the pydantic twins are for the library's users)."""
    assert "yaml" in heavy_imports(tmp_path, "convert", ".claude/agents/reviewer.md", "--to", "opencode")
    assert "pydantic" in heavy_imports(tmp_path, "schema")
    assert "click" in heavy_imports(tmp_path, "convert", ".claude", "--to", "opencode", "-o", "out")
    assert "pathlib" in heavy_imports(tmp_path, "convert", ".claude/agents/reviewer.md", "--to", "opencode",
                                      "-o", "out/")


def test_the_dialect_index_is_current():
    """Detection by path and by content reads a generated table instead of importing every dialect."""
    from pathlib import Path

    from agentconv import dialectindex
    stored = Path(dialectindex.__file__).with_name("_dialectindex.py").read_text(encoding="utf-8")
    assert stored == dialectindex.render(dialectindex.current()), "stale: run python -m agentconv.dialectindex"


DIALECT_PROBE = """
import sys
from agentconv.cli import cli
try:
    cli(sys.argv[1:], prog_name="agentconv")
except SystemExit:
    pass
print(sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("agentconv.dialects.")), file=sys.stderr)
"""


def test_converting_one_file_imports_only_the_dialects_it_uses(tmp_path):
    """Start-up does not grow with the number of dialects: a Claude file into opencode loads
    Claude's, opencode's and prose's (a path-hinted file is checked for being a prose brief)."""
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text(PLAIN)
    done = subprocess.run([sys.executable, "-c", DIALECT_PROBE, "convert", ".claude/agents/reviewer.md", "--to",
                           "opencode"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    loaded = set(eval(done.stderr.strip().splitlines()[-1]))          # noqa: S307 - our own probe's output
    from agentconv.registry import DIALECTS
    modules = {m.rsplit(".", 1)[1] for m in DIALECTS.values()}
    assert loaded & modules == {"claude", "opencode", "prose"}


@pytest.mark.parametrize("front_matter, expected", [
    ("name: reviewer\ndescription: Reviews code.\n", {"claude", "opencode"}),          # name, description
    ("name: reviewer\ndescription: Reviews.\ntools: Read\nmodel: sonnet\n", {"claude", "opencode"}),
    ("name: r\ndescription: d\ntools: [read_file, view_file]\n", {"claude", "opencode", "gemini", "qwen",
                                                                    "antigravity"}),     # their tool names
    ("name: r\ndescription: d\ntools: Read, Execute\nmodel: [gpt-5, sonnet]\n",
     {"claude", "opencode", "factory", "copilot"}),     # a Factory tool name, Copilot's model fallbacks
    ("name: r\ndescription: d\nreadonly: true\n", {"claude", "opencode", "cursor"}),
])
def test_telling_a_file_outside_any_agent_folder_imports_only_the_dialects_that_may_claim_it(
        tmp_path, front_matter, expected):
    """The claim gates (``_dialectindex.CLAIM_GATES``): a dialect whose keys the front matter
    does not hold, or whose syntax the file is not in, is not imported to be asked."""
    (tmp_path / "reviewer.md").write_text(f"---\n{front_matter}---\n\nReview the change.\n")
    done = subprocess.run([sys.executable, "-c", DIALECT_PROBE, "detect", "reviewer.md"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    loaded = set(eval(done.stderr.strip().splitlines()[-1]))          # noqa: S307 - our own probe's output
    from agentconv.registry import DIALECTS
    modules = {m.rsplit(".", 1)[1]: n for n, m in DIALECTS.items()}
    assert {modules[m] for m in loaded if m in modules} == expected


def test_the_data_cache_is_current():
    """The shipped tables are parsed ahead (no tomllib at start-up): remade by a command."""
    from pathlib import Path

    from agentconv import datacache
    stored = Path(datacache.__file__).with_name("_datacache.py").read_text(encoding="utf-8")
    assert stored == datacache.render(datacache.current()), "stale: run python -m agentconv.datacache"


def test_a_table_is_what_tomllib_reads_and_an_edited_one_is_never_read_stale(tmp_path, monkeypatch):
    import shutil
    import tomllib

    from agentconv import data
    for path in sorted(data.data_root().rglob("*.toml")):
        dialect = path.parent.name
        data.mapping.cache_clear()
        data.mapping_bytes.cache_clear()
        assert data.mapping(dialect, path.name) == tomllib.loads(path.read_text(encoding="utf-8")), path
    copy = tmp_path / "dialects"
    shutil.copytree(data.data_root(), copy)
    table = copy / "claude" / "mapping.toml"
    table.write_text(table.read_text(encoding="utf-8") + '\n[edited]\nby = "hand"\n', encoding="utf-8")
    monkeypatch.setattr(data, "_root", lambda: str(copy))
    data.mapping.cache_clear()
    data.mapping_bytes.cache_clear()
    try:
        assert data.mapping("claude")["edited"] == {"by": "hand"}
        assert data.mapping("opencode") == tomllib.loads((copy / "opencode" / "mapping.toml").read_text())
    finally:
        data.mapping.cache_clear()
        data.mapping_bytes.cache_clear()


def test_a_one_file_convert_parses_no_toml(tmp_path):
    probe = PROBE.replace("m in {heavy}", "m in {heavy} or m == 'tomllib'")
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text(PLAIN)
    done = subprocess.run([sys.executable, "-c", probe.format(heavy=set(HEAVY)), "convert",
                           ".claude/agents/reviewer.md", "--to", "opencode"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert "tomllib" not in json.loads(done.stderr.strip().splitlines()[-1])
    (tmp_path / "agentconv.toml").write_text('carry = "none"\n')      # a configuration is parsed, of course
    done = subprocess.run([sys.executable, "-c", probe.format(heavy=set(HEAVY)), "convert",
                           ".claude/agents/reviewer.md", "--to", "opencode"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert "tomllib" in json.loads(done.stderr.strip().splitlines()[-1])


_TOML_LINES = ["", "# note", "  ", "name = 'x'", "[agent]", "[[agents]]", '"key two" = 1', "a.b = 2", "---",
               "name: x", "text", "= 1", "x =", "\ufeffk = 1", "arr = [", "  1,", "]", 'm = """', 'x"""',
               "--- = 1", "---=1", "\ufeff---"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TOML_LINES), st.text(max_size=12)), max_size=6),
       st.sampled_from(["\n", "\r\n"]))
def test_a_text_said_to_hold_no_toml_key_holds_none(lines, newline):
    """Detection skips tomlkit for a text whose first real line is no table or key: such a
    text must be no TOML document with a key at all."""
    import tomllib

    from agentconv.formats.tomlsrc import may_hold_keys
    text = newline.join(lines)
    if may_hold_keys(text):
        return
    try:
        assert tomllib.loads(text.removeprefix("\ufeff")) == {}, text
    except tomllib.TOMLDecodeError:
        pass



YAML_PROBE = """
import re
import agentconv.formats.yamlsrc
import yaml
print(isinstance(yaml.reader.Reader.NON_PRINTABLE, re.Pattern))
print(agentconv.formats.yamlsrc.load_yaml("a: b\\n")[1])
try:
    yaml.load("a: \\x07", Loader=yaml.SafeLoader)          # the pure-Python reader checks with it
except yaml.reader.ReaderError as exc:
    print("refused", exc.character == 7)
"""


def test_pyyaml_is_imported_without_compiling_the_pattern_only_its_python_reader_uses():
    """``formats/pyyaml.py``: the pattern is compiled on first use, and then works as PyYAML's."""
    done = subprocess.run([sys.executable, "-c", YAML_PROBE], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["False", "{'a': 'b'}", "refused True"], done.stderr


def test_a_pattern_compiled_on_first_use_is_the_pattern():
    import re

    from agentconv.lazyre import compile_later
    later = compile_later(r"(?P<k>\w+):\s*(\d+)?", re.I)
    assert later.pattern == r"(?P<k>\w+):\s*(\d+)?" and later.flags & re.I and later.groupindex == {"k": 1}
    now = re.compile(later.pattern, re.I)
    text = "a: 1 B: c:3"
    assert [m.groups() for m in later.finditer(text)] == [m.groups() for m in now.finditer(text)]
    assert later.sub("x", text) == now.sub("x", text) and later.split(text) == now.split(text)
    assert later.search("  z:").group("k") == "z" and later.fullmatch("q:") and not later.match(" ")


_CLASS_TEXT = st.text(st.sampled_from("aZ_/( -:#'\"<>|?*\\\t\n\r\x00\x07\x1f\x7f\x85\x9f\xa0é\u061c\u200b\u2028"
                                      "\u2029\ufeff\ufffe\uffff\ud800\udfff\U0001f600"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(_CLASS_TEXT)
def test_a_pattern_cut_to_ascii_for_ascii_text_says_what_the_full_pattern_says(text):
    """``lazyre.AsciiFirst``: the ASCII cut of each pattern agrees with the full one on every
    text (the ASCII cut is used only for ASCII text)."""
    import re

    from agentconv import carry, paths
    from agentconv.formats import yamlwrite
    for checked in (paths._UNSAFE, paths._NOT_PRINTABLE, carry._UNSAFE, yamlwrite._PLAIN_SAFE):
        full = re.compile(checked.full.pattern)
        assert bool(checked.search(text)) == bool(full.search(text))
        assert bool(checked.match(text)) == bool(full.match(text))
        assert checked.sub("-", text) == full.sub("-", text)
        if text.isascii():
            assert bool(re.compile(checked.ascii.pattern).search(text)) == bool(full.search(text))


@pytest.mark.parametrize("module", ["agentconv.toolmodels", "agentconv.toolread"])
def test_the_reading_models_import_on_their_own(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_every_dialect_names_a_reading_model_that_exists():
    from agentconv.registry import DIALECTS, get_dialect
    from agentconv.toolread import MODELS, model_named
    named = {n: get_dialect(n).reading_model for n in DIALECTS}
    assert {n: m for n, m in named.items() if m is not None and (m not in MODELS or model_named(m) is None)} == {}
    assert all(model_named(m) is not None for m in MODELS) and model_named("no-such-tool") is None


_PATHS = st.lists(st.sampled_from(["", ".", "..", "a", "b.md", ".hidden", "x.tar.gz", "c.", "agents", "é"]),
                  max_size=5).map("/".join)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows paths go to pathlib itself")
@given(path=st.one_of(_PATHS, st.tuples(st.sampled_from(["/", "//", "///", "./"]), _PATHS).map("".join)))
@settings(max_examples=300, deadline=None)
def test_paths_say_what_purepath_says(path):
    """The start-up's stand-ins for PurePath (paths.py) agree with it on every path."""
    from pathlib import PurePath

    from agentconv.paths import as_posix, name_stem, path_name, path_parts
    pure = PurePath(path)
    assert (path_parts(path), path_name(path), as_posix(path), name_stem(pure.name)) == \
        (pure.parts, pure.name, pure.as_posix(), pure.stem)


@pytest.mark.parametrize("name", ["reviewer", "review/security", "../up", "a b.c", "CON", ""])
def test_output_where_is_the_text_of_output_path(name):
    from agentconv.model import Agent
    from agentconv.registry import dialect_names, get_dialect
    agent = Agent(name=name or None)
    for dialect in map(get_dialect, dialect_names()):
        assert dialect.output_where(agent) == str(dialect.output_path(agent)), dialect.name


_DEVICE = st.sampled_from(["con", "prn", "aux", "nul", "conin$", "conout$", "clock$", "com1", "lpt¹", "co", "clocks"])


@given(name=st.tuples(_DEVICE.map(lambda d: "".join(c.upper() if i % 2 else c for i, c in enumerate(d))),
                      st.sampled_from(["", ".txt", " x", "1", "$"]),
                      st.text(alphabet="KkıİſOoNnCc. ", max_size=4)).map("".join) | st.text(max_size=8))
@settings(max_examples=300, deadline=None)
def test_a_reserved_device_name_is_told_as_the_full_pattern_tells_it(name):
    """safe_segment asks the pattern only of names that start as a device does: never fewer."""
    import re

    from agentconv.paths import _RESERVED_STARTS, safe_segment
    pattern = re.compile(r"^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])([ .].*)?$",
                         re.IGNORECASE)
    if pattern.match(name):
        assert name[:3].lower() in _RESERVED_STARTS
    assert not pattern.match(safe_segment(name))
