"""Confirmation of admin changes: a stored pending action, confirmed by button (ok:/no:) or by /xacnhan, /huy."""
from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.core.messages import Button, Reply
from bot.core.audit import record
from bot.core.errors import Forbidden
from handlers.context import Context
from handlers.followups import MORE, latest_pending
from handlers.registry import Role, callback, command
from scheduler.models import PendingAction
from scheduler.timeutil import as_utc

TTL = timedelta(days=1)
# kind -> async action(ctx, payload) -> result text; it calls a use case, which checks the role and audits
ActionFunc = Callable[[Context, dict], Awaitable[str]]
ACTIONS: dict[str, ActionFunc] = {}
NO_LONGER_ALLOWED = "Bạn không còn quyền thực hiện thay đổi này. Yêu cầu đã được ghi lại."


def action(kind: str) -> Callable[[ActionFunc], ActionFunc]:
    """Register what a confirmed pending action of `kind` does."""

    def deco(func: ActionFunc) -> ActionFunc:
        ACTIONS[kind] = func
        return func

    return deco


def ask(ctx: Context, kind: str, payload: dict, summary: str, *, question: str = "Lưu thay đổi này?") -> Reply:
    """Store a pending action and ask the admin to confirm it."""
    token = secrets.token_hex(4)
    ctx.session.add(PendingAction(token=token, channel=ctx.msg.chat.channel, chat_id=ctx.msg.chat.chat_id,
                                  user_id=ctx.msg.sender.user_id, kind=kind, payload=payload,
                                  created_at=as_utc(ctx.now())))
    hint = f"Gõ «đồng ý» để lưu, «hủy» để bỏ (hoặc /xacnhan {token} để đồng ý, /huy {token} để bỏ)."
    text = f"{summary}\n\n{question}"  # without buttons the adapter shows `hint` instead
    return Reply(text, buttons=(Button("✅ Xác nhận", f"ok:{token}"), Button("✖️ Hủy", f"no:{token}")),
                 fallback_hint=hint)


def _load(ctx: Context, token: str) -> tuple[PendingAction | None, str]:
    token = token.strip().lower()
    row = ctx.session.get(PendingAction, token) if token else latest_pending(ctx)
    if row is None and not token:
        return None, ("Không có thay đổi nào đang chờ bạn xác nhận. Cú pháp: /xacnhan <mã xác nhận> "
                      "(mã có trong tin nhắn bot hỏi xác nhận).")
    if row is None or row.kind == MORE or row.channel != ctx.msg.chat.channel or row.user_id != ctx.msg.sender.user_id:
        return None, "Không tìm thấy yêu cầu cần xác nhận (mã sai, đã xử lý, hoặc của người khác)."
    if as_utc(ctx.now()) - as_utc(row.created_at) > TTL:
        ctx.session.delete(row)
        return None, "Yêu cầu này đã quá 24 giờ nên bị hủy; hãy gõ lại lệnh."
    return row, ""


async def _confirm(ctx: Context, token: str, *, from_button: bool) -> Reply:
    row, error = _load(ctx, token)
    if row is None:
        return Reply(error, replace_origin=from_button)
    func = ACTIONS.get(row.kind)
    if func is None:  # a kind this version no longer knows
        record(ctx.session, ctx.now(), ctx.actor, f"confirm:{row.kind}", str(row.payload)[:500], outcome="denied")
        ctx.session.delete(row)
        return Reply(NO_LONGER_ALLOWED, replace_origin=from_button)
    payload = dict(row.payload or {})
    ctx.session.delete(row)
    try:
        text = await func(ctx, payload)  # the use case checks the role (audited if refused) and audits the change
    except Forbidden:
        return Reply(NO_LONGER_ALLOWED, replace_origin=from_button)
    except ValueError as e:
        return Reply(f"Không thực hiện được: {e}", replace_origin=from_button)
    return Reply(text, replace_origin=from_button)


async def _cancel(ctx: Context, token: str, *, from_button: bool) -> Reply:
    row, error = _load(ctx, token)
    if row is None:
        return Reply(error, replace_origin=from_button)
    ctx.session.delete(row)
    return Reply("Đã hủy, không có gì thay đổi.", replace_origin=from_button)


@callback("ok")
async def ok_button(ctx: Context) -> Reply:
    return await _confirm(ctx, ctx.args, from_button=True)


@callback("no")
async def no_button(ctx: Context) -> Reply:
    return await _cancel(ctx, ctx.args, from_button=True)


@command("xacnhan", "Xác nhận thay đổi đang chờ (gõ «đồng ý» cũng được)", usage="/xacnhan [mã xác nhận]",
         role=Role.ADMIN, phrases=("đồng ý", "xác nhận"), typed_button=True, order=90)
async def confirm_cmd(ctx: Context) -> Reply:
    """With no code: the caller's latest pending change in this chat."""
    return await _confirm(ctx, ctx.args.split()[0] if ctx.args else "", from_button=False)


@command("huy", "Hủy thay đổi đang chờ (gõ «hủy» cũng được)", usage="/huy [mã xác nhận]", role=Role.ADMIN,
         phrases=("hủy", "huỷ"), typed_button=True, order=91)
async def cancel_cmd(ctx: Context) -> Reply:
    return await _cancel(ctx, ctx.args.split()[0] if ctx.args else "", from_button=False)
