#!/usr/bin/env bash
# Judge: does the real Cline load the agent configs in DIR (DIR/.cline/agents/*.yaml|*.yml)?
# usage: cline.sh DIR  -> JSON list of the agents Cline loaded; exit 1 if a file was not loaded
#                         (each named on stderr with Cline's own error), 2 usage; 3 install failure.
# How: Cline's own loader, offline and without an account: @cline/core (shipped with npm `cline`)
# exports loadConfiguredAgentConfigs, which the CLI calls to build its sub-agent tools; the judge calls
# it on the temp project and prints what it returned (configs) and refused (errors).
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${CLINE_VERSION:-3.0.65}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/cline-$VER
CORE=$CACHE/node_modules/@cline/core/dist/index.js
if [ ! -f "$CORE" ]; then
  mkdir -p "$CACHE"
  timeout 300 npm install --prefix "$CACHE" "cline@$VER" --no-audit --no-fund --loglevel=error >&2 || { echo "install failed" >&2; exit 3; }
fi
WORK=$(mktemp -d -t judge-cline.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"
cat > "$WORK/judge.mjs" <<'JS'
const [core, proj] = process.argv.slice(2);
const { loadConfiguredAgentConfigs } = await import(core);
const { configs, errors } = loadConfiguredAgentConfigs({ workspaceRoot: proj });
const rel = (p) => p && p.startsWith(proj + "/") ? p.slice(proj.length + 1) : p;
const out = configs.map((c) => ({ name: c.name, description: c.description, tools: c.tools ?? null,
  skills: c.skills ?? null, providerId: c.providerId ?? null, modelId: c.modelId ?? null,
  maxIterations: c.maxIterations ?? null, system_prompt: c.systemPrompt, file: rel(c.path) }));
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
for (const e of errors) process.stderr.write(`cline: ${rel(e.path)}: not loaded: ${String(e.error.message).split("\n")[0].slice(0, 300)}\n`);
// two files of one name (any case): Cline keeps the first; the other is not loaded, without a word
const kept = new Set(configs.map((c) => rel(c.path)));
let dropped = 0;
for (const dir of [".cline/agents"]) {
  const fs = await import("node:fs");
  const full = `${proj}/${dir}`;
  if (!fs.existsSync(full)) continue;
  for (const f of fs.readdirSync(full)) {
    const r = `${dir}/${f}`;
    if (!/\.ya?ml$/i.test(f) || kept.has(r) || errors.some((e) => rel(e.path) === r)) continue;
    process.stderr.write(`cline: ${r}: not loaded (another file already declares that name)\n`); dropped++;
  }
}
process.exitCode = errors.length || dropped ? 1 : 0;      // exit() would cut a long stdout short
JS
cd "$WORK/proj" && HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" \
  CLINE_DIR="$WORK/home/.cline" timeout 60 node "$WORK/judge.mjs" "$CORE" "$WORK/proj"
