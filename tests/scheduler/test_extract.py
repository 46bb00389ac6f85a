"""Deadline phrases found in the bundled directives and in small texts."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scheduler.extract import document_deadlines, find_deadlines
from scheduler.rules import parse_rule

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
TODAY = date(2026, 11, 25)


def corpus(prefix: str) -> str:
    [path] = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def test_directive_7946_plan_deadlines():
    found = find_deadlines(corpus("000"), TODAY)
    by_phrase = {f.phrase: f for f in found}
    sb = by_phrase["chậm nhất ngày 30/01 của năm kế hoạch"]
    xa = by_phrase["chậm nhất ngày 28/02 của năm kế hoạch"]
    for f, due in ((sb, date(2027, 1, 30)), (xa, date(2027, 2, 28))):
        assert f.recurring and f.rule is not None and f.occurrences[0].due == due
        assert parse_rule(f.rule).occurrences(TODAY, 1)[0].due == due
        assert f.section == "1.b" and f.action == "ban hành"
    assert "sở, ban, ngành" in sb.sentence and "UBND cấp xã" in xa.sentence
    periodic = [f for f in found if f.phrase.startswith("Định kỳ hằng quý")]
    assert periodic and periodic[0].rule is None and "không nêu ngày" in periodic[0].understood


def test_directive_2017_one_off_deadlines():
    found = find_deadlines(corpus("003"), TODAY)
    rules: dict = {}
    for f in found:
        rules.setdefault(f.phrase, f)  # the first of repeated phrases
    q3 = rules["trong quý III/2017"]
    assert q3.occurrences[0].due == date(2017, 9, 30) and q3.past and not q3.recurring
    assert q3.action == "trình"
    assert rules["trong quý IV/2017"].occurrences[0].due == date(2017, 12, 31)
    months = rules["trong tháng 6-7/2017"]
    assert (months.occurrences[0].window_start, months.occurrences[0].due) == (date(2017, 6, 1), date(2017, 7, 31))
    start = rules["từ tháng 5/2017"]
    assert start.rule is None and start.occurrences == []
    assert "không có hạn kết thúc" in start.understood
    offsets = [f.offset for f in found]
    assert offsets == sorted(offsets)
    text = corpus("003")
    assert all(text[f.offset:f.offset + 5] == f.phrase[:5] for f in found)


def test_small_text_all_patterns():
    text = ("I. NHIỆM VỤ\n1. Báo cáo\na) Các sở gửi báo cáo quý chậm nhất ngày 15 tháng đầu quý sau. "
            "b) Báo cáo tháng trước ngày 5 hằng tháng. "
            "c) Kế hoạch nộp trước ngày 15/6 hằng năm. "
            "d) Giải quyết trong thời hạn 05 ngày làm việc kể từ ngày 15/3/2027. "
            "e) Báo cáo đột xuất khi có yêu cầu.\n")
    found = find_deadlines(text, TODAY)
    got = {f.phrase: f for f in found}
    assert got["chậm nhất ngày 15 tháng đầu quý sau"].occurrences[0].due == date(2027, 1, 15)
    assert got["chậm nhất ngày 15 tháng đầu quý sau"].section == "I.1.a"
    assert got["trước ngày 5 hằng tháng"].occurrences[0].due == date(2026, 12, 4)
    assert got["trước ngày 15/6 hằng năm"].occurrences[0].due == date(2027, 6, 14)
    counted = got["trong thời hạn 05 ngày làm việc kể từ ngày 15/3/2027"]
    assert counted.occurrences[0].due == date(2027, 3, 22) and not counted.past
    assert any(f.rule is None and "đột xuất" in f.phrase for f in found)


def test_without_diacritics():
    [f] = find_deadlines("Cac so ban hanh ke hoach cham nhat ngay 30/01 hang nam.", TODAY)
    assert f.rule == "cham nhat ngay 30/01 hang nam" and f.occurrences[0].due == date(2027, 1, 30)


def test_impossible_date_in_a_document_is_reported_not_raised():
    [f] = find_deadlines("Nộp chậm nhất ngày 31/02/2027.", TODAY)
    assert f.rule is None and "không có thật" in f.understood


def test_json_ready():
    data = document_deadlines(corpus("000"), TODAY)
    json.dumps(data, ensure_ascii=False)
    first = data[0]
    assert first["rule"] == "chậm nhất ngày 30/01 của năm kế hoạch"
    assert first["occurrences"][0] == {"period": "2027", "label": "Năm 2027", "due": "2027-01-30",
                                       "cutoff": None, "window_start": None}
    assert set(first) >= {"phrase", "sentence", "section", "rule", "understood", "recurring", "past", "occurrences"}


def test_empty_and_plain_text():
    assert find_deadlines("", TODAY) == []
    assert find_deadlines("Tăng cường kỷ luật, kỷ cương hành chính.", TODAY) == []


def test_new_rule_families_in_running_text():
    text = ("2. Chế độ báo cáo\na) Báo cáo tuần gửi vào thứ Sáu hằng tuần. b) Báo cáo quý gửi Sở Nội vụ chậm nhất "
            "ngày 15 các tháng 3, 6, 9 và 12. c) Kết quả tự chấm điểm gửi từ ngày 01/11 đến ngày 20/11 hằng năm. "
            "d) Báo cáo tháng nộp vào ngày làm việc cuối cùng của tháng. đ) Kế hoạch gửi chậm nhất ngày 20/01 năm sau. "
            "e) Hồ sơ xử lý không quá 05 ngày làm việc kể từ ngày 05/11/2027. g) Thời hạn: bắt đầu thực hiện từ năm "
            "2018. h) Ban hành trước ngày 31/3/27 (theo Nghị định 09/2019/NĐ-CP). i) Văn bản ngày 25/11/2021 của "
            "UBND tỉnh.")
    got = {f.phrase: f for f in find_deadlines(text, date(2026, 12, 1))}
    first = {p: f.occurrences[0].due for p, f in got.items() if f.occurrences}
    assert first == {
        "thứ Sáu hằng tuần": date(2026, 12, 4),
        "chậm nhất ngày 15 các tháng 3, 6, 9 và 12": date(2026, 12, 15),
        "từ ngày 01/11 đến ngày 20/11 hằng năm": date(2027, 11, 20),
        "ngày làm việc cuối cùng của tháng": date(2026, 12, 31),
        "chậm nhất ngày 20/01 năm sau": date(2027, 1, 20),
        "không quá 05 ngày làm việc kể từ ngày 05/11/2027": date(2027, 11, 12),
        "trước ngày 31/3/27": date(2027, 3, 30),
    }
    start = got["bắt đầu thực hiện từ năm 2018"]
    assert start.rule is None and "không có hạn kết thúc" in start.understood
    assert not any("25/11/2021" in p for p in got)  # a document's own date is not a deadline
    assert all(text[f.offset:f.offset + len(f.phrase)] == f.phrase for f in got.values())


def test_extraction_strips_invisible_characters_and_keeps_offsets():
    text = "Các sở nộp chậm\u00a0nhất ngày 30/01\u200b hằng năm."
    [f] = find_deadlines(text, TODAY)
    assert f.occurrences[0].due == date(2027, 1, 30) and text[f.offset:].startswith("chậm")


def test_deadlines_inside_parentheses_count_and_targets_do_not():
    text = ("Chủ trì lập kế hoạch thanh tra (thời gian trình UBND tỉnh: trong quý IV/2017). Phấn đấu đến năm 2030 "
            "đạt 90%; tổng kết vào cuối năm 2022; thời hạn hẹn lại không quá 1/3 tổng thời gian giải quyết.")
    found = find_deadlines(text, TODAY)
    assert [f.phrase for f in found] == ["trong quý IV/2017"] and found[0].occurrences[0].due == date(2017, 12, 31)


def _found(sentence: str):  # type: ignore[no-untyped-def]
    from scheduler.extract import find_deadlines

    [f] = [f for f in find_deadlines(sentence, date(2026, 12, 1)) if f.rule]
    return f


@pytest.mark.parametrize("sentence,name", [
    ("Các sở, ban, ngành gửi báo cáo kết quả thực hiện công tác CCHC quý về Sở Nội vụ trước ngày 15 của tháng cuối "
     "quý.", "Báo cáo kết quả thực hiện công tác CCHC quý"),
    ("UBND cấp xã báo cáo tháng gửi Sở Nội vụ trước ngày 20 hằng tháng.", "Báo cáo tháng"),
    ("Sở Tư pháp chủ trì tổ chức Hội thi tìm hiểu CCHC, hoàn thành trong quý III/2027.", "Tổ chức Hội thi tìm hiểu CCHC"),
    ("Sở Nội vụ tổng hợp, báo cáo UBND tỉnh trước ngày 20/12/2027.", "Tổng hợp"),  # 'báo cáo UBND': the verb
    ("Trước ngày 10 hằng tháng, các xã nộp số liệu.", "Các xã nộp số liệu"),
])
def test_report_name_is_the_report_not_the_sentence(sentence: str, name: str) -> None:
    from scheduler.extract import report_name

    assert report_name(_found(sentence)) == name


@pytest.mark.parametrize("sentence,body", [
    ("Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức Hội thi, hoàn thành trong quý III/2027.",
     "Sở Văn hóa, Thể thao và Du lịch"),
    ("4. Giao Sở Tư pháp xây dựng kế hoạch kiểm tra, chậm nhất ngày 15/12/2027.", "Sở Tư pháp"),
    ("UBND xã Tân Lập nộp báo cáo trước ngày 31/01/2027.", "UBND xã Tân Lập"),
    ("Các sở, ban, ngành gửi báo cáo năm chậm nhất ngày 10/12 hằng năm.", None),
    ("Sở, ban, ngành gửi báo cáo năm chậm nhất ngày 10/12 hằng năm.", None),
    ("UBND cấp xã báo cáo tháng trước ngày 20 hằng tháng.", None),
    ("Báo cáo năm gửi Sở Nội vụ chậm nhất ngày 10/12 hằng năm.", None),  # the recipient, not who reports
])
def test_responsible_body_only_when_the_sentence_opens_with_one(sentence: str, body: str | None) -> None:
    from scheduler.extract import responsible_body

    assert responsible_body(_found(sentence)) == body
