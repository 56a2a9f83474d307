"""A loopback stand-in for the Anthropic Messages API that makes Claude Code spawn every
project agent once, so that each sub-agent's own request shows the tools Claude really
gave it. Run as a script: claude_mock.py CAPTURE.jsonl NAMES.json; prints its port.

The main session's first turn answers with one Agent tool call per name; every other
request (the sub-agents, the follow-ups) gets a plain "ok".
"""

from __future__ import annotations

import http.server
import itertools
import json
import sys

MARKER = "agentconv-oracle-probe:{name}:end"


_IDS = itertools.count()   # one sequence of message ids for the whole mock server


def reply(content: list[dict], stop: str, counter: itertools.count[int] = _IDS) -> bytes:
    return json.dumps({"id": f"msg_mock_{next(counter)}", "type": "message", "role": "assistant",
                       "model": "mock", "content": content, "stop_reason": stop, "stop_sequence": None,
                       "usage": {"input_tokens": 1, "output_tokens": 1}}).encode()


def spawn_all(names: list[str]) -> bytes:
    calls = [{"type": "tool_use", "id": f"toolu_probe_{i:04d}", "name": "Agent",
              "input": {"description": f"probe {i}", "prompt": MARKER.format(name=name), "subagent_type": name}}
             for i, name in enumerate(names)]
    return reply(calls, "tool_use")


def is_first_main_turn(request: dict) -> bool:
    text = json.dumps(request.get("messages", []))
    tools = {t.get("name") for t in request.get("tools", [])}
    return "Agent" in tools and "tool_result" not in text and "agentconv-oracle-probe:" not in text


def serve(capture: str, names: list[str]) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            with open(capture, "a", encoding="utf-8") as out:
                out.write(json.dumps(request) + "\n")
            body = spawn_all(names) if is_first_main_turn(request) \
                else reply([{"type": "text", "text": "ok"}], "end_turn")
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as handle:
        serve(sys.argv[1], json.load(handle))
