"""The calendar export parses back with icalendar: one all-day event per occurrence, with alarms."""
from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from scheduler.daysoff import calendar_for
from scheduler.ics import deadlines_calendar
from scheduler.repo import list_deadlines
from scheduler.units import find_unit, list_units
from tests.scheduler.test_engine import seed


def export(app, clock, unit_name=None):  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        unit = find_unit(s, unit_name) if unit_name else None
        return Calendar.from_ical(deadlines_calendar(list_deadlines(s), list_units(s), calendar_for(s),
                                                     start=date(2026, 11, 25), end=date(2027, 12, 31),
                                                     now=clock.now(), unit=unit))


def test_events_parse_back(app, clock):
    seed(app)
    seed(app, rule="chậm nhất ngày 30/01 hằng năm", units=(), audience=("so",), code="khcchc")
    cal = export(app, clock)
    events = cal.walk("VEVENT")
    uids = sorted(str(e["UID"]) for e in events)
    assert "cchc-2026@cchc-bot" in uids and "khcchc-2027@cchc-bot" in uids and len(uids) == 6
    ev = next(e for e in events if str(e["UID"]) == "khcchc-2027@cchc-bot")
    assert ev.decoded("DTSTART") == date(2027, 1, 30) and ev.decoded("DTEND") == date(2027, 1, 31)
    assert "ngày nghỉ" in str(ev["DESCRIPTION"]) and "01/02/2027" in str(ev["DESCRIPTION"])
    assert [a.decoded("TRIGGER") for a in ev.walk("VALARM")] == [timedelta(days=-7), timedelta(days=-3)]


def test_unit_filter(app, clock):
    seed(app)
    seed(app, rule="chậm nhất ngày 30/01 hằng năm", units=(), audience=("so",), code="khcchc")
    uids = {str(e["UID"]) for e in export(app, clock, "UBND xã Tân Lập").walk("VEVENT")}
    assert uids and not any(u.startswith("khcchc") for u in uids)
