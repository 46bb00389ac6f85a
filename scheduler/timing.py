"""When a deadline legally ends and when its reminders fire: pure functions of dates and a calendar."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import VN_TZ
from scheduler.leads import LEGAL_DAY, MAX_ESCALATION_DAYS, escalation
from scheduler.workdays import WorkCalendar


def legal_due(due: date, cal: WorkCalendar) -> date:
    """Civil Code art. 148.5: a time limit ending on a day off ends on the next working day."""
    return cal.next_working_day(due)


def reminder_times(
    due: date,
    leads: Sequence[int],
    cal: WorkCalendar,
    at: time = time(8, 0),
    tz: ZoneInfo = VN_TZ,
) -> list[tuple[int, datetime]]:
    """(lead, aware datetime) of each reminder, earliest first.

    A lead of n days fires n days before the nominal `due`, moved back to the previous working
    day when that day is off. Negative leads are ignored. When several leads land on the same
    day only one fires: the smallest lead, i.e. the one closest to the deadline, is kept.
    """
    by_day: dict[date, int] = {}
    for lead in sorted({int(x) for x in leads if int(x) >= 0}):
        day = cal.previous_working_day(due - timedelta(days=lead))
        by_day.setdefault(day, lead)
    return sorted(((lead, datetime.combine(day, at, tzinfo=tz)) for day, lead in by_day.items()),
                  key=lambda pair: pair[1])


def escalation_days(legal: date, cal: WorkCalendar, days: int) -> list[date]:
    """The first `days` working days after the legal due date: the days a unit that has not confirmed is reminded."""
    out: list[date] = []
    d = legal
    for _ in range(max(0, min(days, MAX_ESCALATION_DAYS))):
        d = cal.add_working_days(d, 1)
        out.append(d)
    return out


def period_reminders(
    due: date,
    leads: Sequence[int],
    cal: WorkCalendar,
    at: time = time(8, 0),
    tz: ZoneInfo = VN_TZ,
    *,
    escalate: int = 0,
) -> list[tuple[int, datetime]]:
    """Every reminder of one period, earliest first: the leads, the legal last day, then the escalation days.

    When the due date is a day off the leads fall before it (reminders come before the nominal date)
    and the legal due date itself gets a reminder too (lead `LEGAL_DAY`), unless one is already on
    that day. After the legal due date, `escalate` working days get one reminder each.
    """
    out = reminder_times(due, leads, cal, at, tz)
    legal = legal_due(due, cal)
    if out and legal != due and all(when.date() != legal for _, when in out):
        out.append((LEGAL_DAY, datetime.combine(legal, at, tzinfo=tz)))
    out += [(escalation(k), datetime.combine(day, at, tzinfo=tz))
            for k, day in enumerate(escalation_days(legal, cal, escalate), start=1)]
    return out


def parse_leads(text: str) -> list[int]:
    """'7,3,1,0' -> [7, 3, 1, 0]; raises ValueError with a Vietnamese message."""
    try:
        leads = [int(x) for x in text.replace(";", ",").replace(" ", ",").split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"Số ngày nhắc trước không hợp lệ: «{text}». Ví dụ: 7,3,1,0") from None
    if not leads or any(x < 0 or x > 366 for x in leads):
        raise ValueError(f"Số ngày nhắc trước phải từ 0 đến 366, ví dụ: 7,3,1,0 (đã nhận «{text}»)")
    return leads


def parse_time(text: str) -> time:
    """'08:00' -> time(8, 0); raises ValueError with a Vietnamese message."""
    try:
        hh, mm = text.strip().split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise ValueError(f"Giờ nhắc không hợp lệ: «{text}». Ví dụ: 08:00") from None
