"""The due-rule parser: every pattern with and without diacritics, period boundaries, cut-offs, refusals."""
from __future__ import annotations

from datetime import date

import pytest

from bot.core.vietnamese import strip_diacritics
from scheduler.rules import RuleError, parse_rule

D = date


def both(text: str) -> list[str]:
    """The rule as written and typed without diacritics."""
    return [text, strip_diacritics(text)]


def dues(rule: str, start: date, count: int = 4) -> list[date]:
    return [o.due for o in parse_rule(rule).occurrences(start, count)]


def periods(rule: str, start: date, count: int = 4) -> list[str]:
    return [o.period for o in parse_rule(rule).occurrences(start, count)]


@pytest.mark.parametrize("rule", both("chậm nhất ngày 30/01 hằng năm") + both("muộn nhất ngày 30.01 hàng năm")
                         + both("chậm nhất ngày 30/01 của năm kế hoạch") + ["Hằng năm, chậm nhất ngày 30-01",
                                                                             "ngày 30 tháng 01 hằng năm"])
def test_annual_inclusive(rule):
    r = parse_rule(rule)
    assert r.recurring
    assert dues(rule, D(2026, 11, 25), 3) == [D(2027, 1, 30), D(2028, 1, 30), D(2029, 1, 30)]
    assert periods(rule, D(2026, 11, 25), 2) == ["2027", "2028"]
    assert "30/01" in r.understood()


@pytest.mark.parametrize("rule", both("trước ngày 15/6 hằng năm"))
def test_annual_strictly_before(rule):
    assert dues(rule, D(2027, 1, 1), 2) == [D(2027, 6, 14), D(2028, 6, 14)]
    assert "14/06" in parse_rule(rule).understood()


def test_annual_boundary_due_on_start_is_included_and_the_day_after_is_next_year():
    assert dues("chậm nhất ngày 30/01 hằng năm", D(2027, 1, 30), 1) == [D(2027, 1, 30)]
    assert dues("chậm nhất ngày 30/01 hằng năm", D(2027, 1, 31), 1) == [D(2028, 1, 30)]


def test_strictly_before_the_first_of_january_is_new_years_eve():
    assert dues("trước ngày 01/01 hằng năm", D(2026, 12, 1), 2) == [D(2026, 12, 31), D(2027, 12, 31)]


@pytest.mark.parametrize("rule", both("ngày 10 tháng cuối quý") + both("chậm nhất ngày 10 của tháng cuối quý"))
def test_day_of_last_month_of_quarter(rule):
    occ = parse_rule(rule).occurrences(D(2026, 12, 11), 5)
    assert [o.due for o in occ] == [D(2027, 3, 10), D(2027, 6, 10), D(2027, 9, 10), D(2027, 12, 10), D(2028, 3, 10)]
    assert [o.period for o in occ] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"]
    assert occ[0].label == "Quý I/2027"
    # Điều 12: 15th of the month before the quarter to the 14th of its last month
    assert occ[0].cutoff == (D(2026, 12, 15), D(2027, 3, 14))
    assert occ[1].cutoff == (D(2027, 3, 15), D(2027, 6, 14))
    assert occ[3].cutoff == (D(2027, 9, 15), D(2027, 12, 14))


@pytest.mark.parametrize("rule", both("trước ngày 10 của tháng cuối quý"))
def test_strictly_before_day_of_last_month_of_quarter(rule):
    assert dues(rule, D(2027, 1, 1)) == [D(2027, 3, 9), D(2027, 6, 9), D(2027, 9, 9), D(2027, 12, 9)]


@pytest.mark.parametrize("rule", both("chậm nhất ngày 15 tháng đầu quý sau"))
def test_first_month_of_next_quarter_reports_the_previous_quarter(rule):
    occ = parse_rule(rule).occurrences(D(2026, 11, 25), 5)
    assert [o.due for o in occ] == [D(2027, 1, 15), D(2027, 4, 15), D(2027, 7, 15), D(2027, 10, 15), D(2028, 1, 15)]
    assert [o.period for o in occ] == ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert occ[0].cutoff == (D(2026, 9, 15), D(2026, 12, 14))


@pytest.mark.parametrize("rule", both("ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"))
def test_cchc_report_set(rule):
    r = parse_rule(rule)
    occ = r.occurrences(D(2027, 1, 1), 5)
    assert [o.period for o in occ] == ["2027-Q1", "2027-H1", "2027-Q3", "2027", "2028-Q1"]
    assert [o.due for o in occ] == [D(2027, 3, 20), D(2027, 6, 20), D(2027, 9, 20), D(2027, 12, 20), D(2028, 3, 20)]
    assert [o.label for o in occ[:4]] == ["Quý I/2027", "6 tháng đầu năm 2027", "Quý III/2027", "Năm 2027"]
    assert [o.cutoff for o in occ[:4]] == [
        (D(2026, 12, 15), D(2027, 3, 14)),
        (D(2026, 12, 15), D(2027, 6, 14)),
        (D(2027, 6, 15), D(2027, 9, 14)),
        (D(2026, 12, 15), D(2027, 12, 14)),
    ]
    assert "Quý I" in r.understood() and "15/12–14/3" in r.understood()


def test_report_set_with_unit_day_strictly_before():
    assert dues("trước ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm", D(2027, 1, 1)) == [
        D(2027, 3, 9), D(2027, 6, 9), D(2027, 9, 9), D(2027, 12, 9)]


def test_report_set_refuses_unknown_periods():
    with pytest.raises(RuleError):
        parse_rule("ngày 20 tháng cuối kỳ báo cáo quý I và tuần")


@pytest.mark.parametrize("rule", both("ngày 5 hằng tháng") + ["chậm nhất ngày 5 hàng tháng"])
def test_monthly(rule):
    occ = parse_rule(rule).occurrences(D(2026, 12, 6), 3)
    assert [o.due for o in occ] == [D(2027, 1, 5), D(2027, 2, 5), D(2027, 3, 5)]
    # a due day up to the 14th reports the previous month (cut-off 15th–14th)
    assert [o.period for o in occ] == ["2026-12", "2027-01", "2027-02"]
    assert occ[0].cutoff == (D(2026, 11, 15), D(2026, 12, 14))


def test_monthly_day_31_is_the_last_day_of_short_months():
    assert dues("ngày 31 hằng tháng", D(2027, 2, 1), 2) == [D(2027, 2, 28), D(2027, 3, 31)]


@pytest.mark.parametrize("rule", both("trong quý III/2027") + ["trong quý 3/2027", "quý III năm 2027"])
def test_in_quarter(rule):
    r = parse_rule(rule)
    assert not r.recurring
    [o] = r.occurrences(D(2000, 1, 1), 5)
    assert (o.period, o.label, o.due, o.window_start) == ("2027-Q3", "Quý III/2027", D(2027, 9, 30), D(2027, 7, 1))


@pytest.mark.parametrize("rule", both("Thời hạn trình UBND tỉnh: trong quý IV/2017"))
def test_in_quarter_after_a_label(rule):
    [o] = parse_rule(rule).occurrences(D(2017, 1, 1), 1)
    assert o.due == D(2017, 12, 31)


@pytest.mark.parametrize("rule", both("trong tháng 6-7/2027") + ["trong tháng 6 - 7/2027"])
def test_month_range(rule):
    [o] = parse_rule(rule).occurrences(D(2027, 1, 1), 1)
    assert (o.period, o.label, o.due, o.window_start) == ("2027-06..07", "Tháng 6-7/2027", D(2027, 7, 31),
                                                          D(2027, 6, 1))


def test_single_month():
    [o] = parse_rule("trong tháng 2/2028").occurrences(D(2028, 1, 1), 1)
    assert (o.period, o.due, o.window_start) == ("2028-02", D(2028, 2, 29), D(2028, 2, 1))


@pytest.mark.parametrize("rule", ["30/01/2027", "30-01-2027", "30.01.2027", "2027-01-30", "ngày 30 tháng 01 năm 2027",
                                  "ngay 30 thang 1 nam 2027", "chậm nhất ngày 30/01/2027", "cham nhat ngay 30/1/2027"])
def test_single_date(rule):
    r = parse_rule(rule)
    assert not r.recurring
    [o] = r.occurrences(D(2027, 1, 1), 3)
    assert (o.period, o.due) == ("2027-01-30", D(2027, 1, 30))
    assert r.occurrences(D(2027, 1, 31), 3) == []


def test_single_date_strictly_before():
    assert dues("trước ngày 01/03/2027", D(2027, 1, 1)) == [D(2027, 2, 28)]


@pytest.mark.parametrize("rule,period,due", [
    ("6 tháng đầu năm 2026", "2026-H1", D(2026, 6, 30)),
    ("6 thang dau nam 2026", "2026-H1", D(2026, 6, 30)),
    ("6 tháng cuối năm 2026", "2026-H2", D(2026, 12, 31)),
    ("năm 2026", "2026", D(2026, 12, 31)),
    ("trong năm 2026", "2026", D(2026, 12, 31)),
])
def test_half_year_and_year(rule, period, due):
    [o] = parse_rule(rule).occurrences(D(2026, 1, 1), 1)
    assert (o.period, o.due) == (period, due)


@pytest.mark.parametrize("rule", both("trong thời hạn 05 ngày làm việc kể từ 15/3/2027"))
def test_working_days_from_a_date(rule):
    [o] = parse_rule(rule).occurrences(D(2027, 1, 1), 1)
    assert o.due == D(2027, 3, 22)  # Mon 15/3 + 5 working days, skipping the weekend


def test_working_days_across_tet_2027():
    # Wed 3/2/2027 + 2 working days: Tết runs 4/2–10/2, so Thu 11/2 and Fri 12/2
    [o] = parse_rule("trong thời hạn 02 ngày làm việc kể từ ngày 03/02/2027").occurrences(D(2027, 1, 1), 1)
    assert o.due == D(2027, 2, 12)


def test_working_days_use_the_given_calendar():
    from scheduler.workdays import WorkCalendar
    cal = WorkCalendar({D(2027, 3, 16): True})
    [o] = parse_rule("trong thời hạn 05 ngày làm việc kể từ 15/3/2027", calendar=cal).occurrences(D(2027, 1, 1), 1)
    assert o.due == D(2027, 3, 23)


def test_calendar_days_from_a_date():
    assert dues("trong thời hạn 10 ngày kể từ 25/12/2026", D(2026, 1, 1)) == [D(2027, 1, 4)]


@pytest.mark.parametrize("rule", ["thường xuyên", "thuong xuyen", "đột xuất", "dot xuat", "theo yêu cầu",
                                  "theo yeu cau", "từ tháng 5/2017", "tu thang 5/2017",
                                  "định kỳ hằng quý, 6 tháng, hằng năm hoặc đột xuất"])
def test_no_due_date(rule):
    with pytest.raises(RuleError, match="không có ngày hạn cụ thể"):
        parse_rule(rule)


@pytest.mark.parametrize("rule", ["hằng quý", "định kỳ hằng năm"])
def test_recurrence_without_a_day(rule):
    with pytest.raises(RuleError, match="chưa nêu ngày"):
        parse_rule(rule)


def test_event_anchor_without_a_date():
    with pytest.raises(RuleError, match="ngày bắt đầu"):
        parse_rule("trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản")


@pytest.mark.parametrize("rule", ["31/02/2027", "30/02/2027", "ngày 31 tháng 4 năm 2027", "30/02 hằng năm",
                                  "31/04 hằng năm", "29/02 hằng năm", "32/01/2027", "15/13/2027", "ngày 0 hằng tháng",
                                  "ngày 32 tháng cuối quý", "trong tháng 13/2027", "trong tháng 7-6/2027"])
def test_impossible_dates(rule):
    with pytest.raises(RuleError):
        parse_rule(rule)


def test_missing_year_is_explained():
    with pytest.raises(RuleError, match="thiếu năm"):
        parse_rule("chậm nhất ngày 28/02")


@pytest.mark.parametrize("rule", ["", "   ", "xyz", "nộp sớm nhé", "ngày mai"])
def test_unknown_rules_get_a_short_example(rule):
    with pytest.raises(RuleError) as e:
        parse_rule(rule)
    msg = str(e.value)
    assert ("ví dụ" in msg.lower() or "dạng gần nhất" in msg.lower()) and len(msg) <= 300, msg


def test_nfc_and_nfd_input_are_the_same():
    import unicodedata
    nfd = unicodedata.normalize("NFD", "chậm nhất ngày 30/01 hằng năm")
    assert dues(nfd, D(2027, 1, 1), 1) == [D(2027, 1, 30)]


def test_occurrences_between_is_inclusive_and_sorted():
    r = parse_rule("ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm")
    got = r.occurrences_between(D(2027, 3, 20), D(2027, 12, 20))
    assert [o.period for o in got] == ["2027-Q1", "2027-H1", "2027-Q3", "2027"]
    assert r.occurrences_between(D(2027, 3, 21), D(2027, 6, 19)) == []
    once = parse_rule("trong quý III/2027")
    assert [o.period for o in once.occurrences_between(D(2027, 1, 1), D(2027, 12, 31))] == ["2027-Q3"]
    assert once.occurrences_between(D(2027, 10, 1), D(2027, 12, 31)) == []


def test_year_boundary_ordering_of_quarterly_rules():
    assert periods("chậm nhất ngày 15 tháng đầu quý sau", D(2027, 12, 31), 2) == ["2027-Q4", "2028-Q1"]
    assert dues("ngày 10 tháng cuối quý", D(2027, 12, 11), 1) == [D(2028, 3, 10)]


@pytest.mark.parametrize("rule", both("ngày 20/3, 20/6, 20/9 và 20/12 hằng năm"))
def test_list_of_yearly_dates(rule):
    occ = parse_rule(rule).occurrences(D(2026, 11, 25), 3)
    # four dates three months apart are the quarters they close
    assert [(o.period, o.due) for o in occ] == [("2026-Q4", D(2026, 12, 20)), ("2027-Q1", D(2027, 3, 20)),
                                                ("2027-Q2", D(2027, 6, 20))]
    with pytest.raises(RuleError):
        parse_rule("ngày 20/3 và 31/6 hằng năm")
