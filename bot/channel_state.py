"""State that chat adapters keep in the database: rotating secrets and the ledger of updates already handled."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.db import Base

if TYPE_CHECKING:
    from bot.core.db import Database


class ChannelSecret(Base):
    """A credential a channel rotates itself (e.g. the Zalo OA refresh token), shared by every replica."""

    __tablename__ = "channel_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HandledUpdate(Base):
    """An incoming message id already handed to the core; the unique key makes replicas agree."""

    __tablename__ = "handled_updates"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    update_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def get_secret(session: Session, name: str, *, for_update: bool = False) -> ChannelSecret | None:
    """The secret row; `for_update` locks it until the session ends (PostgreSQL; SQLite serialises writers)."""
    query = select(ChannelSecret).where(ChannelSecret.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def put_secret(session: Session, name: str, value: str, *, now: datetime, expires_at: datetime | None = None) -> None:
    """Create or replace a secret (committed with the caller's session, together with its siblings)."""
    row = session.get(ChannelSecret, name)
    if row is None:
        session.add(ChannelSecret(name=name, value=value, expires_at=expires_at, version=1, updated_at=now))
    else:
        row.value, row.expires_at, row.updated_at = value, expires_at, now
        row.version += 1
    session.flush()


def claim_update(session: Session, channel: str, update_id: str, now: datetime) -> bool:
    """True the first time `update_id` is claimed on `channel` by any replica; False for a repeat.

    Give it a session of its own: a lost race rolls that session back.
    """
    update_id = update_id[:128]
    seen = select(HandledUpdate.id).where(HandledUpdate.channel == channel, HandledUpdate.update_id == update_id)
    if session.scalar(seen) is not None:
        return False
    session.add(HandledUpdate(channel=channel, update_id=update_id, at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_updates(session: Session, older_than: datetime) -> int:
    """Drop ledger entries older than `older_than` (retries come within minutes); returns how many."""
    result = session.execute(delete(HandledUpdate).where(HandledUpdate.at < older_than))
    return int(result.rowcount or 0)


LEDGER_DAYS = timedelta(days=3)


class UpdateLedger:
    """One channel's view of the ledger: claims each incoming id once and prunes old entries now and then."""

    def __init__(self, channel: str, *, prune_every: int = 1000) -> None:
        self.channel = channel
        self.prune_every = prune_every
        self._claims = 0

    def claim(self, db: "Database", update_id: str, now: datetime) -> bool:
        """True the first time any replica claims `update_id`; False for a re-delivery."""
        with db.session() as s:
            fresh = claim_update(s, self.channel, update_id, now)
        self._claims += 1
        if self._claims % self.prune_every == 1:
            with db.session() as s:
                forget_updates(s, now - LEDGER_DAYS)
        return fresh
