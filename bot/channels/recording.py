"""A channel that keeps what it was asked to send: the test harness and the console's base."""
from __future__ import annotations

from dataclasses import dataclass
from bot.core.ports import Capabilities, Inbound, SendError, Sent
from bot.core.messages import Reply



@dataclass
class SentMessage:
    chat_id: str
    reply: Reply
    message_id: str
    edited: bool = False


class RecordingChannel:
    def __init__(self, name: str = "fake", capabilities: Capabilities | None = None) -> None:
        self.name = name
        self.capabilities = capabilities or Capabilities(buttons=True, mentions=True, edits=True)
        self.sent: list[SentMessage] = []
        self.failures: list[SendError] = []  # raised, in order, by the next sends
        # raised, in order, by the next sends to that chat (the reminder tick sends to several chats at once)
        self.failures_in: dict[str, list[SendError]] = {}
        self._next_id = 1

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        if self.failures:
            raise self.failures.pop(0)
        if self.failures_in.get(chat_id):
            raise self.failures_in[chat_id].pop(0)
        message_id = str(self._next_id)
        self._next_id += 1
        self.sent.append(SentMessage(chat_id, reply, message_id))
        return Sent(message_id)

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        self.sent.append(SentMessage(chat_id, reply, message_id, edited=True))

    async def start(self, app: Inbound) -> None:
        return None

    async def stop(self) -> None:
        return None

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [m.reply.text for m in self.sent if chat_id is None or m.chat_id == chat_id]

    def clear(self) -> None:
        self.sent.clear()
