"""Repository of chats: seen, deactivated, moved to a new id."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.messages import ChatRef, IncomingMessage
from scheduler.changes import bump
from scheduler.models import Chat, ClusterMember, FocalPoint
from scheduler.plan import ChatInfo, FocalInfo, Target, unit_targets
from scheduler.timeutil import as_utc

SEEN_PRECISION = timedelta(hours=1)  # last_seen is rewritten at most this often (it serves day-sized windows)


def find_chat(session: Session, ref: ChatRef) -> Chat | None:
    return session.scalar(select(Chat).where(Chat.channel == ref.channel, Chat.chat_id == ref.chat_id))


def touch_chat(session: Session, msg: IncomingMessage, now: datetime) -> bool:
    """Record the chat a message came from (reactivating it); True when the bot had never seen it."""
    chat = find_chat(session, msg.chat)
    if chat is None:
        session.add(Chat(channel=msg.chat.channel, chat_id=msg.chat.chat_id, title=msg.chat_title,
                         kind=msg.chat_kind, active=True, first_seen=now, last_seen=now))
        session.flush()
        bump(session, "chat seen")
        return True
    if chat.last_seen is None or as_utc(now) - as_utc(chat.last_seen) >= SEEN_PRECISION:
        chat.last_seen = now
    if not chat.active:
        chat.active = True
        bump(session, "chat back")
    if msg.chat_title and chat.title != msg.chat_title:
        chat.title = msg.chat_title
    return False


def deactivate_chat(session: Session, ref: ChatRef) -> Chat | None:
    """Mark a chat unreachable (bot removed or blocked); returns it, or None if unknown."""
    chat = find_chat(session, ref)
    if chat is not None:
        chat.active = False
        bump(session, "chat unreachable")
    return chat


def move_chat(session: Session, ref: ChatRef, new_chat_id: str) -> Chat | None:
    """Give a chat its new id (Telegram group upgraded to a supergroup), merging into an existing row."""
    chat = find_chat(session, ref)
    if chat is None:
        return None
    bump(session, "chat moved")
    existing = find_chat(session, ChatRef(ref.channel, new_chat_id))
    if existing is not None and existing.id != chat.id:
        existing.unit_id = existing.unit_id or chat.unit_id
        existing.kind, existing.active = chat.kind, True
        chat.active = False
        return existing
    chat.chat_id = new_chat_id
    return chat


def silent_focal_points(session: Session, channel: str, since: datetime) -> list[tuple[FocalPoint, datetime | None]]:
    """Focal points on `channel` whose private chat has not written since `since` (or never), with when it last did."""
    rows = session.execute(
        select(FocalPoint, Chat.last_seen)
        .outerjoin(Chat, (Chat.channel == FocalPoint.channel) & (Chat.chat_id == FocalPoint.private_chat_id))
        .where(FocalPoint.channel == channel)
        .order_by(FocalPoint.unit_id, FocalPoint.display_name)
    ).all()
    return [(fp, seen) for fp, seen in rows if seen is None or as_utc(seen) < as_utc(since)]


def reminder_targets(session: Session, unit_ids: Iterable[int], *,
                     channel: str | None = None) -> dict[int, list[Target]]:
    """Where each unit's reminders go (on one channel): `scheduler.plan.unit_targets` over every chat, with the
    further units of cluster groups, and the approved focal points."""
    members: dict[int, list[int]] = {}
    for m in session.scalars(select(ClusterMember)):
        members.setdefault(m.chat_id, []).append(m.unit_id)
    q = select(Chat) if channel is None else select(Chat).where(Chat.channel == channel)
    chats = [ChatInfo(c.id, c.channel, c.chat_id, c.kind, c.active, c.unit_id, c.title,
                      tuple(sorted(u for u in members.get(c.id, ()) if u != c.unit_id)))
             for c in session.scalars(q)]
    focals = [FocalInfo(f.unit_id, f.channel, f.user_id, f.private_chat_id)
              for f in session.scalars(select(FocalPoint).where(FocalPoint.status == "approved"))]
    return {u: unit_targets(u, chats, focals) for u in unit_ids}
