"""The audit log of admin actions and refused attempts."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import IncomingMessage
from bot.core.models import AuditEntry

log = logging.getLogger(__name__)


def record(session: Session, at: datetime, msg: IncomingMessage, action: str, detail: str = "", outcome: str = "ok") -> None:
    session.add(AuditEntry(at=at, channel=msg.chat.channel, user_id=msg.sender.user_id, chat_id=msg.chat.chat_id,
                           action=action, detail=detail[:2000], outcome=outcome))
    if outcome != "ok":
        log.warning("audit %s %s by %s:%s in chat %s", action, outcome, msg.chat.channel, msg.sender.user_id, msg.chat.chat_id)


def recent(session: Session, limit: int = 20) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))
