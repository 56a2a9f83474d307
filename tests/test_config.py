"""Configuration (issue 14 item 1): discovery, precedence, overrides applied by the writers,
and every broken configuration a ConfigError naming file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_in

from agentconv import api
from agentconv.config import Config, find_config, load_config
from agentconv.errors import ConfigError

CLAUDE = "---\nname: rev\ndescription: Reviews.\ntools: Read, Bash\nmodel: sonnet\n---\nBe brief.\n"
READ_ONLY = "---\nname: rev\ndescription: Reviews.\ntools: Read\n---\nBe brief.\n"


def repo(tmp_path: Path, pyproject: str, *, agents: dict[str, str] | None = None) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(pyproject)
    folder = tmp_path / "sub" / "deeper" / ".claude" / "agents"
    folder.mkdir(parents=True)
    for name, text in (agents or {"rev.md": CLAUDE}).items():
        (folder / name).write_text(text)
    return tmp_path


PINNED = '[project]\nname = "x"\n\n[tool.agentconv]\nto = "opencode"\n\n' \
         '[tool.agentconv.models.opencode]\nsonnet = "openrouter/anthropic/claude-sonnet-5"\n'


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    return run_in(cwd, args)


# ---------------------------------------------------------------------------- discovery

@pytest.mark.parametrize("files, start, found", [
    ({"pyproject.toml": PINNED}, "a/b", "pyproject.toml"),
    ({"pyproject.toml": '[project]\nname = "x"\n', "a/agentconv.toml": 'to = "claude"\n'}, "a/b", "a/agentconv.toml"),
    ({"pyproject.toml": PINNED, "a/pyproject.toml": '[project]\nname = "no table"\n'}, "a/b", "pyproject.toml"),
    ({"pyproject.toml": PINNED, "agentconv.toml": 'to = "claude"\n'}, ".", "agentconv.toml"),
    ({"pyproject.toml": '[project]\nname = "x"\n'}, "a", None),
    ({"pyproject.toml": "not toml [[[ but no table of ours"}, "a", None),
])
def test_the_nearest_configuration_is_found_walking_up(tmp_path, monkeypatch, files, start, found):
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / start).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / start)
    got = find_config(Path.cwd())
    assert (got.resolve() if got else None) == ((tmp_path / found).resolve() if found else None)


def test_the_walk_stops_at_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(PINNED)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    assert find_config(Path.cwd()) is None


def test_keys_and_paths_relative_to_the_file(tmp_path):
    path = tmp_path / "agentconv.toml"
    path.write_text('to = ["opencode", "claude"]\noutput = "out"\ncarry = "none"\nstrict = true\n'
                    'include = ["docs/*.md"]\nexclude = ["vendor/**"]\n[tools.gemini]\nBash = "run_shell_command"\n')
    config = load_config(path, Path("/"))
    assert config == Config(to=("opencode", "claude"), output=tmp_path / "out", carry="none", strict=True,
                            include=("docs/*.md",), exclude=("vendor/**",),
                            tools={"gemini": {"Bash": "run_shell_command"}}, source=path)
    assert config.origin("tools", "gemini", "Bash") == f"{path}:8"


# ---------------------------------------------------------------------- broken configurations

BROKEN = [
    ("syntax", '[tool.agentconv]\nto = "opencode"\nstrict = yes\n', 3, "not valid TOML"),
    ("unknown key", '[project]\nname = "x"\n\n[tool.agentconv]\nto = "opencode"\nstirct = true\n', 6,
     "unknown key 'stirct'"),
    ("wrong type", '[tool.agentconv]\nto = "opencode"\nstrict = "yes"\n', 3, "strict must be true or false"),
    ("to type", '[tool.agentconv]\nto = 3\n', 2, "to must be a dialect name"),
    ("unknown dialect", '[tool.agentconv]\nto = "opencod"\n', 2, "unknown dialect 'opencod'"),
    ("carry value", '[tool.agentconv]\n\ncarry = "all"\n', 3, "carry must be one of"),
    ("globs", '[tool.agentconv]\nexclude = "vendor/**"\n', 2, "exclude must be a list of globs"),
    ("override dialect", '[tool.agentconv]\n[tool.agentconv.models.opncode]\nsonnet = "x"\n', 2,
     "unknown dialect 'opncode'"),
    ("override value", '[tool.agentconv.models.opencode]\nsonnet = "a"\nopus = 4\n', 3, "must be a string"),
    ("override empty", '[tool.agentconv.tools.claude]\n\nread = ""\n', 3, "needs a name on both sides"),
    ("no model setting", '[tool.agentconv.models.roo]\nsonnet = "x"\n', 1, "roo has no model setting"),
    ("no tool names", '[tool.agentconv.tools.codex]\nbash = "x"\n', 1, "codex has no list of tool names"),
    ("inline table", '[tool.agentconv]\nmodels = { opencode = { sonnet = 5 } }\n', 2, "must be a string"),
]


@pytest.mark.parametrize("case, text, line, message", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_configuration_names_file_and_line(tmp_path, case, text, line, message):
    repo(tmp_path, text)
    code, out, err = run(["convert", ".claude/agents/rev.md"], tmp_path / "sub" / "deeper")
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"agentconv: ../../pyproject.toml:{line}:"), err
    assert message in err


def test_commands_without_configuration_keys_never_read_it(tmp_path):
    repo(tmp_path, '[tool.agentconv]\nstirct = true\n')
    folder = tmp_path / "sub" / "deeper"
    assert run(["detect", ".claude/agents/rev.md"], folder)[0] == 0
    assert run(["check", ".claude/agents/rev.md"], folder)[0] == 0
    assert run(["convert", ".claude/agents/rev.md", "--to", "claude"], folder)[0] == 1


def test_a_named_configuration_file_is_read_and_checked(tmp_path):
    repo(tmp_path, PINNED)
    (tmp_path / "other.toml").write_text('to = "claude"\ncolour = 1\n')
    code, _, err = run(["--config", str(tmp_path / "other.toml"), "convert", "sub/deeper/.claude/agents/rev.md"],
                       tmp_path)
    assert code == 1 and f"{tmp_path / 'other.toml'}:2: unknown key 'colour'" in err
    code, _, err = run(["--config", str(tmp_path / "missing.toml"), "convert", "x.md", "--to", "claude"], tmp_path)
    assert code == 1 and "cannot read the configuration" in err


def test_agentconv_toml_takes_the_keys_without_the_tool_table(tmp_path):
    (tmp_path / "agentconv.toml").write_text('[tool.agentconv]\nto = "claude"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "agentconv.toml", tmp_path)
    assert caught.value.line == 1 and "no [tool.agentconv]" in (caught.value.hint or "")


# ------------------------------------------------------------------------- precedence in convert

def test_convert_from_a_subfolder_applies_the_pinned_model(tmp_path):
    repo(tmp_path, PINNED)
    code, out, err = run(["convert", ".claude/agents/rev.md"], tmp_path / "sub" / "deeper")
    assert code == 0, err
    assert "model: openrouter/anthropic/claude-sonnet-5\n" in out


@pytest.mark.parametrize("args, expect", [
    (["--to", "gemini"], "run_shell_command"),                  # the flag beats `to`
    (["--carry", "meaning"], "# agentconv"),                   # the flag beats `carry = "none"`
    ([], "model: openrouter/"),
])
def test_flags_beat_the_file(tmp_path, args, expect):
    repo(tmp_path, PINNED.replace('to = "opencode"', 'to = "opencode"\ncarry = "none"'),
         agents={"rev.md": CLAUDE.replace("model: sonnet", "model: sonnet\neffort: high")})
    code, out, err = run(["convert", ".claude/agents/rev.md", *args], tmp_path / "sub" / "deeper")
    assert code == 0, err
    assert expect in out


def test_strict_from_the_file_and_no_strict_from_the_flag(tmp_path):
    repo(tmp_path, PINNED.replace('to = "opencode"', 'to = "opencode"\nstrict = true'),
         agents={"rev.md": CLAUDE.replace("model: sonnet", "model: sonnet\neffort: high")})
    assert run(["convert", ".claude/agents/rev.md"], tmp_path / "sub" / "deeper")[0] == 1
    assert run(["convert", ".claude/agents/rev.md", "--no-strict"], tmp_path / "sub" / "deeper")[0] == 0


def test_output_and_several_targets_from_the_file(tmp_path):
    repo(tmp_path, PINNED.replace('to = "opencode"', 'to = ["opencode", "gemini"]\noutput = "generated"'))
    code, _, err = run(["convert", "."], tmp_path / "sub")
    assert code == 0, err
    assert (tmp_path / "generated" / ".opencode" / "agent" / "rev.md").is_file()
    assert (tmp_path / "generated" / ".gemini" / "agents" / "rev.md").is_file()
    code, _, _ = run(["convert", ".", "--check"], tmp_path / "sub")
    assert code == 0
    code, _, err = run(["convert", "deeper/.claude/agents/rev.md"], tmp_path / "sub")
    assert code == 2 and "2 targets" in err


def test_no_target_anywhere_is_a_usage_error(tmp_path):
    repo(tmp_path, '[tool.agentconv]\nstrict = false\n')
    code, _, err = run(["convert", ".claude/agents/rev.md"], tmp_path / "sub" / "deeper")
    assert code == 2 and "--to" in err


def test_excludes_from_the_file(tmp_path):
    repo(tmp_path, PINNED.replace('to = "opencode"', 'to = "opencode"\nexclude = ["skip*.md"]'),
         agents={"rev.md": CLAUDE, "skipme.md": CLAUDE.replace("name: rev", "name: other")})
    code, out, err = run(["convert", ".", "-o", "out", "--report", "json", "-q"], tmp_path / "sub")
    statuses = {Path(f["source"]).name: f["status"] for f in json.loads(out)["files"]}
    assert statuses == {"rev.md": "converted", "skipme.md": "skipped"}


# ----------------------------------------------------------------------- overrides in the writers

OVERRIDES = [
    # (target, config, source text, expected in output, absent from output)
    ("opencode", {"models": {"opencode": {"sonnet": "openrouter/anthropic/claude-sonnet-5"}}}, CLAUDE,
     "model: openrouter/anthropic/claude-sonnet-5", "model: anthropic/"),
    ("opencode", {"models": {"opencode": {"anthropic/claude-sonnet-5": "bedrock/sonnet-5"}}}, CLAUDE,
     "model: bedrock/sonnet-5", "model: anthropic/"),
    ("opencode", {"models": {"opencode": {"claude-sonnet-5": "bedrock/sonnet-5"}}}, CLAUDE,
     "model: bedrock/sonnet-5", "model: anthropic/"),
    ("gemini", {"models": {"gemini": {"sonnet": "gemini-3-pro"}}}, CLAUDE, "model: gemini-3-pro", "# agentconv"),
    ("copilot", {"models": {"copilot": {"sonnet": "Claude Sonnet 5"}}}, CLAUDE, "model: Claude Sonnet 5",
     "claude-sonnet-5"),
    ("cline", {"models": {"cline": {"sonnet": "openrouter/anthropic/claude-sonnet-5"}}}, CLAUDE,
     "providerId: openrouter\nmodelId: anthropic/claude-sonnet-5", "modelId: claude-sonnet-5"),
    ("gemini", {"tools": {"gemini": {"read": "read_file"}}}, CLAUDE.replace("model: sonnet\n", ""),
     "- read_file\n- run_shell_command",
     "read_many_files"),
    ("claude", {"models": {"opencode": {"sonnet": "x/y"}}}, CLAUDE, "model: sonnet", "x/y"),   # other target
]


@pytest.mark.parametrize("target, settings, text, present, absent", OVERRIDES)
def test_an_override_changes_what_the_target_writes_and_is_no_loss(target, settings, text, present, absent):
    doc = api.loads(text, "claude")
    out, losses = api.to_dialect(doc, target, config=Config(**settings))
    assert present in out and absent not in out
    assert not [l for l in losses if l.field in ("model", "tools") or l.field.startswith("tools.")]


def test_an_override_does_not_change_reading():
    config = Config(models={"claude": {"sonnet": "claude-opus-4-8"}})
    out, _ = api.to_dialect(api.loads(CLAUDE, "claude"), "opencode", config=config)
    assert api.loads(CLAUDE, "claude").agent.model == "anthropic/claude-sonnet-5"
    assert "model: anthropic/claude-sonnet-5" in out


@pytest.mark.parametrize("target, pinned", [("claude", {"read": "Bash"}), ("gemini", {"read": "run_shell_command"}),
                                            ("opencode", {"read": "bash"})])
def test_a_tool_override_to_a_broader_tool_never_widens(target, pinned):
    """A read-only agent whose read is pinned to the shell tool: the output is judged by the
    target's own table and reading model, so the shell never comes out allowed."""
    from agentconv.access import evaluator
    from agentconv.registry import get_dialect
    from agentconv.toolread import how_tool_reads
    source = api.loads(READ_ONLY, "claude") if target != "claude" else \
        api.loads("---\ndescription: Reviews.\npermission:\n  '*': deny\n  read: allow\n---\nBe brief.\n",
                  "opencode", path=".opencode/agent/rev.md")
    out, losses = api.to_dialect(source, target, config=Config(tools={target: pinned}))
    assert evaluator(tuple(api.loads(out, target).agent.tools)).action("bash") != "allow"
    reading = how_tool_reads(get_dialect(target), out, None)
    assert not reading.fails or reading.verdict == "loads"
    assert any(l.kind == "narrowed" for l in losses)


def test_overrides_reach_the_library_and_the_tree(tmp_path):
    import agentconv
    (tmp_path / "a.md").write_text(CLAUDE)
    config = Config(models={"opencode": {"sonnet": "openrouter/anthropic/claude-sonnet-5"}})
    assert "openrouter/" in agentconv.convert(CLAUDE, to="opencode", config=config)
    assert "openrouter/" in agentconv.to_dialect(agentconv.loads(CLAUDE), "opencode", config=config)[0]
    (tmp_path / "b.md").write_text(CLAUDE.replace("name: rev", "name: other"))
    for jobs in (1, 2):                           # workers get the configuration too
        out = tmp_path / f"out{jobs}"
        result = agentconv.convert_tree([tmp_path / "a.md", tmp_path / "b.md"], out, to="opencode", config=config,
                                        jobs=jobs)
        written = [(out / ".opencode" / "agent" / f"{n}.md").read_text() for n in ("rev", "other")]
        assert result.exit_code == 0 and all("openrouter/anthropic/claude-sonnet-5" in w for w in written)
