"""The judges in tests/judges/ (issue 5 item 4): for Codex, Kilo Code, Factory droids and Mistral
Vibe, a hand-written minimal and maximal agent of the tool's own format load with the fields
meant, and deliberately broken files are reported as rejected (exit 1), each named on stderr.

These pin what each judge script reports before any converter output is judged with it: a judge
that passes everything would make the acceptance suite worthless.

Opt in with ``python -m pytest -m oracle``. The judges install their pinned client on first use
(npm, or PyPI for Vibe) into ~/.cache/agentconv-oracles. Unavailable locally: skipped with the
reason. These judges do not judge any agentconv output yet (the four dialects are not
written), so an install hiccup must not block CI: only AGENTCONV_REQUIRE_JUDGES=1 makes an
unavailable judge fail; .ci/run prints what was skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.oracle

JUDGES = Path(__file__).with_name("judges")
REQUIRED = os.environ.get("AGENTCONV_REQUIRE_JUDGES") == "1"
NPM_TOOLS = {"codex", "kilo", "factory"}


@dataclass
class Run:
    returncode: int
    agents: dict[str, dict]
    stderr: str


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (AGENTCONV_REQUIRE_JUDGES=1)", pytrace=False)
    pytest.skip(reason)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def judge(tool: str, project: Path) -> Run:
    if shutil.which("bash") is None:
        _unavailable("bash is not installed: the judges are bash scripts")
    if tool in NPM_TOOLS and shutil.which("npm") is None:
        _unavailable(f"npm is not installed: the {tool} judge installs its client from npm")
    proc = subprocess.run(["bash", str(JUDGES / f"{tool}.sh"), str(project)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode in (2, 3):
        _unavailable(f"{tool}.sh could not run the tool (exit {proc.returncode}): {proc.stderr.strip()[-600:]}")
    try:
        listed = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"{tool}.sh printed no JSON (exit {proc.returncode}): {proc.stdout[:300]!r}\n{proc.stderr[-800:]}")
    return Run(proc.returncode, {a["name"]: a for a in listed}, proc.stderr)


def assert_loaded(run: Run, expected: dict[str, dict]):
    assert run.returncode == 0, run.stderr
    for name, fields in expected.items():
        assert name in run.agents, f"{name} not loaded; loaded: {sorted(run.agents)}\n{run.stderr}"
        got = {key: run.agents[name].get(key) for key in fields}
        assert got == fields, f"{name}: {got} != {fields}"


def assert_rejected(run: Run, loaded: set[str], rejected: dict[str, str]):
    """``rejected``: file name -> the name the file declares (absent from the listing)."""
    assert run.returncode == 1, f"the judge accepted broken files:\n{run.stderr}"
    assert loaded <= set(run.agents), f"good agents lost: {sorted(run.agents)}\n{run.stderr}"
    for file, name in rejected.items():
        assert file in run.stderr, f"{file} is not named on stderr:\n{run.stderr}"
        assert name not in run.agents or run.agents[name].get("config_error"), f"{name} was listed as loaded"


# -- Codex: .codex/agents/*.toml -------------------------------------------------------------

CODEX_GOOD = {
    ".codex/agents/minimal.toml": """
        name = "minimal"
        description = "Minimal agent"
        developer_instructions = "You are minimal."
        """,
    ".codex/agents/maximal.toml": '''
        name = "maximal"
        description = "Maximal agent with all fields"
        developer_instructions = """
        You are maximal.
        Report with file:line.
        """
        nickname_candidates = ["Maxine"]
        model = "gpt-5.3-codex"
        model_reasoning_effort = "medium"
        sandbox_mode = "read-only"
        ''',
}


def test_codex_minimal_and_maximal(tmp_path):
    run = judge("codex", write(tmp_path, CODEX_GOOD))
    assert_loaded(run, {
        "minimal": {"description": "Minimal agent", "developer_instructions": "You are minimal.",
                    "locked": None, "reasoning_effort": None},
        "maximal": {"description": "Maximal agent with all fields", "model": "gpt-5.3-codex",
                    "reasoning_effort": "medium", "nickname": "Maxine",
                    "developer_instructions": "You are maximal.\nReport with file:line.\n"},
    })
    # A role's sandbox_mode is accepted, but the spawned agent runs with its parent's sandbox.
    assert run.agents["maximal"]["sandbox_mode"] in ("read-only", "workspace-write", "danger-full-access")


def test_codex_rejects_unknown_keys_and_missing_instructions(tmp_path):
    run = judge("codex", write(tmp_path, {
        ".codex/agents/minimal.toml": CODEX_GOOD[".codex/agents/minimal.toml"],
        ".codex/agents/extra.toml": """
            name = "extra"
            description = "Claude-style key"
            developer_instructions = "Extra."
            tools = ["Read"]
            """,
        ".codex/agents/noinstr.toml": """
            name = "noinstr"
            description = "No developer_instructions"
            """,
    }))
    assert_rejected(run, {"minimal"}, {"extra.toml": "extra", "noinstr.toml": "noinstr"})


# -- Mistral Vibe: .vibe/agents/*.toml (name = file stem) -----------------------------------

VIBE_GOOD = {
    ".vibe/agents/minimal.toml": """
        description = "Minimal agent"
        """,
    ".vibe/agents/maximal.toml": """
        display_name = "Maximal Agent"
        description = "Maximal agent with all fields"
        agent_type = "subagent"
        safety = "safe"
        instructions = "You are maximal."
        active_model = "mistral-medium-3.5"
        enabled_tools = ["grep", "read_file"]

        [tools.bash]
        permission = "never"
        """,
}


def test_vibe_minimal_and_maximal(tmp_path):
    run = judge("vibe", write(tmp_path, VIBE_GOOD))
    assert_loaded(run, {
        "minimal": {"display_name": "Minimal", "description": "Minimal agent", "agent_type": "agent",
                    "safety": "neutral", "model": None, "instructions": None, "warnings": []},
        "maximal": {"display_name": "Maximal Agent", "description": "Maximal agent with all fields",
                    "agent_type": "subagent", "safety": "safe", "model": "mistral-medium-3.5",
                    "enabled_tools": ["grep", "read_file"], "tools": {"bash": "never"},
                    "instructions": "You are maximal.", "config_error": None, "warnings": []},
    })


def test_vibe_rejects_bad_enum_bad_type_and_bad_toml(tmp_path):
    run = judge("vibe", write(tmp_path, {
        ".vibe/agents/minimal.toml": VIBE_GOOD[".vibe/agents/minimal.toml"],
        ".vibe/agents/reckless.toml": 'description = "bad safety"\nsafety = "reckless"\n',
        ".vibe/agents/stringtools.toml": 'description = "a string, not a list"\nenabled_tools = "grep"\n',
        ".vibe/agents/unterminated.toml": 'description = "Broken: unterminated\n',
    }))
    assert_rejected(run, {"minimal"}, {"reckless.toml": "reckless", "stringtools.toml": "stringtools",
                                       "unterminated.toml": "unterminated"})


# -- Kilo Code: .kilo/agents/*.md and .kilocodemodes ----------------------------------------

KILO_GOOD = {
    ".kilo/agents/minimal.md": """
        ---
        description: Minimal agent
        ---
        You are minimal.
        """,
    ".kilo/agents/maximal.md": """
        ---
        description: Maximal agent with all fields
        mode: subagent
        model: anthropic/claude-sonnet-4-20250514
        temperature: 0.2
        steps: 7
        color: "#ff0000"
        permission:
          edit: deny
          bash:
            "git *": allow
            "*": ask
        ---
        You are maximal.
        """,
    ".kilocodemodes": """
        customModes:
          - slug: reviewer
            name: Reviewer
            roleDefinition: You review code.
            description: Review code
            groups:
              - read
              - - edit
                - fileRegex: \\.md$
        """,
}


def test_kilo_minimal_maximal_and_a_migrated_mode(tmp_path):
    run = judge("kilo", write(tmp_path, KILO_GOOD))
    assert_loaded(run, {
        "minimal": {"description": "Minimal agent", "mode": None, "prompt": "You are minimal."},
        "maximal": {"description": "Maximal agent with all fields", "mode": "subagent",
                    "model": "anthropic/claude-sonnet-4-20250514", "temperature": 0.2, "steps": 7,
                    "color": "#ff0000", "permission": {"edit": "deny", "bash": {"git *": "allow", "*": "ask"}},
                    "prompt": "You are maximal.", "unknown_keys": None},
        "reviewer": {"description": "Review code", "mode": "primary", "prompt": "You review code.",
                     "permission": {"read": "allow", "edit": {"\\.md$": "allow", "*": "deny"},
                                    "bash": "deny", "mcp": "deny"}},
    })


def test_kilo_reports_what_it_drops(tmp_path):
    run = judge("kilo", write(tmp_path, {
        ".kilo/agents/minimal.md": KILO_GOOD[".kilo/agents/minimal.md"],
        ".kilo/agents/badmode.md": "---\ndescription: bad mode\nmode: sideagent\n---\nBad mode.\n",
        ".kilo/agents/unclosed.md": "---\ndescription: [unclosed\n---\nUnclosed.\n",
        ".kilocodemodes": "customModes:\n  - slug: code\n    name: Code\n    roleDefinition: x\n    groups: [read]\n",
    }))
    assert_rejected(run, {"minimal"}, {"badmode.md": "badmode", ".kilocodemodes#code": "code"})
    # Kilo keeps a file whose YAML does not parse, with the whole file as its prompt: flagged, not loaded right.
    assert "unclosed: frontmatter was not parsed" in run.stderr


# -- Factory: .factory/droids/*.md -----------------------------------------------------------

FACTORY_GOOD = {
    ".factory/droids/minimal.md": """
        ---
        name: minimal
        description: Minimal droid
        ---
        You are minimal.
        """,
    ".factory/droids/maximal.md": """
        ---
        name: maximal
        description: Maximal droid with all fields
        model: inherit
        reasoningEffort: high
        tools: ["Read", "Grep", "Glob", "Execute"]
        ---
        You are maximal.
        Report with file:line.
        """,
}


def test_factory_minimal_and_maximal(tmp_path):
    run = judge("factory", write(tmp_path, FACTORY_GOOD))
    assert_loaded(run, {
        "minimal": {"description": "Minimal droid", "system_prompt": "You are minimal."},
        "maximal": {"description": "Maximal droid with all fields",
                    "system_prompt": "You are maximal.\nReport with file:line."},
    })
    # Skill is added to every droid; tools omitted = the full default set.
    assert sorted(run.agents["maximal"]["tools"]) == ["Execute", "Glob", "Grep", "Read", "Skill"]
    assert {"Edit", "Create"} <= set(run.agents["minimal"]["tools"])


def test_factory_reports_droids_it_skips(tmp_path):
    run = judge("factory", write(tmp_path, {
        ".factory/droids/minimal.md": FACTORY_GOOD[".factory/droids/minimal.md"],
        ".factory/droids/noname.md": "---\ndescription: no name\n---\nNo name.\n",
        ".factory/droids/nodesc.md": "---\nname: nodesc\n---\nNo description.\n",
        ".factory/droids/effort.md": "---\nname: effort\ndescription: bad effort\nreasoningEffort: extreme\n"
                                     "model: custom:Mock-0\n---\nEffort.\n",
    }))
    assert_rejected(run, {"minimal"}, {"noname.md": "noname", "nodesc.md": "nodesc"})
    assert "effort.md: Task for 'effort' failed" in run.stderr
