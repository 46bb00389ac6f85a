"""Vietnamese weekday names, date display and the date parser used by /ngaynghi."""
from __future__ import annotations

from datetime import date

import pytest

from scheduler.vi_dates import format_date_vi, parse_date_vi, weekday_vi

TODAY = date(2026, 11, 25)


def test_weekdays_and_format():
    assert [weekday_vi(date(2027, 3, 15 + i)) for i in range(7)] == [
        "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
    assert format_date_vi(date(2027, 3, 15)) == "Thứ Hai, 15/03/2027"


@pytest.mark.parametrize("text", ["15/3/2027", "15-03-2027", "15.03.2027", "2027-03-15", "ngày 15 tháng 3 năm 2027",
                                  "ngay 15 thang 3 nam 2027", " 15 / 03 / 2027 ", "15/3/27"])
def test_accepted_forms(text):
    assert parse_date_vi(text, TODAY) == date(2027, 3, 15)


def test_without_year_takes_the_next_such_day():
    assert parse_date_vi("2/1", TODAY) == date(2027, 1, 2)
    assert parse_date_vi("25/11", TODAY) == date(2026, 11, 25)
    assert parse_date_vi("29/2", TODAY) == date(2028, 2, 29)
    assert parse_date_vi("hôm nay", TODAY) == TODAY


@pytest.mark.parametrize("text,match", [
    ("31/02/2027", "không có thật"), ("30/02/2027", "không có thật"), ("29/02/2027", "không có thật"),
    ("abc", "Không hiểu"), ("", "Không hiểu"), ("2/1", "Thiếu năm"), ("1/1/1800", "ngoài khoảng"),
])
def test_refused(text, match):
    with pytest.raises(ValueError, match=match):
        parse_date_vi(text, None if text == "2/1" else TODAY)


def test_leap_day_in_a_leap_year():
    assert parse_date_vi("29/02/2028") == date(2028, 2, 29)


def test_dates_pasted_from_word_lose_their_invisible_characters():
    assert parse_date_vi("\ufeff15\u200b/3/2027\u00a0") == date(2027, 3, 15)
