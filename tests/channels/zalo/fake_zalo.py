"""A fake Zalo Bot Platform for tests: real HTTP on 127.0.0.1, `ok:false` errors as HTTP 200, a queue of updates."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

TOKEN = "1234567890123456789:FakeZaloSecretPart_abcdefghijklmnopqrstuvwxyz"


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    ok: bool = True


@dataclass
class FakeZalo:
    """The bot side answers at /bot<token>/<method>; the test plays the users with `push`/`deliver`."""

    token: str = TOKEN
    can_join_groups: bool = True
    me_extra: dict[str, Any] = field(default_factory=dict)  # fields beyond the documented getMe, for one test
    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # method -> (error_code, description)
    # method -> (HTTP status, content type, raw body): answers that are not the documented JSON
    raw_next: dict[str, list[tuple[int, str, bytes]]] = field(default_factory=dict)
    gone_chats: set[str] = field(default_factory=set)  # sendMessage answers 403 there
    webhook_url: str = ""
    webhook_secret: str = ""
    port: int = 0

    def __post_init__(self) -> None:
        self.photos: list[tuple[str, str, bytes]] = []  # (chat id, URL, the bytes Zalo fetched)
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent_event = asyncio.Event()
        self._closing = asyncio.Event()
        self._server: HTTPServer | None = None
        self._next_id = 1

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "FakeZalo":
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(Application([(r"/bot([^/]+)/(\w+)", _Api, {"fake": self})],
                                             log_function=lambda handler: None))  # Zalo's logs are not ours
        self._server.add_sockets(sockets)
        return self

    async def _next_update(self, timeout: float) -> dict[str, Any] | None:
        """The next queued update, or None after `timeout` seconds or when the fake stops."""
        getter = asyncio.ensure_future(self.updates.get())
        closing = asyncio.ensure_future(self._closing.wait())
        done, _ = await asyncio.wait({getter, closing}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        closing.cancel()
        if getter in done:
            return getter.result()
        getter.cancel()
        return None

    async def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    # ---- what the bot sent -----------------------------------------------------------------------------

    def sent(self, chat_id: str | None = None) -> list[str]:
        return [c.payload["text"] for c in self.calls
                if c.method == "sendMessage" and (chat_id is None or c.payload.get("chat_id") == chat_id)
                and c.ok]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def wait_sent(self, count: int, timeout: float = 5.0) -> list[str]:
        """Wait (bounded) until at least `count` messages were delivered."""
        async def until() -> None:
            while len(self.sent()) < count:
                self.sent_event.clear()
                await self.sent_event.wait()
        await asyncio.wait_for(until(), timeout)
        return self.sent()

    # ---- what users do -----------------------------------------------------------------------------

    def update(self, text: str, *, chat: str = "u1", user: str | None = None, group: bool = False,
               message_id: str | None = None, name: str = "Nguyễn Văn A") -> dict[str, Any]:
        mid = message_id or f"m{self._next_id}"
        self._next_id += 1
        return {"event_name": "message.text.received", "message": {
            "message_id": mid, "date": 1764046800000, "text": text,
            "from": {"id": user or chat, "display_name": name, "is_bot": False},
            "chat": {"id": chat, "chat_type": "GROUP" if group else "PRIVATE"}}}

    def event(self, event_name: str, *, chat: str = "u1", group: bool = False, **fields: Any) -> dict[str, Any]:
        """A non-text event as documented (`message.image.received` carries `photo_url`, older copies `photo`)."""
        mid = f"m{self._next_id}"
        self._next_id += 1
        return {"event_name": event_name, "message": {
            "message_id": mid, "date": 1764046800000, **fields,
            "from": {"id": chat, "display_name": "Nguyễn Văn A", "is_bot": False},
            "chat": {"id": chat, "chat_type": "GROUP" if group else "PRIVATE"}}}

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the next getUpdates."""
        self.updates.put_nowait(update)

    async def deliver(self, url: str, body: Any, *, secret: str | None = None, raw: bytes | None = None) -> httpx.Response:
        """POST an update to the bot's webhook server at `url` (behind the registered public URL), as Zalo does."""
        headers = {"Content-Type": "application/json"}
        secret = self.webhook_secret if secret is None else secret
        if secret:
            headers["X-Bot-Api-Secret-Token"] = secret
        content = raw if raw is not None else json.dumps(body).encode()
        async with httpx.AsyncClient() as http:
            return await http.post(url, content=content, headers=headers)

    # ---- the API -----------------------------------------------------------------------------------

    async def answer(self, token: str, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        call = Call(method, payload)
        self.calls.append(call)
        if token != self.token:
            call.ok = False
            return {"ok": False, "error_code": 401, "description": "Unauthorized"}
        queued = self.fail_next.get(method)
        if queued:
            code, description = queued.pop(0)
            call.ok = False
            return {"ok": False, "error_code": code, "description": description}
        if method == "getMe":
            # The documented shape: no display name (users see the bot by a name getMe does not return).
            return {"ok": True, "result": {"id": "1459232241454765289", "account_name": "bot.VDKyGxQvc",
                                           "account_type": "BASIC", "can_join_groups": self.can_join_groups,
                                           **self.me_extra}}
        if method == "getUpdates":
            update = await self._next_update(float(payload.get("timeout", 30)))
            if update is None:
                return {"ok": False, "error_code": 408, "description": "Request timeout"}
            return {"ok": True, "result": update}
        if method == "setWebhook":
            self.webhook_url, self.webhook_secret = payload["url"], payload["secret_token"]
            return {"ok": True, "result": {"url": self.webhook_url, "updated_at": 1764046800000}}
        if method == "deleteWebhook":
            self.webhook_url = ""
            return {"ok": True, "result": {"url": "", "updated_at": 1764046800000}}
        if method == "getWebhookInfo":
            return {"ok": True, "result": {"url": self.webhook_url, "updated_at": 1764046800000}}
        if method == "sendChatAction":
            return {"ok": True}
        if method == "sendPhoto":  # Zalo fetches the picture from its URL: no upload exists
            photo = payload.get("photo", "")
            fetched = await _fetch(photo) if isinstance(photo, str) and photo.startswith(("http://", "https://")) else None
            if fetched is None:
                call.ok = False
                return {"ok": False, "error_code": 400, "description": "photo must be a reachable URL"}
            self.photos.append((str(payload.get("chat_id")), photo, fetched))
            self.sent_event.set()
            return {"ok": True, "result": {"message_id": f"s{len(self.calls)}", "date": 1764046800000}}
        if method == "sendMessage":
            text = payload.get("text", "")
            if not isinstance(text, str) or not 1 <= len(text) <= 2000:
                call.ok = False
                return {"ok": False, "error_code": 400, "description": "text must be 1 to 2000 characters"}
            if payload.get("chat_id") in self.gone_chats:
                call.ok = False
                return {"ok": False, "error_code": 403, "description": "Bot is not a member of this chat"}
            self.sent_event.set()
            return {"ok": True, "result": {"message_id": f"s{len(self.calls)}", "date": 1764046800000}}
        call.ok = False
        return {"ok": False, "error_code": 404, "description": "Method not found"}


async def _fetch(url: str) -> bytes | None:
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            r = await http.get(url)
    except httpx.HTTPError:
        return None
    return r.content if r.status_code == 200 and r.content else None


class _Api(RequestHandler):
    def initialize(self, fake: FakeZalo) -> None:
        self.fake = fake

    def check_xsrf_cookie(self) -> None:
        return None

    async def post(self, token: str, method: str) -> None:
        payload = json.loads(self.request.body or b"{}")
        raw = self.fake.raw_next.get(method)
        if raw:
            status, content_type, body = raw.pop(0)
            self.fake.calls.append(Call(method, payload, ok=False))
            self.set_status(status)
            if content_type:
                self.set_header("Content-Type", content_type)
            self.finish(body)
            return
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(await self.fake.answer(token, method, payload)))
