"""/ngaynghi (admin): list the coming days off, add a day off, restore a working day."""
from __future__ import annotations

from datetime import date, timedelta

from handlers.context import Context
from handlers.registry import command
from bot.core.vietnamese import fold
from scheduler.daysoff import list_overrides
from scheduler.usecases import daysoff as cases
from scheduler.vi_dates import format_date_vi, parse_date_vi
from scheduler.workdays import ADMIN_DAY_OFF, ANNOUNCED_THROUGH, ESTIMATE_MARK, WorkCalendar

HORIZON_DAYS = 90
USAGE = ("Cú pháp:\n/ngaynghi — xem ngày nghỉ 90 ngày tới\n"
         "/ngaynghi them <ngày> [ghi chú] — thêm ngày nghỉ, ví dụ: /ngaynghi them 2/1/2027 Nghỉ bù\n"
         "/ngaynghi bo <ngày> — bỏ điều chỉnh của quản trị viên (trở lại như lịch), ví dụ: /ngaynghi bo 2/1/2027\n"
         "/ngaynghi lamviec <ngày> [ghi chú] — đặt một ngày nghỉ (Thứ Bảy, Chủ Nhật, lễ) là ngày làm việc, "
         "ví dụ: /ngaynghi lamviec 9/1/2027 Làm bù")
ADD_WORDS = {"them", "add", "nghi", "+"}
REMOVE_WORDS = {"bo", "xoa", "remove", "-"}
WORK_WORDS = {"lamviec", "lam", "lambu", "work"}


def _estimate(cal: WorkCalendar, d: date) -> str:
    return f" {ESTIMATE_MARK}" if cal.is_estimate(d) else ""


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
        lines.append(f"• {format_date_vi(d)} — {name}{_estimate(cal, d)}")
    if not off:
        lines.append("• Không có ngày nghỉ lễ nào.")
    working = [(d, notes.get(d)) for d in _days(start, end)
               if cal.is_working_day(d) and (d.weekday() >= 5 or d in notes)]
    if working:
        lines += ["", "Ngày làm việc đặc biệt:"]
        for d, o in working:
            why = (o.note if o is not None and o.note else "quản trị viên đặt là ngày làm việc") if o is not None else "làm bù"
            lines.append(f"• {format_date_vi(d)} — {why}{_estimate(cal, d)}")
    if any(d.year > ANNOUNCED_THROUGH for d in (start, end)):
        lines += ["", f"«{ESTIMATE_MARK}»: năm {ANNOUNCED_THROUGH + 1} trở đi Chính phủ chưa công bố lịch nghỉ; "
                      "ngày được ước tính theo quy tắc (Tết âm lịch, nghỉ bù) cho đến khi quản trị viên điều chỉnh."]
    lines += ["", "Lịch lấy từ gói holidays, cộng các điều chỉnh của quản trị viên.", USAGE]
    return "\n".join(lines)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@command("ngaynghi", "Xem, thêm, bỏ ngày nghỉ; đặt ngày làm việc", usage="/ngaynghi [them|bo|lamviec <ngày> [ghi chú]]",
         action=cases.DAYS_OFF, order=80)
async def days_off(ctx: Context) -> str:
    today = ctx.now().date()
    parts = ctx.args.split(maxsplit=2)
    if not parts:
        return upcoming(ctx.session, today)
    verb = fold(parts[0])
    if verb == "lam" and len(parts) > 1 and fold(parts[1]) in ("viec", "bu"):
        parts = [parts[0], *ctx.args.split(maxsplit=3)[2:]]
        verb = "lamviec"
    if verb not in ADD_WORDS | REMOVE_WORDS | WORK_WORDS:
        return f"Không hiểu «{parts[0]}».\n{USAGE}"
    if len(parts) < 2:
        return f"Thiếu ngày.\n{USAGE}"
    try:
        day = parse_date_vi(parts[1], today=today)
    except ValueError as e:
        return f"{e}\n{USAGE}"
    note = parts[2] if len(parts) > 2 else ""
    if verb in ADD_WORDS:
        added = cases.add_day_off(ctx.session, ctx.now(), ctx.actor, day, note)
        return (f"Đã thêm ngày nghỉ {format_date_vi(day)}" + (f" ({added.note})" if added.note else "") +
                ". Lịch nhắc sẽ được tính lại: không nhắc vào ngày này.")
    if verb in WORK_WORDS:
        return _working(cases.set_working_day(ctx.session, ctx.now(), ctx.actor, day, note))
    return _removed(cases.remove_adjustment(ctx.session, ctx.now(), ctx.actor, day, note))


def _working(done: cases.WorkingDaySet) -> str:
    day = done.day
    if done.outcome == "admin_day_off_removed":
        return f"Đã bỏ ngày nghỉ do quản trị viên thêm; {format_date_vi(day)} là ngày làm việc."
    if done.outcome == "unchanged":
        return f"{format_date_vi(day)} vốn là ngày làm việc; không có gì thay đổi."
    return (f"Đã đặt {format_date_vi(day)} là ngày làm việc (theo lịch: {done.holiday}). Lịch nhắc sẽ được tính lại. "
            f"Bỏ điều chỉnh này: /ngaynghi bo {day:%d/%m/%Y}.")


def _removed(done: cases.AdjustmentRemoved) -> str:
    day = done.day
    cal = WorkCalendar()
    own = f"theo lịch là ngày nghỉ ({cal.holiday_name(day)})" if cal.is_day_off(day) else "theo lịch là ngày làm việc"
    if done.removed is None:
        hint = (f" Để làm việc vào ngày này: /ngaynghi lamviec {day:%d/%m/%Y}." if cal.is_day_off(day)
                else f" Để thêm ngày nghỉ: /ngaynghi them {day:%d/%m/%Y}.")
        return f"{format_date_vi(day)} không có điều chỉnh nào của quản trị viên ({own}).{hint}"
    what = "ngày nghỉ do quản trị viên thêm" if done.removed == "day_off" else "ngày làm việc do quản trị viên đặt"
    return (f"Đã bỏ {what} {format_date_vi(day)}; ngày này trở lại như lịch: "
            f"{own}{_estimate(cal, day)}. Lịch nhắc sẽ được tính lại.")
