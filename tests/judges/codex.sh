#!/usr/bin/env bash
# Judge: does the real Codex CLI load the custom agent roles in DIR (DIR/.codex/agents/*.toml)?
# usage: codex.sh DIR  -> JSON list of the project agent roles Codex loaded; exit 1 if it ignored a file as malformed
#                         or a declared role never showed up; 2 usage; 3 install failure.
# How: `codex exec --json hi` in a trusted temp copy of DIR, with a custom model provider pointing at a throw-away
# loopback mock of the Responses API (dummy key, no login, no network). Codex reports bad role files as `error`
# items ("Ignoring malformed agent role definition: ..."). The mock reads the roles Codex offers in the
# `spawn_agent` tool (name, description, locked model/effort), answers by spawning every role declared in DIR, and
# records each sub-agent's first request: the model and reasoning effort it runs with, its developer_instructions
# and the sandbox mode it was given. The spawn results carry the nickname Codex picked.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${CODEX_VERSION:-0.169.0}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/codex-$VER
BIN=$CACHE/node_modules/.bin/codex
if [ ! -x "$BIN" ]; then
  mkdir -p "$CACHE"
  timeout 300 npm install --prefix "$CACHE" "@openai/codex@$VER" --no-audit --no-fund --loglevel=error >&2 || { echo "install failed" >&2; exit 3; }
fi
WORK=$(mktemp -d -t judge-codex.XXXXXX)
MOCK_PID=
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/home/.codex" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"; git -C "$WORK/proj" init -q 2>/dev/null || true
# The roles DIR declares, read from the files (a file that does not parse declares nothing; Codex reports it).
python3 - "$WORK/proj" > "$WORK/declared.json" <<'PY'
import json, sys, tomllib, pathlib
out = {}
for f in sorted(pathlib.Path(sys.argv[1], ".codex/agents").glob("*.toml")):
    try: name = tomllib.loads(f.read_text(encoding="utf-8")).get("name")
    except (ValueError, UnicodeDecodeError): name = None
    out[str(f.relative_to(sys.argv[1]))] = name if isinstance(name, str) else None
print(json.dumps(out))
PY
cat > "$WORK/mock.py" <<'PY'
import http.server, json, re, sys, threading, time
out, want = sys.argv[1], set(json.load(open(sys.argv[2])).values())
lock = threading.Lock(); started = set(); spawned = []
def sse(ev, data): return f"event: {ev}\ndata: {json.dumps(data)}\n\n"
msg = lambda t: {"type": "message", "id": "m", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": t, "annotations": []}]}
def marked_role(req):
    for it in req.get("input", []):
        for c in (it.get("content") or []) if it.get("role") == "user" else []:
            if c.get("text", "").startswith("AGENTCONV_ROLE:"): return c["text"][len("AGENTCONV_ROLE:"):].strip()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'
    def reply(self, items):
        resp = {"id": "r", "object": "response", "status": "completed", "output": items,
                "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2, "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}}
        b = sse("response.created", {"type": "response.created", "response": {**resp, "status": "in_progress", "output": []}})
        for i, it in enumerate(items): b += sse("response.output_item.done", {"type": "response.output_item.done", "output_index": i, "item": it})
        b = (b + sse("response.completed", {"type": "response.completed", "response": resp})).encode()
        self.send_response(200); self.send_header('content-type', 'text/event-stream'); self.send_header('content-length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get('content-length', 0)))
        req = json.loads(raw or b'{}')
        types = {it.get("type") for it in req.get("input", [])}
        role = marked_role(req)
        kind = "followup" if "function_call_output" in types else "child" if role else "parent"
        with open(out, 'a') as f: f.write(json.dumps({"kind": kind, "role": role, "req": req}) + "\n")
        if kind == "child":
            with lock: started.add(role)
            return self.reply([msg("ok")])
        if kind == "followup":      # let every sub-agent send its first request before the parent's turn ends
            t0 = time.time()
            while time.time() - t0 < 20:
                with lock:
                    if started >= set(spawned): break
                time.sleep(0.05)
            return self.reply([msg("done")])
        offered = []
        for t in req.get("tools", []):
            for f in t.get("tools", []) if t.get("type") == "namespace" else [t]:
                if f.get("name") == "spawn_agent":
                    offered = re.findall(r'(?m)^([^\n]+?): \{$', ((f.get("parameters") or {}).get("properties") or {}).get("agent_type", {}).get("description", ""))
        calls = [r for r in offered if r in want]
        spawned.extend(calls)
        self.reply([{"type": "function_call", "id": f"fc{i}", "call_id": f"call_{r}", "name": "spawn_agent", "namespace": "multi_agent_v1",
                     "arguments": json.dumps({"agent_type": r, "message": f"AGENTCONV_ROLE:{r}"})} for i, r in enumerate(calls)] or [msg("none")])
    def do_GET(self):
        b = json.dumps({"object": "list", "data": [], "models": []}).encode()
        self.send_response(200); self.send_header('content-type', 'application/json'); self.send_header('content-length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H); print(s.server_address[1], flush=True); s.serve_forever()
PY
python3 "$WORK/mock.py" "$WORK/cap.jsonl" "$WORK/declared.json" > "$WORK/port" & MOCK_PID=$!
for i in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
cat > "$WORK/home/.codex/config.toml" <<TOML
model = "mock-model"
model_provider = "agentconv_mock"
[model_providers.agentconv_mock]
name = "agentconv mock"
base_url = "http://127.0.0.1:$(cat "$WORK/port")/v1"
env_key = "AGENTCONV_MOCK_KEY"
wire_api = "responses"
[agents]
max_threads = 64
[projects."$WORK/proj"]
trust_level = "trusted"
TOML
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config CODEX_HOME=$WORK/home/.codex AGENTCONV_MOCK_KEY=dummy-offline-judge
unset OPENAI_API_KEY CODEX_API_KEY OPENAI_BASE_URL
cd "$WORK/proj"
timeout 60 "$BIN" exec --json --skip-git-repo-check hi </dev/null >"$WORK/out" 2>"$WORK/err"
rc=$?
python3 - "$WORK" "$rc" <<'PY'
import json, os, re, sys
work, rc = sys.argv[1], int(sys.argv[2])
proj = os.path.join(work, "proj")
declared = json.load(open(os.path.join(work, "declared.json")))
errors, seen = [], set()
for line in open(os.path.join(work, "out"), encoding="utf-8", errors="replace"):
    try: ev = json.loads(line)
    except ValueError: continue
    item = ev.get("item") or {}
    if item.get("type") == "error" or ev.get("type") in ("error", "turn.failed"):
        m = (item.get("message") or ev.get("message") or json.dumps(ev)).replace(proj + "/", "").strip()
        if m in seen or m.startswith("Model metadata for `mock-model` not found"): continue
        seen.add(m); errors.append(m)
reqs = [json.loads(l) for l in open(os.path.join(work, "cap.jsonl"), encoding="utf-8")] if os.path.exists(os.path.join(work, "cap.jsonl")) else []
parent = next((r["req"] for r in reqs if r["kind"] == "parent"), None)
if parent is None:
    print(f"codex sent no request to the mock (rc={rc}): " + open(os.path.join(work, "err"), errors="replace").read()[-800:], file=sys.stderr)
    for e in errors: print("codex error: " + e, file=sys.stderr)
    sys.exit(1)
texts = lambda req: [c.get("text", "") for it in req.get("input", []) if it.get("role") == "developer" for c in it.get("content") or []]
base = set(texts(parent))
listing = {}
for t in parent.get("tools", []):
    for f in t.get("tools", []) if t.get("type") == "namespace" else [t]:
        if f.get("name") == "spawn_agent":
            for m in re.finditer(r'(?ms)^([^\n]+?): \{\n(.*?)^\}$', ((f.get("parameters") or {}).get("properties") or {}).get("agent_type", {}).get("description", "")):
                listing[m.group(1)] = m.group(2).rstrip("\n")
nick = {}
for r in reqs:
    if r["kind"] != "followup": continue
    for it in r["req"].get("input", []):
        if it.get("type") == "function_call_output" and it.get("call_id", "").startswith("call_"):
            o = it.get("output"); o = o if isinstance(o, str) else json.dumps(o)
            try: nick[it["call_id"][5:]] = json.loads(o).get("nickname")
            except (ValueError, AttributeError): nick[it["call_id"][5:]] = None
child = {}
for r in reqs:
    if r["kind"] == "child": child.setdefault(r["role"], r["req"])
out, failed, claimed = [], False, set()
for f, name in declared.items():
    if name in claimed:            # Codex keeps the first file of a name and reports the others as duplicates
        failed = True; continue
    claimed.add(name)
    if name is None or name not in listing:
        if not any(f in e or f"`{name}`" in e for e in errors): print(f"codex: {f}: not loaded (" + ("no `name` could be read from it" if name is None else f"{name!r} is not among the roles Codex offers") + ")", file=sys.stderr)
        failed = True; continue
    lines = listing[name].split("\n")
    notes = [l[2:] for l in lines if l.startswith("- This role's")]
    c = child.get(name)
    sandbox = None; extra = []
    if c:
        for t in texts(c):
            m = re.search(r"`sandbox_mode` is `([^`]+)`", t)
            if m: sandbox = m.group(1)
            elif t not in base: extra.append(t)
    out.append({"name": name, "description": "\n".join(l for l in lines if not l.startswith("- This role's")),
                "locked": notes[0] if notes else None, "model": c and c.get("model"),
                "reasoning_effort": c and (c.get("reasoning") or {}).get("effort"), "sandbox_mode": sandbox,
                "developer_instructions": "\n".join(extra) if c else None, "nickname": nick.get(name), "file": f})
    if not c: print(f"codex: {f}: role {name!r} is listed but its sub-agent never started", file=sys.stderr); failed = True
print(json.dumps(sorted(out, key=lambda a: a["name"]), indent=1))
for e in errors: print("codex error: " + e, file=sys.stderr)
sys.exit(1 if failed or any("agent role" in e for e in errors) else 0)
PY
