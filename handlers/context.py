"""What a handler receives: the message, its arguments, the caller's role and the services."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.core.messages import IncomingMessage
from handlers.registry import Role

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.ports import Capabilities


@dataclass
class Context:
    app: "App"
    msg: IncomingMessage
    session: Session  # one per message, committed by the router when the handler returns
    role: Role
    command: str  # the command name as resolved ("" for plain text)
    args: str  # text after the command, stripped

    @property
    def is_admin(self) -> bool:
        return self.role >= Role.ADMIN

    @property
    def is_superadmin(self) -> bool:
        return self.role >= Role.SUPERADMIN

    @property
    def capabilities(self) -> "Capabilities":
        return self.app.capabilities(self.msg.chat.channel)

    def now(self) -> datetime:
        return self.app.clock.now()
