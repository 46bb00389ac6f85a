"""A document's outline as the answer to "những nhóm nhiệm vụ nào": which sibling sections, and when not."""
from __future__ import annotations

from knowledge.outline import asks_outline, headings, outline_for, words_of
from knowledge.service import KnowledgeBase

SECTIONS = [
    (1, "I", "I. MỤC ĐÍCH, YÊU CẦU"),
    (2, "II.1", "II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH › 1. Cải cách thể chế"),
    (3, "II.2", "II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH › 2. Cải cách thủ tục hành chính"),
    (4, "II.3", "II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH › 3. Cải cách tài chính công"),
    (5, "II.3.a", "II. NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH › 3. Cải cách tài chính công › a"),
    (6, "III", "III. TỔ CHỨC THỰC HIỆN"),
]


def test_the_group_under_the_title_the_question_names_is_the_outline():
    found = headings(SECTIONS)
    group = outline_for("kế hoạch gồm những nhiệm vụ cải cách hành chính nào", words_of("Kế hoạch"), found)
    assert [h.title for h in group] == ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách tài chính công"]
    assert group[0].parent_title == "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"


def test_a_question_about_one_section_or_something_else_gets_no_outline():
    found = headings(SECTIONS)
    assert outline_for("cải cách tài chính công gồm những nội dung gì", words_of("Kế hoạch"), found) == []
    assert outline_for("sở nội vụ được giao những nhiệm vụ gì", words_of("Kế hoạch"), found) == []
    assert asks_outline("cv 7946 yeu cau nhung nhom nhiem vu lon nao") and not asks_outline("ai ky cv 7946")


def test_a_document_named_by_its_number_is_answered_with_its_outline(bundled_kb: KnowledgeBase):
    a = bundled_kb.answer("cong van 7946 bac kan de ra nhung nhom nhiem vu chinh nao")
    assert a.answered and a.kind == "outline"
    assert "bố trí nguồn lực" in a.text and "tuyên truyền, phổ biến, quán triệt" in a.text
    b = bundled_kb.answer("kế hoạch cải cách hành chính năm 2022 của đồng tháp có những nhóm nhiệm vụ nào")
    assert b.kind == "outline" and "Cải cách thể chế" in b.text and "Cải cách tài chính công" in b.text
