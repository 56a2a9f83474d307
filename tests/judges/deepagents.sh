#!/usr/bin/env bash
# Judge: which sub-agents does Deep Agents Code load from DIR (DIR/.deepagents/agents/NAME/AGENTS.md)?
# usage: deepagents.sh DIR  -> JSON list of the sub-agents the loader produced; exit 1 if it skipped a file;
#                              2 usage; 3 install failure.
# How: the app builds its sub-agents from deepagents_code.subagents.list_subagents (agent.py); this runs that
# function of the installed package on the project folder and prints what it returned, with the loader's own
# warnings on stderr. Nothing is re-implemented. The package is installed without its dependencies (the loader
# needs only PyYAML), so no model provider, key or network is involved.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${DEEPAGENTS_CODE_VERSION:-0.1.57}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/deepagents-code-$VER
PY=$CACHE/bin/python
WORK_LOG=$(mktemp -t judge-deepagents-install.XXXXXX); trap 'rm -f "$WORK_LOG"' EXIT
if [ ! -f "$CACHE/.installed" ]; then
  rm -rf "$CACHE"; python3 -m venv "$CACHE" || { echo "install failed: venv" >&2; exit 3; }
  # the loader needs only PyYAML: the app's own dependencies (LangChain, providers) stay out
  { timeout 600 "$PY" -m pip install -q --disable-pip-version-check --no-deps "deepagents-code==$VER" &&
    timeout 600 "$PY" -m pip install -q --disable-pip-version-check pyyaml; } >"$WORK_LOG" 2>&1 ||
    { cat "$WORK_LOG" >&2; echo "install failed" >&2; exit 3; }
  touch "$CACHE/.installed"
fi
WORK=$(mktemp -d -t judge-deepagents.XXXXXX); trap 'rm -rf "$WORK" "$WORK_LOG"' EXIT
mkdir -p "$WORK/home" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"
export HOME=$WORK/home
cd "$WORK/proj"
timeout 60 "$PY" - "$WORK/proj" <<'PY'
import json, logging, sys
from pathlib import Path
proj = Path(sys.argv[1]).resolve()
skipped = []
class Collect(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        print(f"deepagents: {message}", file=sys.stderr)
        if message.startswith(("Skipping subagent", "Ignoring")):
            skipped.append(message)
logging.getLogger("deepagents_code").addHandler(Collect())
logging.getLogger("deepagents_code").setLevel(logging.DEBUG)
logging.getLogger("deepagents_code").propagate = False
from deepagents_code.subagents import list_subagents
agents = list_subagents(project_agents_dir=proj / ".deepagents" / "agents")
for agent in agents:
    agent["path"] = str(Path(agent["path"]).relative_to(proj))
print(json.dumps(sorted(agents, key=lambda a: a["path"]), indent=1))
sys.exit(1 if skipped else 0)
PY
