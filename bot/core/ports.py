"""The ports: what the core may ask of any chat service (`Channel`), what an adapter may ask of the core (`Inbound`)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bot.core.budget import SendBudget
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import ChatRef, IncomingMessage, Reply


@dataclass(frozen=True)
class Capabilities:
    buttons: bool = False
    mentions: bool = False
    edits: bool = False
    max_length: int = 4096
    bare_commands: bool = False  # commands may be typed without the slash ("han", "đã nộp")
    disclose_automation: bool = False  # the first reply to a new chat says it is an automated assistant
    files: bool = False  # sends Reply.files as documents and pictures (others give a link or a note instead)
    start_link: str = ""  # a link that opens the bot with a start payload appended ("https://t.me/<bot>?start=")


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
        """Deliver one reply (split by the adapter if it is too long) with its files; raises SendError subclasses."""
        ...

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """Replace an earlier message's text and buttons (only where capabilities.edits)."""
        ...

    async def start(self, core: "Inbound") -> None:
        """Begin receiving (polling or webhook) and hand every message to `core.dispatch`."""
        ...

    async def stop(self) -> None:
        ...


@dataclass(frozen=True)
class MenuItem:
    name: str  # without the slash
    help: str


@dataclass(frozen=True)
class CommandMenu:
    """The command menu of one channel: what everyone sees, and the longer list of each admin on it."""

    everyone: tuple[MenuItem, ...] = ()
    by_user: Mapping[str, tuple[MenuItem, ...]] = field(default_factory=dict)


class Inbound(Protocol):
    """What an adapter may ask of the core: the only thing adapters know of the application."""

    settings: Settings
    clock: Clock
    db: Database  # for the adapter's own state (update ledger, rotating secrets): through `await db.call(fn)`
    send_budget: SendBudget  # how fast messages may leave, shared by the replicas (bot.core.budget)

    def submit(self, msg: IncomingMessage, channel: Channel | None = None, *,
               claim: Callable[[], bool] | None = None) -> asyncio.Future[list[Reply]]:
        """Queue one incoming message in its chat's bounded queue (never waits); handled and answered in turn.

        `claim` is a database call run on a worker before handling (e.g. the update ledger): False skips it."""
        ...

    async def dispatch(self, msg: IncomingMessage, channel: Channel | None = None) -> list[Reply]:
        """Handle one incoming message and deliver its replies to its chat (`submit`, then wait for it)."""
        ...

    async def deliver(self, msg: IncomingMessage, replies: list[Reply], channel: Channel | None = None) -> None:
        """Send replies to the chat of `msg` (the one reply path: moved and unreachable chats handled here)."""
        ...

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        """The bot can no longer post in `chat`."""
        ...

    def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        """The chat has a new id."""
        ...

    def is_admin(self, channel: str, user_id: str) -> bool:
        """Whether the user is a bot admin on `channel`."""
        ...

    def send_failed(self, channel: str, error: BaseException) -> None:
        """Count a failed send of the adapter's own (e.g. a welcome), as the core counts its replies'."""
        ...

    def command_menu(self, channel: str) -> CommandMenu:
        """The commands to advertise on `channel`."""
        ...
