"""An in-process fake of the Bot API: PTB's request seam answering canned JSON and recording every call."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 4242
BOT_USERNAME = "cchc_test_bot"
DATE = 1795000000


@dataclass
class Call:
    method: str
    params: dict[str, Any]


class FakeBotAPI(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, list[Exception | tuple[int, dict[str, Any] | bytes] | None]] = {}
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) -> status for getChatMember
        self.files: dict[str, bytes] = {}  # file_id -> content served by getFile + download
        self.undeclared: set[str] = set()  # file ids whose size neither getFile nor the download states
        self.downloads = 0
        self.bytes_served = 0
        self._file_server: asyncio.AbstractServer | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_arrived = asyncio.Event()
        self._call_made = asyncio.Event()
        self._next_message_id = 500

    # -- what tests use ----------------------------------------------------------------------------

    def fail_next(self, method: str, failure: Exception | tuple[int, dict[str, Any] | bytes]) -> None:
        """Make the next call of `method` raise `failure`, or answer it with (HTTP status, JSON body or raw bytes)."""
        self.failures.setdefault(method, []).append(failure)

    def pass_next(self, method: str) -> None:
        """Let the next call of `method` succeed before the failures queued after it."""
        self.failures.setdefault(method, []).append(None)

    def fail_with(self, method: str, code: int, description: str, **parameters: Any) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.fail_next(method, (code, body))

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.of("sendMessage") if chat_id is None or str(p["chat_id"]) == str(chat_id)]

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for the next getUpdates (the polling path)."""
        self._updates.append(update)
        self._update_arrived.set()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The calls of `method` once there are at least `count` (for work PTB does in the background)."""
        async def reached() -> None:
            while len(self.of(method)) < count:
                self._call_made.clear()
                await self._call_made.wait()

        await asyncio.wait_for(reached(), timeout)
        return self.of(method)

    # -- file downloads over real HTTP on 127.0.0.1 -------------------------------------------------

    async def serve_files(self) -> str:
        """Serve `files` at http://127.0.0.1:PORT/file/bot<token>/<file_path>, as the Bot API documents downloads;
        the API base URL to configure is returned (…/bot)."""
        self._file_server = await asyncio.start_server(self._serve_file, "127.0.0.1", 0)
        port = self._file_server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    async def stop_files(self) -> None:
        if self._file_server is not None:
            self._file_server.close()
            await self._file_server.wait_closed()

    async def _serve_file(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            path = request.split(b" ", 2)[1].decode()
            file_id = path.rsplit("/", 1)[-1]
            if "/file/bot" not in path or file_id not in self.files:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            self.downloads += 1
            body = self.files[file_id]
            if file_id in self.undeclared:  # chunked: the size is known only once it has all arrived
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                for at in range(0, len(body), 1 << 16):
                    chunk = body[at:at + (1 << 16)]
                    writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    await writer.drain()
                    self.bytes_served += len(chunk)
                writer.write(b"0\r\n\r\n")
            else:
                writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
                writer.write(body)
                self.bytes_served += len(body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client stopped reading (a file over the limit)
        finally:
            writer.close()

    # -- BaseRequest -------------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if "/file/bot" in url:  # PTB's own download helpers; the adapter streams over HTTP instead
            self.downloads += 1
            return 200, self.files[url.rsplit("/", 1)[-1]]
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if name == "getUpdates":
            return 200, _ok(await self._get_updates(params))
        self.calls.append(Call(name, params))
        self._call_made.set()
        queued = self.failures.get(name)
        if queued:
            failure = queued.pop(0)
            if isinstance(failure, Exception):
                raise failure
            if failure is not None:
                code, body = failure
                return code, body if isinstance(body, bytes) else json.dumps(body).encode()
        return 200, _ok(self._answer(name, params))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._update_arrived.clear()
            try:
                await asyncio.wait_for(self._update_arrived.wait(), float(params.get("timeout") or 0) or 0.01)
            except asyncio.TimeoutError:
                return []
        return list(self._updates)

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC", "username": BOT_USERNAME,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if name in ("sendMessage", "editMessageText"):
            if name == "sendMessage":
                self._next_message_id += 1
            message_id = self._next_message_id if name == "sendMessage" else int(params["message_id"])
            message: dict[str, Any] = {"message_id": message_id, "date": DATE, "chat": _chat(params["chat_id"]),
                                       "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC",
                                                "username": BOT_USERNAME},
                                       "text": params["text"]}
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            if name == "editMessageText":
                message["edit_date"] = DATE + 60
            return message
        if name == "getChatMember":
            status = self.members.get((int(params["chat_id"]), int(params["user_id"])), "member")
            member: dict[str, Any] = {"status": status, "user": {"id": int(params["user_id"]), "is_bot": False,
                                                                  "first_name": "X"}}
            if status == "administrator":
                member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                              can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
                              can_promote_members=False, can_change_info=True, can_invite_users=True,
                              can_post_stories=False, can_edit_stories=False, can_delete_stories=False)
            if status == "creator":
                member["is_anonymous"] = False
            return member
        if name == "getFile":
            file_id = params["file_id"]
            found = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(self.files[file_id]),
                     "file_path": f"documents/{file_id}"}
            if file_id in self.undeclared:
                del found["file_size"]  # optional in the Bot API's File object
            return found
        return True


def _ok(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


def _chat(chat_id: Any) -> dict[str, Any]:
    cid = int(chat_id)
    if cid > 0:
        return {"id": cid, "type": "private", "first_name": "Người dùng"}
    return {"id": cid, "type": "supergroup" if str(cid).startswith("-100") else "group", "title": f"Nhóm {cid}"}
