"""Due-rule forms added in the third round: days listed with a month's end, a last week, months in parentheses,
counts a year checked, the work's year before a dated rule, offsets from an event's date."""
from __future__ import annotations

from datetime import date

import pytest

from scheduler.rules import parse_rule
from tests.scheduler.rule_checks import CAL, dues, refused

D = date


@pytest.mark.parametrize("rule,start,want", [
    # a day of each month and the month's last day, whatever its length
    ("ngày 15 hằng tháng và ngày cuối tháng", D(2027, 2, 1), [D(2027, 2, 15), D(2027, 2, 28), D(2027, 3, 15), D(2027, 3, 31)]),
    ("Cập nhật số liệu: chậm nhất ngày 10 và ngày cuối cùng hằng tháng", D(2028, 2, 11),
     [D(2028, 2, 29), D(2028, 3, 10), D(2028, 3, 31), D(2028, 4, 10)]),
    ("trước ngày 15 hằng tháng và ngày cuối tháng", D(2027, 4, 1), [D(2027, 4, 14), D(2027, 4, 29), D(2027, 5, 14), D(2027, 5, 30)]),
    # within the last week of a period: by its last day
    ("tuần cuối của tháng cuối quý", D(2027, 4, 1), [D(2027, 6, 30), D(2027, 9, 30), D(2027, 12, 31), D(2028, 3, 31)]),
    ("Rà soát hồ sơ trong tuần cuối tháng 12 hằng năm", D(2027, 1, 1), [D(2027, 12, 31), D(2028, 12, 31)]),
    # months named in parentheses, the day after them
    ("6 tháng một lần (tháng 6 và tháng 12), chậm nhất ngày 15", D(2027, 7, 1), [D(2027, 12, 15), D(2028, 6, 15)]),
    ("Định kỳ 6 tháng (trước ngày 20/5 và 20/11 hằng năm) gửi báo cáo tự đánh giá", D(2027, 6, 1),
     [D(2027, 11, 19), D(2028, 5, 19)]),
    # a count a year with as many dates
    ("Mỗi năm 2 lần, chậm nhất ngày 5 tháng 4 và ngày 5 tháng 10, gửi báo cáo", D(2027, 5, 1),
     [D(2027, 10, 5), D(2028, 4, 5)]),
    ("Hằng năm 2 kỳ: hạn 31/5 và 30/11 nộp báo cáo", D(2027, 6, 1), [D(2027, 11, 30), D(2028, 5, 31)]),
    # "Định kỳ quý" with the quarter's days listed as days of the year
    ("Định kỳ quý, hạn 25/3, 25/6, 25/9 và 25/12", D(2027, 7, 1), [D(2027, 9, 25), D(2027, 12, 25), D(2028, 3, 25)]),
    # "tháng sau" / "năm sau" before the task's words
    ("hằng tháng, chậm nhất ngày 07 tháng sau gửi số liệu thống kê", D(2027, 3, 8), [D(2027, 4, 7), D(2027, 5, 7)]),
    ("Định kỳ hằng tháng, trước ngày 04 của tháng liền kề sau kỳ báo cáo", D(2027, 3, 1), [D(2027, 3, 3), D(2027, 4, 3)]),
    # "riêng" naming the work, not an exception
    ("gửi báo cáo riêng về chuyển đổi số trước 15/11/28", D(2028, 1, 1), [D(2028, 11, 14)]),
    # the work's year before a dated rule
    ("Nộp hồ sơ thi đua năm 2028 chậm nhất ngày 15 tháng 01 năm 2029", D(2028, 10, 1), [D(2029, 1, 15)]),
    # report periods each with their month
    ("Báo cáo quý II và quý IV gửi Sở trong tháng 6 và tháng 12", D(2027, 2, 1), [D(2027, 6, 30), D(2027, 12, 31)]),
    # N working days before another rule or an event's date
    ("báo cáo quý gửi Sở trước 3 ngày làm việc tính đến ngày 25 tháng cuối quý", D(2027, 4, 1),
     [D(2027, 6, 22), D(2027, 9, 22), D(2027, 12, 22)]),
    ("Gửi tài liệu trước 2 ngày làm việc so với ngày hội nghị sơ kết 18/8/2027", D(2027, 8, 1), [D(2027, 8, 16)]),
])
def test_round3_forms(rule: str, start: date, want: list[date]) -> None:
    assert dues(rule, start, len(want)) == want


def test_weekly_work_about_next_week() -> None:
    """'lịch công tác tuần sau' is the work's week; the due is the weekday each week."""
    assert dues("Gửi lịch công tác tuần sau vào thứ 6 hằng tuần", D(2027, 1, 4), 2) == [D(2027, 1, 8), D(2027, 1, 15)]


@pytest.mark.parametrize("rule,says", [
    # a count a year that the dates do not give
    ("Hai lần mỗi năm, chậm nhất ngày 10 tháng 7", "2 lần mỗi năm"),
    ("hằng năm 2 kỳ: chậm nhất 30/6", "2 lần mỗi năm"),
    # a quarterly frame with two days of the year
    ("hằng quý, hạn 15/3 và 15/9", "Chưa rõ ý"),
    # periods whose months do not follow them
    ("Báo cáo quý I và quý III gửi Sở trong tháng 6 và tháng 12", "Không hiểu"),
    # (a month of the next year for the second half is not paired yet: refused rather than mislabelled)
    ("Báo cáo 6 tháng đầu năm và 6 tháng cuối năm gửi Sở trong tháng 7 và tháng 1", "Không hiểu"),
    # a rule read with its parenthesised words is checked like any other: a choice, an unsupported spacing
    ("(trước ngày 10/6) hoặc 20/6", "chọn giữa hai ngày"),
    ("Báo cáo (2 tháng một lần, trước ngày 10/6 và 10/12 hằng năm)", "chưa được hỗ trợ"),
    # "riêng" before a period stays an exception (refused: nothing said for it)
    ("chậm nhất ngày 10 tháng cuối quý, riêng quý IV", "riêng"),
])
def test_round3_refusals(rule: str, says: str) -> None:
    assert says in refused(rule)


def test_canonical_of_last_day_list_reads_back() -> None:
    rule = parse_rule("ngày 15 hằng tháng và ngày cuối tháng", CAL)
    again = parse_rule(rule.canonical, CAL)
    start = D(2027, 1, 1)
    assert [o.due for o in again.occurrences(start, 6)] == [o.due for o in rule.occurrences(start, 6)]


def test_half_year_list_pairs_each_half_with_the_date_after_it() -> None:
    """'6 tháng một lần, hạn 15/7 và 15/01 năm sau': 15/01 is the second half's report of the year before."""
    rule = parse_rule("6 tháng một lần, hạn 15/7 và 15/01 năm sau, gửi báo cáo", CAL)
    got = [(o.period, o.due) for o in rule.occurrences(D(2027, 1, 1), 3)]
    assert got == [("2026-H2", D(2027, 1, 15)), ("2027-H1", D(2027, 7, 15)), ("2027-H2", D(2028, 1, 15))]
