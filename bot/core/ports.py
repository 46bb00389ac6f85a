"""The channel port: what the core and the scheduler may ask of any chat service, and its errors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.app import App


@dataclass(frozen=True)
class Capabilities:
    buttons: bool = False
    mentions: bool = False
    edits: bool = False
    max_length: int = 4096
    bare_commands: bool = False  # commands may be typed without the slash ("han", "đã nộp")
    disclose_automation: bool = False  # the first reply to a new chat says it is an automated assistant


@dataclass(frozen=True)
class Sent:
    message_id: str | None = None


class SendError(Exception):
    """A message could not be delivered. Messages never contain tokens."""


class ChatUnreachable(SendError):
    """The bot was removed, blocked or the chat deleted: deactivate the chat and tell an admin."""


class ChatMoved(SendError):
    """The chat has a new id (Telegram group -> supergroup): store it and send there."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class TransientSendError(SendError):
    """Network trouble, 5xx, rate limit: try later. `maybe_delivered` when the request may have gone out."""

    def __init__(self, message: str, *, retry_after: float | None = None, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


@runtime_checkable
class Channel(Protocol):
    name: str
    capabilities: Capabilities

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        """Deliver one reply (split by the adapter if it is too long); raises SendError subclasses."""
        ...

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """Replace an earlier message's text and buttons (only where capabilities.edits)."""
        ...

    async def start(self, app: "App") -> None:
        """Begin receiving (polling or webhook) and hand every message to `app.dispatch`."""
        ...

    async def stop(self) -> None:
        ...
