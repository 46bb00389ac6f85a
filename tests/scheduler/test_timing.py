"""Reminder times: never on a day off, never two on one day, at 08:00 Asia/Ho_Chi_Minh."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.core.clock import VN_TZ
from scheduler.timing import parse_leads, parse_time, reminder_times
from scheduler.workdays import WorkCalendar

D = date
CAL = WorkCalendar()


def at8(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 8, 0, tzinfo=VN_TZ)


def test_plain_week():
    got = reminder_times(D(2027, 3, 10), [7, 3, 1, 0], CAL)  # Wednesday
    assert got == [(7, at8(2027, 3, 3)), (3, at8(2027, 3, 5)), (1, at8(2027, 3, 9)), (0, at8(2027, 3, 10))]
    assert got[0][1].isoformat() == "2027-03-03T08:00:00+07:00"


def test_due_on_a_saturday_moves_lead_zero_to_friday_and_collapses():
    # 20/3/2027 is a Saturday: lead 1 and lead 0 both fall on Friday 19/3; the smaller lead is kept
    got = reminder_times(D(2027, 3, 20), [7, 3, 1, 0], CAL)
    assert got == [(7, at8(2027, 3, 12)), (3, at8(2027, 3, 17)), (0, at8(2027, 3, 19))]


def test_due_in_tet_2027():
    got = reminder_times(D(2027, 2, 10), [7, 3, 1, 0], CAL)
    assert got == [(0, at8(2027, 2, 3))]


def test_30_4_weekend_2027():
    got = reminder_times(D(2027, 5, 3), [7, 3, 1, 0], CAL)
    assert got == [(7, at8(2027, 4, 26)), (0, at8(2027, 4, 29))]


def test_make_up_saturday_can_carry_a_reminder():
    got = reminder_times(D(2026, 8, 24), [2], CAL)  # 22/8/2026 is a working Saturday
    assert got == [(2, at8(2026, 8, 22))]


def test_admin_day_off_is_avoided():
    cal = WorkCalendar({D(2027, 3, 9): True})
    got = reminder_times(D(2027, 3, 10), [1, 0], cal)
    assert got == [(1, at8(2027, 3, 8)), (0, at8(2027, 3, 10))]


def test_negative_leads_ignored_and_custom_time():
    got = reminder_times(D(2027, 3, 10), [-1, 0, 0], CAL, at=time(14, 30))
    assert got == [(0, datetime(2027, 3, 10, 14, 30, tzinfo=VN_TZ))]


def test_never_on_a_day_off_never_twice_a_day_over_two_years():
    day = D(2026, 1, 1)
    while day < D(2028, 1, 1):
        got = reminder_times(day, [14, 7, 3, 2, 1, 0], CAL)
        days = [when.date() for _, when in got]
        assert len(days) == len(set(days))
        assert all(CAL.is_working_day(d) and d <= day for d in days)
        assert days == sorted(days)
        day = D.fromordinal(day.toordinal() + 1)


def test_parse_leads_and_time():
    assert parse_leads("7,3,1,0") == [7, 3, 1, 0]
    assert parse_leads("7 3") == [7, 3]
    assert parse_time("08:00") == time(8, 0)
    for bad in ("a", "", "-1", "999"):
        with pytest.raises(ValueError):
            parse_leads(bad)
    with pytest.raises(ValueError):
        parse_time("25:00")
