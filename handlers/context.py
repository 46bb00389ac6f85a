"""What a handler receives: the message, its arguments, the caller's role and the services."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.roles import Role
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import IncomingMessage, Reply
from bot.core.ports import Capabilities
from knowledge.service import KnowledgeBase
from scheduler.service import ReminderService


class Services(Protocol):
    """What handlers may use of the application (the wiring in bot/app.py provides it)."""

    settings: Settings
    clock: Clock
    db: Database
    reminders: ReminderService | None  # while the bot serves

    @property
    def knowledge(self) -> KnowledgeBase: ...

    def capabilities(self, channel: str) -> Capabilities: ...

    async def deliver(self, msg: IncomingMessage, replies: list[Reply]) -> None: ...

    async def send_notices(self, ids: Sequence[int]) -> int: ...


@dataclass
class Context:
    app: Services
    msg: IncomingMessage
    session: Session  # one per message, committed by the router when the handler returns
    role: Role
    command: str  # the command name as resolved ("" for plain text)
    args: str  # text after the command, stripped
    notices: list[int] = field(default_factory=list)  # outbox notices to send once the session is committed

    @property
    def is_admin(self) -> bool:
        return self.role >= Role.ADMIN

    @property
    def is_superadmin(self) -> bool:
        return self.role >= Role.SUPERADMIN

    @property
    def actor(self) -> Actor:
        """The sender, as the use cases take them."""
        return Actor.of(self.msg, self.role)

    @property
    def capabilities(self) -> Capabilities:
        return self.app.capabilities(self.msg.chat.channel)

    def now(self) -> datetime:
        return self.app.clock.now()
