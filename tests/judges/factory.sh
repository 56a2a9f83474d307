#!/usr/bin/env bash
# Judge: does the real Factory CLI (`droid`) load the custom droids in DIR (DIR/.factory/droids/*.md)?
# usage: factory.sh DIR  -> JSON list of the project droids droid loaded and ran; exit 1 if a declared droid was not
#                           offered, or its Task call failed; 2 usage; 3 install failure.
# How: Factory's own air-gapped mode (FACTORY_AIRGAP_ENABLED=true: no login, no Factory API) with a BYOK custom model
# whose base URL is a throw-away loopback mock of the OpenAI chat API (dummy key). `droid exec --auto high hi` lists
# the custom droids to the model ("Custom droids available ...: - name: description (location: project)") and offers
# the Task tool (only at --auto high); the mock answers by launching every declared droid through Task and nothing
# else, so no command runs. Each sub-agent's session settings (~/.factory/sessions/*.settings.json) give its model,
# reasoning effort and system prompt; its first request gives the tools it really got. The droid's `model:` cannot be
# judged offline (see tests/judges/README.md), so the model is reported as `model_run`.
set -uo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 DIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
VER=${FACTORY_CLI_VERSION:-0.225.2}
CACHE=${AGENTCONV_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentconv-oracles}/factory-$VER
# @factory/cli's wrapper (0.225.1) names a platform binary that was never published; the binary package is the client.
BIN=$CACHE/node_modules/@factory/cli-linux-x64/bin/droid
if [ ! -x "$BIN" ]; then
  [ "$(uname -sm)" = "Linux x86_64" ] || { echo "install failed: this judge installs the linux-x64 droid binary only" >&2; exit 3; }
  mkdir -p "$CACHE"
  timeout 300 npm install --prefix "$CACHE" "@factory/cli-linux-x64@$VER" --no-audit --no-fund --loglevel=error >&2 || { echo "install failed" >&2; exit 3; }
fi
WORK=$(mktemp -d -t judge-factory.XXXXXX)
MOCK_PID=
cleanup() { [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/home/.factory" "$WORK/proj"; cp -a "$SRC/." "$WORK/proj/"; git -C "$WORK/proj" init -q 2>/dev/null || true
# The droids DIR declares: the frontmatter `name:` of each file (droid names droids by that field, not the file name).
python3 - "$WORK/proj" > "$WORK/declared.json" <<'PY'
import json, re, sys, pathlib
out = {}
for f in sorted(pathlib.Path(sys.argv[1], ".factory/droids").glob("*.md")):
    head = f.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    fm = head[4:].split("\n---", 1)[0] if head.startswith("---\n") else ""
    m = re.search(r'(?m)^name:[ \t]*["\']?(.*?)["\']?[ \t]*$', fm)
    out[str(f.relative_to(sys.argv[1]))] = m.group(1) if m else None
print(json.dumps(out))
PY
cat > "$WORK/mock.py" <<'PY'
import http.server, json, re, sys
out, want = sys.argv[1], set(json.load(open(sys.argv[2])).values())
def text_of(m):
    c = m.get("content")
    return c if isinstance(c, str) else " ".join(p.get("text", "") for p in c or [] if isinstance(p, dict))
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'
    def send(self, body, ctype):
        self.send_response(200); self.send_header('content-type', ctype); self.send_header('content-length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def reply(self, req, content=None, calls=None):
        tc = [{"index": i, "id": f"call_{i}", "type": "function", "function": {"name": "Task", "arguments": json.dumps(a)}} for i, a in enumerate(calls or [])]
        fin = "tool_calls" if tc else "stop"
        if req.get('stream'):
            delta = {"role": "assistant", **({"content": content} if content else {}), **({"tool_calls": tc} if tc else {})}
            ch = lambda d, f: {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [{"index": 0, "delta": d, "finish_reason": f}]}
            b = "".join("data: " + json.dumps(x) + "\n\n" for x in [ch(delta, None), ch({}, fin),
                {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}])
            return self.send((b + "data: [DONE]\n\n").encode(), 'text/event-stream')
        msg = {"role": "assistant", "content": content, **({"tool_calls": [{k: v for k, v in c.items() if k != "index"} for c in tc]} if tc else {})}
        self.send(json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [{"index": 0, "message": msg, "finish_reason": fin}],
                              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode(), 'application/json')
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get('content-length', 0)))
        req = json.loads(raw or b'{}'); msgs = req.get("messages", [])
        mark = next((m for m in (re.search(r'AGENTCONV_DROID:(.+?)\s*(?:---END|$)', text_of(u)) for u in msgs if u.get("role") == "user") if m), None)
        parent = any(t.get("function", t).get("name") == "Task" for t in req.get("tools", []))
        kind = "child" if mark and not parent else "followup" if any(m.get("role") == "tool" for m in msgs) else "parent"
        with open(out, 'a') as f: f.write(json.dumps({"kind": kind, "droid": mark and mark.group(1), "req": req}) + "\n")
        if kind != "parent": return self.reply(req, content="ok")
        # a description may span lines: find each declared droid by its own entry
        text = "\n".join(text_of(m) for m in msgs)
        listed = sorted(n for n in want if n and re.search(r'(?m)^- ' + re.escape(n) + r': ', text))
        calls = [{"subagent_type": n, "description": "agentconv judge", "prompt": f"AGENTCONV_DROID:{n}", "await": True} for n in listed if n in want]
        self.reply(req, calls=calls) if calls else self.reply(req, content="none")
    def do_GET(self): self.send(json.dumps({"object": "list", "data": [{"id": "mock-model", "object": "model"}]}).encode(), 'application/json')
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H); print(s.server_address[1], flush=True); s.serve_forever()
PY
python3 "$WORK/mock.py" "$WORK/cap.jsonl" "$WORK/declared.json" > "$WORK/port" & MOCK_PID=$!
for i in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
cat > "$WORK/home/.factory/settings.json" <<JSON
{"customModels": [{"model": "mock-model", "displayName": "Mock", "baseUrl": "http://127.0.0.1:$(cat "$WORK/port")/v1",
  "apiKey": "dummy-offline-judge", "provider": "generic-chat-completion-api", "maxOutputTokens": 1000}]}
JSON
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share XDG_CACHE_HOME=$WORK/home/.cache
export FACTORY_AIRGAP_ENABLED=true FACTORY_DISABLE_KEYRING=true FACTORY_DROID_AUTO_UPDATE_ENABLED=false
unset FACTORY_API_KEY FACTORY_HOME_OVERRIDE
cd "$WORK/proj"
timeout 60 "$BIN" exec -o json -m custom:Mock-0 --auto high hi </dev/null >"$WORK/out" 2>"$WORK/err"
rc=$?
python3 - "$WORK" "$rc" <<'PY'
import glob, json, os, re, sys
work, rc = sys.argv[1], int(sys.argv[2])
proj = os.path.join(work, "proj")
declared = json.load(open(os.path.join(work, "declared.json")))
reqs = [json.loads(l) for l in open(os.path.join(work, "cap.jsonl"), encoding="utf-8")] if os.path.exists(os.path.join(work, "cap.jsonl")) else []
parent = next((r["req"] for r in reqs if r["kind"] == "parent"), None)
def text_of(m):
    c = m.get("content")
    return c if isinstance(c, str) else " ".join(p.get("text", "") for p in c or [] if isinstance(p, dict))
if parent is None:
    print(f"droid sent no request to the mock (rc={rc}): " + (open(os.path.join(work, "out"), errors="replace").read() + open(os.path.join(work, "err"), errors="replace").read())[-800:], file=sys.stderr)
    sys.exit(1)
offered = "\n".join(text_of(m) for m in parent["messages"])
listing = {}
for name in filter(None, declared.values()):      # a description may span lines
    m = re.search(r'(?ms)^- ' + re.escape(name) + r': (.*?) \(location: project\)$', offered)
    if m: listing[name] = m.group(1)
tools_of = {}
for r in reqs:
    if r["kind"] == "child": tools_of.setdefault(r["droid"], [t.get("function", t).get("name") for t in r["req"].get("tools", [])])
results = {}                     # call index -> Task tool result text
for r in reqs:
    if r["kind"] == "followup":
        for m in r["req"]["messages"]:
            if m.get("role") == "tool": results[m.get("tool_call_id")] = text_of(m)
calls = next((m.get("tool_calls") for r in reqs if r["kind"] == "followup" for m in r["req"]["messages"] if m.get("tool_calls")), []) or []
call_of = {json.loads(c["function"]["arguments"])["subagent_type"]: c["id"] for c in calls}
settings = {}
for f in glob.glob(os.path.join(work, "home/.factory/sessions/*/*.settings.json")):
    s = json.load(open(f))
    for t in s.get("tags") or []:
        if t.get("name") == "subagent": settings[(t.get("metadata") or {}).get("callingToolUseId")] = s
out, failed, claimed = [], False, set()
for f, name in declared.items():
    if name is None or name not in listing or name in claimed:
        why = "no name in its frontmatter" if name is None else "another file already declares that name" if name in claimed else "not among the custom droids droid offers"
        print(f"droid: {f}: not loaded ({why})", file=sys.stderr); failed = True; continue
    claimed.add(name)
    cid = call_of.get(name); s = settings.get(cid, {}); res = results.get(cid)
    prompt = s.get("systemPrompt")
    if prompt is not None: prompt = prompt.split("\n\nSubagent contract:\n", 1)[0]
    model = s.get("model")
    # Air-gapped, the mock is the only model droid may use: every droid model (valid, Claude alias or bogus) is
    # silently replaced by it, so what a droid ran with says nothing about its `model:`; hence the *_run names.
    out.append({"name": name, "description": listing[name], "model_run": model, "reasoning_effort_run": s.get("reasoningEffort"),
                "tools": tools_of.get(name), "system_prompt": prompt, "file": f})
    if not s or res is None or not res.startswith("session_id:"):
        print(f"droid: {f}: Task for {name!r} failed: {' '.join((res or 'no result').split())[:300]}", file=sys.stderr); failed = True
print(json.dumps(sorted(out, key=lambda a: a["name"]), indent=1))
# Lines every run logs (the mock model, session shutdown) say nothing about the droid files.
seen = set()
NOISE = r"Model blocked by org policy|Unknown model, falling back|interrupt (droid client|Droid session)|Connection closed"
for f in glob.glob(os.path.join(work, "home/.factory/logs/*.log")):
    for line in open(f, encoding="utf-8", errors="replace"):
        msg = re.sub(r" \| Context: .*", "", line.split("] ", 1)[-1]).strip()
        if re.match(r"(WARN|ERROR): ", msg) and (re.search(r"(?i)droid|frontmatter", msg) or proj in line) and not re.search(NOISE, msg):
            if msg not in seen: seen.add(msg); print("droid log: " + msg, file=sys.stderr)
sys.exit(1 if failed else 0)
PY
