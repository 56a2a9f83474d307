#!/usr/bin/env bash
# Judge: does Mistral Vibe's own agent registry accept the agent profiles in DIR (DIR/.vibe/agents/*.toml)?
# usage: vibe.sh DIR  -> JSON list of the custom agents Vibe discovered; exit 1 if it dropped a file or kept one
#                        with a config error; 2 usage; 3 install failure.
# How: the `vibe` TUI is a Rust client with no listing command, and its app server speaks a session protocol, so a
# small Python snippet builds the same objects the app server's `agents/list` does (trusted HarnessFilesManager for
# the project, build_default_orchestrator, AgentRegistry) inside the installed package and prints what discovery
# produced. Nothing is re-implemented. Vibe's own log lines (unknown settings, invalid files) go to stderr and are
# also attached to the agent they concern as "warnings"; "rewritten" is true when Vibe migrated the file in place.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${MISTRAL_VIBE_VERSION:-3.0.3}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/mistral-vibe-$VER
PY=$CACHE/bin/python
if [ ! -f "$CACHE/.installed" ]; then
  # mistral-vibe needs Python >= 3.12; take the first interpreter that has it.
  BASE=
  for p in ${VIBE_PYTHON:-} python3.13 python3.12 python3 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    command -v "$p" >/dev/null 2>&1 || continue
    "$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { BASE=$(command -v "$p"); break; }
  done
  [ -n "$BASE" ] || { echo "install failed: mistral-vibe $VER needs Python >= 3.12 (set VIBE_PYTHON)" >&2; exit 3; }
  rm -rf "$CACHE"; "$BASE" -m venv "$CACHE" || { echo "install failed: venv" >&2; exit 3; }
  if ! timeout 600 "$PY" -m pip install -q --disable-pip-version-check "mistral-vibe==$VER" >&2; then
    # The wheel pins every dependency exactly; an index that lacks one of those exact releases (a mirror) still
    # has a compatible one, so fall back to the wheel without its pins.
    echo "vibe: exact pins not installable here; installing mistral-vibe $VER with unpinned dependencies" >&2
    timeout 600 "$PY" -m pip install -q --disable-pip-version-check --no-deps "mistral-vibe==$VER" >&2 &&
    "$PY" - >"$CACHE/reqs.txt" <<'PY' &&
import re
from importlib.metadata import requires
for r in requires("mistral-vibe") or []:
    if "extra ==" not in r: print(re.sub(r"==[^;\s]+", "", r))
PY
    timeout 600 "$PY" -m pip install -q --disable-pip-version-check -r "$CACHE/reqs.txt" >&2 ||
      { echo "install failed" >&2; exit 3; }
  fi
  touch "$CACHE/.installed"
fi
WORK=$(mktemp -d -t judge-vibe.XXXXXX); trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share \
  XDG_CACHE_HOME=$WORK/home/.cache VIBE_HOME=$WORK/home/.vibe
unset MISTRAL_API_KEY
cd "$WORK/proj"
timeout 60 "$PY" - "$WORK/proj" <<'PY'
import asyncio, json, logging, sys
from pathlib import Path
proj = Path(sys.argv[1]).resolve()
from vibe.core.trusted_folders import trusted_folders_manager
from vibe.core.config.harness_files import init_harness_files_manager, get_harness_files_manager
from vibe.core.config.default_orchestrator import build_default_orchestrator
from vibe.core.agents import registry as reg_mod
from vibe.core.agents.models import BUILTIN_AGENTS

current = [None]          # the file being loaded, to attach Vibe's log lines to it
notes: dict[str, list[str]] = {}
class Collect(logging.Handler):
    def emit(self, record):
        msg = record.getMessage().replace(str(proj) + "/", "")
        if record.exc_info and record.exc_info[1] is not None:
            msg += f": {record.exc_info[1]}"
        if record.levelno >= logging.WARNING:
            print(f"vibe {record.levelname.lower()}: {msg}", file=sys.stderr)
            notes.setdefault(current[0] or "", []).append(msg)
vlog = logging.getLogger("vibe"); vlog.handlers[:] = [Collect()]; vlog.setLevel(logging.INFO); vlog.propagate = False

original = reg_mod.AgentRegistry._try_load
def traced(self, agent_file, *a, **k):
    current[0] = agent_file.name
    try: return original(self, agent_file, *a, **k)
    finally: current[0] = None
reg_mod.AgentRegistry._try_load = traced

before = {f: f.read_bytes() for f in proj.glob(".vibe/agents/*.toml")}
trusted_folders_manager.trust_for_session(proj)          # what `vibe --trust` does
init_harness_files_manager("user", "project")
harness = get_harness_files_manager().for_session(proj)
orchestrator = asyncio.run(build_default_orchestrator(harness_files=harness))
registry = reg_mod.AgentRegistry(orchestrator, harness)

out = []
for name, a in registry.discovered.items():
    if a.source_path is None:      # a builtin
        continue
    o = a.overrides
    out.append({"name": str(name), "display_name": a.display_name, "description": a.description,
                "agent_type": a.agent_type.value, "safety": a.safety.value,
                "model": o.get("active_model"), "enabled_tools": o.get("enabled_tools"),
                "disabled_tools": o.get("disabled_tools"),
                "tools": {t: v.get("permission") for t, v in o.get("tools", {}).items() if isinstance(v, dict) and "permission" in v} or None,
                "instructions": a.instructions, "overrides_builtin": str(name) in BUILTIN_AGENTS,
                "settings": sorted(k for k in o if k not in ("active_model", "enabled_tools", "disabled_tools", "tools")),
                "config_error": a.config_error, "rewritten": before.get(a.source_path) not in (None, a.source_path.read_bytes()), "warnings": notes.get(a.source_path.name, []),
                "file": str(a.source_path.relative_to(proj))})
print(json.dumps(sorted(out, key=lambda x: x["name"]), indent=1))
for f in registry.failures:
    print(f"vibe rejected {f.path.relative_to(proj)}: {f.reason}", file=sys.stderr)
sys.exit(1 if registry.failures else 0)
PY
