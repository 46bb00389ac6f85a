"""Ingestion: each format, the five directives' metadata, structure and artefact repair, bad files."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from knowledge.errors import IngestError
from knowledge.ingest import parse_text
from knowledge.service import KnowledgeBase, bundled_corpus

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

SAMPLE = """Số: **123**/KH-UBND

Cao Bằng, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
Kiểm soát thủ tục hành chính năm 2024

I. MỤC TIÊU

1. Tỷ lệ hồ sơ

a) Tỷ lệ hồ sơ giải quyết đúng hạn đạt tối thiểu 98%; các cơ quan báo cáo kết quả về Sở Nội vụ trước ngày

15/12/2024 hằng năm.

b) Số hóa hồ sơ¹ đạt 100%.

¹Số hóa theo Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ.

II. TỔ CHỨC THỰC HIỆN

- Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.

Nơi nhận:
- Như trên;

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Trần Văn Minh
"""


def test_text_structure_metadata_and_repairs():
    doc = parse_text("kh.txt", SAMPLE)
    m = doc.meta
    assert (m.doc_type, m.number, m.date, m.province) == ("Kế hoạch", "123/KH-UBND", date(2024, 3, 5), "Cao Bằng")
    assert m.title == "Kiểm soát thủ tục hành chính năm 2024"
    assert m.issuer == "UBND tỉnh Cao Bằng"
    assert (m.signer, m.signer_title) == ("Trần Văn Minh", "Chủ tịch")
    by_section = {s.section: s for s in doc.segments if s.section}
    assert "I.1.a" in by_section and "I.1.b" in by_section and "II" in by_section
    # the sentence cut by a page break is whole again, bold marks and footnote numbers are gone
    assert "trước ngày 15/12/2024 hằng năm." in by_section["I.1.a"].text
    assert any(s.text == "Số hóa hồ sơ đạt 100%." for s in doc.segments if s.section == "I.1.b")
    assert "**" not in doc.text and "¹" not in doc.text
    footnote = [s for s in doc.segments if "45/2020/NĐ-CP" in s.text]
    assert footnote and footnote[0].section == "I.1.b"
    assert all("Như trên" not in s.text for s in doc.segments)  # the recipients list is not content


def test_absent_fields_stay_empty():
    doc = parse_text("x.txt", "KẾ HOẠCH\nCải cách hành chính\n\n1. Nội dung\n\n- Làm tốt việc cải cách thủ tục hành chính.")
    m = doc.meta
    assert m.doc_type == "Kế hoạch"
    assert (m.number, m.date, m.signer, m.province, m.issuer) == ("", None, "", "", "")


EXPECTED = {
    "000": ("Công văn", "7946/UBND-NCPC", "UBND tỉnh Bắc Kạn", "Bắc Kạn", date(2021, 11, 25), "Nguyễn Đăng Bình"),
    "001": ("Kế hoạch", "", "UBND tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu", None, "Đặng Minh Thông"),
    "002": ("Kế hoạch", "", "UBND tỉnh Hà Tĩnh", "Hà Tĩnh", None, "Nguyễn Hồng Lĩnh"),
    "003": ("Chỉ thị", "", "UBND tỉnh Khánh Hòa", "Khánh Hòa", None, ""),
    "004": ("Kế hoạch", "", "UBND tỉnh Đồng Tháp", "Đồng Tháp", None, "Phạm Thiện Nghĩa"),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_metadata_of_the_five_directives(prefix: str):
    name, data = next((n, d) for n, d in bundled_corpus() if n.startswith(prefix))
    doc = parse_text(name, data.decode())
    m = doc.meta
    assert (m.doc_type, m.number, m.issuer, m.province, m.date, m.signer) == EXPECTED[prefix]
    assert m.title
    assert all("**" not in s.text for s in doc.segments)


def test_directive_details():
    docs = {n[:3]: parse_text(n, d.decode()) for n, d in bundled_corpus()}
    assert docs["002"].meta.draft and docs["002"].meta.date_text == "tháng 7/2022"
    assert docs["004"].meta.title == "Cải cách hành chính năm 2022"
    assert docs["000"].meta.title.startswith("triển khai thực hiện Chương trình tổng thể CCHC")
    # Hà Tĩnh's footnote with the 2021 scores is a passage of its own, the sentence around it is repaired
    texts = [s.text for s in docs["002"].segments]
    assert any("88,61/100" in t for t in texts)
    assert any("các lĩnh vực đánh giá, các tiêu chí, tiêu chí thành phần" in t for t in texts)
    sections = {s.section for s in docs["000"].segments}
    assert {"1.a", "1.b", "1.g"} <= sections


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    for line in SAMPLE.replace("**", "").split("\n\n"):
        d.add_paragraph(line.strip())
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Chỉ tiêu"
    table.rows[0].cells[1].text = "Số hóa kết quả giải quyết TTHC đạt 75%"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx(empty_kb: KnowledgeBase):
    r = empty_kb.add_bytes("kehoach.docx", _docx_bytes())
    assert r.created and r.passages > 3
    doc = empty_kb.get_document(r.document_id)
    assert doc.number == "123/KH-UBND" and doc.signer == "Trần Văn Minh"
    assert "75%" in empty_kb.document_text(r.document_id)


def _pdf_bytes(text: str, font: Path | None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if font is not None:
        pdf.add_font("dejavu", fname=str(font))
        pdf.set_font("dejavu", size=11)
    else:
        pdf.set_font("helvetica", size=11)
    for para in text.split("\n\n"):
        pdf.multi_cell(0, 6, para.strip())
        pdf.ln(3)
    return bytes(pdf.output())


def test_pdf_ascii(empty_kb: KnowledgeBase):
    text = ("KE HOACH\nCai cach hanh chinh nam 2025\n\nI. MUC TIEU\n\n1. Ty le ho so dung han dat toi thieu 97%.\n\n"
            "2. Moi nam to chuc doi thoai it nhat 02 lan.")
    r = empty_kb.add_bytes("plan.pdf", _pdf_bytes(text, None))
    assert r.created and r.passages >= 2
    assert "97%" in empty_kb.document_text(r.document_id)


@pytest.mark.skipif(not FONT.exists(), reason="no TTF with Vietnamese glyphs on this machine")
def test_pdf_vietnamese(empty_kb: KnowledgeBase):
    r = empty_kb.add_bytes("kehoach.pdf", _pdf_bytes(SAMPLE.replace("**", "").replace("¹", ""), FONT))
    doc = empty_kb.get_document(r.document_id)
    assert doc.doc_type == "Kế hoạch" and doc.number == "123/KH-UBND"
    assert empty_kb.answer("ty le ho so giai quyet dung han toi thieu").answered


def test_same_content_twice_is_a_no_op(empty_kb: KnowledgeBase):
    first = empty_kb.add_bytes("a.txt", SAMPLE.encode())
    again = empty_kb.add_bytes("copy.md", SAMPLE.encode())
    assert first.created and not again.created and again.document_id == first.document_id
    assert len(empty_kb.list_documents()) == 1


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_bytes("KE HOACH\n\nNoi dung bi khoa mat khau day du.", None))))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _image_only_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "rỗng"),
    ("blob.txt", b"\x00\x01\x02binary\x00" * 50, "nhị phân"),
    ("sheet.xlsx", b"PK\x03\x04 not supported", "Không hỗ trợ"),
    ("broken.docx", b"this is not a zip", "không phải tệp Word"),
    ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
    ("locked.pdf", None, "mật khẩu"),
    ("scan.pdf", None, "hình ảnh"),
])
def test_bad_files_are_refused_and_store_nothing(empty_kb: KnowledgeBase, name: str, data: bytes | None, reason: str):
    if name == "locked.pdf":
        data = _encrypted_pdf()
    elif name == "scan.pdf":
        data = _image_only_pdf()
    with pytest.raises(IngestError) as e:
        empty_kb.add_bytes(name, data)
    assert reason in str(e.value)
    assert empty_kb.list_documents() == []


def test_oversized_file_is_refused(tmp_path: Path):
    from tests.knowledge.conftest import make_kb

    kb = make_kb(tmp_path)
    kb._bootstrapped = True
    kb.settings = type(kb.settings)(data_dir=kb.settings.data_dir, database_url=kb.settings.database_url,
                                    max_upload_bytes=1000)
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE * 10)
    with pytest.raises(IngestError, match="quá lớn"):
        kb.add_bytes("big.txt", (SAMPLE * 10).encode())
    assert kb.list_documents() == []


def test_a_law_as_plain_text_keeps_its_name_and_article_titles():
    """A law pasted as text: the type and subject on one line in capitals, each article's title on its own line with
    its body on the next; the title is the article's heading, not the start of its first sentence."""
    text = ("LUẬT PHÒNG, CHỐNG MA TÚY\n\nĐiều 1. Phạm vi điều chỉnh\nLuật này quy định về phòng, chống ma túy.\n\n"
            "Điều 2. Giải thích từ ngữ\nTrong Luật này, các từ ngữ dưới đây được hiểu như sau:\n"
            "1. Chất ma túy là chất gây nghiện, chất hướng thần.\n2. Tiền chất là hóa chất không thể thiếu được.\n\n"
            "Điều 3. Trách nhiệm của các cơ quan\nthuộc Chính phủ\nCác bộ thực hiện quản lý nhà nước.\n")
    parsed = parse_text("luat.txt", text)
    assert (parsed.meta.doc_type, parsed.meta.title) == ("Luật", "Phòng, chống ma túy")
    first = next(s for s in parsed.segments if s.section == "Điều 1")
    assert first.heading == "Điều 1. Phạm vi điều chỉnh" and first.text.startswith("Luật này")
    clause = next(s for s in parsed.segments if s.section == "Điều 2.1")
    assert clause.heading == "Điều 2. Giải thích từ ngữ › 1"
    # a title wrapped onto a line in lower case is still one title
    assert any(s.heading == "Điều 3. Trách nhiệm của các cơ quan thuộc Chính phủ" for s in parsed.segments)
