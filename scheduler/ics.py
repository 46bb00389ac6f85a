"""RFC 5545 calendar of upcoming deadlines (one all-day event per occurrence), built with icalendar."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from scheduler.models import Deadline, Unit
from scheduler.pipeline import for_deadline
from scheduler.vi_dates import format_date_vi
from scheduler.workdays import WorkCalendar

PRODID = "-//Tro ly CCHC//Nhac han bao cao//VI"


def deadlines_calendar(deadlines: Iterable[Deadline], units: Iterable[Unit], cal: WorkCalendar, *, start: date,
                       end: date, now: datetime, unit: Unit | None = None) -> bytes:
    """Every occurrence due in [start, end] of the deadlines addressed to `unit` (all when None)."""
    from scheduler.repo import audience_unit_ids

    units = list(units)
    ical = Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", "Hạn báo cáo CCHC" + (f" — {unit.name}" if unit else ""))
    ical.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for d in deadlines:
        if unit is not None and unit.id not in audience_unit_ids(d, units):
            continue
        for o in for_deadline(d, cal, start=start, until=end) or []:
            ev = Event()
            ev.add("uid", f"{d.code}-{o.period}@cchc-bot")
            ev.add("dtstamp", now)
            ev.add("dtstart", o.due)
            ev.add("dtend", o.due + timedelta(days=1))
            ev.add("summary", f"Hạn: {d.title} — {o.label}")
            lines = [f"Cần nộp: {d.what or d.title}", f"Kỳ: {o.label}"]
            if o.cutoff:
                lines.append(f"Chốt số liệu: {o.cutoff[0]:%d/%m/%Y} – {o.cutoff[1]:%d/%m/%Y}")
            if o.legal_due != o.due:
                lines.append(f"Hạn là ngày nghỉ; theo Điều 148 BLDS hạn tính đến {format_date_vi(o.legal_due)}")
            if d.submit_to:
                lines.append(f"Nộp cho: {d.submit_to}")
            if d.source:
                lines.append(f"Căn cứ: {d.source}")
            lines.append(f"Xác nhận đã nộp: /danop {d.code}")
            ev.add("description", "\n".join(lines))
            ev.add("categories", ["CCHC"])
            ev.add("transp", "TRANSPARENT")
            for lead in sorted({x for x in d.leads if x > 0}, reverse=True)[:2]:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"Còn {lead} ngày: {d.title} — {o.label}")
                alarm.add("trigger", timedelta(days=-lead))
                ev.add_component(alarm)
            ical.add_component(ev)
    return ical.to_ical()
