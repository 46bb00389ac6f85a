"""/ngaynghi (admin): list the coming days off, add a day off, restore a working day."""
from __future__ import annotations

from datetime import date, timedelta

from bot.core.audit import record
from handlers.context import Context
from handlers.registry import Role, command
from bot.core.vietnamese import fold
from scheduler.daysoff import list_overrides, load_overrides, remove_override, set_override
from scheduler.models import DayOverride
from scheduler.vi_dates import format_date_vi, parse_date_vi
from scheduler.workdays import ADMIN_DAY_OFF, WorkCalendar

HORIZON_DAYS = 90
USAGE = ("Cú pháp:\n/ngaynghi — xem ngày nghỉ 90 ngày tới\n"
         "/ngaynghi them <ngày> [ghi chú] — thêm ngày nghỉ, ví dụ: /ngaynghi them 2/1/2027 Nghỉ bù\n"
         "/ngaynghi bo <ngày> [ghi chú] — đặt lại là ngày làm việc, ví dụ: /ngaynghi bo 2/1/2027")
ADD_WORDS = {"them", "add", "nghi", "+"}
REMOVE_WORDS = {"bo", "xoa", "remove", "lam", "-"}


def upcoming(session, start: date, days: int = HORIZON_DAYS) -> str:  # type: ignore[no-untyped-def]
    """The days off (and restored working days) in the next `days` days, in Vietnamese."""
    end = start + timedelta(days=days)
    notes = {o.day: o for o in list_overrides(session, start, end)}
    cal = WorkCalendar({d: o.day_off for d, o in notes.items()})
    lines = [f"Ngày nghỉ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} (ngoài Thứ Bảy, Chủ Nhật):"]
    off = cal.days_off_between(start, end)
    for d, name in off:
        o = notes.get(d)
        if o is not None and o.note:
            name = f"{o.note} (quản trị bổ sung)" if name == ADMIN_DAY_OFF else f"{name} — {o.note}"
        lines.append(f"• {format_date_vi(d)} — {name}")
    if not off:
        lines.append("• Không có ngày nghỉ lễ nào.")
    working = [(d, notes.get(d)) for d in _days(start, end)
               if cal.is_working_day(d) and (d.weekday() >= 5 or d in notes)]
    if working:
        lines += ["", "Ngày làm việc đặc biệt:"]
        for d, o in working:
            why = (o.note if o is not None and o.note else "quản trị viên đặt là ngày làm việc") if o is not None else "làm bù"
            lines.append(f"• {format_date_vi(d)} — {why}")
    lines += ["", "Lịch lấy từ gói holidays (các năm chưa có thông báo chính thức là ước tính), "
              "cộng các điều chỉnh của quản trị viên.", USAGE]
    return "\n".join(lines)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@command("ngaynghi", "Xem, thêm, bỏ ngày nghỉ", usage="/ngaynghi [them|bo <ngày> [ghi chú]]", role=Role.ADMIN,
         order=80)
async def days_off(ctx: Context) -> str:
    today = ctx.now().date()
    parts = ctx.args.split(maxsplit=2)
    if not parts:
        return upcoming(ctx.session, today)
    verb = fold(parts[0])
    if verb not in ADD_WORDS | REMOVE_WORDS:
        return f"Không hiểu «{parts[0]}».\n{USAGE}"
    if len(parts) < 2:
        return f"Thiếu ngày.\n{USAGE}"
    try:
        day = parse_date_vi(parts[1], today=today)
    except ValueError as e:
        return f"{e}\n{USAGE}"
    note = parts[2].strip()[:200] if len(parts) > 2 else ""  # as stored (the column holds 200)
    by = f"{ctx.msg.chat.channel}:{ctx.msg.sender.user_id}"
    if verb in ADD_WORDS:
        reply = _add(ctx, day, note, by)
        action = f"them {day.isoformat()} {note}".strip()
    else:
        reply, changed = _remove(ctx, day, note, by)
        if not changed:
            return reply
        action = f"bo {day.isoformat()} {note}".strip()
    record(ctx.session, ctx.now(), ctx.msg, "ngaynghi", action)
    return reply


def _add(ctx: Context, day: date, note: str, by: str) -> str:
    set_override(ctx.session, day, True, note or ADMIN_DAY_OFF, by)
    return (f"Đã thêm ngày nghỉ {format_date_vi(day)}" + (f" ({note})" if note else "") +
            ". Lịch nhắc sẽ được tính lại: không nhắc vào ngày này.")


def _remove(ctx: Context, day: date, note: str, by: str) -> tuple[str, bool]:
    had = ctx.session.get(DayOverride, day)
    had_off = had is not None and had.day_off
    remove_override(ctx.session, day)
    base = WorkCalendar({d: v for d, v in load_overrides(ctx.session).items() if d != day})
    if base.is_day_off(day):
        reason = base.holiday_name(day)
        set_override(ctx.session, day, False, note or f"Làm việc thay cho: {reason}", by)
        return (f"Đã đặt {format_date_vi(day)} là ngày làm việc (trước đó: {reason}). "
                "Lịch nhắc sẽ được tính lại.", True)
    if had_off:
        return f"Đã bỏ ngày nghỉ {format_date_vi(day)} do quản trị viên thêm; ngày này là ngày làm việc.", True
    if had is not None:
        return f"Đã bỏ điều chỉnh của ngày {format_date_vi(day)}; ngày này vốn là ngày làm việc.", True
    return f"{format_date_vi(day)} vốn là ngày làm việc; không có gì thay đổi.", False
