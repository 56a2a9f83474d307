"""Running the real tools. The shared oracle scripts (`../shared/oracles/<tool>.sh`, one call
per tool and folder) say what each tool loaded; two probes of our own go further where the
scripts stop: the permission rules opencode resolved for each agent (`opencode agent list`),
and the tools Claude Code really hands each sub-agent (a throw-away session whose mock model
spawns every agent once; the scripts only show the declared `tools` lists, where `[]` and
"omitted" both print as "All tools")."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .sample import SHARED

ORACLES = SHARED / "oracles"
#: tool -> (npm client folder in the cache, version variable, pinned version, binary)
CLIENTS = {
    "claude": ("claude-code", "CLAUDE_CODE_VERSION", "2.1.332", "claude"),     # 2.1.197 still runs
    "opencode": ("opencode", "OPENCODE_VERSION", "1.18.33", "opencode"),  # the newest stable (2026-12-01)
    "copilot": ("copilot", "COPILOT_CLI_VERSION", "1.0.102", "copilot"),  # the newest (2026-12-01)
    "factory": ("factory", "FACTORY_CLI_VERSION", "0.225.2", "droid"),   # tests/judges/factory.sh
    "gemini": ("gemini-cli", "GEMINI_CLI_VERSION", "0.61.0", "gemini"),    # the newest (2026-12-01)
    "qwen": ("qwen-code", "QWEN_CODE_VERSION", "0.24.4", "qwen"),         # the newest; 0.15.10 judged too
    "kilo": ("kilocode", "KILO_CLI_VERSION", "7.7.7", "kilo"),            # tests/judges/kilo.sh
}
MOCK = Path(__file__).with_name("claude_mock.py")
#: entries of a request's tool list that are no tool an agent can call (2.1.332 sends a
#: stand-in marked defer_loading for tools it loads on demand through ToolSearch)
_NOT_TOOLS = {"DeferredToolPlaceholder"}
_PROBE_MARK = re.compile(r"agentconv-oracle-probe:(.+?):end")
_AGENT_HEADER = re.compile(r"(?m)^(\S[^\n]*) \((primary|subagent|all)\)\n")


class JudgeUnavailable(RuntimeError):
    """The tool could not be installed or started: not a verdict on our files."""


def unavailable_reason() -> str | None:
    if not ORACLES.is_dir():
        return f"the real-tool judges are missing: no {ORACLES} (../shared beside the repository)"
    if shutil.which("npm") is None:
        return "npm is not installed: the judges install Claude Code and opencode from npm"
    return None


def client_version(tool: str) -> str:
    _, variable, pinned, _ = CLIENTS[tool]
    return os.environ.get(variable, pinned)


@dataclass
class Verdict:
    tool: str
    returncode: int
    agents: dict[str, dict]                         # name -> what the script printed for it
    complaints: list[str] = field(default_factory=list)   # the tool's own warnings (stderr)
    listed: list[dict] = field(default_factory=list)      # every agent printed, several of a name too


def judge(tool: str, project: Path, version: str | None = None) -> Verdict:
    """One run of ``../shared/oracles/<tool>.sh`` over a project folder (``version``: another
    client than the one ``CLIENTS`` pins)."""
    script = ORACLES / f"{tool}.sh"
    # the shared scripts pin older clients: run them with ours (the same variables)
    env = {**os.environ, CLIENTS[tool][1]: version or client_version(tool)}
    # stdout goes to a file: a Node script that exits at once cuts a long output short in a pipe
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as sink:
        proc = subprocess.run(["bash", str(script), str(project)], stdout=sink, stderr=subprocess.PIPE, text=True,
                              timeout=900, env=env)
        sink.seek(0)
        proc.stdout = sink.read()
    complaints = [line for line in proc.stderr.splitlines() if line.strip()]
    if proc.returncode in (2, 3):      # usage error, or the client could not be installed
        raise JudgeUnavailable(f"{script.name} could not run {tool} {client_version(tool)} "
                               f"(exit {proc.returncode}): {proc.stderr.strip()[-800:]}")
    try:
        listed = json.loads(proc.stdout) if proc.stdout.strip() else []
    except ValueError:
        raise JudgeUnavailable(f"{script.name} printed no JSON (exit {proc.returncode}): "
                               f"{proc.stdout[:300]!r} {proc.stderr.strip()[-500:]}") from None
    return Verdict(tool, proc.returncode, {a["name"]: a for a in listed}, complaints, listed)


# -- our own probes (the scripts installed the clients) ------------------------------------

def _binary(tool: str) -> Path:
    folder, _, _, name = CLIENTS[tool]
    base = os.environ.get("AGENTCONV_ORACLE_CACHE") or \
        os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "agentconv-oracles")
    binary = Path(base) / f"{folder}-{client_version(tool)}" / "node_modules" / ".bin" / name
    if not binary.exists():
        raise JudgeUnavailable(f"{binary} is missing: run ../shared/oracles/{tool}.sh once to install it")
    return binary


def _sandbox(work: Path, project: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the project as a git repository with one commit, and an environment whose
    home, config and cache are empty folders: nothing of the user's setup leaks in."""
    home, proj = work / "home", work / "proj"
    home.mkdir()
    shutil.copytree(project, proj)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANTHROPIC_", "CLAUDE_", "OPENCODE_", "XDG_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local/state"),
               GIT_AUTHOR_NAME="oracle", GIT_AUTHOR_EMAIL="oracle@localhost",
               GIT_COMMITTER_NAME="oracle", GIT_COMMITTER_EMAIL="oracle@localhost")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "oracle"]):
        subprocess.run(["git", *args], cwd=proj, env=env, capture_output=True, check=False)
    return proj, env


def opencode_rules(project: Path) -> dict[str, list[dict]]:
    """name -> the permission rules opencode resolved for the agent (its defaults first,
    then the agent's own), as `opencode agent list` prints them; the last matching rule wins."""
    parts = _AGENT_HEADER.split(_opencode(project, "agent", "list"))
    return {parts[i]: json.loads(parts[i + 2]) for i in range(1, len(parts) - 2, 3)}


def opencode_debug_agent(project: Path, name: str) -> dict:
    """`opencode debug agent NAME`: the agent fully resolved, with its tool on/off map."""
    return json.loads(_opencode(project, "debug", "agent", name))


def _opencode(project: Path, *args: str) -> str:
    # stdout goes to a file: opencode (Bun) exits before a pipe is drained and cuts long output
    with tempfile.TemporaryDirectory(prefix="oracle-opencode.") as tmp:
        proj, env = _sandbox(Path(tmp), project)
        env.update(OPENCODE_DISABLE_AUTOUPDATE="1", OPENCODE_DISABLE_MODELS_FETCH="1",
                   OPENCODE_DISABLE_LSP_DOWNLOAD="1")
        out = Path(tmp) / "stdout"
        with out.open("w") as sink:
            proc = subprocess.run([str(_binary("opencode")), *args], cwd=proj, env=env, stdout=sink,
                                  stderr=subprocess.PIPE, text=True, timeout=120, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise JudgeUnavailable(f"opencode {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-800:]}")
        return out.read_text(encoding="utf-8")


@dataclass
class ClaudeSession:
    granted: dict[str, list[str]]   # agent name -> tools Claude sent to the model for it
    listing: str                    # the main session's "Available agent types" reminder

    def baseline(self, unrestricted: list[str]) -> set[str]:
        """The tools every unrestricted agent got: what "all tools" means in this build."""
        sets = [set(self.granted[n]) for n in unrestricted if n in self.granted]
        return set.intersection(*sets) if sets else set()


def start_claude_mock(work: Path, names: list[str], capture: Path, env: dict) -> subprocess.Popen:
    """The loopback model API that runs each named sub-agent once, and Claude Code's offline
    environment pointed at it (``env`` is updated); the caller ends the process."""
    (work / "names.json").write_text(json.dumps(names), encoding="utf-8")
    mock = subprocess.Popen([sys.executable, str(MOCK), str(capture), str(work / "names.json")],
                            stdout=subprocess.PIPE, text=True)
    port = mock.stdout.readline().strip()
    env.update(CLAUDE_CONFIG_DIR=str(work / "home" / ".claude"), DISABLE_AUTOUPDATER="1",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_TELEMETRY="1",
               DISABLE_ERROR_REPORTING="1", ANTHROPIC_BASE_URL=f"http://127.0.0.1:{port}",
               ANTHROPIC_API_KEY="dummy-offline-oracle",
               # 2.1.332 runs at most 20 sub-agents at once and refuses the rest
               CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS=str(max(20, len(names) + 1)))
    return mock


def claude_session(project: Path, names: list[str]) -> ClaudeSession:
    """Run every named sub-agent once. An agent Claude did not run is absent from ``granted``."""
    with tempfile.TemporaryDirectory(prefix="oracle-claude-tools.") as tmp:
        work = Path(tmp)
        proj, env = _sandbox(work, project)
        capture = work / "requests.jsonl"
        mock = start_claude_mock(work, names, capture, env)
        try:
            turn = json.dumps({"type": "user", "message": {"role": "user", "content": "hi"}}) + "\n"
            proc = subprocess.run([str(_binary("claude")), "-p", "--input-format", "stream-json",
                                   "--output-format", "stream-json", "--verbose"],
                                  # every agent runs once through the mock: minutes on a busy machine
                                  cwd=proj, env=env, input=turn, capture_output=True, text=True, timeout=900)
        finally:
            mock.terminate()
            mock.wait(timeout=10)
        if not capture.exists():
            raise JudgeUnavailable(f"claude sent no request to the mock (exit {proc.returncode}): {proc.stderr[-800:]}")
        return _session(capture.read_text(encoding="utf-8"))


def _session(capture: str) -> ClaudeSession:
    session = ClaudeSession({}, "")
    for line in capture.splitlines():
        request = json.loads(line)
        messages = request.get("messages") or []
        for text in _texts(messages[0] if messages else {}):
            mark = _PROBE_MARK.search(text)
            if mark:
                session.granted[mark.group(1)] = sorted(t["name"] for t in request.get("tools", [])
                                                        if t["name"] not in _NOT_TOOLS)
        if not session.listing:
            session.listing = next((t for m in messages for t in _texts(m) if "Available agent types" in t), "")
    return session


def _texts(message: dict) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    return [p.get("text", "") for p in content or [] if isinstance(p, dict) and p.get("type") == "text"]


@dataclass
class ClaudeListing:
    agents: dict[str, str]          # name -> description, as Claude Code loaded them
    log: list[str]                  # its debug-log lines about agent files


def claude_listing(project: Path) -> ClaudeListing:
    """Every agent Claude Code loads from the project (its `initialize` control response,
    which names agents however their files spell `name`), and what it logged about files."""
    with tempfile.TemporaryDirectory(prefix="oracle-claude-list.") as tmp:
        work = Path(tmp)
        proj, env = _sandbox(work, project)
        debug = work / "debug.log"
        env.update(CLAUDE_CONFIG_DIR=str(work / "home" / ".claude"), DISABLE_AUTOUPDATER="1",
                   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1",
                   ANTHROPIC_BASE_URL="http://127.0.0.1:9", ANTHROPIC_API_KEY="dummy-offline-oracle")
        init = json.dumps({"type": "control_request", "request_id": "list", "request": {"subtype": "initialize"}})
        proc = subprocess.run([str(_binary("claude")), "-p", "--input-format", "stream-json", "--output-format",
                               "stream-json", "--verbose", "--debug-file", str(debug)],
                              cwd=proj, env=env, input=init + "\n", capture_output=True, text=True, timeout=300)
        agents: dict[str, str] = {}
        for line in proc.stdout.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("type") == "control_response" and event["response"].get("request_id") == "list":
                listed = event["response"].get("response", {}).get("agents", [])
                agents = {a["name"]: a.get("description") for a in listed}
        if not agents and "control_response" not in proc.stdout:
            raise JudgeUnavailable(f"claude gave no initialize response (exit {proc.returncode}): {proc.stderr[-800:]}")
        log = debug.read_text(encoding="utf-8", errors="replace").splitlines() if debug.exists() else []
        return ClaudeListing(agents, [line.split("] ", 1)[-1] for line in log if "Agent file " in line
                                      or "Agent '" in line or "Failed to parse agent" in line])
