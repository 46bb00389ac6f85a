"""A fake Zalo Official Account API (v3 messages, v4 OAuth) on 127.0.0.1 with single-use rotating refresh tokens."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

APP_ID = "4318226512345678901"
APP_SECRET_KEY = "AppSecretKey_fedcba9876543210"  # the app's: header secret_key of the OAuth refresh
OA_SECRET_KEY = "OaSecretKey_0123456789abcdef"  # the OA's: key of X-ZEvent-Signature
SEED_REFRESH = "refresh-0"
OA_ID = "388613280878808645"


@dataclass
class FakeOA:
    refresh_token: str = SEED_REFRESH  # the only refresh token Zalo accepts right now
    access_token: str = ""
    refreshes: int = 0
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, body)
    fail_next: list[dict[str, Any]] = field(default_factory=list)  # answers for the next message calls
    fail_refresh: list[int] = field(default_factory=list)  # HTTP statuses for the next refresh calls (a gateway's page)
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

    # ---- webhook events, as Zalo sends them ------------------------------------------------------------

    @staticmethod
    def sign(body: bytes, timestamp: str, key: str = OA_SECRET_KEY) -> str:
        """X-ZEvent-Signature by the documented formula: "mac=" + sha256(app_id + raw body + timestamp + OA secret key)."""
        return "mac=" + hashlib.sha256((APP_ID + body.decode() + timestamp + key).encode()).hexdigest()

    @staticmethod
    def text_event(text: str, *, user: str = "246845883529197922", msg_id: str = "96d3cdf3af150460909",
                   timestamp: str = "1764046800000") -> dict[str, Any]:
        """A 1:1 `user_send_text` in the documented shape (recipient is the OA itself)."""
        return {"app_id": APP_ID, "user_id_by_app": "552177279717587730", "event_name": "user_send_text",
                "timestamp": timestamp, "sender": {"id": user}, "recipient": {"id": OA_ID},
                "message": {"text": text, "msg_id": msg_id}}

    @staticmethod
    def group_text_event(text: str, *, group: str = "f414c8f76fa586fbdfb4", user: str = "246845883529197922",
                         msg_id: str = "a1b2c3d4e5f6", timestamp: str = "1764046800000",
                         in_message: bool = False) -> dict[str, Any]:
        """A `user_send_group_text` as implementations record it: the group in `recipient.id`
        (or, in other recordings, `message.conversation_id`)."""
        message: dict[str, Any] = {"text": text, "msg_id": msg_id}
        recipient: dict[str, Any] = {"id": group}
        if in_message:
            message["conversation_id"] = group
            recipient = {}
        return {"app_id": APP_ID, "event_name": "user_send_group_text", "timestamp": timestamp,
                "sender": {"id": user}, "recipient": recipient, "message": message}

    async def deliver(self, url: str, event: dict[str, Any], *, key: str = OA_SECRET_KEY) -> int:
        """POST an event to the bot's webhook, signed as Zalo signs it (with `key`)."""
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-ZEvent-Signature": self.sign(body, event["timestamp"], key)}
        async with httpx.AsyncClient() as http:
            return (await http.post(url, content=body, headers=headers)).status_code


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
        if self.fake.fail_refresh:  # Zalo's gateway in trouble: an HTML error page, the refresh token not spent
            self.set_status(self.fake.fail_refresh.pop(0))
            self.set_header("Content-Type", "text/html")
            return self.finish("<html><body><h1>502 Bad Gateway</h1></body></html>")
        form = {k: v[0] for k, v in parse_qs(self.request.body.decode()).items()}
        ok = (self.request.headers.get("secret_key") == APP_SECRET_KEY and form.get("app_id") == APP_ID
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
