"""Due rules pasted with their task around them, six-monthly periods and the forms added with rule set 3."""
from __future__ import annotations

from datetime import date

import pytest

from bot.core.vietnamese import strip_diacritics
from scheduler.extract import find_deadlines
from scheduler.rules import RuleError, parse_rule
from scheduler.workdays import WorkCalendar

D = date
CAL = WorkCalendar()


def dues(rule: str, start: date, count: int = 3) -> list[date]:
    return [o.due for o in parse_rule(rule, CAL).occurrences(start, count)]


def periods(rule: str, start: date, count: int = 3) -> list[tuple[str, str, date]]:
    return [(o.period, o.label, o.due) for o in parse_rule(rule, CAL).occurrences(start, count)]


def refused(rule: str) -> str:
    with pytest.raises(RuleError) as e:
        parse_rule(rule, CAL)
    return str(e.value)


# ---------------------------------------------------------------- the task around the rule

@pytest.mark.parametrize("rule,start,want,timing,task", [
    ("Kế hoạch CCHC năm ban hành chậm nhất ngày 30/01 hằng năm", D(2027, 2, 1),
     [D(2028, 1, 30), D(2029, 1, 30)], "chậm nhất ngày 30/01 hằng năm", "Kế hoạch CCHC … ban hành"),
    ("Hằng tuần vào ngày thứ Bảy, bộ phận một cửa tổng hợp số liệu", D(2027, 1, 1),
     [D(2027, 1, 2), D(2027, 1, 9)], "Hằng tuần vào ngày thứ Bảy", "bộ phận một cửa tổng hợp số liệu"),
    ("Hằng quý, chậm nhất ngày 10 tháng cuối quý, báo cáo tình hình giải quyết hồ sơ TTHC", D(2027, 4, 1),
     [D(2027, 6, 10), D(2027, 9, 10)], "Hằng quý, chậm nhất ngày 10 tháng cuối quý",
     "báo cáo tình hình giải quyết hồ sơ TTHC"),
    ("Mỗi tháng một lần, gửi báo cáo trước ngày 10", D(2027, 1, 1), [D(2027, 1, 9), D(2027, 2, 9)],
     "Mỗi tháng một lần … trước ngày 10", "gửi báo cáo"),
    ("Đăng ký sáng kiến CCHC trước hoặc vào ngày 15 tháng 9 hàng năm", D(2027, 1, 1), [D(2027, 9, 15), D(2028, 9, 15)],
     "trước hoặc vào ngày 15 tháng 9 hàng năm", "Đăng ký sáng kiến CCHC"),
    ("Nộp hồ sơ đề nghị khen thưởng trước ngày 01/3/2028", D(2028, 1, 1), [D(2028, 2, 29)],
     "trước ngày 01/3/2028", "Nộp hồ sơ đề nghị khen thưởng"),
    ("Báo cáo gửi về Sở Nội vụ (qua Phòng CCHC) chậm nhất ngày 10 của tháng cuối quý để tổng hợp", D(2027, 4, 1),
     [D(2027, 6, 10), D(2027, 9, 10)], "chậm nhất ngày 10 của tháng cuối quý", "để tổng hợp"),
])
def test_a_rule_inside_its_task_is_read_and_says_what_was_taken(rule, start, want, timing, task):
    for text in (rule, strip_diacritics(rule)):
        assert dues(text, start, len(want)) == want
    said = parse_rule(rule, CAL).understood()
    assert f"Hạn đọc từ: «{timing}»" in said and task in said and "nội dung công việc" in said, said


def test_the_period_of_the_work_is_content_not_the_due():
    rule = "Chậm nhất 17h thứ Sáu hằng tuần gửi lịch công tác tuần sau"
    assert dues(rule, D(2028, 6, 30)) == [D(2028, 6, 30), D(2028, 7, 7), D(2028, 7, 14)]
    assert "«tuần sau» là kỳ của nội dung báo cáo" in parse_rule(rule).understood()
    rule = "Thứ Hai hằng tuần gửi báo cáo kết quả công việc tuần trước"
    assert dues(rule, D(2027, 1, 1), 2) == [D(2027, 1, 4), D(2027, 1, 11)]
    rule = "Chậm nhất ngày làm việc thứ 2 của tháng, các đơn vị gửi báo cáo tháng trước"
    assert periods(rule, D(2027, 10, 1), 2) == [("2027-09", "Tháng 9/2027", D(2027, 10, 4)),
                                                ("2027-10", "Tháng 10/2027", D(2027, 11, 2))]


@pytest.mark.parametrize("rule", [
    # the content's period is not the rule's: which one is meant?
    "Ngày 5 hằng tháng gửi báo cáo kết quả công việc tuần trước",
    # "hằng quý" around a monthly rule, "Kế hoạch năm" around a quarterly one, "6 tháng một lần" with one date a year
    "Hằng quý, gửi báo cáo chậm nhất ngày 5 hằng tháng",
    "Kế hoạch năm gửi ngày 10 tháng cuối quý",
    "Sáu tháng một lần, gửi báo cáo chậm nhất ngày 25/6 hằng năm",
    # leftover words that carry timing
    "ngày 15 tháng cuối quý và gửi bản giấy về Sở sau đó 5 ngày",
    "Thứ Sáu hằng tuần gửi báo cáo, bản giấy chậm nhất 2 ngày sau",
    "Báo cáo ngay khi có sự cố, chậm nhất ngày 5 hằng tháng",
    "Gửi báo cáo đột xuất và chậm nhất ngày 5 hằng tháng",
    "Chậm nhất ngày 10 hằng tháng, riêng tháng 12 gửi trước",
])
def test_leftover_that_changes_the_timing_is_refused(rule):
    msg = refused(rule)
    assert "«" in msg and len(msg) < 600


def test_a_refused_disagreement_names_the_words_and_the_rule_read():
    msg = refused("Hằng quý, gửi báo cáo chậm nhất ngày 5 hằng tháng")
    assert "«Hằng quý»" in msg and "«chậm nhất ngày 5 hằng tháng»" in msg


# ---------------------------------------------------------------- six months

@pytest.mark.parametrize("rule,start,want", [
    ("Báo cáo 6 tháng một lần, chậm nhất ngày 10 của tháng cuối kỳ (tháng 6 và tháng 12)", D(2026, 12, 11),
     [("2027-H1", D(2027, 6, 10)), ("2027-H2", D(2027, 12, 10)), ("2028-H1", D(2028, 6, 10))]),
    ("Báo cáo định kỳ 6 tháng gửi trước ngày 15 tháng cuối kỳ báo cáo", D(2027, 6, 14),
     [("2027-H1", D(2027, 6, 14)), ("2027-H2", D(2027, 12, 14)), ("2028-H1", D(2028, 6, 14))]),
    ("Báo cáo sáu tháng: chậm nhất ngày 05 của tháng đầu kỳ sau", D(2027, 1, 6),
     [("2027-H1", D(2027, 7, 5)), ("2027-H2", D(2028, 1, 5)), ("2028-H1", D(2028, 7, 5))]),
    ("Báo cáo 6 tháng gửi trước ngày 10 tháng đầu của kỳ kế tiếp", D(2028, 1, 10),
     [("2028-H1", D(2028, 7, 9)), ("2028-H2", D(2029, 1, 9)), ("2029-H1", D(2029, 7, 9))]),
    ("Báo cáo 6 tháng đầu năm: chậm nhất ngày 10 tháng cuối kỳ", D(2027, 1, 1),
     [("2027-H1", D(2027, 6, 10)), ("2028-H1", D(2028, 6, 10)), ("2029-H1", D(2029, 6, 10))]),
    ("6 tháng: ngày 20/6 hằng năm", D(2027, 1, 1),
     [("2027-H1", D(2027, 6, 20)), ("2028-H1", D(2028, 6, 20)), ("2029-H1", D(2029, 6, 20))]),
])
def test_six_monthly_periods_are_both_halves_unless_the_first_is_named(rule, start, want):
    assert [(p, d) for p, _, d in periods(rule, start)] == want


def test_next_period_without_the_period_is_refused():
    assert "kỳ báo cáo là kỳ nào" in refused("chậm nhất ngày 05 của tháng đầu kỳ sau")


# ---------------------------------------------------------------- forms added with rule set 3

@pytest.mark.parametrize("rule,start,want", [
    ("ngày làm việc thứ 3 của mỗi tháng", D(2027, 1, 1), [D(2027, 1, 6), D(2027, 2, 3), D(2027, 3, 3)]),
    ("Gửi báo cáo vào ngày làm việc đầu tiên của mỗi tháng", D(2028, 6, 2), [D(2028, 7, 3), D(2028, 8, 1)]),
    ("trong 05 ngày làm việc đầu tháng", D(2027, 3, 1), [D(2027, 3, 5), D(2027, 4, 7)]),
    ("Báo cáo quý gửi trong 07 ngày làm việc đầu tháng đầu quý", D(2027, 6, 20), [D(2027, 7, 9), D(2027, 10, 11)]),
    ("trong 05 ngày đầu quý", D(2027, 1, 1), [D(2027, 1, 5), D(2027, 4, 5)]),
    ("Báo cáo quý gửi trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý", D(2027, 6, 1),
     [D(2027, 7, 7), D(2027, 10, 7)]),
    ("trong 10 ngày kể từ ngày kết thúc tháng", D(2027, 1, 1), [D(2027, 1, 10), D(2027, 2, 10), D(2027, 3, 10)]),
    ("trước ngày 25 của tháng thứ ba trong quý", D(2027, 1, 1), [D(2027, 3, 24), D(2027, 6, 24)]),
    ("Mỗi quý một lần, gửi báo cáo trước ngày 10 của tháng đầu quý sau", D(2027, 10, 10),
     [D(2028, 1, 9), D(2028, 4, 9), D(2028, 7, 9)]),
    ("Báo cáo tháng không muộn hơn ngày 28", D(2027, 2, 1), [D(2027, 2, 28), D(2027, 3, 28)]),
    ("ngày cuối cùng của tháng 6 và tháng 12 hằng năm", D(2027, 1, 1), [D(2027, 6, 30), D(2027, 12, 31)]),
    ("trước ngày 01/7 và trước ngày 01/01 hằng năm", D(2027, 1, 1), [D(2027, 6, 30), D(2027, 12, 31)]),
    ("Nộp báo cáo trước ngày 15/11/28 và trước ngày 15/5/29", D(2028, 9, 1), [D(2028, 11, 14), D(2029, 5, 14)]),
    ("Báo cáo nhanh vào ngày 1 và 15 hằng tháng", D(2027, 12, 16), [D(2028, 1, 1), D(2028, 1, 15), D(2028, 2, 1)]),
    ("Báo cáo giao ban vào sáng thứ Ba hàng tuần", D(2026, 12, 29), [D(2026, 12, 29), D(2027, 1, 5)]),
])
def test_new_forms(rule, start, want):
    for text in (rule, strip_diacritics(rule), rule.upper()):
        assert dues(text, start, len(want)) == want, text


@pytest.mark.parametrize("rule,labels", [
    ("ngày làm việc thứ 3 của mỗi tháng", ["Tháng 12/2026", "Tháng 1/2027"]),
    ("trong 05 ngày làm việc đầu quý", ["Quý IV/2026", "Quý I/2027"]),
    ("trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý", ["Quý IV/2026", "Quý I/2027"]),
    ("ngày cuối cùng của tháng 6 và tháng 12 hằng năm", ["6 tháng đầu năm 2027", "6 tháng cuối năm 2027"]),
    ("Báo cáo nhanh vào ngày 1 và 15 hằng tháng", ["Hạn 01/01/2027", "Hạn 15/01/2027"]),
])
def test_new_forms_label_their_periods(rule, labels):
    assert [label for _, label, _ in periods(rule, D(2027, 1, 1), 2)] == labels


def test_a_list_of_dates_with_mixed_leads_is_refused():
    assert "hai hạn riêng" in refused("trước ngày 30/6 và chậm nhất ngày 31/12 hằng năm")


@pytest.mark.parametrize("rule", ["ngày làm việc thứ 25 của tháng", "trong 40 ngày đầu tháng"])
def test_impossible_early_days_are_refused(rule):
    assert "Ví dụ" in refused(rule)


# ---------------------------------------------------------------- several report kinds in one rule

def test_report_kinds_each_with_their_rule():
    rule = "Báo cáo quý I, II, III trước ngày 15 của tháng cuối quý; báo cáo năm trước ngày 10/12"
    assert periods(rule, D(2027, 6, 20)) == [("2027-Q3", "Quý III/2027", D(2027, 9, 14)),
                                             ("2027", "Năm 2027", D(2027, 12, 9)),
                                             ("2028-Q1", "Quý I/2028", D(2028, 3, 14))]
    rule = "Báo cáo 6 tháng đầu năm chậm nhất ngày 15/6, báo cáo năm chậm nhất ngày 15/12"
    assert [p for p, _, _ in periods(rule, D(2027, 1, 1), 2)] == ["2027-H1", "2027"]
    assert parse_rule(rule).understood().startswith("Gồm 2 quy tắc: 1) ")


def test_report_kinds_that_overlap_are_refused():
    refused("Báo cáo quý trước ngày 15 tháng cuối quý; báo cáo quý IV trước ngày 10/12")


# ---------------------------------------------------------------- running text

def test_new_forms_are_found_in_a_directive():
    text = ("Các đơn vị gửi báo cáo trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý. Hồ sơ nộp trước ngày "
            "15/11/2028 và trước ngày 15/5/2029. Cập nhật vào ngày làm việc thứ 3 của mỗi tháng.")
    found = {f.phrase: [o.due for o in f.occurrences] for f in find_deadlines(text, D(2027, 1, 1))}
    assert found["trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý"][:2] == [D(2027, 1, 8), D(2027, 4, 7)]
    assert found["trước ngày 15/11/2028 và trước ngày 15/5/2029"] == [D(2028, 11, 14), D(2029, 5, 14)]
    assert found["ngày làm việc thứ 3 của mỗi tháng"][:1] == [D(2027, 1, 6)]


@pytest.mark.parametrize("rule,words", [
    ("Sau khi được phê duyệt, gửi báo cáo trước ngày 5 hằng tháng", "«Sau», «khi»"),
    ("Gửi báo cáo sau ngày họp giao ban, trước ngày 5 hằng tháng", "«sau ngày»"),
])
def test_a_refusal_names_the_timing_words_left_over(rule, words):
    msg = refused(rule)
    assert f"có từ chỉ thời gian ({words})" in msg and "«trước ngày 5 hằng tháng»" in msg, msg


def test_a_report_period_before_the_lead_reads_as_the_grammar_reads_it():
    """'… báo cáo tháng trước ngày 5' is the monthly report due before the 5th, as in 'Báo cáo tháng trước ngày 5'."""
    want = dues("Báo cáo tháng trước ngày 5 hằng tháng", D(2027, 1, 1))
    assert dues("Các đơn vị gửi báo cáo tháng trước ngày 5 hằng tháng", D(2027, 1, 1)) == want == [
        D(2027, 1, 4), D(2027, 2, 4), D(2027, 3, 4)]
    assert dues("Các đơn vị gửi báo cáo quý trước ngày 15 tháng cuối quý", D(2027, 1, 1)) == [
        D(2027, 3, 14), D(2027, 6, 14), D(2027, 9, 14)]


@pytest.mark.parametrize("rule,start,want", [
    ("Báo cáo vào thứ Hai và thứ Năm hằng tuần", D(2027, 1, 1), [D(2027, 1, 4), D(2027, 1, 7), D(2027, 1, 11)]),
    ("ngày 15 của tháng thứ hai của quý", D(2027, 1, 1), [D(2027, 2, 15), D(2027, 5, 15), D(2027, 8, 15)]),
    ("trước ngày 5 của tháng đầu năm sau", D(2027, 1, 1), [D(2027, 1, 4), D(2028, 1, 4)]),
    ("chậm nhất ngày 15 tháng cuối năm", D(2027, 1, 1), [D(2027, 12, 15), D(2028, 12, 15)]),
    ("Báo cáo tháng gửi trong 3 ngày làm việc đầu tháng sau", D(2027, 3, 1), [D(2027, 3, 3), D(2027, 4, 5)]),
    ("Quý một lần, gửi báo cáo trước ngày 10 tháng cuối quý", D(2027, 1, 1), [D(2027, 3, 9), D(2027, 6, 9)]),
    ("Báo cáo theo Mẫu số 01 gửi chậm nhất ngày 5 hằng tháng", D(2027, 1, 1), [D(2027, 1, 5), D(2027, 2, 5)]),
    ("Báo cáo tình hình thương mại điện tử, đổi mới, môi trường chậm nhất ngày 10 hằng tháng", D(2027, 1, 1),
     [D(2027, 1, 10), D(2027, 2, 10)]),
    ("Chậm nhất ngày 20 tháng 6 và ngày 20 tháng 12, các đơn vị gửi báo cáo 6 tháng và báo cáo năm", D(2027, 1, 1),
     [D(2027, 6, 20), D(2027, 12, 20)]),
])
def test_more_forms_written_as_directives_write_them(rule, start, want):
    assert dues(rule, start, len(want)) == want


def test_quarters_and_year_in_a_kỳ_rule_are_all_their_periods():
    """'Báo cáo quý và năm … tháng cuối kỳ' is every quarter and the year (it was the year alone: three missed)."""
    got = [p for p, _, _ in periods("Báo cáo quý và năm chậm nhất ngày 15 tháng cuối kỳ", D(2027, 1, 1), 5)]
    assert got == ["2027-Q1", "2027-Q2", "2027-Q3", "2027", "2027-Q4"]


@pytest.mark.parametrize("rule", ["thứ 6 hai tuần một lần", "Báo cáo hai tháng một lần, ngày 5", "mỗi 2 tháng, ngày 10",
                                  "Báo cáo 2 tuần/lần vào thứ Sáu", "Báo cáo tháng: chậm nhất ngày 10 tháng cuối kỳ"])
def test_other_spacings_are_refused(rule):
    """A spacing the grammar lacks is refused, never read as weekly or monthly."""
    refused(rule)


def test_three_months_once_is_quarterly():
    assert dues("Ba tháng một lần, gửi báo cáo chậm nhất ngày 10 tháng cuối quý", D(2027, 1, 1), 2) == [
        D(2027, 3, 10), D(2027, 6, 10)]


@pytest.mark.parametrize("rule", ["Mỗi 6 tháng, chậm nhất ngày 15 tháng cuối kỳ", "Chậm nhất ngày 15 tháng cuối kỳ, 6 tháng một lần",
                                  "Báo cáo định kỳ 06 tháng/lần, chậm nhất ngày 15 tháng cuối kỳ",
                                  "Báo cáo bán niên: chậm nhất ngày 15 tháng cuối kỳ"])
def test_six_months_written_other_ways(rule):
    assert [(p, d) for p, _, d in periods(rule, D(2027, 1, 1), 2)] == [("2027-H1", D(2027, 6, 15)),
                                                                        ("2027-H2", D(2027, 12, 15))]


def test_every_three_months_is_quarterly():
    assert dues("mỗi 3 tháng, ngày 10 tháng cuối quý", D(2027, 1, 1), 2) == [D(2027, 3, 10), D(2027, 6, 10)]
