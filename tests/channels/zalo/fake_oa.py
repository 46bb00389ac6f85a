"""A fake Zalo Official Account API (v3 messages, v4 OAuth) on 127.0.0.1 with single-use rotating refresh tokens."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

APP_ID = "4318226512345678901"
SECRET_KEY = "OaSecretKey_0123456789abcdef"
SEED_REFRESH = "refresh-0"


@dataclass
class FakeOA:
    refresh_token: str = SEED_REFRESH  # the only refresh token Zalo accepts right now
    access_token: str = ""
    refreshes: int = 0
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, body)
    fail_next: list[dict[str, Any]] = field(default_factory=list)  # answers for the next message calls
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "FakeOA":
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(Application([
            (r"/v4/oa/access_token", _OAuth, {"fake": self}),
            (r"/v3\.0/oa/(message/cs|group/message)", _Message, {"fake": self}),
        ], log_function=lambda handler: None))
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()

    def expire_access(self) -> None:
        self.access_token = "expired-by-zalo"

    def texts(self) -> list[str]:
        return [body["message"]["text"] for _, body in self.sent]


class _Base(RequestHandler):
    def initialize(self, fake: FakeOA) -> None:
        self.fake = fake

    def check_xsrf_cookie(self) -> None:
        return None

    def reply(self, body: dict[str, Any]) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _OAuth(_Base):
    def post(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self.request.body.decode()).items()}
        ok = (self.request.headers.get("secret_key") == SECRET_KEY and form.get("app_id") == APP_ID
              and form.get("grant_type") == "refresh_token" and form.get("refresh_token") == self.fake.refresh_token)
        if not ok:
            return self.reply({"error": -14014, "error_name": "Invalid refresh token"})
        self.fake.refreshes += 1
        self.fake.access_token = f"access-{self.fake.refreshes}"
        self.fake.refresh_token = f"refresh-{self.fake.refreshes}"  # the old one is spent
        self.reply({"access_token": self.fake.access_token, "refresh_token": self.fake.refresh_token,
                    "expires_in": "90000"})


class _Message(_Base):
    def post(self, kind: str) -> None:
        if self.request.headers.get("access_token") != self.fake.access_token or not self.fake.access_token:
            return self.reply({"error": -216, "message": "Access token is invalid"})
        if self.fake.fail_next:
            return self.reply(self.fake.fail_next.pop(0))
        body = json.loads(self.request.body)
        self.fake.sent.append((self.request.path, body))
        self.reply({"error": 0, "message": "Success", "data": {"message_id": f"oa{len(self.fake.sent)}"}})
