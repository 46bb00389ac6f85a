"""What a typed "xem thêm", "đồng ý" or "hủy" refers to: the chat's last answer, or the caller's latest pending change."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from handlers.context import Context
from scheduler.models import PendingAction
from scheduler.timeutil import as_utc

MORE = "more"  # a pending action of this kind only remembers the section behind an answer's "Xem thêm"


def remember_more(ctx: Context, passage_id: int) -> None:
    """Keep the passage behind this chat's latest answer, replacing the one remembered before."""
    chat = ctx.msg.chat
    ctx.session.execute(delete(PendingAction).where(
        PendingAction.kind == MORE, PendingAction.channel == chat.channel, PendingAction.chat_id == chat.chat_id))
    ctx.session.add(PendingAction(token=secrets.token_hex(4), channel=chat.channel, chat_id=chat.chat_id,
                                  user_id=ctx.msg.sender.user_id, kind=MORE, payload={"passage": passage_id},
                                  created_at=as_utc(ctx.now())))


def last_more(ctx: Context) -> int | None:
    """The passage behind the last answer in this chat, if it had more to show."""
    chat = ctx.msg.chat
    row = ctx.session.scalars(select(PendingAction).where(
        PendingAction.kind == MORE, PendingAction.channel == chat.channel, PendingAction.chat_id == chat.chat_id,
    ).order_by(PendingAction.created_at.desc()).limit(1)).first()
    value = (row.payload or {}).get("passage") if row is not None else None
    return value if isinstance(value, int) else None


def latest_pending(ctx: Context) -> PendingAction | None:
    """The caller's most recent change waiting for confirmation in this chat."""
    chat = ctx.msg.chat
    return ctx.session.scalars(select(PendingAction).where(
        PendingAction.kind != MORE, PendingAction.channel == chat.channel, PendingAction.chat_id == chat.chat_id,
        PendingAction.user_id == ctx.msg.sender.user_id,
    ).order_by(PendingAction.created_at.desc()).limit(1)).first()
