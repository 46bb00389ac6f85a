"""The console chat: the operator talks to the bot in a terminal, as a super-admin in a private chat."""
from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.core.ports import Capabilities, Inbound, Sent
from bot.channels.files import write_file
from bot.channels.recording import RecordingChannel
from bot.core.messages import ChatRef, IncomingMessage, Reply, Sender


CONSOLE_CHAT = ChatRef("console", "local")
OPERATOR = Sender("operator", "Quản trị (console)")

BANNER = (
    "Trợ lý CCHC — trò chuyện trên console.\n"
    "Gõ câu hỏi (có dấu hoặc không dấu), hoặc /help để xem các lệnh. "
    "Gõ #1, #2… để bấm nút. Thoát: /thoat hoặc Ctrl-D."
)


class ConsoleChannel(RecordingChannel):
    def __init__(self, out: TextIO | None = None, files_dir: Path = Path("data") / "console-files") -> None:
        super().__init__("console", Capabilities(buttons=True, mentions=False, edits=True, max_length=100_000,
                                                 files=True))
        self.out = out or sys.stdout
        self.files_dir = files_dir
        self._last_buttons: list[str] = []

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        sent = await super().send(chat_id, reply)
        self._print(reply)
        return sent

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        await super().edit(chat_id, message_id, reply)
        self._print(reply, edited=True)

    def _print(self, reply: Reply, edited: bool = False) -> None:
        lines = [("(đã cập nhật) " if edited else "") + reply.text]
        for file in reply.files:
            kind = "Ảnh" if file.picture else "Tệp"
            lines.append(f"📎 {kind} «{file.file_name}» đã lưu tại: {write_file(self.files_dir, file)}")
        if reply.buttons:
            self._last_buttons = [b.data for b in reply.buttons]
            lines.append("  ".join(f"[#{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)))
        print("\n".join(lines) + "\n", file=self.out, flush=True)

    def to_message(self, line: str) -> IncomingMessage | None:
        """The message a typed line stands for; `#N` presses button N of the last message with buttons."""
        line = line.strip()
        if not line:
            return None
        if line.startswith("#") and line[1:].isdigit():
            i = int(line[1:]) - 1
            if 0 <= i < len(self._last_buttons):
                return IncomingMessage(CONSOLE_CHAT, OPERATOR, callback=self._last_buttons[i], message_id=str(self._next_id - 1))
        return IncomingMessage(CONSOLE_CHAT, OPERATOR, text=line)

    async def run(self, app: Inbound, read_line: Callable[[], str] | None = None) -> None:
        """Read lines until EOF or /thoat, answering each."""
        read = read_line or (lambda: input("> "))
        print(BANNER + "\n", file=self.out, flush=True)
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, read)
            except (EOFError, KeyboardInterrupt):
                break
            if line.strip().lower() in {"/thoat", "/quit", "/exit", "thoat"}:
                break
            msg = self.to_message(line)
            if msg is not None:
                await app.dispatch(msg, self)
