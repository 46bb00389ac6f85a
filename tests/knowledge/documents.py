"""Documents made the way provincial offices make them, generated here: a .docx with header, content and signature
tables, a text PDF with a two-column header and a ruled table, and scans (an image-only PDF, a PNG)."""
from __future__ import annotations

import io
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

ISSUER = ("ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TARGETS = [
    ("1", "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến toàn trình", "45%", "Sở Khoa học và Công nghệ"),
    ("2", "Tỷ lệ số hóa kết quả giải quyết thủ tục hành chính", "85%", "Văn phòng UBND tỉnh"),
    ("3", "Mức độ hài lòng của người dân, doanh nghiệp", "90%", "Sở Nội vụ"),
]
HEADERS = ("STT", "Chỉ tiêu", "Mục tiêu năm 2026", "Cơ quan chủ trì")
BODY_TASK = ("Các sở, ban, ngành và UBND cấp xã báo cáo kết quả thực hiện các chỉ tiêu về Sở Nội vụ "
             "trước ngày 15/12/2026 để tổng hợp.")
SIGNER = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nông Thị Hạnh")


def docx_plan() -> bytes:
    """A Kế hoạch as a .docx: header table, a content table under a caption, a signature table."""
    import docx

    d = docx.Document()
    head = d.add_table(rows=1, cols=2)
    head.rows[0].cells[0].text = "\n".join(ISSUER) + "\n\nSố: 45/KH-UBND"
    head.rows[0].cells[1].text = "\n".join(MOTTO) + "\n\nCao Bằng, ngày 10 tháng 01 năm 2026"
    for line in ("KẾ HOẠCH", "Cải cách hành chính tỉnh Cao Bằng năm 2026", "I. MỤC TIÊU",
                 "1. Mục tiêu chung",
                 "Xây dựng nền hành chính phục vụ, lấy người dân và doanh nghiệp làm trung tâm.",
                 "2. Các chỉ tiêu cụ thể", "Biểu chỉ tiêu cải cách hành chính năm 2026"):
        d.add_paragraph(line)
    table = d.add_table(rows=1 + len(TARGETS), cols=len(HEADERS))
    for i, h in enumerate(HEADERS):
        table.rows[0].cells[i].text = h
    for r, row in enumerate(TARGETS, 1):
        for i, value in enumerate(row):
            table.rows[r].cells[i].text = value
    for line in ("II. TỔ CHỨC THỰC HIỆN", "- " + BODY_TASK):
        d.add_paragraph(line)
    sign = d.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].text = "Nơi nhận:\n- Như trên;\n- UBND các xã, phường;\n- Lưu: VT, NC."
    sign.rows[0].cells[1].text = f"{SIGNER[0]}\n{SIGNER[1]}\n\n(Đã ký)\n\n{SIGNER[2]}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_letter() -> bytes:
    """A Công văn as a text PDF: the issuer and the motto side by side, a ruled table, page numbers, a signature."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.add_font("dejavu", style="B", fname=str(FONT))
    pdf.set_auto_page_break(True, margin=20)

    def footer() -> None:
        pdf.set_y(-15)
        pdf.set_font("dejavu", size=9)
        pdf.cell(0, 6, f"- {pdf.page_no()} -", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("dejavu", size=11)
    left = ["UBND TỈNH CAO BẰNG", "SỞ NỘI VỤ", "Số: 312/SNV-CCHC", "V/v triển khai Chỉ số cải cách",
            "hành chính năm 2026"]
    right = [MOTTO[0], MOTTO[1], "Cao Bằng, ngày 20 tháng 3 năm 2026", "", ""]
    for a, b in zip(left, right):
        y = pdf.get_y()
        pdf.set_xy(10, y)
        pdf.cell(80, 6, a)
        pdf.set_xy(100, y)
        pdf.cell(100, 6, b)
        pdf.ln(6)
    pdf.ln(6)
    pdf.multi_cell(0, 6, "Kính gửi: Các sở, ban, ngành tỉnh.")
    pdf.ln(3)
    paragraphs = [
        "Thực hiện Kế hoạch cải cách hành chính năm 2026 của UBND tỉnh, Sở Nội vụ đề nghị các cơ quan, "
        "đơn vị thực hiện một số nội dung sau:",
        "1. Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026 của cơ quan, đơn vị và gửi kết quả về "
        "Sở Nội vụ trước ngày 30/11/2026.",
        "2. Thời hạn tổ chức đối thoại với người dân theo bảng sau:",
    ]
    for para in paragraphs:
        pdf.multi_cell(0, 6, para)
        pdf.ln(3)
    with pdf.table(col_widths=(20, 90, 70)) as t:
        for row in (("STT", "Nội dung", "Thời hạn"),
                    ("1", "Đối thoại với doanh nghiệp về thủ tục đất đai", "Quý II/2026"),
                    ("2", "Đối thoại với người dân về thủ tục hộ tịch", "Quý III/2026")):
            r = t.row()
            for cell in row:
                r.cell(cell)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "3. Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện.")
    pdf.ln(6)
    for line in ("GIÁM ĐỐC", "", "Hoàng Văn Nam"):
        pdf.set_x(120)
        pdf.cell(70, 6, line, align="C")
        pdf.ln(6)
    return bytes(pdf.output())


SCAN_LINES = [
    "UBND TỈNH CAO BẰNG",
    "Số: 77/TB-UBND",
    "THÔNG BÁO",
    "Lịch tiếp công dân năm 2026",
    "1. Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở Tiếp công dân tỉnh.",
    "2. Trường hợp ngày 15 trùng ngày nghỉ thì chuyển sang ngày làm việc tiếp theo.",
]


def page_image(lines: list[str] = SCAN_LINES, width: int = 2480, size: int = 42):  # type: ignore[no-untyped-def]
    """An A4 page at 300 dpi with the lines printed in a font with Vietnamese glyphs, wrapped to the width."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("L", (width, int(width * 1.414)), 255)
    draw = ImageDraw.Draw(image)
    y = 200
    for line in lines:
        words = line.split()
        current = ""
        for w in words:
            trial = f"{current} {w}".strip()
            if draw.textlength(trial, font=font) > width - 400:
                draw.text((200, y), current, font=font, fill=0)
                y += int(size * 1.5)
                current = w
            else:
                current = trial
        draw.text((200, y), current, font=font, fill=0)
        y += int(size * 2.2)
    return image


def png_scan() -> bytes:
    buf = io.BytesIO()
    page_image().save(buf, format="PNG")
    return buf.getvalue()


def image_pdf() -> bytes:
    """An image-only PDF (a scan): one page, no text layer."""
    buf = io.BytesIO()
    page_image().convert("RGB").save(buf, format="PDF", resolution=300)
    return buf.getvalue()
