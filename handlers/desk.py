"""The admin's desk actions shared by the CLI and the web dashboard: who acts, audited unit imports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.messages import ChatRef, IncomingMessage, Sender
from bot.core.audit import record
from scheduler.unit_import import ImportCheck, apply_rows, check_rows, read_table


@dataclass(frozen=True)
class Actor:
    """An admin acting outside a chat: the console operator, or an admin signed in to the dashboard."""

    channel: str  # "console", "telegram", "zalo", …
    user_id: str
    via: str  # "cli" | "web": written as the audit entry's chat
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user_id}"

    def as_message(self) -> IncomingMessage:
        """The audit log's shape of 'who did it, from where'."""
        return IncomingMessage(ChatRef(self.channel, self.via), Sender(self.user_id, self.name))


CONSOLE = Actor("console", "local", "cli", "Người vận hành")


def import_units(session: Session, now: datetime, actor: Actor, data: bytes, file_name: str, *,
                 dry_run: bool) -> ImportCheck:
    """Check every row of the file; unless `dry_run` or any row is invalid, store them all and audit it.

    Raises scheduler.unit_import.ImportFileError when the file itself cannot be read.
    """
    check = check_rows(session, read_table(data, file_name))
    if dry_run or not check.ok:
        return check
    apply_rows(session, check)
    record(session, now, actor.as_message(), "donvi nhap",
           f"{file_name}: thêm {check.count('add')}, cập nhật {check.count('update')}, "
           f"không đổi {check.count('unchanged')}")
    return check
