"""A loopback stand-in for the OpenAI chat API that makes Qwen Code spawn every project agent
once, so that each sub-agent's own request shows the tools and the model Qwen Code really
gave it. Run as a script: qwen_mock.py CAPTURE.jsonl NAMES.json; prints its port.

The main session's first turn answers with one `agent` tool call per name; every other
request (the sub-agents, the follow-ups) gets a plain "ok".
"""

from __future__ import annotations

import http.server
import json
import sys

MARKER = "agentconv-oracle-probe:{name}:end"


def _chunk(delta: dict, finish: str | None) -> dict:
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "mock",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _calls(names: list[str]) -> list[dict]:
    return [{"index": i, "id": f"call_probe_{i:04d}", "type": "function",
             "function": {"name": "agent", "arguments": json.dumps(
                 {"description": f"probe {i}", "prompt": MARKER.format(name=name), "subagent_type": name,
                  "run_in_background": False})}}
            for i, name in enumerate(names)]


def answer(request: dict, names: list[str]) -> tuple[bytes, str]:
    first = is_first_main_turn(request)
    if request.get("stream"):
        chunks = [_chunk({"role": "assistant", "tool_calls": _calls(names)}, None), _chunk({}, "tool_calls")] if first \
            else [_chunk({"role": "assistant", "content": "ok"}, None), _chunk({}, "stop")]
        body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        return body.encode(), "text/event-stream"
    message = {"role": "assistant", "content": None, "tool_calls": [
        {k: v for k, v in c.items() if k != "index"} for c in _calls(names)]} if first \
        else {"role": "assistant", "content": "ok"}
    return json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "mock",
                       "choices": [{"index": 0, "message": message,
                                    "finish_reason": "tool_calls" if first else "stop"}],
                       "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode(), \
        "application/json"


def is_first_main_turn(request: dict) -> bool:
    messages = request.get("messages", [])
    tools = {(t.get("function") or t).get("name") for t in request.get("tools", [])}
    text = json.dumps(messages)
    return "agent" in tools and not any(m.get("role") == "tool" for m in messages) \
        and "agentconv-oracle-probe:" not in text


def serve(capture: str, names: list[str]) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            with open(capture, "a", encoding="utf-8") as out:
                out.write(json.dumps(request) + "\n")
            body, kind = answer(request, names)
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            body = json.dumps({"object": "list", "data": [{"id": "mock-model", "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as handle:
        serve(sys.argv[1], json.load(handle))
