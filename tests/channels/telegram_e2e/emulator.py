"""The npm Bot API emulator (telegram-test-api behind tests/channels/emulator/launch.js) driven from the tests."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import select
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.channels.telegram import updates as u

EMULATOR_DIR = Path(__file__).resolve().parents[1] / "emulator"
LAUNCHER = EMULATOR_DIR / "launch.js"
PACKAGE = EMULATOR_DIR / "node_modules" / "telegram-test-api" / "package.json"
T = TypeVar("T")


def missing_reason() -> str | None:
    """Why the wire tests cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed: the Telegram wire tests need it (and npm, used by `make test`)"
    if not PACKAGE.exists():
        return ("the Bot API emulator is not installed: run `make test`, or "
                "`npm install --no-save --prefix tests/channels/emulator telegram-test-api@4.2.1`")
    return None


class Emulator:
    """One emulator process on a free port of 127.0.0.1, for one bot token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.proc = subprocess.Popen(["node", str(LAUNCHER)], cwd=EMULATOR_DIR, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 15)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.proc.kill()
            raise RuntimeError("the Bot API emulator did not start")
        self.base = f"http://127.0.0.1:{json.loads(line)['port']}"
        self.client = httpx.AsyncClient(base_url=self.base, timeout=10)

    @property
    def api_base_url(self) -> str:
        return f"{self.base}/bot"

    async def close(self) -> None:
        await self.client.aclose()
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # the launcher exits when its stdin closes
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        r = await self.client.post(path, json={"token": self.token, **body})
        r.raise_for_status()
        return r.json()["result"]

    # -- the user's side ---------------------------------------------------------------------------

    async def say(self, text: str, *, chat_id: int, user_id: int, title: str = "", **extra: Any) -> None:
        """A user writes in a chat (commands go through the package's /sendCommand, with their entity)."""
        message = u.message(text, chat_id=chat_id, user_id=user_id, title=title, **extra)
        is_command = any(e["type"] == "bot_command" for e in message.get("entities", []))
        r = await self.client.post("/sendCommand" if is_command else "/sendMessage",
                                   json={"botToken": self.token, **message})
        r.raise_for_status()

    async def send_file(self, name: str, data: bytes, *, chat_id: int, user_id: int,
                        mime_type: str = "text/plain") -> None:
        """A user sends a document (stored in the emulator, downloadable through getFile)."""
        file_id = "f" + hashlib.sha1(name.encode() + data).hexdigest()[:12]
        await self._post("/control/file", {"file_id": file_id, "content_base64": base64.b64encode(data).decode()})
        update = u.document_update(chat_id=chat_id, user_id=user_id, file_id=file_id, file_name=name,
                                   size=len(data), mime_type=mime_type)
        r = await self.client.post("/sendMessage", json={"botToken": self.token, **update["message"]})
        r.raise_for_status()

    async def press(self, data: str, *, origin: dict[str, Any], user_id: int) -> None:
        """A user presses a button of `origin` (a bot message from `messages()`)."""
        r = await self.client.post("/sendCallback", json={"botToken": self.token, "from": u.user(user_id),
                                                          "message": origin, "data": data})
        r.raise_for_status()

    async def push(self, update: dict[str, Any]) -> None:
        """Deliver an update the package cannot produce (my_chat_member, migrate service messages)."""
        await self._post("/control/update", {"update": update})

    async def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        await self._post("/control/member", {"chat_id": chat_id, "user_id": user_id, "status": status})

    async def fail_next(self, method: str, code: int, description: str, **parameters: Any) -> None:
        """The next call of `method` answers with this Telegram error."""
        await self._post("/control/fail", {"method": method, "error_code": code, "description": description,
                                           "parameters": parameters or None})

    # -- what the bot did --------------------------------------------------------------------------

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        calls = await self._post("/control/calls", {})
        return [c for c in calls if method is None or c["method"] == method]

    async def messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The bot's messages as they stand now (edits applied)."""
        return await self._post("/control/messages", {} if chat_id is None else {"chat_id": chat_id})

    async def wait_for(self, probe: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
        """The first truthy result of `probe`, polled until `timeout` (the bot works in the background)."""
        async def poll() -> T:
            while True:
                result = await probe()
                if result:
                    return result
                await asyncio.sleep(0.02)

        return await asyncio.wait_for(poll(), timeout)

    async def wait_messages(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        async def enough() -> list[dict[str, Any]]:
            found = await self.messages(chat_id)
            return found if len(found) >= count else []

        return await self.wait_for(enough, timeout)
