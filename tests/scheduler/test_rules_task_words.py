"""Task text around a due rule holding words that look like timing: period names of the work, a cited document's
number and date, "là hạn chót", "mới", "sau kiểm tra"; and the forms met with them (within each period, a start)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.core.vietnamese import strip_diacritics
from scheduler.rules import parse_rule
from tests.scheduler.rule_checks import CAL, dues, refused

D = date


@pytest.mark.parametrize("rule,start,want", [
    # a cited document's number and date are task text
    ("Thực hiện Công văn số 812/UBND-NC ngày 15/01/2027, các xã báo cáo trước ngày 10 tháng cuối quý", D(2027, 2, 1),
     [D(2027, 3, 9), D(2027, 6, 9)]),
    ("căn cứ KH 12/KH-UBND: bc định kỳ 6 tháng một lần, chậm nhất ngày 15 tháng cuối kỳ", D(2027, 1, 1),
     [D(2027, 6, 15), D(2027, 12, 15)]),
    # period names of the work and words that only look like timing ("lưu trữ", "mới", "tổng kết 10 năm")
    ("báo cáo quý về công tác lưu trữ gửi chậm nhất ngày 12 tháng cuối quý", D(2027, 1, 1),
     [D(2027, 3, 12), D(2027, 6, 12)]),
    ("Đề xuất mô hình mới, cách làm hay, hạn chót 20.10.2027", D(2027, 9, 1), [D(2027, 10, 20)]),
    ("Nộp báo cáo sơ kết 10 năm thực hiện Nghị quyết chậm nhất ngày 30 tháng 9 năm 2027", D(2027, 1, 1),
     [D(2027, 9, 30)]),
    ("Kế hoạch kiểm tra năm trình chậm nhất ngày 15/01 của năm kế hoạch", D(2027, 1, 1), [D(2027, 1, 15), D(2028, 1, 15)]),
    # "… là hạn chót …": the rule restated, the rest is the work
    ("ngày 20/6 và 20/12 hằng năm là hạn nộp báo cáo đánh giá", D(2027, 1, 1), [D(2027, 6, 20), D(2027, 12, 20)]),
    # "sau kiểm tra" names the work; "so với ngày …" anchors the offset
    ("Trong thời hạn 05 ngày làm việc kể từ ngày 04/01/2027, nộp báo cáo khắc phục sau thanh tra", D(2027, 1, 1),
     [D(2027, 1, 11)]),
    ("Bài tham luận gửi trước 05 ngày làm việc so với ngày 15/03/2027", D(2027, 1, 1), [D(2027, 3, 8)]),
    # the event's date in parentheses is the start of the count
    ("Trong 05 ngày làm việc kể từ ngày ban hành quyết định (ngày 04/01/2027), các đơn vị gửi danh sách",
     D(2027, 1, 1), [D(2027, 1, 11)]),
    # a label without "ngày" before the day of a month of the quarter, a lead without "ngày" before "D tháng M"
    ("bc quý: hạn 07 tháng cuối quý, gửi qua hệ thống", D(2027, 1, 1), [D(2027, 3, 7), D(2027, 6, 7)]),
    ("Báo cáo sơ kết, tổng kết: hạn 10 tháng 6 và 10 tháng 12 hằng năm", D(2027, 1, 1), [D(2027, 6, 10), D(2027, 12, 10)]),
    # "hằng tháng … hạn ngày 10": the recurrence apart from its lead
    ("Tổng hợp ý kiến người dân hằng tháng, gửi về Văn phòng hạn ngày 05", D(2027, 1, 6), [D(2027, 2, 5), D(2027, 3, 5)]),
    # only the quarters named
    ("Chỉ báo cáo quý I và quý III, chậm nhất ngày 12 tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 12), D(2027, 9, 12)]),
    # as many dates a year as the periods named
    ("Ba đợt trong năm: trước 31/3, trước 31/7 và trước 30/11, gửi hồ sơ", D(2027, 1, 1),
     [D(2027, 3, 30), D(2027, 7, 30), D(2027, 11, 29)]),
])
def test_task_words_that_look_like_timing(rule, start, want):
    for text in (rule, strip_diacritics(rule)):
        assert dues(text, start, len(want)) == want, text


def test_the_understood_text_says_what_was_the_work():
    said = parse_rule("Thực hiện Công văn số 812/UBND-NC ngày 15/01/2027, các xã báo cáo trước ngày 10 tháng cuối quý",
                      CAL).understood()
    assert "Hạn đọc từ: «trước ngày 10 tháng cuối quý»" in said and "812/UBND-NC ngày 15/01/2027" in said, said


@pytest.mark.parametrize("rule,start,want", [
    ("Hằng quý rà soát văn bản ít nhất 02 lần, hoàn thành trong quý", D(2027, 1, 1),
     [D(2027, 3, 31), D(2027, 6, 30), D(2027, 9, 30)]),
    ("cập nhật dữ liệu hằng tháng, hoàn thành trong tháng", D(2027, 2, 3), [D(2027, 2, 28), D(2027, 3, 31)]),
    ("Báo cáo quý nộp trong tháng đầu quý sau", D(2027, 1, 1), [D(2027, 1, 31), D(2027, 4, 30), D(2027, 7, 31)]),
    ("Báo cáo quý nộp trong tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 31), D(2027, 6, 30)]),
    ("6 tháng một lần, gửi báo cáo trong tháng 6 và tháng 12", D(2027, 1, 1), [D(2027, 6, 30), D(2027, 12, 31)]),
])
def test_within_each_period_is_by_its_last_day(rule, start, want):
    for text in (rule, strip_diacritics(rule)):
        assert dues(text, start, len(want)) == want, text


@pytest.mark.parametrize("rule", ["hoàn thành trong tháng", "gửi báo cáo trong tháng 6 và tháng 12",
                                  "Mỗi quý hoàn thành trong tháng"])
def test_within_a_period_the_rule_does_not_name_is_refused(rule):
    refused(rule)


def test_a_start_clause_drops_the_earlier_due_dates():
    rule = parse_rule("Hằng năm, chậm nhất ngày 15/10 gửi báo cáo (áp dụng từ năm 28)", CAL)
    assert [o.due for o in rule.occurrences(D(2027, 1, 1), 2)] == [D(2028, 10, 15), D(2029, 10, 15)]
    assert "Áp dụng từ ngày 01/01/2028" in rule.summary
    again = parse_rule(rule.canonical, CAL)  # the canonical form parses to the same dates
    assert [o.due for o in again.occurrences(D(2027, 1, 1), 2)] == [D(2028, 10, 15), D(2029, 10, 15)]


def test_a_day_off_clause_without_nếu():
    # 10/01/2027 is a Sunday, 10/02/2027 inside the Tết holidays, 10/03/2027 a Wednesday
    assert dues("bc tháng: ngày 10 hằng tháng, trùng ngày nghỉ thì nộp ngày làm việc liền trước", D(2027, 1, 1), 3) == [
        D(2027, 1, 8), D(2027, 2, 3), D(2027, 3, 10)]


@pytest.mark.parametrize("rule", [
    "Theo CV số 1520/SNV-CCHC ngày 02/3/2026, các sở gửi báo cáo về Sở Nội vụ",  # only the cited date
    "ngày 14/6 là hạn chót, ngày 20/6 là hạn nộp",  # two competing dates
    "Theo KH 45/KH-SNV ngày 10/01/2026, báo cáo quý trước ngày 15 tháng cuối quý, ngày 20/3/2026 tổng hợp",
    "Trong 10 ngày làm việc kể từ ngày nhận văn bản",  # an event without its date
    "Hai đợt trong năm",
])
def test_competing_or_missing_dates_are_still_refused(rule):
    assert refused(rule)


@pytest.mark.parametrize("rule,start,want", [
    ("Báo cáo quý I/2028, 6 tháng/2028 và quý III/2028 gửi trước ngày 10 tháng cuối kỳ", D(2027, 12, 1),
     [D(2028, 3, 9), D(2028, 6, 9), D(2028, 9, 9)]),
    ("bc quý I, III năm 28 gửi chậm nhất ngày 15 tháng cuối quý", D(2028, 1, 1), [D(2028, 3, 15), D(2028, 9, 15)]),
])
def test_several_named_periods_of_one_year_are_each_one_report(rule, start, want):
    rule_ = parse_rule(rule, CAL)
    assert not rule_.recurring and [o.due for o in rule_.occurrences(start, 5)] == want
    assert [o.due for o in parse_rule(rule_.canonical, CAL).occurrences(start, 5)] == want


def test_named_periods_of_two_years_are_refused():
    assert "năm" in refused("Báo cáo quý IV/2027 và quý I/2028 gửi trước ngày 10 tháng cuối quý")


def test_a_day_off_clause_naming_tết_keeps_the_date_and_says_the_legal_day():
    rule = parse_rule("Chậm nhất ngày 08/02/2027 gửi báo cáo; nếu trùng kỳ nghỉ Tết thì nộp vào ngày làm việc đầu tiên "
                      "sau Tết", CAL)
    assert [o.due for o in rule.occurrences(D(2027, 1, 1), 1)] == [D(2027, 2, 8)]
    assert "ngày làm việc tiếp theo" in rule.summary


@pytest.mark.parametrize("rule,start,want", [
    ("Hằng quý hoàn thành trong quý, chậm nhất ngày 20 tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 20), D(2027, 6, 20)]),
    ("hàng tháng hoàn thành trong tháng, trước ngày 25", D(2027, 1, 1), [D(2027, 1, 24), D(2027, 2, 24)]),
    ("Mỗi quý hoàn thành trong quý. Hạn chót ngày 15 tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 15), D(2027, 6, 15)]),
])
def test_within_the_period_beside_a_day_only_restates_the_period(rule, start, want):
    assert dues(rule, start, len(want)) == want


def test_a_cited_document_alone_is_refused_saying_it_is_not_the_due():
    said = refused("Thực hiện Kế hoạch số 45/KH-UBND ngày 10/01/2027, các xã gửi báo cáo về Sở Nội vụ")
    assert "45/KH-UBND ngày 10/01/2027" in said and "không phải hạn nộp" in said
