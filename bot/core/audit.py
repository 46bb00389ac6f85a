"""The audit log of admin actions and refused attempts, and the one access check that writes a refusal to it."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.roles import Role
from bot.core.errors import Forbidden
from bot.core.models import AuditEntry

log = logging.getLogger(__name__)


def record(session: Session, at: datetime, actor: Actor, action: str, detail: str = "", outcome: str = "ok") -> None:
    """One audit entry, written in the caller's transaction (so it exists exactly when the change does)."""
    session.add(AuditEntry(at=at, channel=actor.channel, user_id=actor.user_id, chat_id=actor.via,
                           action=action, detail=detail[:2000], outcome=outcome))
    if outcome != "ok":
        log.warning("audit %s %s by %s:%s in chat %s", action, outcome, actor.channel, actor.user_id, actor.via)


def recent(session: Session, limit: int = 20) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Action:
    """What an actor may be refused: its name in the audit log and the least role that may do it.

    Declared once, next to the use case that does it; chat commands name the same object (handlers.registry)."""

    name: str
    role: Role


def require(session: Session, at: datetime, actor: Actor, action: Action, detail: str = "") -> None:
    """The one access check, for every entry point: a refusal is audited (action, detail, actor), then raised."""
    if actor.role >= action.role:
        return
    record(session, at, actor, action.name, detail, outcome="denied")
    raise Forbidden(action.name, action.role)
