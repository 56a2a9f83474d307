"""The command line, through click's CliRunner: data on stdout, reports on stderr, exit codes
0 ok / 1 failure or losses under --strict / 2 usage, and no traceback ever."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import agentconv
from agentconv.cli import cli

MAXIMAL = FIXTURES / "claude" / "maximal.md"
MINIMAL = FIXTURES / "claude" / "minimal.md"                 # name: code-reviewer; loses nothing
OPENCODE_MINIMAL = FIXTURES / "opencode" / "minimal.md"      # lossless to claude
NESTED = FIXTURES / "opencode" / "agent" / "review" / "security.md"


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, prog_name="agentconv")
    assert "Traceback" not in result.stderr, result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# -- convert -----------------------------------------------------------------------------------

def test_convert_prints_the_text_on_stdout_and_the_losses_on_stderr():
    result = run("convert", MAXIMAL, "--to", "opencode")
    assert result.exit_code == 0
    assert result.stdout == agentconv.convert(MAXIMAL.read_bytes(), to="opencode", path=MAXIMAL, on_loss="ignore")
    assert "permission_mode: carried" in result.stderr and "for converting back" not in result.stderr


def test_convert_reads_stdin():
    result = run("convert", "-", "--from", "prose", "--to", "claude", input="Reviews.\n\nBe brief.\n")
    assert result.exit_code == 0 and result.stdout.startswith("---\n")
    assert "<stdin>" in result.stderr


def test_convert_into_a_folder_uses_the_opencode_layout(tmp_path):
    result = run("convert", MINIMAL, "--to", "opencode", "-o", tmp_path)
    written = tmp_path / ".opencode" / "agent" / "code-reviewer.md"
    assert result.exit_code == 0 and result.stdout == ""
    assert [p.name for p in tmp_path.rglob("*.md")] == ["code-reviewer.md"]
    # the path now names the agent, so there is nothing left to carry or report
    assert "agentconv-carry" not in written.read_text() and "carried" not in result.stderr
    assert agentconv.load(written).agent == agentconv.load(MINIMAL).agent


def test_convert_into_a_folder_uses_the_claude_layout_with_sub_folders(tmp_path):
    assert run("convert", OPENCODE_MINIMAL, "--to", "claude", "-o", tmp_path).exit_code == 0
    assert run("convert", NESTED, "--to", "claude", "-o", tmp_path).exit_code == 0
    assert (tmp_path / ".claude" / "agents" / "minimal.md").is_file()
    nested = tmp_path / ".claude" / "agents" / "review" / "security.md"
    assert agentconv.load(nested).agent.name == "review/security"


@pytest.mark.parametrize("name, inside", [
    ("../../escape", ".opencode/agent/escape.md"),
    ("/etc/passwd", ".opencode/agent/etc/passwd.md"),
])
def test_convert_never_writes_outside_the_output_folder(tmp_path, name, inside):
    source = tmp_path / "evil.md"
    source.write_text(f"---\nname: {name}\ndescription: x\n---\nx\n")
    out = tmp_path / "out"
    out.mkdir()
    result = run("convert", source, "--to", "opencode", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.md")] == [inside]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.md", "out"]
    assert "name: approximated" in result.stderr


def test_convert_to_a_file_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "agent.md"
    target.write_text("keep me\n")
    result = run("convert", MINIMAL, "--to", "opencode", "-o", target)
    assert result.exit_code == 1 and target.read_text() == "keep me\n"
    assert "already exists" in result.stderr and "hint: " in result.stderr and "--force" in result.stderr
    assert run("convert", MINIMAL, "--to", "opencode", "-o", target, "--force").exit_code == 0
    assert target.read_text().startswith("---\ndescription: Reviews diffs")


def test_strict_fails_on_losses_and_writes_nothing(tmp_path):
    assert run("convert", MINIMAL, "--to", "opencode", "--strict").exit_code == 0    # nothing is lost
    result = run("convert", MAXIMAL, "--to", "opencode", "--strict")
    assert result.exit_code == 1 and result.stdout == ""
    assert "cannot be expressed exactly: " in result.stderr and "permission_mode" in result.stderr
    result = run("convert", FIXTURES / "claude" / "maximal.md", "--to", "opencode", "--strict", "-o", tmp_path)
    assert result.exit_code == 1 and not list(tmp_path.rglob("*.md"))


def test_strict_passes_a_lossless_conversion():
    result = run("convert", OPENCODE_MINIMAL, "--to", "claude", "--strict")
    # opencode's own default (ask before reading .env files) is noted, and is not a loss
    assert result.exit_code == 0 and all(": defaulted (" in line for line in result.stderr.splitlines())
    assert result.stdout.startswith("---\nname: minimal\n")


def test_report_json_goes_to_stderr_when_stdout_holds_the_text():
    result = run("convert", MAXIMAL, "--to", "opencode", "--report", "json")
    assert result.stdout.startswith("---\n")
    entry = json.loads(result.stderr)["files"][0]
    assert (entry["from"], entry["to"], entry["status"]) == ("claude", "opencode", "lossy")
    assert ("permission_mode", "carried") in [(l["field"], l["kind"]) for l in entry["losses"]]


def test_report_json_goes_to_stdout_with_an_output_folder(tmp_path):
    result = run("convert", OPENCODE_MINIMAL, "--to", "claude", "-o", tmp_path, "--report", "json")
    entry = json.loads(result.stdout)["files"][0]
    assert entry["status"] == "ok" and [l for l in entry["losses"] if l["kind"] != "defaulted"] == []
    assert entry["source"] == str(OPENCODE_MINIMAL)


def test_no_carry_drops_instead_of_carrying():
    for flags in (["--no-carry"], ["--carry", "none"]):
        result = run("convert", MAXIMAL, "--to", "opencode", *flags)
        assert result.exit_code == 0 and "agentconv" not in result.stdout
        assert "permission_mode: dropped" in result.stderr


def test_a_broken_file_is_reported_with_its_location_and_a_hint(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\nname: a\nname: b\n---\n")
    result = run("convert", bad, "--from", "claude", "--to", "opencode")
    assert result.exit_code == 1 and result.stdout == ""
    assert re.search(rf"^agentconv: {re.escape(str(bad))}:3:1: key 'name' appears twice", result.stderr, re.M)
    assert "\nhint: " in result.stderr


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    result = run("convert", tmp_path / "nope.md", "--to", "claude")
    assert result.exit_code in (1, 2) and "nope.md" in result.stderr


@pytest.mark.parametrize("path", sorted((FIXTURES / "claude").glob("*.md")), ids=lambda p: p.name)
def test_the_readme_quick_start_converts_every_claude_fixture(path):
    result = run("convert", path, "--to", "opencode")
    assert result.exit_code == 0 and result.stdout.startswith("---\n"), result.stderr


# -- usage errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["convert", str(MINIMAL), "--to", "opencod"], "did you mean 'opencode'?"),
    (["convert", str(MINIMAL), "--to", "claude", "--from", "clade"], "did you mean 'claude'?"),
    (["convert", str(MINIMAL)], "--to"),
    (["convrt"], "convert"),
    (["convert", str(MINIMAL), "--to", "claude", "--report", "xml"], "xml"),
])
def test_usage_errors_exit_2(args, needle):
    result = run(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert needle in result.stderr


# -- the other commands -------------------------------------------------------------------------

def test_detect_prints_each_dialect_and_fails_for_the_undecidable(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    prose = FIXTURES / "prose" / "one-paragraph.txt"
    result = run("detect", MINIMAL, empty, prose, OPENCODE_MINIMAL)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{MINIMAL}\tclaude", f"{prose}\tprose", f"{OPENCODE_MINIMAL}\topencode"]
    assert f"{empty}: the file is empty" in result.stderr and "hint: " in result.stderr


def test_inspect_prints_the_canonical_model():
    result = run("inspect", FIXTURES / "claude" / "read-only.md")
    model = json.loads(result.stdout)
    assert model["dialect"] == "claude"
    agent = model["agents"][0]
    assert agent["name"] == "codebase-explorer"
    assert agent["tools"][0] == {"tool": "*", "pattern": None, "action": "deny"}


def test_check_passes_every_fixture_the_tools_load_and_fails_the_one_claude_code_skips():
    files = sorted(str(p) for p in FIXTURES.rglob("*") if p.suffix in (".md", ".txt"))
    result = run("check", *files)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    skipped = [f for f in files if "continued-user-lines" in f]       # not YAML even after Claude's repair
    assert len(lines) == len(files) - 1 and all(l.startswith("ok\t") for l in lines)
    assert f"{skipped[0]}: Claude Code skips this file: the front matter is not valid YAML even after " \
           f"Claude Code's own repair" in result.stderr
    assert any("block-examples" in l and "Claude Code reads '--\\nYou plan" in l for l in lines)


def test_check_fails_for_a_file_that_does_not_parse(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\nname: a\n")
    result = run("check", MINIMAL, bad)
    assert result.exit_code == 1 and result.stdout.startswith("ok\t")
    assert f"{bad}:1:1: front matter opened with '---' is never closed" in result.stderr


def test_dialects_lists_name_tool_and_folder():
    rows = [line.split("\t") for line in run("dialects").stdout.splitlines()]
    assert [r[0] for r in rows] == ["claude", "opencode", "prose", "claude-json", "copilot", "deepagents", "augment",
                                    "cline", "junie", "cursor", "factory", "kiro-ide", "trae", "gemini", "qwen",
                                    "antigravity", "kiro", "opencode-json", "roo", "kilo", "zoo", "bob", "codex",
                                    "vibe"]
    assert rows[0][2] == ".claude/agents/" and rows[1][2] == ".opencode/agent/"
    assert rows[4][2] == ".github/agents/"
    assert [r[2] for r in rows[9:13]] == [".cursor/agents/", ".factory/droids/", ".kiro/agents/", ".trae/agents/"]
    assert [r[2] for r in rows[13:16]] == [".gemini/agents/", ".qwen/agents/", ".agents/agents/"]
    assert [r[2] for r in rows[16:18]] == [".kiro/agents/", "opencode.json"]
    assert [r[2] for r in rows[18:]] == [".roomodes", ".kilocodemodes", ".roomodes", ".bob/custom_modes.yaml",
                                         ".codex/agents/", ".vibe/agents/"]
    summary = {r[0]: r[3] for r in rows}
    assert "ask before a tool" in summary["claude"] and "temperature" in summary["claude"]
    assert "temperature" not in summary["opencode"] and "ask before a tool" not in summary["opencode"]
    assert "model fallbacks" not in summary["copilot"] and "denied tools" in summary["copilot"]


@pytest.mark.parametrize("dialect, probe, lost", [
    ("claude", "temperature", True), ("opencode", "temperature", False),
    ("claude", "ask before a tool", True), ("opencode", "ask before a tool", False),
    ("copilot", "model fallbacks", False), ("claude", "model fallbacks", True),
    ("opencode", "hooks", True), ("claude", "hooks", False), ("prose", "tool allow-lists", True),
])
def test_what_a_dialect_cannot_express_is_found_by_probes(dialect, probe, lost):
    from agentconv.expressible import PROBES, cannot_express
    assert probe in dict(PROBES)
    assert (probe in cannot_express(dialect)) is lost


class JSONSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.BINARY
    file_extension = "json"


def test_schema_is_the_canonical_model(snapshot):
    result = run("schema")
    schema = json.loads(result.stdout)
    assert "Agent" in schema["$defs"] and "tools" in schema["$defs"]["Agent"]["properties"]
    assert result.stdout.encode() == snapshot(extension_class=JSONSnapshot)


def test_version():
    assert run("--version").stdout.strip().endswith(agentconv.__version__)


def test_python_m_agentconv_runs():
    done = subprocess.run([sys.executable, "-m", "agentconv", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "convert" in done.stdout


# -- every command is documented --------------------------------------------------------------

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    command = cli.commands[name]
    with click.Context(command, info_name=name) as ctx:
        help_text = command.get_help(ctx)
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert command.epilog and f"agentconv {name}" in command.epilog, f"{name} has no example epilog"
    assert f"agentconv {name}" in help_text


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name):
    assert f"agentconv {name}" in (REPO / "README.md").read_text(encoding="utf-8")


# -- issue 10: smaller things, each with a clear message ------------------------------------------

def test_o_with_a_trailing_slash_is_a_new_folder(tmp_path):
    result = run("convert", MINIMAL, "--to", "opencode", "-o", f"{tmp_path / 'newdir'}/")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "newdir/.opencode/agent/code-reviewer.md").is_file()


def test_q_prints_no_losses_or_notes_for_one_file(tmp_path):
    printed = run("convert", MINIMAL, "--to", "opencode", "-q")
    assert printed.exit_code == 0 and printed.stderr == "" and printed.stdout.startswith("---")
    (tmp_path / "out").mkdir()
    written = run("convert", MINIMAL, "--to", "opencode", "-o", tmp_path / "out", "-q")
    assert written.exit_code == 0 and written.stderr == ""


def test_a_duplicate_name_without_from_names_the_duplicate_key(tmp_path):
    source = tmp_path / "dup.md"
    source.write_text("---\nname: a\ndescription: d\nname: b\n---\nBody.\n")
    result = run("convert", source, "--to", "opencode")
    assert result.exit_code == 1 and "dup.md:4:1: key 'name' appears twice" in result.stderr
    assert "cannot tell which dialect" not in result.stderr


@pytest.mark.parametrize("batch", [False, True], ids=["one-file", "tree"])
def test_front_matter_indented_by_a_space_is_an_error_not_a_prose_brief(tmp_path, batch):
    source = tmp_path / "tree/x.md"
    source.parent.mkdir()
    source.write_text(" ---\nname: x\ndescription: d\n ---\nBody.\n")
    args = [source.parent, "-o", tmp_path / "out"] if batch else [source]
    result = run("convert", *args, "--to", "opencode")
    assert result.exit_code == 1 and "x.md:1:1: the front matter's opening '---' is indented" in result.stderr
    assert not (tmp_path / "out").exists()
