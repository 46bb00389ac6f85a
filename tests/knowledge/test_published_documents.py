"""Documents as provinces publish them: tables, header and signature blocks, PDF headers, scans, .doc/.odt, limits."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from knowledge import convert, ocr
from knowledge.citation_notes import SCAN_NOTE, TWO_LEVEL_NOTE
from knowledge.errors import IngestError
from knowledge.service import KnowledgeBase
from tests.knowledge import documents as fx
from tests.knowledge.conftest import set_status

no_ocr = pytest.mark.skipif(bool(ocr.missing()), reason="Tesseract with its Vietnamese model is not installed "
                            "(apt-get install tesseract-ocr tesseract-ocr-vie; make test does it as root)")
no_office = pytest.mark.skipif(convert.converter() is None, reason="LibreOffice is not installed "
                               "(apt-get install libreoffice-writer-nogui; make test does it as root)")
no_font = pytest.mark.skipif(not fx.FONT.exists(), reason="no DejaVu font (Debian fonts-dejavu-core)")


def passages(kb: KnowledgeBase, doc_id: int) -> list[tuple[str | None, str, str]]:
    doc = kb.get_document(doc_id)
    assert doc is not None
    return [(p.section, p.heading, p.text) for p in doc.passages]


def test_docx_tables_become_rows_and_header_and_signature_become_metadata(empty_kb: KnowledgeBase):
    r = empty_kb.add_bytes("kehoach.docx", fx.docx_plan())
    doc = empty_kb.get_document(r.document_id)
    assert (doc.doc_type, doc.number, doc.issued_on, doc.issuer) == (
        "Kế hoạch", "45/KH-UBND", date(2026, 1, 10), "UBND tỉnh Cao Bằng")
    assert doc.title == "Cải cách hành chính tỉnh Cao Bằng năm 2026"
    assert (doc.signer, doc.signer_title) == ("Nông Thị Hạnh", "Phó chủ tịch")
    texts = [t for _, _, t in passages(empty_kb, r.document_id)]
    rows = [(s, h, t) for s, h, t in passages(empty_kb, r.document_id) if t.startswith("Chỉ tiêu:")]
    assert [t for _, _, t in rows] == [f"Chỉ tiêu: {c} — Mục tiêu năm 2026: {v} — Cơ quan chủ trì: {o}"
                                       for _, c, v, o in fx.TARGETS]
    assert all(s == "I.2" and h.endswith("Bảng. Biểu chỉ tiêu cải cách hành chính năm 2026") for s, h, _ in rows)
    for leaked in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA", "Độc lập", "Nơi nhận", "Như trên", "KT. CHỦ TỊCH", "Nông Thị Hạnh",
                   "Đã ký", "STT"):
        assert not any(leaked in t and not t.startswith("Cơ quan ban hành") for t in texts), leaked
    assert any(t.endswith("trước ngày 15/12/2026 để tổng hợp.") for t in texts)  # the last sentence stands alone


def test_a_question_about_one_row_gets_that_row(empty_kb: KnowledgeBase):
    empty_kb.add_bytes("kehoach.docx", fx.docx_plan())
    a = empty_kb.answer("Mục tiêu năm 2026 về tỷ lệ hồ sơ nộp trực tuyến toàn trình là bao nhiêu?")
    first = a.text.split("\n")[0]
    assert a.answered and "45%" in first and "85%" not in a.text.split("📄")[0]
    assert "mục I.2 (Biểu chỉ tiêu cải cách hành chính năm 2026)" in a.text
    a = empty_kb.answer("tỷ lệ số hóa kết quả giải quyết thủ tục hành chính năm 2026 đạt bao nhiêu")
    assert "85%" in a.text.split("📄")[0] and "45%" not in a.text.split("📄")[0]
    a = empty_kb.answer("Ai ký kế hoạch 45/KH-UBND?")
    assert "Nông Thị Hạnh" in a.text


@no_font
def test_text_pdf_header_table_page_numbers_and_signature(empty_kb: KnowledgeBase):
    r = empty_kb.add_bytes("congvan.pdf", fx.pdf_letter())
    doc = empty_kb.get_document(r.document_id)
    assert (doc.doc_type, doc.number, doc.issued_on, doc.province) == (
        "Công văn", "312/SNV-CCHC", date(2026, 3, 20), "Cao Bằng")
    assert doc.title == "triển khai Chỉ số cải cách hành chính năm 2026"
    assert doc.issuer == "Sở Nội vụ tỉnh Cao Bằng" and (doc.signer, doc.signer_title) == ("Hoàng Văn Nam", "Giám đốc")
    texts = [t for _, _, t in passages(empty_kb, r.document_id)]
    assert "Nội dung: Đối thoại với doanh nghiệp về thủ tục đất đai — Thời hạn: Quý II/2026" in texts
    for leaked in ("- 1 -", "Số:", "V/v", "Kính gửi", "CỘNG HÒA", "Hoàng Văn Nam", "GIÁM ĐỐC"):
        assert not any(leaked in t and not t.startswith("Cơ quan ban hành") for t in texts), leaked
    assert "- 1 -" not in doc.text
    a = empty_kb.answer("Thời hạn đối thoại với doanh nghiệp về thủ tục đất đai là khi nào?")
    assert "Quý II/2026" in a.text.split("📄")[0] and "Quý III" not in a.text.split("📄")[0]
    assert "Công văn số 312/SNV-CCHC của Sở Nội vụ tỉnh Cao Bằng, ngày 20/03/2026" in a.text


def _check_scan(kb: KnowledgeBase, name: str, data: bytes) -> None:
    seen: list[tuple[int, int]] = []
    r = kb.add_bytes(name, data, lambda done, total: seen.append((done, total)))
    assert r.scanned and r.pages == 1 and r.low_confidence_pages == () and seen == [(1, 1)]
    doc = kb.get_document(r.document_id)
    assert (doc.doc_type, doc.number, doc.title, doc.scanned) == ("Thông báo", "77/TB-UBND",
                                                                  "Lịch tiếp công dân năm 2026", True)
    a = kb.answer("Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày nào?")
    assert "ngày 15 hằng tháng" in a.text.split("📄")[0]
    assert "Thông báo số 77/TB-UBND" in a.text and SCAN_NOTE in a.text and "bản scan" in a.text


@no_ocr
@no_font
def test_image_only_pdf_is_read_by_ocr(empty_kb: KnowledgeBase):
    _check_scan(empty_kb, "thongbao.pdf", fx.image_pdf())


@no_ocr
@no_font
def test_photo_is_read_by_ocr(empty_kb: KnowledgeBase):
    _check_scan(empty_kb, "thongbao.png", fx.png_scan())


@no_font
def test_without_tesseract_a_scan_is_refused_saying_what_to_install(empty_kb: KnowledgeBase, monkeypatch):
    monkeypatch.setattr(ocr, "missing", lambda: ocr.INSTALL_HINT)
    for name, data in (("scan.pdf", fx.image_pdf()), ("anh.png", fx.png_scan())):
        with pytest.raises(IngestError, match="tesseract-ocr-vie"):
            empty_kb.add_bytes(name, data)
    assert empty_kb.list_documents() == []


def test_a_low_confidence_page_is_reported(empty_kb: KnowledgeBase, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr, "missing", lambda: "")
    monkeypatch.setattr(ocr, "read_image", lambda image: ocr.OcrPage(
        "THÔNG BÁO\nLịch họp\n\n1. Họp giao ban vào thứ hai hằng tuần tại phòng họp số 2.", 41.0))
    buf = io.BytesIO()
    Image.new("L", (200, 200), 255).save(buf, format="PNG")
    r = empty_kb.add_bytes("mo.png", buf.getvalue())
    assert r.low_confidence_pages == (1,)
    assert "Trang 1 nhận dạng kém tin cậy" in ocr.scan_report(r.pages, r.low_confidence_pages)


def _odt(tmp_path: Path, suffix: str) -> bytes:
    source = tmp_path / "plan.docx"
    source.write_bytes(fx.docx_plan())
    target = {"odt": "odt", "doc": "doc:MS Word 97"}[suffix]
    subprocess.run([convert.converter(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=120)
    return (tmp_path / f"plan.{suffix}").read_bytes()


@no_office
@pytest.mark.parametrize("suffix", ["odt", "doc"])
def test_odt_and_doc_through_libreoffice(empty_kb: KnowledgeBase, tmp_path: Path, suffix: str):
    r = empty_kb.add_bytes(f"kehoach.{suffix}", _odt(tmp_path, suffix))
    doc = empty_kb.get_document(r.document_id)
    assert (doc.number, doc.signer) == ("45/KH-UBND", "Nông Thị Hạnh")
    a = empty_kb.answer("Mục tiêu năm 2026 về tỷ lệ hồ sơ nộp trực tuyến toàn trình là bao nhiêu?")
    assert "45%" in a.text.split("📄")[0]


def test_without_libreoffice_doc_is_refused_saying_what_to_install(empty_kb: KnowledgeBase, monkeypatch):
    monkeypatch.setattr(convert, "converter", lambda: None)
    with pytest.raises(IngestError, match="libreoffice-writer"):
        empty_kb.add_bytes("cu.doc", b"\xd0\xcf\x11\xe0 old word file")
    assert empty_kb.list_documents() == []


def test_draft_status_and_two_level_notes(empty_kb: KnowledgeBase):
    draft = ("DỰ THẢO\n\nKẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2027\n\n1. Nội dung\n\n"
             "Sở Văn hóa tổ chức cuộc thi tìm hiểu về cải cách hành chính trong quý III năm 2027.")
    r = empty_kb.add_bytes("duthao.txt", draft.encode())
    doc = empty_kb.get_document(r.document_id)
    assert doc.draft and doc.status == "draft"
    a = empty_kb.answer("cuộc thi tìm hiểu về cải cách hành chính tổ chức khi nào?")
    assert "Dự thảo kế hoạch" in a.text and "dự thảo, chưa phải văn bản ban hành" in a.text
    assert set_status(empty_kb, r.document_id, "replaced")
    a = empty_kb.answer("cuộc thi tìm hiểu về cải cách hành chính tổ chức khi nào?")
    assert "đã được thay thế" in a.text and "Dự thảo" not in a.text
    assert not set_status(empty_kb, 9999, "replaced")

    old = ("Số: 10/KH-UBND\n\nCao Bằng, ngày 05 tháng 3 năm 2024\n\nKẾ HOẠCH\nKiểm tra công vụ năm 2024\n\n"
           "1. Kiểm tra\n\nUBND các huyện tự kiểm tra công vụ tại các phòng chuyên môn trước ngày 30/9/2024.")
    empty_kb.add_bytes("old.txt", old.encode())
    a = empty_kb.answer("UBND các huyện tự kiểm tra công vụ trước ngày nào?")
    assert "30/9/2024" in a.text and TWO_LEVEL_NOTE in a.text
    new = old.replace("2024", "2026").replace("10/KH", "11/KH").replace("UBND các huyện", "UBND các xã")
    empty_kb.add_bytes("new.txt", new.encode())
    a = empty_kb.answer("UBND các xã tự kiểm tra công vụ trước ngày nào năm 2026?")
    assert "30/9/2026" in a.text and TWO_LEVEL_NOTE not in a.text


def test_a_province_starts_without_the_bundled_directives(tmp_path: Path):
    from tests.knowledge.conftest import make_kb

    kb = make_kb(tmp_path)
    kb.settings = replace(kb.settings, kb_bundled=False)
    kb.ensure_ready()
    assert kb.list_documents() == []
    with_bundled = make_kb(tmp_path / "b")
    with_bundled.ensure_ready()
    mine = with_bundled.add_bytes("kehoach.docx", fx.docx_plan())
    from bot.core.actors import CONSOLE
    from knowledge.usecases import remove_bundled

    with with_bundled.db.session() as s:
        removed = remove_bundled(s, datetime.now(timezone.utc), CONSOLE)
    assert len(removed) == 5 and [d.id for d, _ in with_bundled.list_documents()] == [mine.document_id]
    assert "Bắc Kạn" not in with_bundled.answer("Kế hoạch CCHC năm ban hành chậm nhất ngày nào?").text
    with_bundled.ensure_ready()  # not loaded again into a store that was emptied on purpose
    assert len(with_bundled.list_documents()) == 1


# --- bounded ingestion --------------------------------------------------------------------------------


def _bomb(declared: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (3 * 1024 * 1024) + b"</w:document>")
    return buf.getvalue()


def _small_limits(kb: KnowledgeBase, **limits: int) -> KnowledgeBase:
    kb.settings = replace(kb.settings, **limits)
    return kb


@pytest.mark.parametrize("name", ["bom.docx", "bom.odt"])
def test_zip_bomb_is_refused_before_it_is_read(empty_kb: KnowledgeBase, name: str):
    kb = _small_limits(empty_kb, kb_max_unzipped_bytes=1024 * 1024)
    data = _bomb()
    assert len(data) < 20_000
    with pytest.raises(IngestError, match="giải nén vượt quá 1 MB"):
        kb.add_bytes(name, data)
    assert kb.list_documents() == []


def test_zip_bomb_with_forged_sizes_is_refused(empty_kb: KnowledgeBase):
    data = bytearray(_bomb())
    # claim 100 bytes uncompressed for document.xml in both its local header and the central directory
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            name_len = int.from_bytes(data[at + (26 if sig == b"PK\x03\x04" else 28):][:2], "little")
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + name_len] == b"word/document.xml":
                data[at + offset:at + offset + 4] = (100).to_bytes(4, "little")
            start = at + 4
    kb = _small_limits(empty_kb, kb_max_unzipped_bytes=1024 * 1024)
    with pytest.raises(IngestError):
        kb.add_bytes("forged.docx", bytes(data))
    assert kb.list_documents() == []


def test_xlsx_is_refused_without_being_unpacked(empty_kb: KnowledgeBase):
    with pytest.raises(IngestError, match="Không hỗ trợ"):
        empty_kb.add_bytes("bang.xlsx", _bomb())


def test_extracted_text_is_capped(empty_kb: KnowledgeBase):
    kb = _small_limits(empty_kb, kb_max_text_bytes=1024 * 1024)
    text = ("1. Nội dung\n\n" + "Các cơ quan thực hiện nghiêm túc kế hoạch cải cách hành chính. " * 20_000).encode()
    with pytest.raises(IngestError, match="quá nhiều chữ"):
        kb.add_bytes("dai.txt", text)
    import docx

    d = docx.Document()
    for _ in range(400):
        d.add_paragraph("Các cơ quan thực hiện nghiêm túc kế hoạch cải cách hành chính. " * 50)
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(IngestError, match="quá nhiều chữ"):
        kb.add_bytes("dai.docx", buf.getvalue())
    assert kb.list_documents() == []


def test_pdf_pages_are_capped(empty_kb: KnowledgeBase):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for i in range(3):
        pdf.add_page()
        pdf.cell(0, 10, f"Trang noi dung so {i} cua ke hoach cai cach hanh chinh")
    kb = _small_limits(empty_kb, kb_max_pages=2)
    with pytest.raises(IngestError, match="3 trang, quá 2 trang"):
        kb.add_bytes("dai.pdf", bytes(pdf.output()))
    assert kb.list_documents() == []


def test_soffice_is_not_needed_for_other_formats():
    assert shutil.which("true") is not None  # the converter is only called for .doc/.odt (see the tests above)


def test_a_signature_block_without_recipients_is_not_glued_to_the_last_sentence(empty_kb: KnowledgeBase):
    text = ("Số: 15/CT-UBND\n\nCao Bằng, ngày 02 tháng 4 năm 2026\n\nCHỈ THỊ\nVề tăng cường kỷ luật hành chính\n\n"
            "1. Thủ trưởng các sở, ban, ngành chấn chỉnh việc chấp hành giờ làm việc của công chức.\n"
            "Trang 1/2\n"
            "2. Sở Nội vụ tổ chức kiểm tra đột xuất và báo cáo kết quả trước ngày 30/6/2026.\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nLê Văn Quân\n")
    r = empty_kb.add_bytes("chithi.txt", text.encode())
    doc = empty_kb.get_document(r.document_id)
    assert (doc.signer, doc.signer_title, doc.doc_type) == ("Lê Văn Quân", "Phó chủ tịch", "Chỉ thị")
    texts = [t for _, _, t in passages(empty_kb, r.document_id)]
    assert "Sở Nội vụ tổ chức kiểm tra đột xuất và báo cáo kết quả trước ngày 30/6/2026." in texts
    assert not any("CHỦ TỊCH" in t or "Trang 1/2" in t or ("Lê Văn Quân" in t and "Người ký" not in t)
                   for t in texts)


@no_font
def test_a_running_header_repeated_on_every_pdf_page_is_left_out(empty_kb: KnowledgeBase):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(fx.FONT))

    def header() -> None:
        pdf.set_font("dejavu", size=9)
        pdf.cell(0, 6, "Kế hoạch số 45/KH-UBND của UBND tỉnh Cao Bằng", align="R")
        pdf.ln(10)

    pdf.header = header  # type: ignore[method-assign]
    tasks = [f"{i}. Nhiệm vụ số {i}: các sở, ban, ngành rà soát thủ tục hành chính thuộc lĩnh vực thứ {i} và báo cáo "
             f"Sở Nội vụ trước ngày {i}/10/2026." for i in range(1, 41)]
    pdf.add_page()
    pdf.set_font("dejavu", size=11)
    pdf.multi_cell(0, 6, "KẾ HOẠCH\nRà soát thủ tục hành chính năm 2026")
    for task in tasks:
        pdf.ln(4)
        pdf.multi_cell(0, 6, task)
    assert pdf.page_no() >= 3
    r = empty_kb.add_bytes("kehoach.pdf", bytes(pdf.output()))
    texts = [t for _, _, t in passages(empty_kb, r.document_id)]
    assert not any("45/KH-UBND của UBND" in t for t in texts)
    assert all(any(task.split(": ", 1)[1] in t for t in texts) for task in tasks)


def test_a_table_with_two_header_rows_under_merged_cells(empty_kb: KnowledgeBase):
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Chuyển đổi số năm 2026")
    d.add_paragraph("1. Chỉ tiêu chuyển đổi số")
    table = d.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "STT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Chỉ tiêu"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Mục tiêu"
    table.cell(1, 2).text, table.cell(1, 3).text = "Năm 2025", "Năm 2026"
    for r, row in enumerate((("1", "Tỷ lệ văn bản điện tử có chữ ký số", "90%", "95%"),
                             ("2", "Tỷ lệ hồ sơ công việc cấp xã xử lý trên môi trường mạng", "70%", "80%")), 2):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buf = io.BytesIO()
    d.save(buf)
    r = empty_kb.add_bytes("cds.docx", buf.getvalue())
    texts = [t for _, _, t in passages(empty_kb, r.document_id)]
    assert ("Chỉ tiêu: Tỷ lệ văn bản điện tử có chữ ký số — Mục tiêu Năm 2025: 90% — Mục tiêu Năm 2026: 95%"
            in texts)
    a = empty_kb.answer("Tỷ lệ hồ sơ công việc cấp xã xử lý trên môi trường mạng năm 2026 là bao nhiêu?")
    assert "Mục tiêu Năm 2026: 80%" in a.text.split("📄")[0]
