"""The service: several processes on one database, removal, passages, sections."""
from __future__ import annotations

from pathlib import Path

from knowledge.service import KnowledgeBase
from tests.knowledge.conftest import make_kb, remove_document

DOC = """KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2025

1. Nội dung

a) Tổ chức hội thi tìm hiểu về cải cách hành chính trong quý III/2025 cho công chức cấp xã.

b) Phát hành 500 tờ rơi về dịch vụ công trực tuyến.
"""


def test_a_second_process_sees_new_documents(tmp_path: Path):
    first = make_kb(tmp_path)
    first.ensure_ready()
    second = KnowledgeBase(first.db, first.settings)
    second.ensure_ready()
    assert "quý III/2025" not in second.answer("hoi thi tim hieu cai cach hanh chinh cho cong chuc cap xa").text
    added = first.add_bytes("tuyen-truyen.txt", DOC.encode())
    answer = second.answer("hoi thi tim hieu cai cach hanh chinh cho cong chuc cap xa")
    assert answer.answered and "quý III/2025" in answer.text
    assert remove_document(second, added.document_id)
    assert "quý III/2025" not in first.answer("hoi thi tim hieu cai cach hanh chinh cho cong chuc cap xa").text
    assert not remove_document(second, added.document_id)


def test_bundled_corpus_on_first_run_only(tmp_path: Path):
    kb = make_kb(tmp_path)
    kb.ensure_ready()
    docs = kb.list_documents()
    assert len(docs) == 5 and all(n > 10 for _, n in docs)
    remove_document(kb, docs[0][0].id)
    again = make_kb(tmp_path)
    again.ensure_ready()  # not re-ingested: the KB is not new
    assert len(again.list_documents()) == 4


def test_passages_sections_and_text(bundled_kb: KnowledgeBase):
    a = bundled_kb.answer("Kế hoạch CCHC năm của các đơn vị xây dựng theo mẫu nào?")
    p = bundled_kb.get_passage(a.sources[0].passage.id)
    assert p is not None and p.section == "1.b"
    found = bundled_kb.section_text(p.id)
    assert found is not None and "Phụ lục kèm theo văn bản này" in found[1]
    text = bundled_kb.document_text(p.doc.id)
    assert "chậm nhất ngày 30/01" in text and "**" not in text
    assert bundled_kb.get_passage(10**9) is None


PLAN = """KẾ HOẠCH
Số hóa hồ sơ lưu trữ năm 2026

1. Số hóa hồ sơ lưu trữ

- Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố rà soát, phân loại \
và số hóa toàn bộ hồ sơ lưu trữ có giá trị sử dụng thường xuyên, cập nhật vào kho dữ liệu dùng chung của tỉnh, \
bảo đảm an toàn thông tin và khả năng khai thác, sử dụng lại dữ liệu khi giải quyết thủ tục hành chính. \
Thời hạn hoàn thành: trong quý III/2026.

2. Xây dựng chính quyền số

- Nâng cấp hệ thống mạng diện rộng của tỉnh, kết nối các sở, ban, ngành với cấp huyện và cấp xã.
"""


def test_a_short_deadline_sentence_joins_the_task_it_dates(empty_kb: KnowledgeBase):
    empty_kb.add_bytes("so-hoa.txt", PLAN.encode())
    a = empty_kb.answer("Sở Nội vụ hoàn thành số hóa hồ sơ lưu trữ khi nào?")
    body = a.text.partition("📄")[0]
    assert "quý III/2026" in body and "Sở Nội vụ chủ trì" in body


def test_a_source_shows_the_heading_that_matched(empty_kb: KnowledgeBase):
    empty_kb.add_bytes("so-hoa.txt", PLAN.encode())
    a = empty_kb.answer("nhiem vu xay dung chinh quyen so cua tinh")
    assert a.answered
    source = a.to_json()["sources"][0]
    assert source["section"] == "2"
    assert source["passage"].startswith("2. Xây dựng chính quyền số\n- Nâng cấp hệ thống mạng")
    a = empty_kb.answer("nang cap he thong mang dien rong")  # matched in the text itself: no heading added
    assert a.to_json()["sources"][0]["passage"].startswith("- Nâng cấp")


def test_deadline_questions_in_the_officials_own_words(bundled_kb: KnowledgeBase):
    """Officials ask "nộp trước ngày nào" / "hạn nộp"; the directive writes "gửi … chậm nhất ngày"."""
    for q in ("ke hoach cchc nam cua so nop truoc ngay nao", "han nop ke hoach cchc cua xa",
              "hạn chót nộp kế hoạch CCHC năm"):
        a = bundled_kb.answer(q)
        assert a.answered and ("30/01" in a.text or "28/02" in a.text), q
    for q in ("han nop thue thu nhap ca nhan", "hạn đăng kiểm xe ô tô", "hạn nộp học phí đại học"):
        assert not bundled_kb.answer(q).answered, q
