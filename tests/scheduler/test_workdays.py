"""The working-day calendar against the `holidays` package (0.109) and admin overrides."""
from __future__ import annotations

from datetime import date

import pytest

from scheduler.timing import legal_due
from scheduler.workdays import ADMIN_DAY_OFF, WorkCalendar

D = date
CAL = WorkCalendar()


@pytest.mark.parametrize("day", [D(2027, 2, 4), D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 8), D(2027, 2, 10)])
def test_tet_2027_is_off(day):
    assert CAL.is_day_off(day)


def test_tet_2027_names():
    assert CAL.holiday_name(D(2027, 2, 6)) == "Tết Nguyên Đán"
    assert "Tết" in CAL.holiday_name(D(2027, 2, 10))
    assert CAL.is_working_day(D(2027, 2, 11))


def test_giotohung_vuong_by_the_lunar_calendar():
    assert "Giỗ Tổ Hùng Vương" in CAL.holiday_name(D(2027, 4, 16))
    assert "Giỗ Tổ Hùng Vương" in CAL.holiday_name(D(2026, 4, 26))
    assert "nghỉ bù" in CAL.holiday_name(D(2026, 4, 27))  # 26/4/2026 is a Sunday


def test_30_4_and_1_5_weekend_2027_gives_a_compensatory_monday():
    assert CAL.is_day_off(D(2027, 4, 30))  # Friday
    assert CAL.is_day_off(D(2027, 5, 1))  # Saturday
    assert CAL.is_day_off(D(2027, 5, 3))
    assert "nghỉ bù" in CAL.holiday_name(D(2027, 5, 3))
    assert CAL.is_working_day(D(2027, 5, 4))


def test_make_up_saturday_2026_is_a_working_day():
    assert D(2026, 8, 22).weekday() == 5
    assert CAL.is_working_day(D(2026, 8, 22))
    assert CAL.holiday_name(D(2026, 8, 22)) is None
    assert CAL.is_day_off(D(2026, 8, 31))  # the day it was swapped for


def test_weekends_are_named():
    assert CAL.holiday_name(D(2026, 11, 28)) == "Thứ Bảy"
    assert CAL.holiday_name(D(2026, 11, 29)) == "Chủ Nhật"
    assert CAL.holiday_name(D(2026, 11, 25)) is None


def test_overrides_win_both_ways():
    cal = WorkCalendar({D(2027, 1, 4): True, D(2027, 2, 8): False})
    assert cal.is_day_off(D(2027, 1, 4)) and cal.holiday_name(D(2027, 1, 4)) == ADMIN_DAY_OFF
    assert cal.is_working_day(D(2027, 2, 8)) and cal.holiday_name(D(2027, 2, 8)) is None
    assert CAL.is_day_off(D(2027, 2, 8))  # the shared package data is untouched


def test_next_and_previous_working_day():
    assert CAL.next_working_day(D(2027, 2, 4)) == D(2027, 2, 11)
    assert CAL.previous_working_day(D(2027, 2, 10)) == D(2027, 2, 3)
    assert CAL.next_working_day(D(2027, 2, 3)) == D(2027, 2, 3)
    assert CAL.previous_working_day(D(2026, 8, 23)) == D(2026, 8, 22)  # the make-up Saturday


def test_add_working_days():
    assert CAL.add_working_days(D(2027, 3, 15), 5) == D(2027, 3, 22)
    assert CAL.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert CAL.add_working_days(D(2027, 2, 11), -1) == D(2027, 2, 3)
    assert CAL.add_working_days(D(2027, 2, 6), 0) == D(2027, 2, 6)


def test_legal_due_civil_code_148_5():
    assert legal_due(D(2027, 3, 20), CAL) == D(2027, 3, 22)  # Saturday -> Monday
    assert legal_due(D(2027, 2, 6), CAL) == D(2027, 2, 11)  # Tết
    assert legal_due(D(2027, 5, 1), CAL) == D(2027, 5, 4)  # 1/5 Saturday, Monday 3/5 nghỉ bù
    assert legal_due(D(2027, 3, 22), CAL) == D(2027, 3, 22)
    assert legal_due(D(2027, 1, 4), WorkCalendar({D(2027, 1, 4): True})) == D(2027, 1, 5)


def test_days_off_between_lists_holidays_not_weekends():
    names = dict(CAL.days_off_between(D(2027, 4, 28), D(2027, 5, 4)))
    assert set(names) == {D(2027, 4, 30), D(2027, 5, 1), D(2027, 5, 3)}
