#!/usr/bin/env bash
# Judge: does the real Kilo Code CLI load the agents in DIR (DIR/.kilo[code]/{agent,agents}/**/*.md, {mode,modes}/*.md,
# DIR/.kilocodemodes)?
# usage: kilo.sh DIR  -> JSON list of the agents Kilo parsed from DIR; exit 1 if it rejected or silently dropped a file
#                        or a mode; 2 usage; 3 install failure.
# How: `kilo debug config` (Kilo is an opencode fork; offline, no login) prints the resolved config, agents included,
# with `.kilocodemodes` custom modes already migrated to agents. Unlike opencode, a file that fails validation does not
# fail the command: Kilo logs "failed to load agent" and drops it, so the judge runs with --print-logs and also
# compares what DIR declares with what Kilo kept. Models fetch, telemetry and auto-update are switched off.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${KILO_CLI_VERSION:-7.7.7}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/kilocode-$VER
BIN=$CACHE/node_modules/.bin/kilo
if [ ! -x "$BIN" ]; then
  # 7.8.1 (latest when this was written) names platform packages that were never published; 7.7.7 is complete.
  mkdir -p "$CACHE"
  timeout 300 npm install --prefix "$CACHE" "@kilocode/cli@$VER" --no-audit --no-fund --loglevel=error >&2 || { echo "install failed" >&2; exit 3; }
fi
WORK=$(mktemp -d -t judge-kilo.XXXXXX); trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"; git -C "$WORK/proj" init -q 2>/dev/null || true
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share XDG_CACHE_HOME=$WORK/home/.cache XDG_STATE_HOME=$WORK/home/.local/state
export KILO_DISABLE_AUTOUPDATE=1 KILO_DISABLE_MODELS_FETCH=1 KILO_DISABLE_LSP_DOWNLOAD=1 KILO_TELEMETRY_LEVEL=off KILO_DISABLE_SHARE=1
unset KILO_DISABLE_PROJECT_CONFIG KILO_CONFIG KILO_CONFIG_DIR
cd "$WORK/proj"
timeout 60 "$BIN" debug config --print-logs --log-level WARN >"$WORK/out" 2>"$WORK/err" </dev/null; rc=$?
python3 - "$WORK" "$rc" <<'PY'
import glob, json, os, re, sys
work, rc = sys.argv[1], int(sys.argv[2])
proj = os.path.join(work, "proj")
err = re.sub(r"\x1b\[[0-9;]*m", "", open(os.path.join(work, "err"), encoding="utf-8", errors="replace").read())
problems = list(dict.fromkeys(re.sub(r"^ERROR +\S+ \+\d+ms ", "", l).replace(proj + "/", "") for l in err.splitlines()
                              if l.startswith("ERROR") and re.search("agent|mode|config", l) and "models.dev" not in l))
try: cfg = json.load(open(os.path.join(work, "out")))
except ValueError:
    print(f"kilo printed no configuration (rc={rc}):\n" + err[-1500:], file=sys.stderr); sys.exit(1)
# What DIR declares: agent files (name = path below agent(s)/ minus .md, or a frontmatter `name:`) and modes.
declared = {}
for root in (".kilo", ".kilocode"):
    for pat in ("agent/**/*.md", "agents/**/*.md", "mode/*.md", "modes/*.md"):
        for f in glob.glob(os.path.join(proj, root, pat), recursive=True):
            rel = os.path.relpath(f, proj); key = re.sub(r"^[^/]+/(agents?|modes?)/", "", rel)[:-3]
            text = open(f, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
            m = re.search(r'(?m)^name:[ \t]*["\']?(.*?)["\']?[ \t]*$', text[4:].split("\n---", 1)[0]) if text.startswith("---\n") else None
            declared[rel] = {key} | ({m.group(1)} if m else set())
DEFAULT_SLUGS = {"code", "build", "architect", "ask", "debug", "orchestrator"}   # Kilo skips these on migration
modes = os.path.join(proj, ".kilocodemodes")
if os.path.exists(modes):
    try:
        import yaml
        for mode in (yaml.safe_load(open(modes, encoding="utf-8")) or {}).get("customModes") or []:
            if isinstance(mode, dict) and mode.get("slug"): declared[f".kilocodemodes#{mode['slug']}"] = {str(mode["slug"])}
    except ImportError: print("kilo judge: PyYAML missing, modes in .kilocodemodes not cross-checked", file=sys.stderr)
    except yaml.YAMLError as e: problems.append(f".kilocodemodes is not valid YAML/JSON: {e}")
agents, bad = [], bool(problems)
for name, a in sorted((cfg.get("agent") or {}).items()):
    a = dict(a); prompt = a.pop("prompt", None)
    agents.append({"name": name, "description": a.get("description"), "mode": a.get("mode"), "model": a.get("model"),
                   "tools": a.get("tools"), "permission": a.get("permission") or None, "temperature": a.get("temperature"),
                   "top_p": a.get("top_p"), "steps": a.get("steps", a.get("maxSteps")), "hidden": a.get("hidden"),
                   "disable": a.get("disable"), "color": a.get("color"), "unknown_keys": a.get("options") or None, "prompt": prompt})
    # Like opencode, Kilo keeps a file whose frontmatter does not parse: the whole file, '---' included, is the prompt.
    if isinstance(prompt, str) and prompt.startswith("---") and a.get("description") is None:
        print(f"kilo: {name}: frontmatter was not parsed (Kilo used the whole file as the prompt)", file=sys.stderr); bad = True
    if a.get("options"): print(f"kilo: {name}: unknown keys kept as provider options: {sorted(a['options'])}", file=sys.stderr)
loaded = {a["name"] for a in agents}
for src, names in sorted(declared.items()):
    if not names & loaded:
        why = " (a default mode slug: Kilo never migrates it)" if names & DEFAULT_SLUGS and src.startswith(".kilocodemodes") else ""
        print(f"kilo: {src}: not loaded{why}", file=sys.stderr); bad = True
print(json.dumps(agents, indent=1))
for p in problems: print("kilo: " + p, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
