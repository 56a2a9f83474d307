"""Reading a file the way the real tool reads it (issue 9, Found 2 and 7, Build 3 and 8):
Claude Code ends its front matter at the first '---' anywhere, repairs only LF lines, skips
files it cannot name and refuses hooks outside 'hooks'; opencode closes at the first line
starting with '---', rejects bad values of known keys and forwards unknown keys to the
provider. Facts: dialects/<name>/REFERENCE.md (judged with Claude Code 2.1.332, opencode 1.18.33)."""

from __future__ import annotations

import re

import pytest
import yaml
from click.testing import CliRunner

import agentconv
from agentconv.cli import cli

#: Claude Code 2.1.332's own front-matter regex (K0), used here as an independent judge
CLAUDE_FRONT = re.compile(r"^---\s*\n([\s\S]*?)---\s*\n?")


def claude_reads(text: str) -> dict:
    """The front matter exactly as Claude Code's regex cuts it (strict YAML; {} if none)."""
    match = CLAUDE_FRONT.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def gray_matter_reads(text: str) -> dict:
    """opencode (gray-matter): the front matter ends at the first line starting with '---'."""
    rest = text[3:]
    return yaml.safe_load(rest[: rest.find("\n---")]) or {}


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="agentconv")
    assert "Traceback" not in result.output
    return result


OPENCODE_DENY = "permission:\n  bash: deny\n  edit: deny\n"
DASHED = {
    "inline": ("---\ndescription: Diff A---B safely\n" + OPENCODE_DENY + "---\nYou diff.\n", "Diff A---B safely"),
    "block line": ("---\ndescription: |-\n  First line\n  ---\n  after\n" + OPENCODE_DENY + "---\nYou diff.\n",
                   "First line\n---\nafter"),
    "long rule": ("---\ndescription: 'Steps: ----- then more'\n" + OPENCODE_DENY + "---\nYou diff.\n",
                  "Steps: ----- then more"),
}


# -- Found 2: the writers emit nothing the real tool cuts short -----------------------------

@pytest.mark.parametrize("source, meant", DASHED.values(), ids=DASHED)
def test_claude_output_of_a_dashed_description_is_read_whole_by_claude_code(source, meant):
    out = agentconv.convert(source, to="claude", read="opencode", path=".opencode/agent/differ.md",
                            on_loss="ignore")
    told = claude_reads(out)
    assert told.get("description") == meant
    assert {"Bash", "Edit"} <= set(re.split(r",\s*", told.get("disallowedTools", "")))
    assert agentconv.check_for("claude", out).verdict == "loads"


@pytest.mark.parametrize("source, meant", DASHED.values(), ids=DASHED)
def test_opencode_output_of_a_dashed_description_is_read_whole_by_opencode(source, meant):
    claude = source.replace(OPENCODE_DENY, "name: differ\ntools: Read\n")
    claude = claude.replace("description: Diff A---B safely", 'description: "Diff A---B safely"')
    out = agentconv.convert(claude, to="opencode", read="claude", on_loss="ignore")
    assert gray_matter_reads(out).get("description") == meant


def test_a_carried_value_with_dashes_does_not_cut_the_front_matter():
    source = "---\ndescription: d\nmode: subagent\nfrobnicate: 'a --- b'\n---\nBody.\n"
    out = agentconv.convert(source, to="claude", read="opencode", path=".opencode/agent/x.md", on_loss="ignore")
    assert "a --- b" in agentconv.loads(out, "claude").agent.model_dump_json()      # carried
    assert out[CLAUDE_FRONT.match(out).end():].strip() == "Body."                   # not cut short


def test_a_source_comment_holding_dashes_does_not_travel_into_the_front_matter():
    source = "---\n# the reviewer --- keep it short\ndescription: Reviews diffs\n" + OPENCODE_DENY \
        + "---\nYou review.\n"
    doc = agentconv.loads(source, "opencode", path=".opencode/agent/rev.md")
    out, losses = agentconv.to_dialect(doc, "claude")
    assert claude_reads(out).get("description") == "Reviews diffs"
    assert any(l.kind == "formatting" and "holds '---'" in l.detail for l in losses)


def test_the_engine_refuses_an_output_the_tool_would_skip_unlike_agentconv(monkeypatch):
    from agentconv.dialects import claude
    monkeypatch.setattr(claude.Claude, "write",
                        lambda self, agent, *a, **k: "---\nname: x\n# ---\ndescription: y\n---\n")
    with pytest.raises(agentconv.AgentconvError, match="description: agentconv reads 'y'; Claude Code reads nothing"):
        agentconv.convert("---\ndescription: y\n---\nBody.\n", to="claude", read="opencode",
                          path=".opencode/agent/x.md", on_loss="ignore")


@pytest.mark.parametrize("name", ["a:b", "a\uff1ab", "-lead"])
def test_a_name_claude_code_would_not_load_is_reported_as_skipped(name):
    doc = agentconv.loads("---\ndescription: d\n---\nBody.\n", "opencode", path=f".opencode/agent/{name}.md")
    _, losses = agentconv.to_dialect(doc, "claude")
    [skip] = [l for l in losses if l.kind == "required"]
    assert skip.field == "name" and skip.detail.startswith(f"Claude Code skips the file: name {name!r}")


def test_the_engine_refuses_an_output_the_tool_would_misread(monkeypatch):
    from agentconv.formats import yamlwrite
    monkeypatch.setattr(yamlwrite, "_has_dash_run", lambda value: False)
    with pytest.raises(agentconv.AgentconvError, match="Claude Code would read the output otherwise"):
        agentconv.convert(DASHED["inline"][0], to="claude", read="opencode", path=".opencode/agent/d.md",
                          on_loss="ignore")


# -- check --for: loads / skips / rejects / misreads -----------------------------------------

C = "---\nname: {name}\ndescription: {description}\n{extra}---\nYou help.\n"
CLAUDE_CASES = {
    "plain": (C.format(name="helper", description="Helps.", extra=""), "loads", []),
    "dashes": (C.format(name="d", description="Diff A---B", extra="tools: Read\n"), "misreads",
               ["description: agentconv reads 'Diff A---B'; Claude Code reads 'Diff A'",
                "tools: agentconv reads 'Read'; Claude Code reads nothing"]),
    "no name": ("---\ndescription: Helps.\n---\nYou help.\n", "skips", ["no 'name'"]),
    "no description": ("---\nname: helper\n---\nYou help.\n", "skips", ["no 'description'"]),
    "dash name": (C.format(name="-x", description="Helps.", extra=""), "skips", ["name '-x' must not start"]),
    "colon name": (C.format(name="'a:b'", description="Helps.", extra=""), "skips", ["hold ':'"]),
    "fullwidth colon": (C.format(name="'a\uff1ab'", description="Helps.", extra=""), "skips", ["hold ':'"]),
    "long name": (C.format(name="a" * 257, description="Helps.", extra=""), "skips", ["256 characters"]),
    "top-level hook": (C.format(name="h", description="Helps.",
                                extra="PreToolUse:\n  - matcher: Bash\n    hooks: [{type: command, command: x}]\n"),
                       "rejects", ["'PreToolUse' hooks are declared at the top level"]),
    "empty top-level hook": (C.format(name="h", description="Helps.", extra="PreToolUse: []\n"), "loads",
                             ["PreToolUse: Claude Code does not know this key and ignores it"]),
    "crlf colon": ("---\r\nname: c\r\ndescription: Use when: x\r\n---\r\nYou help.\r\n", "skips",
                   ["not valid YAML even after Claude Code's own repair", "no 'name'"]),
    "lf colon": (C.format(name="c", description="Use when: x", extra=""), "loads", []),
    "bad values": (C.format(name="v", description="Helps.",
                            extra="background: yes\nautoCompactWindow: 5\neffort: extreme\ncolor: mauve\n"), "loads",
                   ["background 'yes' must be one of true, false",
                    "autoCompactWindow 5 must be an integer of at least 100000",
                    "effort 'extreme'", "color 'mauve'"]),
    "duplicate key": ("---\nname: dup\ndescription: first\ndescription: second\n---\nYou help.\n", "loads",
                      ["agentconv itself cannot read this file: key 'description' appears twice"]),
    "2.1.332 keys": (C.format(name="o", description="Helps.",
                              extra="autoCompactWindow: 200000\nomitClaudeMd: true\nobserver: watcher\n"
                                    "observerMessage: hi\nobserveToolResults: false\nobserveSubagents: false\n"
                                    "experimental: {cacheTtl: 1h}\n"), "loads", []),
}

OC = "---\ndescription: Helps.\n{extra}---\nYou help.\n"
OPENCODE_CASES = {
    "plain": (OC.format(extra="mode: subagent\n"), "loads", []),
    "side agent": (OC.format(extra="mode: sideagent\n"), "rejects", ["mode 'sideagent' must be one of subagent"]),
    "hot": (OC.format(extra="temperature: hot\n"), "rejects", ["temperature 'hot' must be a number"]),
    "colour": (OC.format(extra="color: notacolor\n"), "rejects", ["color 'notacolor' must be #RRGGBB"]),
    "tools list": (OC.format(extra="tools: [read, grep]\n"), "rejects", ["tools ['read', 'grep'] must be an object"]),
    "forwarded": (OC.format(extra="frobnicate: 42\n"), "loads",
                  ["frobnicate: opencode does not know this key and sends it to the model provider"]),
    "broken yaml": ("---\ndescription: [unclosed\n---\nYou help.\n", "misreads",
                    ["opencode ignores it and uses the whole file", "description: agentconv reads '[unclosed'"]),
    "colon repaired": (OC.format(extra="model: x\n").replace("Helps.", "Broken: this has a colon space"), "loads", []),
    "dash line": ("---\ndescription: |-\n  a\n  ---b\n---\nYou help.\n", "loads", []),
    "dash at line start": ("---\ndescription: |-\n  a\n---b\nmode: subagent\n---\nYou help.\n", "misreads",
                           ["opencode reads 'a'", "mode: agentconv reads 'subagent'; opencode reads nothing"]),
}


CP = "---\ndescription: {description}\n{extra}---\nYou help.\n"
#: what Copilot CLI 1.0.102 did with each of these files (dialects/copilot/REFERENCE.md)
COPILOT_CASES = {
    "plain": (CP.format(description="Helps.", extra="tools: [read, search]\nmodel: [gpt-5, claude-sonnet-4.5]\n"),
              "loads", []),
    "dashes": (CP.format(description='"A---B then"', extra=""), "loads", []),
    "crlf": ("---\r\ndescription: d\r\ntools: [read]\r\n---\r\nYou help.\r\n", "loads", []),
    "empty description": (CP.format(description='""', extra=""), "loads", []),
    "no description": ("---\nname: x\n---\nYou help.\n", "skips", ["no 'description'"]),
    "no front matter": ("You help.\n", "skips", ["no 'description'"]),
    "unknown key": (CP.format(description="Helps.", extra="target: vscode\n"), "loads",
                    ["target: GitHub Copilot does not know this key and ignores it"]),
    "colon": (CP.format(description="Use when: x", extra=""), "rejects", ["not valid YAML"]),
    "tools number": (CP.format(description="Helps.", extra="tools: 5\n"), "rejects",
                     ["tools 5 must be a list of tool names", "the file is not loaded"]),
    "tools null": (CP.format(description="Helps.", extra="tools:\n"), "rejects", ["tools None"]),
    "model number": (CP.format(description="Helps.", extra="model: 5\n"), "rejects", ["model 5"]),
    "invocation string": (CP.format(description="Helps.", extra='disable-model-invocation: "yes"\n'), "rejects",
                          ["disable-model-invocation 'yes' must be a boolean"]),
    "mcp string": (CP.format(description="Helps.", extra="mcp-servers: x\n"), "rejects",
                   ["mcp-servers 'x' must be an object"]),
}


def _verdict(reading) -> str:
    return "misreads" if reading.verdict == "loads" and reading.fails else reading.verdict


@pytest.mark.parametrize("tool, text, verdict, said", [
    *(("claude", *case) for case in CLAUDE_CASES.values()),
    *(("opencode", *case) for case in OPENCODE_CASES.values()),
    *(("copilot", *case) for case in COPILOT_CASES.values())],
    ids=[*(f"claude-{k}" for k in CLAUDE_CASES), *(f"opencode-{k}" for k in OPENCODE_CASES),
         *(f"copilot-{k}" for k in COPILOT_CASES)])
def test_check_for_says_how_the_tool_reads_the_file(tool, text, verdict, said, tmp_path):
    reading = agentconv.check_for(tool, text)
    lines = reading.lines()
    assert _verdict(reading) == verdict, lines
    for part in said:
        assert any(part in line for line in lines), (part, lines)
    if not said:
        assert lines == []
    path = tmp_path / "agent.md"
    path.write_bytes(text.encode())
    result = run("check", "--for", tool, path)
    assert result.output.splitlines()[0] == f"{verdict}\t{path}\t{reading.model.tool}"
    assert result.exit_code == (0 if verdict == "loads" else 1)


def test_check_for_refuses_a_dialect_no_tool_reads():
    result = run("check", "--for", "prose", "x.md")
    assert result.exit_code == 2 and "no real tool reads prose files" in result.output


# -- Found 7: plain check fails on what the file's own tool will not load --------------------

@pytest.mark.parametrize("name, text, dialect, said", [
    ("sideagent.md", OPENCODE_CASES["side agent"][0], "opencode", "opencode rejects this file: mode 'sideagent'"),
    ("broken.md", "---\nname: b\ndescription: Use this agent. Examples:\nuser: \"x\"\n---\nBody.\n", "claude",
     "Claude Code skips this file: the front matter is not valid YAML even after Claude Code's own repair"),
    ("hook.md", CLAUDE_CASES["top-level hook"][0], "claude", "Claude Code rejects this file"),
])
def test_plain_check_fails_when_the_files_own_tool_will_not_load_it(name, text, dialect, said, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    result = run("check", "--from", dialect, path)
    assert result.exit_code == 1 and said in result.output, result.output


def test_plain_check_says_exactly_what_claude_code_reads_where_it_differs(tmp_path):
    long = "Reviews code. " * 22 + "Then --- it lists findings."
    path = tmp_path / "cut.md"
    path.write_text(f"---\nname: cut\ndescription: {long}\n---\nYou review.\n")
    result = run("check", path)
    assert result.exit_code == 0
    cut = len(long[:long.index("---")].strip())
    assert f"description: agentconv reads {long[:40]!r}… ({len(long)} characters); " \
           f"Claude Code reads {long[:40]!r}… ({cut} characters)" in result.output
    assert "leniently" not in result.output


@pytest.mark.parametrize("size", [3, 1_000])
def test_a_value_is_judged_alike_whether_or_not_it_is_small_enough_to_cache(size):
    """toolread keeps the verdicts of short values (a batch repeats its tool lists); a value
    too large to keep is judged each time, with the same verdict."""
    from agentconv.toolread import _cached_error, _first_error
    good = {f"tool{i}": True for i in range(size)}
    def asked() -> int:
        info = _cached_error.cache_info()
        return info.hits + info.misses
    before = asked()
    assert _first_error("opencode", "tools", good) is None
    assert _first_error("opencode", "tools", {**good, "bad": "x"}) == "must be a boolean"
    assert asked() - before == (2 if size < 64 else 0)
