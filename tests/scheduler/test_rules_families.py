"""The due-rule families of issue 11: each as written, without diacritics, in capitals and pasted from Word."""
from __future__ import annotations

import re
from datetime import date

import pytest

from bot.core.vietnamese import strip_diacritics
from scheduler.rules import RuleError, parse_rule
from scheduler.workdays import WorkCalendar

D = date


def variants(text: str) -> list[str]:
    """As written, without diacritics, upper-case, and with Word's invisible characters and NBSPs."""
    pasted = "\ufeff" + text.replace(" ", "\u00a0", 1).replace("ngày", "ng\u00adày").replace("/", "\u200b/")
    return [text, strip_diacritics(text), text.upper(), pasted]


def dues(rule: str, start: date, count: int = 4) -> list[date]:
    return [o.due for o in parse_rule(rule).occurrences(start, count)]


def occ(rule: str, start: date, count: int = 4) -> list[tuple[str, str, date]]:
    return [(o.period, o.label, o.due) for o in parse_rule(rule).occurrences(start, count)]


@pytest.mark.parametrize("rule", variants("ngày 15 các tháng 1, 4, 7 và 10"))
def test_list_of_months_reports_the_quarter_before(rule):
    assert occ(rule, D(2027, 1, 1)) == [("2026-Q4", "Quý IV/2026", D(2027, 1, 15)), ("2027-Q1", "Quý I/2027", D(2027, 4, 15)),
                                        ("2027-Q2", "Quý II/2027", D(2027, 7, 15)), ("2027-Q3", "Quý III/2027", D(2027, 10, 15))]


@pytest.mark.parametrize("rule", variants("ngày 20 tháng 6 và tháng 12 hằng năm"))
def test_list_of_two_months_six_apart_are_halves(rule):
    assert [p for p, _, _ in occ(rule, D(2027, 1, 1), 2)] == ["2027-H1", "2027-H2"]


@pytest.mark.parametrize("rule", variants("ngày 20/3, 20/6, 20/9 và 20/12 hằng năm") + ["ngày 20/3; 20/6; 20/9; 20/12"])
def test_list_of_dates(rule):
    assert dues(rule, D(2027, 1, 1)) == [D(2027, 3, 20), D(2027, 6, 20), D(2027, 9, 20), D(2027, 12, 20)]


@pytest.mark.parametrize("rule,kind_label,first", [
    ("Báo cáo tháng: ngày 25 hằng tháng", "Tháng 1/2027", D(2027, 1, 25)),
    ("BC tháng - trước ngày 5", "Tháng 12/2026", D(2027, 1, 4)),
    ("Báo cáo quý: chậm nhất ngày 20 tháng cuối quý", "Quý I/2027", D(2027, 3, 20)),
    ("BC năm - chậm nhất ngày 20/12", "Năm 2027", D(2027, 12, 20)),
    ("Báo cáo năm: ngày 15/01 hằng năm", "Năm 2026", D(2027, 1, 15)),
    ("Báo cáo 9 tháng: ngày 20/9 hằng năm", "9 tháng năm 2027", D(2027, 9, 20)),
    ("6 tháng: ngày 20/6 hằng năm", "6 tháng đầu năm 2027", D(2027, 6, 20)),
    ("Báo cáo quý III: chậm nhất ngày 20/9", "Quý III/2027", D(2027, 9, 20)),
    ("Báo cáo tuần: thứ Sáu", "Tuần 04/01–10/01/2027", D(2027, 1, 8)),
    ("Báo cáo năm gửi chậm nhất ngày 20/12", "Năm 2027", D(2027, 12, 20)),
])
def test_report_type_in_front(rule, kind_label, first):
    for text in variants(rule)[:3]:
        [(_, label, due)] = occ(text, D(2027, 1, 3), 1)
        assert (label, due) == (kind_label, first)


def test_report_type_pairs_with_a_list_of_dates():
    got = occ("báo cáo 6 tháng, năm: ngày 15/6 và 15/12 hằng năm", D(2027, 1, 1), 2)
    assert [(p, d) for p, _, d in got] == [("2027-H1", D(2027, 6, 15)), ("2027", D(2027, 12, 15))]


def test_report_set_named_in_parentheses_before_the_rule():
    rule = "Báo cáo CCHC định kỳ (quý I, 6 tháng, quý III, năm): ngày 20 tháng cuối kỳ"
    assert [p for p, _, _ in occ(rule, D(2027, 1, 1))] == ["2027-Q1", "2027-H1", "2027-Q3", "2027"]


@pytest.mark.parametrize("rule,start,want,periods", [
    ("chậm nhất ngày 20/01 năm sau", D(2027, 1, 1), [D(2027, 1, 20), D(2028, 1, 20)], ["2026", "2027"]),
    ("trước ngày 20 tháng 01 năm sau", D(2027, 1, 1), [D(2027, 1, 19), D(2028, 1, 19)], ["2026", "2027"]),
    ("ngày 10 tháng sau", D(2027, 1, 1), [D(2027, 1, 10), D(2027, 2, 10)], ["2026-12", "2027-01"]),
    ("chậm nhất ngày 20 tháng sau", D(2027, 1, 1), [D(2027, 1, 20), D(2027, 2, 20)], ["2026-12", "2027-01"]),
    ("ngày 10 của quý sau", D(2027, 1, 1), [D(2027, 1, 10), D(2027, 4, 10)], ["2026-Q4", "2027-Q1"]),
    ("ngày 20 tháng thứ ba của quý", D(2027, 1, 1), [D(2027, 3, 20), D(2027, 6, 20)], ["2027-Q1", "2027-Q2"]),
    ("BC tháng–ngày 25 hằng tháng", D(2027, 1, 1), [D(2027, 1, 25), D(2027, 2, 25)], ["2027-01", "2027-02"]),
    ("trong tháng 1 năm sau", D(2027, 1, 1), [D(2027, 1, 31), D(2028, 1, 31)], ["2026", "2027"]),
])
def test_next_year_month_quarter(rule, start, want, periods):
    for text in variants(rule):
        got = parse_rule(text).occurrences(start, len(want))
        assert [o.due for o in got] == want and [o.period for o in got] == periods


@pytest.mark.parametrize("rule,start,want", [
    ("ngày cuối cùng của tháng", D(2027, 1, 1), [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31)]),
    ("ngày cuối tháng", D(2028, 2, 1), [D(2028, 2, 29), D(2028, 3, 31), D(2028, 4, 30)]),
    ("ngày cuối cùng của quý", D(2027, 1, 1), [D(2027, 3, 31), D(2027, 6, 30), D(2027, 9, 30)]),
    ("ngày cuối cùng của năm", D(2027, 1, 1), [D(2027, 12, 31), D(2028, 12, 31), D(2029, 12, 31)]),
    # 31/10/2027 is a Sunday, 30/10 a Saturday
    ("ngày làm việc cuối cùng của tháng", D(2027, 10, 1), [D(2027, 10, 29), D(2027, 11, 30), D(2027, 12, 31)]),
    ("ngày làm việc cuối cùng của quý", D(2027, 10, 1), [D(2027, 12, 31), D(2028, 3, 31), D(2028, 6, 30)]),
    ("trong tháng 6 hằng năm", D(2027, 7, 1), [D(2028, 6, 30), D(2029, 6, 30), D(2030, 6, 30)]),
    ("trong quý III hằng năm", D(2027, 1, 1), [D(2027, 9, 30), D(2028, 9, 30), D(2029, 9, 30)]),
])
def test_last_day_of_a_period(rule, start, want):
    for text in variants(rule):
        assert dues(text, start, len(want)) == want


def test_last_working_day_uses_the_admins_calendar():
    cal = WorkCalendar({D(2027, 12, 31): True})  # an admin makes 31/12/2027 a day off
    [o] = parse_rule("ngày làm việc cuối cùng của tháng", cal).occurrences(D(2027, 12, 1), 1)
    assert o.due == D(2027, 12, 30)


@pytest.mark.parametrize("rule,start,want", [
    ("thứ Sáu hằng tuần", D(2027, 3, 1), [D(2027, 3, 5), D(2027, 3, 12), D(2027, 3, 19)]),
    ("thứ 2 hằng tuần", D(2027, 3, 1), [D(2027, 3, 1), D(2027, 3, 8), D(2027, 3, 15)]),
    ("thứ Năm hằng tuần", D(2027, 3, 1), [D(2027, 3, 4), D(2027, 3, 11), D(2027, 3, 18)]),
    ("trước 16h00 thứ Sáu hằng tuần", D(2027, 3, 1), [D(2027, 3, 5), D(2027, 3, 12), D(2027, 3, 19)]),
    ("hằng tuần vào thứ Hai", D(2027, 3, 2), [D(2027, 3, 8), D(2027, 3, 15), D(2027, 3, 22)]),
    ("Chủ nhật hằng tuần", D(2027, 3, 1), [D(2027, 3, 7), D(2027, 3, 14), D(2027, 3, 21)]),
    ("sáng thứ Ba hằng tuần", D(2027, 12, 25), [D(2027, 12, 28), D(2028, 1, 4), D(2028, 1, 11)]),
])
def test_weekly(rule, start, want):
    for text in variants(rule):
        assert dues(text, start, len(want)) == want


def test_weekly_periods_are_iso_weeks():
    got = parse_rule("thứ Sáu hằng tuần").occurrences(D(2027, 12, 30), 2)
    assert [(o.period, o.label) for o in got] == [("2027-W52", "Tuần 27/12–02/01/2028"),
                                                  ("2028-W01", "Tuần 03/01–09/01/2028")]


@pytest.mark.parametrize("rule,start,want", [
    ("Thứ Sáu tuần cuối cùng của tháng", D(2027, 1, 1), [D(2027, 1, 29), D(2027, 2, 26), D(2027, 3, 26)]),
    ("thứ Hai đầu tiên của tháng", D(2027, 1, 1), [D(2027, 1, 4), D(2027, 2, 1), D(2027, 3, 1)]),
])
def test_weekday_of_the_month(rule, start, want):
    for text in variants(rule):
        got = parse_rule(text).occurrences(start, len(want))
        assert [o.due for o in got] == want and got[0].period == "2027-01"


@pytest.mark.parametrize("rule,start,want", [
    ("từ ngày 01/12 đến ngày 15/12/2027", D(2027, 1, 1), [D(2027, 12, 15)]),
    ("từ ngày 01/12 - 15/12/2027", D(2027, 1, 1), [D(2027, 12, 15)]),
    ("01/12–15/12/2027", D(2027, 1, 1), [D(2027, 12, 15)]),
    ("từ mùng 1 đến mùng 5 hằng tháng", D(2027, 1, 6), [D(2027, 2, 5), D(2027, 3, 5)]),
    ("trong khoảng từ ngày 01 đến ngày 10 hằng tháng", D(2027, 1, 1), [D(2027, 1, 10), D(2027, 2, 10)]),
    ("ngày 15 - 20 hằng tháng", D(2027, 1, 1), [D(2027, 1, 20), D(2027, 2, 20)]),
    ("từ ngày 01/12/2027 đến ngày 15/12", D(2027, 1, 1), [D(2027, 12, 15)]),
    ("tu 1/10 den 31/10/2027", D(2027, 1, 1), [D(2027, 10, 31)]),
    ("từ ngày 10 đến ngày 15 hằng tháng", D(2027, 4, 16), [D(2027, 5, 15), D(2027, 6, 15)]),
    ("từ ngày 01/11 đến ngày 20/11 hằng năm", D(2027, 1, 1), [D(2027, 11, 20), D(2028, 11, 20)]),
    ("từ ngày 01 đến ngày 05 tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 5), D(2027, 6, 5)]),
    ("từ tháng 5 đến tháng 7/2027", D(2027, 1, 1), [D(2027, 7, 31)]),
    ("từ ngày 01/12 đến hết ngày 15/12/2027", D(2027, 1, 1), [D(2027, 12, 15)]),
])
def test_ranges_are_due_at_their_end(rule, start, want):
    for text in variants(rule):
        assert dues(text, start, len(want)) == want


@pytest.mark.parametrize("rule,want", [
    ("không quá 05 ngày làm việc kể từ 05/11/2027", D(2027, 11, 12)),
    ("trong thời hạn 05 ngày làm việc kể từ ngày 24/12/2026", D(2026, 12, 31)),
    ("trong vòng 10 ngày kể từ ngày 01/3/2027", D(2027, 3, 11)),
    ("05 ngày làm việc sau ngày 15/3/2027", D(2027, 3, 22)),
])
def test_counted_days(rule, want):
    for text in variants(rule):
        assert dues(text, D(2026, 1, 1), 1) == [want]


@pytest.mark.parametrize("rule,want", [
    ("hạn nộp 31/3/27", D(2027, 3, 31)), ("trước ngày 10.12.27", D(2027, 12, 9)), ("truoc ngay 1/1/28", D(2027, 12, 31)),
    ("trong quý III/27", D(2027, 9, 30)), ("trong tháng 6-7/27", D(2027, 7, 31)),
])
def test_two_digit_years(rule, want):
    for text in variants(rule):
        assert dues(text, D(2026, 1, 1), 1) == [want]


@pytest.mark.parametrize("rule,want", [
    ("ngày 5 hằng tháng (theo Nghị định 09/2019/NĐ-CP)", D(2027, 1, 5)),
    ("chậm nhất ngày 30/01 hằng năm (kèm biểu mẫu)", D(2027, 1, 30)),
    ("ngày 10 hằng tháng, nếu trùng ngày nghỉ thì nộp vào ngày làm việc tiếp theo", D(2027, 1, 10)),
    ("Hạn: trước 17 giờ ngày 15/01/2027", D(2027, 1, 15)),
])
def test_remarks_it_cannot_use_are_ignored(rule, want):
    assert dues(rule, D(2027, 1, 1), 1) == [want]


@pytest.mark.parametrize("rule,label", [
    ("9 tháng đầu năm 2027", "9 tháng năm 2027"), ("6 tháng cuối năm 2027", "6 tháng cuối năm 2027"),
])
def test_period_reports_once(rule, label):
    for text in variants(rule):
        [o] = parse_rule(text).occurrences(D(2027, 1, 1), 1)
        assert o.label == label and o.due == (D(2027, 9, 30) if "9" in rule else D(2027, 12, 31))


# ---------------------------------------------------------------- period labels

def test_new_years_eve_rule_reports_on_the_year_it_ends():
    got = parse_rule("trước ngày 01/01 hằng năm").occurrences(D(2026, 12, 1), 2)
    assert [(o.period, o.label, o.due) for o in got] == [("2026", "Năm 2026", D(2026, 12, 31)),
                                                          ("2027", "Năm 2027", D(2027, 12, 31))]


@pytest.mark.parametrize("rule,period", [
    ("ngày 14 hằng tháng", "2026-12"), ("ngày 15 hằng tháng", "2027-01"), ("trước ngày 16 hằng tháng", "2027-01"),
    ("trước ngày 15 hằng tháng", "2026-12"), ("ngày 10 tháng sau", "2026-12"), ("ngày 20 tháng sau", "2026-12"),
])
def test_monthly_period_follows_the_cut_off(rule, period):
    assert parse_rule(rule).occurrences(D(2027, 1, 1), 1)[0].period == period


# ---------------------------------------------------------------- cut-off warnings

@pytest.mark.parametrize("rule", ["ngày 10 tháng cuối quý", "ngay 10 thang cuoi quy",
                                  "chậm nhất ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm",
                                  "trước ngày 15 tháng cuối quý", "Báo cáo quý III: chậm nhất ngày 10/9 hằng năm",
                                  "BC năm - trước ngày 15/12", "ngày 14/3, 14/6, 14/9 và 14/12 hằng năm"])
def test_due_before_the_cut_off_ends_is_warned(rule):
    r = parse_rule(rule)
    assert len(r.warnings) == 1
    w = r.warnings[0]
    assert "chốt số liệu" in w and "Điều 8.5" in w and "từ ngày 15/" in w
    assert w in r.understood()


def test_warning_names_the_day_and_the_closest_rule():
    [w] = parse_rule("ngày 10 tháng cuối quý").warnings
    assert "hạn 10/03" in w and "14/03" in w and "«chậm nhất ngày 15 tháng cuối quý»" in w


@pytest.mark.parametrize("rule", ["ngày 15 tháng cuối quý", "ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm",
                                  "ngày 5 hằng tháng", "ngày 15 tháng đầu quý sau", "chậm nhất ngày 30/01 hằng năm",
                                  "thứ Sáu hằng tuần", "30/01/2027", "ngày cuối cùng của quý"])
def test_due_after_the_cut_off_is_not_warned(rule):
    assert parse_rule(rule).warnings == ()


# ---------------------------------------------------------------- refusals by their real cause

@pytest.mark.parametrize("rule,cause,example", [
    ("thường xuyên", "không có ngày hạn cụ thể", "«30/01/2027»"),
    ("Báo cáo đột xuất theo yêu cầu của UBND tỉnh", "đột xuất hay theo yêu cầu", "Ví dụ"),
    ("theo yeu cau", "không có ngày hạn cụ thể", "ví dụ"),
    ("hằng ngày", "hằng ngày", "«thứ Sáu hằng tuần»"),
    ("31/02/2027", "không có thật", "«28/02/2027»"),
    ("ngày 31/4/2027", "tháng 4/2027 chỉ có 30 ngày", "«30/04/2027»"),
    ("ngày 31/02 hằng năm", "không có thật", "«chậm nhất ngày 28/02 hằng năm»"),
    ("ngày 32/01 hằng năm", "không có thật", "Ví dụ"),
    ("ngày 15/13 hằng năm", "Tháng 13 không có thật", "Ví dụ"),
    ("quý 5/2027", "Quý 5 không có thật", "«trong quý III/2027»"),
    ("thứ 9 hằng tuần", "thứ 9", "«thứ Sáu hằng tuần»"),
    ("từ ngày 01/12 đến ngày 15/12", "ngày kết thúc", "«từ ngày 01/12 đến ngày 15/12/2027»"),
    ("từ ngày 01/12/2027", "không có hạn kết thúc", "ví dụ"),
    ("hằng quý", "chưa nêu ngày", "«ngày 15 tháng cuối quý»"),
    ("ngày 15 hằng quý", "tháng nào của quý", "«ngày 15 tháng cuối quý»"),
    ("chậm nhất ngày 28/02", "thiếu năm", "«chậm nhất ngày 30/01 hằng năm»"),
    ("trong tháng 6", "thiếu năm", "«trong tháng 6 hằng năm»"),
    ("thứ Sáu", "hằng tuần", "«thứ Sáu hằng tuần»"),
    ("ngày 15", "chưa nêu tháng", "«ngày 5 hằng tháng»"),
    ("ngày 20 tháng cuối kỳ báo cáo", "chưa nêu các kỳ", "quý I, 6 tháng, quý III và năm"),
    ("trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản", "ngày bắt đầu", "15/3/2027"),
    ("không quá 10 ngày làm việc", "tính từ ngày nào", "kể từ 15/3/2027"),
    ("Báo cáo 6 tháng", "chưa nêu ngày nộp", "«Báo cáo 6 tháng: ngày 15/6 hằng năm»"),
    ("30/01/2027 hằng năm", "vừa có năm vừa «hằng năm»", "«chậm nhất ngày 30/01 hằng năm»"),
    ("ngày 00/01/2027", "không có thật", "«01/01/2027»"),
    ("quý V/2027", "Quý V không có thật", "«trong quý III/2027»"),
    ("sớm nhất có thể", "không chỉ ra một ngày cụ thể", "«ngày 5 hằng tháng»"),
])
def test_refusal_explains_the_real_cause_with_an_example(rule, cause, example):
    for text in (rule, strip_diacritics(rule)):
        with pytest.raises(RuleError) as e:
            parse_rule(text)
        msg = str(e.value)
        assert cause.lower() in msg.lower() and example.lower() in msg.lower(), msg


def test_a_range_with_an_end_date_is_never_refused_as_having_no_date():
    with pytest.raises(RuleError) as e:
        parse_rule("từ ngày 01/12 đến ngày 15/12")
    assert "không có ngày hạn cụ thể" not in str(e.value)


@pytest.mark.parametrize("rule,start,want", [
    ("T6 hằng tuần", D(2027, 3, 1), [D(2027, 3, 5), D(2027, 3, 12)]),
    ("mỗi T2", D(2027, 3, 2), [D(2027, 3, 8), D(2027, 3, 15)]),
    ("CN hằng tuần", D(2027, 3, 1), [D(2027, 3, 7), D(2027, 3, 14)]),
    ("trong Q3/2027", D(2027, 1, 1), [D(2027, 9, 30)]),
    ("BC Q1: ngày 20/3 hằng năm", D(2027, 1, 1), [D(2027, 3, 20), D(2028, 3, 20)]),
    ("quý1/2027", D(2027, 1, 1), [D(2027, 3, 31)]),
])
def test_abbreviations_officials_type(rule, start, want):
    for text in variants(rule)[:3]:
        assert dues(text, start, len(want)) == want


# ---------------------------------------------------------------- set 2 (bench/data/rules_realistic2.jsonl)

@pytest.mark.parametrize("rule,start,want", [
    ("Kế hoạch kiểm tra CCHC năm: trước ngày 31/01 hằng năm", D(2027, 6, 1), [D(2028, 1, 30), D(2029, 1, 30)]),
    ("Kế hoạch CCHC năm của UBND cấp xã: chậm nhất ngày 28/02 của năm kế hoạch", D(2027, 3, 1),
     [D(2028, 2, 28), D(2029, 2, 28)]),
    ("Kế hoạch tuyên truyền CCHC: ngày 15 tháng cuối quý", D(2027, 10, 1), [D(2027, 12, 15), D(2028, 3, 15)]),
    ("Kế hoạch năm: trước ngày 15/12", D(2027, 1, 1), [D(2027, 12, 14), D(2028, 12, 14)]),
])
def test_a_label_of_several_words_naming_the_work(rule, start, want):
    for text in variants(rule)[:3]:
        assert dues(text, start, len(want)) == want


def test_a_plan_is_labelled_with_the_year_it_is_due_in():
    # a plan for the year (not a report on the year before): no report kind is taken from "Kế hoạch … năm"
    got = occ("Kế hoạch CCHC năm của UBND cấp xã: chậm nhất ngày 28/02 của năm kế hoạch", D(2027, 3, 1), 1)
    assert got == [("2028", "Năm 2028", D(2028, 2, 28))]


@pytest.mark.parametrize("rule,start,want", [
    ("trước 10h sáng thứ Hai hằng tuần", D(2027, 10, 13), [D(2027, 10, 18), D(2027, 10, 25)]),
    ("trước 16 giờ chiều thứ Sáu hằng tuần", D(2027, 10, 13), [D(2027, 10, 15), D(2027, 10, 22)]),
    ("trước 9h30 buổi sáng thứ 3 hằng tuần", D(2027, 10, 13), [D(2027, 10, 19), D(2027, 10, 26)]),
    ("trước 10h sáng ngày 15/3/2027", D(2027, 1, 1), [D(2027, 3, 15)]),
])
def test_a_time_of_day_makes_the_named_day_the_due_day(rule, start, want):
    # the convention of set 1 ("trước 16h00 thứ Sáu hằng tuần" is due on Friday): only the hour is strict
    for text in variants(rule)[:3]:
        assert dues(text, start, len(want)) == want


@pytest.mark.parametrize("rule", variants("Ngày 20 tháng cuối kỳ của các kỳ báo cáo quý I, 6 tháng, quý III, năm")
                         + ["ngày 20 tháng cuối cùng của kỳ báo cáo quý I, 6 tháng, quý III và năm"])
def test_report_set_with_of_the_periods(rule):
    assert occ(rule, D(2028, 3, 21), 2) == [("2028-H1", "6 tháng đầu năm 2028", D(2028, 6, 20)),
                                            ("2028-Q3", "Quý III/2028", D(2028, 9, 20))]


@pytest.mark.parametrize("rule,part,understood,form", [
    # words left over that carry timing ("sau đó 5 ngày"): refused, not read as the task
    ("ngày 15 tháng cuối quý và gửi bản giấy về Sở sau đó 5 ngày", "«và gửi bản giấy về Sở sau đó 5 ngày»",
     "«ngày 15 tháng cuối quý»", "«chậm nhất ngày 15 tháng cuối quý»"),
])
def test_a_refusal_names_the_part_not_understood_and_the_closest_form(rule, part, understood, form):
    with pytest.raises(RuleError) as e:
        parse_rule(rule)
    msg = str(e.value)
    assert part in msg and understood in msg and form in msg and len(msg) <= 300, msg


@pytest.mark.parametrize("rule,cause,form", [
    ("khi có văn bản hướng dẫn của Bộ Nội vụ", "không nêu ngày, tháng hay thứ", "«30/01/2027»"),
    ("xyz 15/3", "có ngày 15/3", "«chậm nhất ngày 15/03 hằng năm»"),
    ("thứ 6 hai tuần một lần", "chưa được hỗ trợ", "«thứ Sáu hằng tuần»"),
    ("ngày 10 định kỳ", "chưa rõ của tháng nào", "«ngày 10 hằng tháng»"),
])
def test_an_unrecognised_rule_gets_its_cause_and_one_closest_form(rule, cause, form):
    for text in (rule, strip_diacritics(rule)):
        with pytest.raises(RuleError) as e:
            parse_rule(text)
        msg = str(e.value)
        assert cause.lower() in msg.lower() and form.lower() in msg.lower(), msg
        assert len(msg) <= 300 and msg.count("«") == 2, msg  # the rule itself and one example


def test_a_refusal_of_a_long_rule_stays_short():
    with pytest.raises(RuleError) as e:
        parse_rule("gửi bản giấy về Sở Nội vụ trước khi họp giao ban của UBND tỉnh, " * 6)
    assert len(str(e.value)) <= 300


@pytest.mark.parametrize("text, due", [
    ("ngày 10 tháng cuối quý, trừ quý IV nộp ngày 5/12", [(2027, 3, 10), (2027, 6, 10), (2027, 9, 10), (2027, 12, 5)]),
    ("ngay 10 thang cuoi quy, tru quy IV nop ngay 5/12", [(2027, 3, 10), (2027, 6, 10), (2027, 9, 10), (2027, 12, 5)]),
    ("ngày 20 tháng cuối quý (riêng quý IV: ngày 10/12)", [(2027, 3, 20), (2027, 6, 20), (2027, 9, 20), (2027, 12, 10)]),
    ("Báo cáo quý I, II, III chậm nhất ngày 18 tháng cuối quý, riêng báo cáo năm chậm nhất ngày 05/12",
     [(2027, 3, 18), (2027, 6, 18), (2027, 9, 18), (2027, 12, 5)]),
    ("Báo cáo quý chậm nhất ngày 15 tháng cuối quý, riêng quý IV và năm chậm nhất ngày 10/12",
     [(2027, 3, 15), (2027, 6, 15), (2027, 9, 15), (2027, 12, 10)]),
])
def test_an_exception_naming_a_report_period_takes_its_own_date(text: str, due: list[tuple[int, int, int]]) -> None:
    rule = parse_rule(text)
    got = rule.occurrences(date(2027, 1, 1), 4)
    assert [o.due for o in got] == [date(*d) for d in due]
    # the restatement parses back to the same periods
    again = parse_rule(rule.canonical).occurrences(date(2027, 1, 1), 4)
    assert [(o.period, o.due) for o in again] == [(o.period, o.due) for o in got]


@pytest.mark.parametrize("text", [
    "ngày 5 hằng tháng; đối với cấp xã ngày 8",
    "Báo cáo tháng chậm nhất ngày 20 hằng tháng, riêng tháng 12 trước ngày 10/12",
    "ngày 15 tháng cuối quý, riêng cấp xã ngày 10 tháng cuối quý",
    "Báo cáo năm chậm nhất ngày 15/12 hằng năm, riêng các xã thì tùy",
    "ngày 15 hằng tháng trừ tháng 2",
])
def test_an_exception_with_its_own_date_is_refused_not_dropped(text: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert "ngoại lệ" in str(err.value) and len(str(err.value)) <= 300


@pytest.mark.parametrize("text", [
    "ngày 15 tháng cuối quý, nếu trùng ngày nghỉ thì nộp ngày làm việc tiếp theo",
    "Đối với UBND cấp xã: ngày 10 hằng tháng",
    "ngày 5 hằng tháng (theo Công văn số 581/BNV-CCHC)",
])
def test_conditions_and_remarks_without_a_date_of_their_own_still_parse(text: str) -> None:
    assert parse_rule(text).recurring


CAL = WorkCalendar()


def _q_end(y: int, q: int) -> date:
    return date(y, 3 * q, (31, 30, 30, 31)[q - 1])


@pytest.mark.parametrize("text", [
    "sau 5 ngày làm việc kể từ ngày kết thúc quý",
    "Báo cáo quý gửi sau 5 ngày làm việc kể từ ngày kết thúc quý",
    "trong 5 ngày làm việc sau khi kết thúc quý",
    "chậm nhất 5 ngày làm việc sau ngày kết thúc quý",
    "sau 5 ngay lam viec ke tu ngay ket thuc quy",
])
def test_working_days_after_the_end_of_each_quarter(text: str) -> None:
    got = parse_rule(text, calendar=CAL).occurrences(date(2027, 1, 1), 4)
    assert [o.due for o in got] == [CAL.add_working_days(e, 5) for e in
                                    (_q_end(2026, 4), _q_end(2027, 1), _q_end(2027, 2), _q_end(2027, 3))]
    assert [o.period for o in got] == ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"]
    assert got[0].due == date(2027, 1, 8)  # 1/1 is Tết Dương lịch, not a working day


@pytest.mark.parametrize("text, base, n", [
    ("chậm nhất 03 ngày làm việc trước ngày 15 tháng cuối quý", "ngày 15 tháng cuối quý", -3),
    ("2 ngày làm việc trước ngày cuối quý", "ngày cuối quý", -2),
    ("Nộp báo cáo chậm nhất 02 ngày làm việc trước ngày 20 hàng tháng", "ngày 20 hằng tháng", -2),
    ("5 ngày làm việc sau ngày 20 hằng tháng", "ngày 20 hằng tháng", 5),
])
def test_working_days_before_or_after_another_rule(text: str, base: str, n: int) -> None:
    rule = parse_rule(text, calendar=CAL)
    want = parse_rule(base).occurrences(date(2027, 1, 1), 6)
    got = rule.occurrences(date(2026, 12, 1), 12)
    got = [o for o in got if o.period in {w.period for w in want}][:6]
    assert [(o.period, o.due) for o in got] == [(w.period, CAL.add_working_days(w.due, n)) for w in want]
    again = parse_rule(rule.canonical, calendar=CAL).occurrences(date(2026, 12, 1), 12)
    assert [(o.period, o.due) for o in again] == [(o.period, o.due) for o in rule.occurrences(date(2026, 12, 1), 12)]


def test_calendar_days_before_a_rule_and_a_one_off_date() -> None:
    assert [o.due for o in parse_rule("Báo cáo tháng gửi 3 ngày trước ngày 25 hằng tháng").occurrences(
        date(2027, 1, 1), 2)] == [date(2027, 1, 22), date(2027, 2, 22)]
    once = parse_rule("3 ngày làm việc trước ngày 15/12/2027", calendar=CAL).occurrences(date(2027, 1, 1), 1)
    assert [(o.period, o.due) for o in once] == [("2027-12-10", date(2027, 12, 10))]


@pytest.mark.parametrize("text", [
    "Báo cáo tháng gửi trước ngày 25 hằng tháng, nếu trùng ngày nghỉ thì gửi vào ngày làm việc liền trước",
    "trước ngày 25 hằng tháng (trường hợp hạn rơi vào thứ 7, chủ nhật thì nộp vào ngày làm việc liền trước)",
    "truoc ngay 25 hang thang, neu trung ngay nghi thi gui truoc",
])
def test_a_day_off_moves_the_due_date_to_the_working_day_before_when_the_rule_says_so(text: str) -> None:
    got = parse_rule(text, calendar=CAL).occurrences(date(2027, 1, 1), 4)
    # 24/01/2027 is a Sunday, 24/04/2027 a Saturday
    assert [o.due for o in got] == [date(2027, 1, 22), date(2027, 2, 24), date(2027, 3, 24), date(2027, 4, 23)]


def test_the_next_working_day_clause_keeps_the_nominal_date_and_says_the_legal_rule() -> None:
    rule = parse_rule("ngày 15 tháng cuối quý (nếu trùng ngày nghỉ lễ thì lùi sang ngày làm việc tiếp theo)")
    assert [o.due for o in rule.occurrences(date(2027, 1, 1), 2)] == [date(2027, 3, 15), date(2027, 6, 15)]
    assert "148" in rule.understood()


@pytest.mark.parametrize("text, start, due", [
    ("Báo cáo quý 1 trước ngày 10/3, quý 2 trước ngày 10/6, quý 3 trước ngày 10/9, quý 4 trước ngày 10/12",
     (2027, 7, 1), [(2027, 9, 9), (2027, 12, 9), (2028, 3, 9)]),
    ("Báo cáo quý I trước 15/3, 6 tháng trước 15/6, quý III trước 15/9, năm trước 15/12",
     (2027, 1, 1), [(2027, 3, 14), (2027, 6, 14), (2027, 9, 14), (2027, 12, 14)]),
    ("Báo cáo sơ kết 6 tháng và tổng kết năm chậm nhất ngày 15 tháng 6 và 15 tháng 12",
     (2027, 1, 1), [(2027, 6, 15), (2027, 12, 15)]),
    ("BC 6T đầu năm và cả năm: trước 15/6 và 15/12", (2027, 1, 1), [(2027, 6, 14), (2027, 12, 14)]),
    ("Gửi BC quý về SNV trc ngày 15 tháng cuối quý", (2027, 1, 1), [(2027, 3, 14), (2027, 6, 14)]),
    ("bc quy gui snv truoc 15 thang cuoi quy", (2027, 1, 1), [(2027, 3, 14), (2027, 6, 14)]),
    ("Nộp KH CCHC năm sau trước 15/12 hằng năm", (2027, 1, 1), [(2027, 12, 14), (2028, 12, 14)]),
    ("trước ngày 30/11 năm 2027", (2027, 1, 1), [(2027, 11, 29)]),
    ("Kiểm tra CCHC kết thúc trước 30/11/27", (2027, 1, 1), [(2027, 11, 29)]),
    ("Kế hoạch CCHC năm 2028 gửi Sở Nội vụ chậm nhất ngày 15/12/2027", (2027, 1, 1), [(2027, 12, 15)]),
    ("Báo cáo năm 2026 gửi trước 15/1/27", (2026, 12, 1), [(2027, 1, 14)]),
    ("Định kỳ 6 tháng báo cáo trước ngày 10 tháng 6 và ngày 10 tháng 12", (2027, 1, 1), [(2027, 6, 9), (2027, 12, 9)]),
    ("Báo cáo quý: trước ngày 10 của tháng kế tiếp sau quý", (2027, 1, 1), [(2027, 1, 9), (2027, 4, 9)]),
    ("Báo cáo quý gửi trước ngày 10 tháng sau khi kết thúc quý", (2027, 1, 1), [(2027, 1, 9), (2027, 4, 9)]),
    ("Báo cáo hằng tháng: trước ngày 10 của tháng liền kề sau", (2027, 1, 1), [(2027, 1, 9), (2027, 2, 9)]),
    ("Báo cáo tháng gửi trước ngày 20 của tháng báo cáo", (2027, 1, 1), [(2027, 1, 19), (2027, 2, 19)]),
    ("Báo cáo năm gửi trước ngày 15 tháng 12 năm báo cáo", (2027, 1, 1), [(2027, 12, 14), (2028, 12, 14)]),
    ("Nộp báo cáo một lần trước ngày 30/9/2027", (2027, 1, 1), [(2027, 9, 29)]),
    ("chậm nhất cuối tháng 10/2027", (2027, 1, 1), [(2027, 10, 31)]),
    ("hạn nộp từ 1-15/10/2027", (2027, 1, 1), [(2027, 10, 15)]),
    ("Báo cáo sơ kết giữa nhiệm kỳ trước 30/6/2028", (2027, 1, 1), [(2028, 6, 29)]),
    ("6 tháng cuối năm 2027", (2027, 1, 1), [(2027, 12, 31)]),
    ("Báo cáo 6 tháng đầu năm chậm nhất ngày 15/6, 6 tháng cuối năm chậm nhất ngày 15/12", (2027, 1, 1),
     [(2027, 6, 15), (2027, 12, 15)]),
    ("Trong tháng 7 và tháng 8/2027", (2027, 1, 1), [(2027, 8, 31)]),
    ("Nửa đầu năm 2027", (2027, 1, 1), [(2027, 6, 30)]),
])
def test_admin_phrasings_of_periods_abbreviations_and_the_works_own_year(
        text: str, start: tuple[int, int, int], due: list[tuple[int, int, int]]) -> None:
    got = parse_rule(text).occurrences(date(*start), len(due))
    assert [o.due for o in got] == [date(*d) for d in due]


def test_periods_listed_by_name_keep_their_report_kinds() -> None:
    got = parse_rule("Báo cáo quý I trước 15/3, 6 tháng trước 15/6, quý III trước 15/9, năm trước 15/12").occurrences(
        date(2027, 1, 1), 4)
    assert [o.period for o in got] == ["2027-Q1", "2027-H1", "2027-Q3", "2027"]


@pytest.mark.parametrize("text", [
    "Kế hoạch CCHC năm 2030 gửi Sở Nội vụ chậm nhất ngày 15/12/2027",  # the work's year far from the due date
    "Báo cáo năm 2026 gửi trước ngày 15/12 hằng năm",  # one year's report, a rule for every year
    "trước 3 ngày",
    "Báo cáo quý trước ngày 15 tháng cuối quý hoặc ngày 20 tháng đầu quý sau",
])
def test_ambiguous_admin_phrasings_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert len(str(err.value)) <= 300 and re.search(r"[ạảãàáâậầấẩẫăắằặẳẵêềếểễệôồốổỗộơờớởỡợưừứửữự]", str(err.value))


@pytest.mark.parametrize("text, due", [
    ("ngày 15 tháng 1 năm 27", date(2027, 1, 15)),
    ("6 tháng cuối năm 26", date(2026, 12, 31)),
    ("trong quý III/27", date(2027, 9, 30)),
])
def test_two_digit_years_after_nam_and_a_period(text: str, due: date) -> None:
    assert [o.due for o in parse_rule(text).occurrences(date(2026, 6, 1), 1)] == [due]


def test_a_rule_tied_to_tet_is_refused_with_a_way_out() -> None:
    with pytest.raises(RuleError) as err:
        parse_rule("Báo cáo trước Tết Nguyên đán")
    assert "âm lịch" in str(err.value) and "/ngaynghi" in str(err.value)


@pytest.mark.parametrize("text, due", [
    ("Báo cáo quý I/2027 chậm nhất ngày 10/3", date(2027, 3, 10)),
    ("Báo cáo quý IV/2026 chậm nhất ngày 10/01", date(2027, 1, 10)),  # after its quarter: the next January
    ("Báo cáo năm 2026 trước ngày 15/01", date(2027, 1, 14)),
    ("Báo cáo năm 2026 trước ngày 15/12", date(2026, 12, 14)),
    ("Báo cáo quý I/2027: ngày 15 tháng cuối quý", date(2027, 3, 15)),
    ("Báo cáo 6 tháng đầu năm 2027 gửi trước ngày 15/6", date(2027, 6, 14)),
])
def test_a_report_of_a_named_periods_year_with_a_yearless_day_is_one_report(text: str, due: date) -> None:
    rule = parse_rule(text)
    assert not rule.recurring and [o.due for o in rule.occurrences(date(2026, 1, 1), 5)] == [due]
    assert parse_rule(rule.canonical).occurrences(date(2026, 1, 1), 5) == rule.occurrences(date(2026, 1, 1), 5)


@pytest.mark.parametrize("text", [
    "Kế hoạch CCHC năm 2027 ban hành trước 30/01",  # a plan is due before its year, a report after: not guessed
    "Báo cáo quý I/2027 chậm nhất ngày 10/3 hằng năm",
])
def test_a_named_periods_year_with_a_yearless_day_that_cannot_be_placed_is_refused(text: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert "không ghi năm" in str(err.value) and len(str(err.value)) <= 300


@pytest.mark.parametrize("text, start, due", [
    ("trong 3 ngày làm việc cuối tháng", (2027, 1, 1), [(2027, 1, 29), (2027, 2, 26), (2027, 3, 31)]),
    ("chậm nhất 05 ngày trước ngày kết thúc quý", (2027, 1, 1), [(2027, 3, 26), (2027, 6, 25), (2027, 9, 25)]),
    ("5 ngày trước khi kết thúc quý", (2027, 1, 1), [(2027, 3, 26), (2027, 6, 25), (2027, 9, 25)]),
    ("ngày làm việc thứ 10 kể từ đầu quý", (2027, 1, 1), [(2027, 1, 15), (2027, 4, 14), (2027, 7, 14)]),
    ("sau ngày kết thúc quý 5 ngày làm việc", (2027, 1, 1), [(2027, 1, 8), (2027, 4, 7), (2027, 7, 7)]),
    ("chậm nhất sau 10 ngày kết thúc tháng", (2027, 1, 1), [(2027, 1, 10), (2027, 2, 10), (2027, 3, 10)]),
    ("trong 15 ngày đầu của năm sau", (2027, 1, 1), [(2027, 1, 15), (2028, 1, 15)]),  # it was read as monthly
    ("trong 10 ngày đầu tháng 1 hằng năm", (2027, 1, 1), [(2027, 1, 10), (2028, 1, 10)]),
])
def test_more_ways_of_counting_days_from_a_periods_start_or_end(
        text: str, start: tuple[int, int, int], due: list[tuple[int, int, int]]) -> None:
    got = parse_rule(text, calendar=CAL).occurrences(date(*start), len(due))
    assert [o.due for o in got] == [date(*d) for d in due]


def test_a_count_of_days_after_a_quarter_is_not_read_as_quarter_five() -> None:
    with pytest.raises(RuleError) as err:
        parse_rule("sau ngày kết thúc quý 5 ngày để tổng hợp, đột xuất")
    assert "Quý 5" not in str(err.value)


def test_an_exception_for_several_periods_gives_each_its_own_period() -> None:
    got = parse_rule("Báo cáo quý chậm nhất ngày 15 tháng cuối quý, riêng quý IV và năm chậm nhất ngày 10/12"
                     ).occurrences_between(date(2027, 10, 1), date(2027, 12, 31))
    assert sorted((o.period, o.due) for o in got) == [("2027", date(2027, 12, 10)), ("2027-Q4", date(2027, 12, 10))]


@pytest.mark.parametrize("text", ["ngày 15 hoặc 20 hằng tháng", "trước ngày 15/6 hoặc 30/6 hằng năm"])
def test_a_choice_of_two_days_is_refused(text: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert "chọn giữa hai ngày" in str(err.value) and len(str(err.value)) <= 300



def test_half_a_year_is_the_six_month_report() -> None:
    assert [o.period for o in parse_rule("Báo cáo nửa năm gửi trước 20/6").occurrences(date(2027, 1, 1), 2)] == [
        "2027-H1", "2028-H1"]


@pytest.mark.parametrize("text, due", [
    ("Báo cáo tháng, thời gian chốt số liệu từ ngày 15 tháng trước đến ngày 14 tháng báo cáo, gửi trước ngày 16 hằng "
     "tháng", [date(2027, 1, 15), date(2027, 2, 15)]),
    ("Báo cáo quý: thời gian chốt số liệu từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối quý; thời "
     "hạn gửi: ngày 18 tháng cuối quý", [date(2027, 3, 18), date(2027, 6, 18)]),
])
def test_a_data_cut_off_written_in_the_rule_is_a_remark(text: str, due: list[date]) -> None:
    assert [o.due for o in parse_rule(text).occurrences(date(2027, 1, 1), 2)] == due


def test_a_data_cut_off_alone_has_no_due_date() -> None:
    with pytest.raises(RuleError) as err:
        parse_rule("chốt số liệu từ ngày 15/12 đến ngày 14/12")
    assert "chưa nêu ngày nộp" in str(err.value)
