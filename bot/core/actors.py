"""Who does something: the actor every use case takes, whether the action came from a chat, the CLI or the web."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.roles import Role
from bot.core.messages import IncomingMessage


@dataclass(frozen=True)
class Actor:
    channel: str  # "telegram", "zalo", "console", …
    user_id: str
    via: str = ""  # where it was done: the chat id, or "cli" / "web" (the audit entry's chat)
    name: str = ""
    role: Role = Role.USER

    @property
    def key(self) -> str:
        """`channel:user_id`, as stored in the `…_by` columns."""
        return f"{self.channel}:{self.user_id}"

    @property
    def label(self) -> str:
        """The name people read (display name, else the user id)."""
        return self.name or self.user_id

    @classmethod
    def of(cls, msg: IncomingMessage, role: Role = Role.USER) -> "Actor":
        """The sender of a chat message, acting in that chat."""
        return cls(msg.chat.channel, msg.sender.user_id, msg.chat.chat_id, msg.sender.display_name, role)


CONSOLE = Actor("console", "local", "cli", "Người vận hành", Role.SUPERADMIN)  # the operator at the command line
