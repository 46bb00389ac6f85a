"""A counting fake of the Telegram Bot API for fault and load runs: records every sendMessage per chat.

Answers in the shapes of https://core.telegram.org/bots/api: `{"ok": true, "result": …}` with a `User` for getMe,
a list of `Update` for getUpdates, a `Message` (message_id, from, date, chat with its type, text) for sendMessage,
`true` for the set…/delete… methods, and `{"ok": false, "error_code", "description"}` for errors.

`latency` is the round trip of every call (Telegram from Vietnam: ~150 ms); a sendMessage is accepted, i.e.
counted, half-way through it, so a client killed during the second half has had its message delivered without
knowing it (the one duplicate a crash can cause).

Run standalone: `python bench/fake_bot_api.py --port 8081 [--latency 0.15] [--fail-rate 0.1] [--delay-rate 0.05]`.
GET /stats returns {"per_chat": {chat_id: count}, "calls": n, "failures": n}.
"""
from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeBotApi:
    def __init__(self, *, fail_rate: float = 0.0, delay_rate: float = 0.0, delay: float = 12.0,
                 seed: int = 1, latency: float = 0.0) -> None:
        self.per_chat: Counter[str] = Counter()
        self.calls = 0
        self.failures = 0
        self.fail_rate, self.delay_rate, self.delay, self.latency = fail_rate, delay_rate, delay, latency
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.next_message_id = 1
        self.server: ThreadingHTTPServer | None = None

    BOT = {"id": 42, "is_bot": True, "first_name": "CCHC", "username": "cchc_bot"}

    def answer(self, method: str, params: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        half = self.latency / 2
        if half:
            time.sleep(half)  # the request's way there
        try:
            return self._answer(method, params)
        finally:
            if half:
                time.sleep(half)  # the answer's way back

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        if method == "getMe":
            return 200, {"ok": True, "result": {**self.BOT, "can_join_groups": True,
                                                "can_read_all_group_messages": False,
                                                "supports_inline_queries": False}}
        if method == "getUpdates":
            time.sleep(min(float(params.get("timeout", 0) or 0), 1.0))
            return 200, {"ok": True, "result": []}
        if method == "sendMessage":
            with self.lock:
                self.calls += 1
                roll = self.rng.random()
                if roll < self.fail_rate:
                    self.failures += 1
                    return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                delayed = roll < self.fail_rate + self.delay_rate
                chat = str(params.get("chat_id"))
                self.per_chat[chat] += 1  # accepted: counted even if the client times out waiting
                mid = self.next_message_id
                self.next_message_id += 1
            if delayed:
                time.sleep(self.delay)
            return 200, {"ok": True, "result": {"message_id": mid, "from": self.BOT, "date": int(time.time()),
                                                "chat": _chat(chat), "text": params.get("text", "")}}
        return 200, {"ok": True, "result": True}

    def stats(self) -> dict:  # type: ignore[type-arg]
        with self.lock:
            return {"per_chat": dict(self.per_chat), "calls": self.calls, "failures": self.failures}

    def start(self, port: int = 0) -> int:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _send(self, code: int, body: dict) -> None:  # type: ignore[type-arg]
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.startswith("/stats"):
                    self._send(200, api.stats())
                else:
                    self._route({})

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                self._route(params)

            def _route(self, params: dict) -> None:  # type: ignore[type-arg]
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                try:
                    self._send(*api.answer(method, params))
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default listen backlog of 5 refuses connections when two bots burst

        self.server = Server(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()


def _chat(chat_id: str) -> dict:  # type: ignore[type-arg]
    """A `Chat` as the docs shape it: supergroups -100…, basic groups negative, private chats positive."""
    n = int(chat_id) if chat_id.lstrip("-").isdigit() else 0
    if chat_id.startswith("-100"):
        return {"id": n, "type": "supergroup", "title": f"Nhóm {n}"}
    if n < 0:
        return {"id": n, "type": "group", "title": f"Nhóm {n}"}
    return {"id": n, "type": "private", "first_name": f"Người {n}"}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--fail-rate", type=float, default=0.0)
    ap.add_argument("--delay-rate", type=float, default=0.0)
    ap.add_argument("--latency", type=float, default=0.15, help="round trip of every call, seconds")
    a = ap.parse_args()
    fake = FakeBotApi(fail_rate=a.fail_rate, delay_rate=a.delay_rate, latency=a.latency)
    print(f"fake Bot API on 127.0.0.1:{fake.start(a.port)}", flush=True)
    threading.Event().wait()
