"""The outbox: a message to one chat, written in the transaction of the change it tells of, sent once by a process.

A use case that must tell someone in chat (a focal-point request decided) writes a `Notice` (the chat, a text kind
and its parameters, never the text itself) with its change. Whatever process serves that channel sends it: at
once when the change was made in that process (`App.send_notices`), else on its reminder tick, so a change made
from the CLI reaches the requester too. Each notice is claimed with a conditional UPDATE committed before the send,
like a delivery (scheduler.deliveries): one replica sends it; a crash between the send and the `sent` write sends
it again after the lease.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import JSON, DateTime, Integer, String, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.clock import Clock
from bot.core.db import Base, Database
from bot.core.messages import ChatRef, Reply
from bot.core.metrics import Metrics
from bot.core.ports import Channel, ChatMoved, ChatUnreachable, TransientSendError
from bot.core.workers import on_loop
from scheduler.texts import focal_decision_text
from scheduler.timeutil import as_utc

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
LEASE = timedelta(minutes=10)  # a 'sending' claim older than this was abandoned (its process died mid-send)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 30  # about a day of retries at the longest backoff, then the notice is given up (logged)
FOCAL_DECISION = "focal_decision"

# kind -> the text of a notice of that kind, from its parameters
TEXTS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    FOCAL_DECISION: lambda p: focal_decision_text(str(p["unit"]), bool(p["approved"])),
}


class Notice(Base):
    """One message to one chat, waiting to be sent (or sent: the row is kept as the record of it)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))  # a key of TEXTS
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str] = mapped_column(String(500), default="")


class Host(Protocol):
    """What sending needs of the application (bot.app.App provides it)."""

    clock: Clock
    db: Database
    channels: Mapping[str, Channel]
    metrics: Metrics

    def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None: ...

    async def chat_gone(self, chat: ChatRef, reason: str) -> None: ...


def enqueue(session: Session, now: datetime, to: ChatRef, kind: str, params: Mapping[str, Any]) -> int:
    """Write a notice in the caller's transaction (so it exists exactly when the change does); its id."""
    if kind not in TEXTS:
        raise ValueError(f"unknown notice kind {kind!r}")
    notice = Notice(channel=to.channel, chat_id=to.chat_id, kind=kind, params=dict(params), created_at=as_utc(now),
                    status=PENDING, attempts=0, claimed_by="", outcome="")
    session.add(notice)
    session.flush()
    return notice.id


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    t = as_utc(now)
    return or_(and_(Notice.status == PENDING, or_(Notice.next_attempt_at.is_(None), Notice.next_attempt_at <= t)),
               and_(Notice.status == SENDING, Notice.claimed_at < t - LEASE))


def due_ids(session: Session, channels: Sequence[str], now: datetime, ids: Sequence[int] | None = None,
            limit: int = 500) -> list[int]:
    """Notices on these channels that may be claimed now (only `ids`, when given), oldest first."""
    q = select(Notice.id).where(Notice.channel.in_(list(channels)), _claimable(now))
    if ids is not None:
        q = q.where(Notice.id.in_(list(ids)))
    return list(session.scalars(q.order_by(Notice.id).limit(limit)))


def claim(session: Session, notice_id: int, by: str, now: datetime) -> bool:
    """Conditional UPDATE to 'sending': True only for the one process whose update hit the row."""
    result = session.execute(
        update(Notice).where(Notice.id == notice_id, _claimable(now))
        .values(status=SENDING, claimed_by=by[:64], claimed_at=as_utc(now), attempts=Notice.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def mark(session: Session, notice_id: int, by: str, status: str, **values: object) -> bool:
    """Record the outcome of a send made under `by`'s claim."""
    result = session.execute(
        update(Notice).where(Notice.id == notice_id, Notice.status == SENDING, Notice.claimed_by == by[:64])
        .values(status=status, **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def render(notice: Notice) -> Reply:
    return Reply(TEXTS[notice.kind](notice.params or {}))


async def deliver(host: Host, by: str, ids: Sequence[int] | None = None) -> int:
    """Send the claimable notices of the channels this process serves (only `ids`, when given); how many went out.

    Runs on a database worker thread (its database calls are synchronous); the sends go to the serving loop."""
    now = host.clock.now()
    with host.db.session() as s:
        due = due_ids(s, list(host.channels), now, ids)
    sent = 0
    for notice_id in due:
        with host.db.session() as s:
            if not claim(s, notice_id, by, now):
                continue  # another replica took it
            notice = s.get(Notice, notice_id)
            assert notice is not None
            to, reply, attempts = ChatRef(notice.channel, notice.chat_id), render(notice), notice.attempts
        sent += await _send(host, by, notice_id, to, reply, attempts)
    return sent


async def _send(host: Host, by: str, notice_id: int, to: ChatRef, reply: Reply, attempts: int) -> int:
    channel = host.channels[to.channel]
    try:
        try:
            await on_loop(channel.send(to.chat_id, reply))
        except ChatMoved as e:
            host.metrics.send_error(to.channel, e)
            host.chat_moved(to, e.new_chat_id)
            with host.db.session() as s:
                s.execute(update(Notice).where(Notice.id == notice_id).values(chat_id=e.new_chat_id))
            to = ChatRef(to.channel, e.new_chat_id)
            await on_loop(channel.send(to.chat_id, reply))
    except ChatUnreachable as e:
        host.metrics.send_error(to.channel, e)
        with host.db.session() as s:
            mark(s, notice_id, by, FAILED, outcome=f"unreachable: {e}"[:500])
        log.warning("notice %s to %s: chat unreachable (%s)", notice_id, to, e)
        await host.chat_gone(to, str(e))
        return 0
    except Exception as e:  # transient, or an adapter bug: retried later, never lost silently
        host.metrics.send_error(to.channel, e)
        retry_after = e.retry_after if isinstance(e, TransientSendError) else None
        _retry_later(host, by, notice_id, to, e, attempts, retry_after)
        return 0
    with host.db.session() as s:
        mark(s, notice_id, by, SENT, sent_at=as_utc(host.clock.now()), outcome="")
    log.info("notice %s sent to %s", notice_id, to)
    return 1


def _retry_later(host: Host, by: str, notice_id: int, to: ChatRef, error: Exception, attempts: int,
                 retry_after: float | None) -> None:
    if attempts >= MAX_ATTEMPTS:
        with host.db.session() as s:
            mark(s, notice_id, by, FAILED, outcome=f"gave up: {error}"[:500])
        log.error("notice %s to %s given up after %d attempts: %s", notice_id, to, attempts, error)
        return
    wait = min(timedelta(seconds=30 * 2 ** (max(attempts, 1) - 1)), MAX_BACKOFF)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    with host.db.session() as s:
        mark(s, notice_id, by, PENDING, next_attempt_at=as_utc(host.clock.now()) + wait,
             outcome=f"retry: {error}"[:500])
    log.warning("notice %s to %s failed (%s); retrying in %s", notice_id, to, error, wait)
