"""Confirming a submission on every channel: /danop, typed phrases, replies to a reminder, the ✅ button;
undoing it (/huynop); focal-point requests approved or refused by an admin (/duyet, /tuchoi, buttons)."""
from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from bot.core.messages import Button, Reply
from bot.core.vietnamese import fold
from handlers import questions
from handlers.context import Context
from handlers.registry import callback, command
from bot.core.errors import Forbidden
from scheduler.models import Chat
from scheduler.texts import ACK_PREFIX, reminder_reply
from scheduler.usecases.reminders import sent_reminder
from scheduler.timeutil import hhmm_date
from scheduler.usecases.acknowledgements import ConfirmResult, Confirmed, UndoResult, confirm, undo
from scheduler.usecases.registrations import APPROVE, REFUSE, Decision, decide
from scheduler.vi_dates import format_date_vi

PHRASES = ("đã nộp", "da nop", "đã gửi báo cáo", "đã gửi", "da gui", "nộp rồi", "nop roi", "gửi rồi", "gui roi",
           "đã báo cáo", "đã nạp", "nộp xong", "gửi xong", "đã xong", "xong")
# Words that make a phrase a question ("đã nộp chưa?"), not a confirmation.
_QUESTION_WORDS = {"chua", "khong", "ko", "k", "sao", "nao", "gi", "bao gio", "the nao", "ai", "hay"}
NO_UNIT = ("Chat này chưa gắn với đơn vị nào nên chưa xác nhận nộp được. Trong nhóm của đơn vị, quản trị viên nhóm gõ "
           "/dangky <tên đơn vị>; đầu mối nhắn riêng cho bot /dangky <tên đơn vị> và chờ quản trị viên duyệt.")
WHO_MAY = ("Chỉ các thành viên nhóm đã đăng ký của đơn vị, đầu mối đã được duyệt (nhắn riêng) hoặc quản trị viên "
           "Sở Nội vụ mới xác nhận nộp được.")


def looks_like_question(text: str) -> bool:
    folded = fold(text)
    words = set(re.findall(r"[a-z0-9]+", folded))
    return "?" in text or bool(words & _QUESTION_WORDS) or "bao gio" in folded or "the nao" in folded


def _who(c: Confirmed) -> str:
    return f"{c.by}, lúc {hhmm_date(c.at)}" + (f", số {c.note}" if c.note else "")


def confirmed_text(result: ConfirmResult) -> str:
    new = [c for c in result.confirmed if c.new]
    old = [c for c in result.confirmed if not c.new]
    lines = [f"✅ Đã ghi nhận: {c.unit} đã nộp «{c.title}» — {c.label} (người xác nhận: {_who(c)}). "
             f"Bot sẽ không nhắc đơn vị kỳ này nữa. Nhầm? Gõ /huynop {c.code}." for c in new]
    lines += [f"{c.unit} đã được xác nhận nộp «{c.title}» — {c.label} trước đó ({_who(c)})." for c in old]
    if result.extra.get("still_owed"):
        lines.append(f"Kỳ {result.extra['still_owed']} vẫn chờ xác nhận: khi đã nộp kỳ này, gõ lại «đã nộp» "
                     f"(hoặc /danop {result.code}).")
    return "\n".join(lines)


def _present(ctx: Context, result: ConfirmResult) -> Reply:
    caps = ctx.capabilities
    if result.status == "done":
        return Reply(confirmed_text(result))
    if result.status == "no_unit":
        if ctx.is_admin:
            return Reply("Chat này không gắn với đơn vị nào. Quản trị viên xác nhận thay một đơn vị bằng cách gõ "
                         "«đã nộp <tên đơn vị>» hoặc /danop <mã> <tên đơn vị>; nhóm của đơn vị đăng ký bằng /dangky.")
        return Reply(NO_UNIT)
    if result.status == "pending_focal":
        return Reply("⏳ Yêu cầu làm đầu mối của bạn đang chờ quản trị viên duyệt; khi được duyệt bạn mới xác nhận "
                     "nộp thay đơn vị được. Trong lúc chờ, hãy nhờ nhóm của đơn vị xác nhận.")
    if result.status == "not_allowed":
        return Reply(f"Bạn chưa xác nhận nộp thay {', '.join(result.units)} được. {WHO_MAY} "
                     "Đầu mối: nhắn riêng cho bot /dangky <tên đơn vị> để xin duyệt.")
    if result.status == "unknown_code":
        return Reply(f"Không có hạn mã «{result.code[:40]}». Gõ /han để xem mã các hạn của đơn vị.")
    if result.status == "not_audience":
        what = f"Hạn «{result.code}»" if result.code else "Kỳ báo cáo này"
        return Reply(f"{what} không áp dụng cho {', '.join(result.units)}.")
    if result.status == "unit_not_here":
        where = "Nhóm này" if ctx.msg.chat_kind == "group" else "Bạn"
        return Reply(f"{where} không xác nhận nộp thay «{result.extra.get('unit', '')[:100]}» được; chưa ghi nhận gì. "
                     f"{where} chỉ xác nhận cho: {', '.join(result.units)}. Đơn vị khác tự xác nhận trong nhóm của "
                     "mình, hoặc nhờ quản trị viên Sở Nội vụ.")
    if result.status == "unknown_unit":
        meant = result.extra.get("suggestions", "")
        return Reply(f"Không tìm thấy đơn vị «{result.extra.get('unit', '')[:100]}»; chưa ghi nhận gì."
                     + (f" Có phải: {meant}?" if meant else " Gõ /donvi để xem tên các đơn vị.")
                     + (f" Chat này xác nhận cho: {', '.join(result.units)}." if result.units else ""))
    if result.status == "nothing_open":
        return Reply(f"{', '.join(result.units)} không còn kỳ nào đang chờ xác nhận. Gõ /han để xem các hạn.")
    if result.status == "ask_deadline":
        lines = ["Có nhiều hạn đang chờ xác nhận; chọn một (hoặc gõ kèm mã):"]
        lines += [f"• /danop {c.code} — {c.title}, {c.label}, hạn {format_date_vi(c.due)}" for c in result.choices]
        buttons = tuple(Button(f"✅ {c.code}", f"{ACK_PREFIX}:{c.occurrence_id}") for c in result.choices[:8])
        return Reply("\n".join(lines), buttons=buttons if caps.buttons else ())
    # ask_unit: a cluster group, several units still owe this period
    c0 = result.choices[0]
    who = "Nhóm này phục vụ" if ctx.msg.chat_kind == "group" else "Bạn là đầu mối của"
    lines = [f"{who} nhiều đơn vị. Đơn vị nào đã nộp «{c0.title}» — {c0.label}?"]
    lines += [f"• {c.unit_name}: gõ «đã nộp {c.unit_name}» (hoặc /danop {c.code} {c.unit_name})" for c in result.choices]
    buttons = tuple(Button(f"✅ {c.unit_name[:40]}", f"{ACK_PREFIX}:{c.occurrence_id}:{c.unit_id}")
                    for c in result.choices[:8])
    return Reply("\n".join(lines), buttons=buttons if caps.buttons else ())


def _confirm(ctx: Context, text: str = "", **kw) -> ConfirmResult:  # type: ignore[no-untyped-def]
    result = confirm(ctx.session, ctx.now(), ctx.actor, ctx.app.settings, text=text,
                     in_group=ctx.msg.chat_kind == "group", reply_to=ctx.msg.reply_to,
                     typed=not ctx.msg.text.lstrip().startswith("/"), **kw)
    for c in result.confirmed:
        if c.new:
            ctx.app.metrics.confirmed(ctx.msg.chat.channel)
    return result


@command("danop", "Xác nhận đơn vị đã nộp báo cáo", usage="/danop [mã] [đơn vị] [số …]", phrases=PHRASES,
         typed_button=True, in_groups=True, order=21)
async def submitted(ctx: Context) -> Reply | None:
    typed = not ctx.msg.text.lstrip().startswith("/")
    if typed and looks_like_question(ctx.msg.text):
        if ctx.msg.chat_kind == "group" and not ctx.msg.mentioned:
            return None
        return await questions.ask(replace(ctx, args=ctx.msg.text.strip(), command="hoi"))
    if typed and ctx.msg.chat_kind == "group" and not ctx.msg.mentioned and not ctx.msg.reply_to:
        # group chatter on a channel that shows the bot everything: only a registered unit's group is listened to
        if not ctx.session.scalar(select(Chat.unit_id).where(Chat.channel == ctx.msg.chat.channel,
                                                             Chat.chat_id == ctx.msg.chat.chat_id)):
            return None
    return _present(ctx, _confirm(ctx, ctx.args))


@callback(ACK_PREFIX)
async def ack_button(ctx: Context) -> Reply:
    occ_part, _, unit_part = ctx.args.partition(":")
    try:
        occ_id, unit_id = int(occ_part), (int(unit_part) if unit_part else None)
    except ValueError:
        return Reply("Nút này không còn hiệu lực.")
    result = _confirm(ctx, occurrence_id=occ_id, unit_id=unit_id)
    if result.status != "done":
        return _present(ctx, result)
    original = _original_text(ctx, occ_id)
    several = len(result.units) > 1
    added = "\n".join(
        ("✅ " + (f"{c.unit}: " if several else "") + f"{c.by} đã xác nhận nộp lúc {hhmm_date(c.at)}" if c.new else
         f"✅ {c.unit} đã được {c.by} xác nhận nộp lúc {hhmm_date(c.at)}") + (f" (số {c.note})" if c.note else "")
        for c in result.confirmed)
    if original is None:  # the button was on a question of the bot (which unit / which deadline)
        return Reply(confirmed_text(result), replace_origin=True)
    text, buttons = original
    return Reply(f"{text}\n\n{added}", buttons=buttons, replace_origin=True)


def _original_text(ctx: Context, occ_id: int) -> tuple[str, tuple[Button, ...]] | None:
    """The reminder whose button was pressed, re-rendered with the buttons still wanted (None: not a reminder)."""
    sent = sent_reminder(ctx.session, ctx.msg.chat, ctx.msg.message_id or "", ctx.now())
    if sent is None:
        return None
    caps = ctx.app.capabilities(ctx.msg.chat.channel)
    reply = reminder_reply(sent, buttons=caps.buttons, max_length=caps.max_length)
    return reply.text, reply.buttons


@command("huynop", "Hủy một xác nhận nộp (người đã xác nhận hoặc quản trị viên)", usage="/huynop [mã] [đơn vị]",
         order=24)
async def undo_submitted(ctx: Context) -> str:
    return undone_text(undo(ctx.session, ctx.now(), ctx.actor, ctx.app.settings, text=ctx.args))


def undone_text(r: UndoResult) -> str:
    if r.status == "not_found":
        return "Không tìm thấy xác nhận nộp nào để hủy (gõ /huynop <mã> [đơn vị]; xem mã bằng /han)."
    if r.status == "not_allowed":
        return (f"Chỉ {r.by} (người đã xác nhận) hoặc quản trị viên mới hủy được xác nhận nộp của {r.unit} "
                f"({r.code}, {r.label}). Yêu cầu đã được ghi lại.")
    if r.status == "closed":
        return f"Kỳ {r.label} của hạn {r.code} đã kết thúc; xác nhận của {r.unit} được giữ nguyên."
    return (f"↩️ Đã hủy xác nhận nộp của {r.unit} cho hạn {r.code} — {r.label}. Bot sẽ nhắc lại theo lịch "
            f"cho đến khi đơn vị xác nhận.")


def _decision_replies(ctx: Context, code: str, approve: bool, *, from_button: bool) -> list[Reply]:
    try:
        d = decide(ctx.session, ctx.now(), ctx.actor, code, approve=approve)
    except Forbidden:
        return [Reply("Chỉ quản trị viên Sở Nội vụ mới duyệt được yêu cầu làm đầu mối.")]
    if d.notice_id is not None:
        ctx.notices.append(d.notice_id)  # the requester is told through the outbox, once the change is committed
    return decision_replies(d, code, approve, from_button=from_button)


def decision_replies(d: Decision, code: str, approve: bool, *, from_button: bool = False) -> list[Reply]:
    """The admin's answer (the requester's goes through the outbox: `Decision.notice_id`)."""
    if d.status == "not_found":
        return [Reply(f"Không có yêu cầu đăng ký mã «{code[:20]}».", replace_origin=from_button)]
    if d.status == "already":
        return [Reply(f"Yêu cầu {d.code} ({d.name} — {d.unit}) đã được xử lý trước đó.", replace_origin=from_button)]
    verb = "duyệt" if approve else "từ chối"
    return [Reply(f"{'✅' if approve else '✖️'} Đã {verb} {d.name} làm đầu mối của {d.unit} (mã {d.code}).",
                  replace_origin=from_button)]


@command("duyet", "Duyệt yêu cầu làm đầu mối", usage="/duyet <mã>", action=APPROVE, order=60)
async def approve_cmd(ctx: Context) -> list[Reply] | str:
    if not ctx.args:
        return "Cú pháp: /duyet <mã yêu cầu>, ví dụ: /duyet dk12 (mã có trong tin báo yêu cầu)."
    return _decision_replies(ctx, ctx.args.split()[0], True, from_button=False)


@command("tuchoi", "Từ chối yêu cầu làm đầu mối", usage="/tuchoi <mã>", action=REFUSE, order=61)
async def refuse_cmd(ctx: Context) -> list[Reply] | str:
    if not ctx.args:
        return "Cú pháp: /tuchoi <mã yêu cầu>, ví dụ: /tuchoi dk12."
    return _decision_replies(ctx, ctx.args.split()[0], False, from_button=False)


@callback("dk")
async def decision_button(ctx: Context) -> list[Reply]:
    verb, _, code = ctx.args.partition(":")
    return _decision_replies(ctx, code, verb == "ok", from_button=True)
