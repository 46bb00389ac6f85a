"""Deadline commands: /han, /themhan, /suahan, /xoahan, /nhacngay, /caidat (/tinhhinh is in handlers/status.py)."""
from __future__ import annotations

import re
from datetime import date

from bot.core.messages import Reply
from handlers import confirm
from handlers.context import Context
from handlers.registry import command
from bot.core.vietnamese import fold
from scheduler.daysoff import calendar_for
from bot.core.errors import Invalid, NotFound
from scheduler.deadline_form import FIELD_HELP, describe, parse_assignments
from scheduler.models import Deadline
from scheduler.presets import preset_unit, presets
from scheduler.repo import get_deadline, list_deadlines
from scheduler.service import ReminderService
from scheduler.usecases import deadlines as cases
from scheduler.usecases import reminders as reminder_cases
from scheduler.usecases.periods import current_periods
from scheduler.texts import days_left_text
from scheduler.timeutil import as_vn, hhmm_date
from scheduler.units import units_for_chat
from scheduler.vi_dates import format_date_vi

THEMHAN_USAGE = ("Cú pháp: /themhan <tên> | <quy tắc hạn> | <đối tượng> | <nhắc trước>\n"
                 "Ví dụ: /themhan Báo cáo CCHC quý | ngày 10 tháng cuối quý | sở, xã | 7,3,1,0\n"
                 "Đối tượng: «sở», «xã», «tất cả» hoặc tên đơn vị; nhắc trước: số ngày, mặc định 7,3,1,0. "
                 "Có thể thêm trường thứ 5 là căn cứ (số văn bản), «| ma=<mã ngắn>» (tối đa 12 ký tự) và "
                 "«| tru=<đơn vị>, …» (đơn vị không phải nộp, ví dụ tru=SNV).")
NO_UNIT = ("Chat này chưa gắn với đơn vị nào. Trong nhóm của đơn vị, gõ /dangky <tên đơn vị>; "
           "đầu mối nhắn riêng cho bot: /dangky <tên đơn vị>.")


def today_of(ctx: Context) -> date:
    return as_vn(ctx.now()).date()


# ------------------------------------------------------------------ /han

@command("han", "Các hạn sắp tới của đơn vị (quản trị viên: tất cả)", usage="/han", order=20)
async def upcoming(ctx: Context) -> str:
    today = today_of(ctx)
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    deadlines = list_deadlines(ctx.session)
    if not units and not ctx.is_admin:
        return NO_UNIT
    unit_ids = {u.id for u in units}
    rows: list[tuple[date, str, str]] = []
    for d in current_periods(ctx.session, ctx.now(), deadlines, escalate=ctx.app.settings.escalation_days,
                             unit_ids=unit_ids):
        if not d.audience & unit_ids and not ctx.is_admin:
            continue
        for o in d.periods:
            done, audience = o.done, o.owing
            mine = audience & unit_ids
            if mine:
                status = "✅ đã nộp" if mine <= done else "⏳ chưa xác nhận"
            else:
                status = f"{len(done & audience)}/{len(audience)} đơn vị đã nộp"
            legal = f", hạn cuối {format_date_vi(o.legal_due)} do trùng ngày nghỉ" if o.legal_due != o.due else ""
            rows.append((o.due, d.code, f"• [{d.code}] {d.title} — {o.label}: hạn {format_date_vi(o.due)}"
                         f"{legal} ({days_left_text(o.due, today, o.legal_due)}) — {status}"))
    lines = [line for _, _, line in sorted(rows)]
    if not lines:
        return "Không có hạn nào sắp tới." + ("" if units else " (Chat này chưa gắn với đơn vị nào.)")
    head = "Các hạn sắp tới" + (f" của {', '.join(u.name for u in units)}" if units else " (tất cả đơn vị)") + ":"
    tail = "Khi đã nộp, gõ /danop <mã> (hoặc bấm nút ✅ Đã nộp trong tin nhắc)." if units else \
        "Xem ai chưa nộp: /tinhhinh <mã>."
    return "\n".join([head, *lines, "", tail])


# ------------------------------------------------------------------ acknowledgements

def _find_deadline(ctx: Context, code: str, hint: str) -> Deadline | str:
    """The deadline with this code, or a message saying there is none (followed by `hint`)."""
    d = get_deadline(ctx.session, code)
    return d if d is not None else f"Không có hạn mã «{code[:40]}». {hint}"


# ------------------------------------------------------------------ admin: add, edit, remove

@command("themhan", "Thêm hạn nộp (có xác nhận)", usage="/themhan <tên> | <quy tắc hạn> | <đối tượng> | <nhắc trước>",
         action=cases.ADD_DEADLINE, order=50)
async def add_deadline(ctx: Context) -> Reply | str:
    parts = [p.strip() for p in ctx.args.split("|")]
    options = [p for p in parts if re.match(r"(ma|tru)\s*=", fold(p))]  # «| ma=bc-q», «| tru=SNV, STP»
    parts = [p for p in parts if p not in options]
    if len(parts) < 3 or len(parts) > 5 or not all(parts[:3]):
        return THEMHAN_USAGE
    raw = {"title": parts[0], "rule": parts[1], "audience": parts[2]}
    if len(parts) > 3 and parts[3]:
        raw["leads"] = parts[3]
    if len(parts) > 4 and parts[4]:
        raw["source"] = parts[4]
    try:
        for option in options:
            raw.update(parse_assignments(option))
    except ValueError as e:
        return f"{e}\n\n{THEMHAN_USAGE}"
    raw = {k: v for k, v in raw.items() if k != "code" or v}
    cal = calendar_for(ctx.session)
    try:
        fields = cases.check_deadline(ctx.session, raw, ctx.app.settings)
    except Invalid as e:
        return f"{e}\n\n{THEMHAN_USAGE}"
    summary = "Bot hiểu hạn mới như sau:\n" + describe(ctx.session, fields, cal, today_of(ctx))
    return confirm.ask(ctx, "add_deadline", fields, summary, question="Lưu hạn này?")


@confirm.action("add_deadline")
async def _do_add(ctx: Context, fields: dict) -> str:
    d = cases.add_deadline(ctx.session, ctx.now(), ctx.actor, fields)
    return f"✅ Đã lưu hạn «{d.title}», mã {d.code}. Bot sẽ nhắc theo lịch; sửa: /suahan {d.code} …, xóa: /xoahan {d.code}."


@command("suahan", "Sửa một hạn (có xác nhận)", usage="/suahan <mã> <trường>=<giá trị> …", action=cases.EDIT_DEADLINE,
         order=51)
async def edit_deadline(ctx: Context) -> Reply | str:
    usage = (f"Cú pháp: /suahan <mã> <trường>=<giá trị> …\nTrường: {FIELD_HELP}.\n"
             "Ví dụ: /suahan cchc-donvi quytac=chậm nhất ngày 15 tháng cuối quý nhactruoc=5,1")
    code, _, rest = ctx.args.partition(" ")
    if not code or not rest.strip():
        return usage
    d = _find_deadline(ctx, code, "Gõ /han để xem các mã.")
    if isinstance(d, str):
        return d
    cal = calendar_for(ctx.session)
    try:
        raw = parse_assignments(rest)
        fields = cases.check_deadline(ctx.session, raw, ctx.app.settings, partial=True)
    except ValueError as e:
        return f"{e}\n\n{usage}"
    merged = {"code": d.code, "title": d.title, "rule": d.rule, "audience_types": d.audience_types,
              "audience_units": d.audience_units, "leads": d.leads, "remind_at": d.remind_at, "what": d.what,
              "submit_to": d.submit_to, "source": d.source, "audience_exclude": d.audience_exclude or [], **fields}
    summary = f"Hạn {d.code} sau khi sửa:\n" + describe(ctx.session, merged, cal, today_of(ctx))
    return confirm.ask(ctx, "edit_deadline", {"code": d.code, "fields": fields}, summary)


@confirm.action("edit_deadline")
async def _do_edit(ctx: Context, payload: dict) -> str:
    d = cases.edit_deadline(ctx.session, ctx.now(), ctx.actor, payload["code"], payload["fields"])
    return f"✅ Đã sửa hạn {d.code}. Lịch nhắc được tính lại."


@command("xoahan", "Xóa một hạn (có xác nhận)", usage="/xoahan <mã>", action=cases.REMOVE_DEADLINE, order=52)
async def delete_deadline(ctx: Context) -> Reply | str:
    code = ctx.args.split()[0] if ctx.args else ""
    if not code:
        return "Cú pháp: /xoahan <mã>. Gõ /han để xem các mã."
    d = _find_deadline(ctx, code, "Gõ /han để xem các mã.")
    if isinstance(d, str):
        return d
    return confirm.ask(ctx, "remove_deadline", {"code": d.code},
                       f"Xóa hạn {d.code} «{d.title}»? Các lời nhắc chưa gửi sẽ bị hủy (lịch sử xác nhận được giữ).",
                       question="Xóa hạn này?")


@confirm.action("remove_deadline")
async def _do_remove(ctx: Context, payload: dict) -> str:
    d = cases.remove_deadline(ctx.session, ctx.now(), ctx.actor, payload["code"])
    return f"🗑 Đã xóa hạn {payload['code']} «{d.title}»."


# ------------------------------------------------------------------ admin: reminding now

@command("nhacngay", "Nhắc ngay các đơn vị chưa nộp", usage="/nhacngay <mã>", action=reminder_cases.REMIND_NOW,
         order=54)
async def remind_now(ctx: Context) -> str:
    code = ctx.args.split()[0] if ctx.args else ""
    if not code:
        return "Cú pháp: /nhacngay <mã>. Gõ /tinhhinh để xem các mã."
    try:
        queued = reminder_cases.remind_now(ctx.session, ctx.now(), ctx.actor, code,
                                           escalate=ctx.app.settings.escalation_days)
    except NotFound:
        return f"Không có hạn mã «{code[:40]}». Gõ /tinhhinh để xem các mã."
    ctx.session.commit()  # the service works in its own sessions
    service = ctx.app.reminders or ReminderService(ctx.app)
    sent = await service.send_now(queued.delivery_ids)
    held = recent_note(queued)
    if sent == 0:
        return held or f"Không có nhóm nào cần nhắc cho hạn {queued.code} (tất cả đã nộp, hoặc chưa nhóm nào đăng ký)."
    return f"📣 Đã gửi {sent} lời nhắc hạn {queued.code} tới các đơn vị chưa nộp." + (f"\n{held}" if held else "")


def recent_note(queued: reminder_cases.RemindersQueued) -> str:
    """The chats /nhacngay left alone because they were reminded of the period less than an hour ago ("" if none)."""
    if not queued.recent or queued.again_at is None:
        return ""
    return (f"{queued.recent} nhóm/đầu mối vừa được nhắc kỳ này trong vòng 1 giờ nên không nhắc lại (tránh làm phiền); "
            f"có thể nhắc ngay lần nữa từ {hhmm_date(queued.again_at)}.")


# ------------------------------------------------------------------ admin: presets

@command("caidat", "Cài bộ hạn có sẵn: cchc (báo cáo CCHC), 7946 (kế hoạch CCHC năm)", usage="/caidat [cchc [ngày]|7946]",
         action=cases.INSTALL_PRESET, order=55)
async def install_preset(ctx: Context) -> Reply | str:
    parts = ctx.args.split()
    available = presets(ctx.app.settings)
    if not parts:
        lines = ["Các bộ hạn có sẵn (chỉ cài khi quản trị viên yêu cầu):"]
        for p in available.values():
            lines.append(f"• /caidat {p.key} — {p.title}. {p.about}")
        lines.append("Với cchc có thể ghi ngày nộp của đơn vị, ví dụ: /caidat cchc 15.")
        return "\n".join(lines)
    key = fold(parts[0])
    if key not in available or len(parts) > 2 or (len(parts) == 2 and key != "cchc"):
        return "Không có bộ hạn này. Gõ /caidat để xem: cchc, 7946."
    day = None
    if len(parts) == 2:
        if not parts[1].isdigit() or not 1 <= int(parts[1]) <= 19:
            return "Ngày nộp của đơn vị phải là số từ 1 đến 19 (trước ngày 20 tỉnh gửi Bộ Nội vụ), ví dụ: /caidat cchc 10."
        day = int(parts[1])
    preset = presets(ctx.app.settings, day)[key]
    cal = calendar_for(ctx.session)
    lines = [f"Cài bộ hạn «{preset.title}».", preset.about, ""]
    for fields in preset.deadlines:
        shown = {**fields, "leads": list(ctx.app.settings.default_leads), "remind_at": ctx.app.settings.reminder_time,
                 "audience_units": [], "audience_exclude": [u.id if u else name for name in fields.get("audience_exclude", [])
                                                            for u in [preset_unit(ctx.session, name)]]}
        if fields["audience_units"]:
            shown["audience_types"] = []
        text = describe(ctx.session, shown, cal, today_of(ctx), count=2)
        if fields["audience_units"]:
            text = text.replace("• Đối tượng: (chưa có)", f"• Đối tượng: {', '.join(fields['audience_units'])}")
        exists = " (đã có, sẽ giữ nguyên)" if get_deadline(ctx.session, fields["code"]) else ""
        lines += [f"Hạn {fields['code']}{exists}:", text, ""]
    return confirm.ask(ctx, "install_preset", {"key": key, "day": day}, "\n".join(lines).rstrip(),
                       question="Cài bộ hạn này?")


@confirm.action("install_preset")
async def _do_install(ctx: Context, payload: dict) -> str:
    preset = presets(ctx.app.settings, payload.get("day"))[payload["key"]]
    done = cases.install_preset(ctx.session, ctx.now(), ctx.actor, preset, ctx.app.settings, day=payload.get("day"))
    created, kept = done.created, done.kept
    text = f"✅ Đã cài: {', '.join(created)}." if created else "Không có hạn mới nào."
    if kept:
        text += f" Đã có sẵn (giữ nguyên): {', '.join(kept)}."
    return text + " Xem /han, /tinhhinh."
