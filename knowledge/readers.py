"""Text out of the accepted file types (.txt, .md, .docx, .pdf, .doc, .odt, .png, .jpg), tables and headers marked."""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from knowledge import convert, ocr
from knowledge.blocks import CAPTION
from knowledge.errors import IngestError
from knowledge.limits import Limits, check_text, check_zip, too_big
from knowledge.tables import is_caption, table_paragraphs

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".doc", ".odt", ".png", ".jpg", ".jpeg")
IMAGES = (".png", ".jpg", ".jpeg")
ZIPPED = (".docx", ".xlsx", ".odt")
COLUMN_GAP_PT = 24  # words further apart than this on one line belong to different columns (header blocks)
_PAGE_NUMBER = re.compile(r"^(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?$|^Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$", re.I)

Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass
class ReadResult:
    text: str
    scanned: bool = False  # some of the text was read by OCR
    pages: int = 0
    low_confidence_pages: list[int] = field(default_factory=list)  # 1-based pages whose OCR is doubtful


def read_document(file_name: str, data: bytes, limits: Limits = Limits(),
                  progress: Progress | None = None) -> ReadResult:
    """The text of a file, or IngestError with a Vietnamese reason; nothing is read past the limits."""
    ext = PurePath(file_name).suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(f"Không hỗ trợ tệp «{file_name}»: chỉ nhận {', '.join(SUPPORTED)}.")
    if not data:
        raise IngestError(f"Tệp «{file_name}» rỗng.")
    if len(data) > limits.max_bytes:
        raise too_big(file_name, len(data), limits.max_bytes)
    if ext in ZIPPED:
        check_zip(file_name, data, limits)
    if ext in (".txt", ".md"):
        result = ReadResult(_decode(file_name, data))
    elif ext == ".docx":
        result = ReadResult(_docx(file_name, data, limits))
    elif ext in (".doc", ".odt"):
        converted = convert.to_docx(file_name, data)
        check_zip(file_name, converted, limits)
        result = ReadResult(_docx(file_name, converted, limits))
    elif ext in IMAGES:
        result = _photo(file_name, data, progress)
    else:
        result = _pdf(file_name, data, limits, progress)
    check_text(file_name, len(result.text.encode()), limits)
    if len(result.text.strip()) < 20:
        raise IngestError(f"Tệp «{file_name}» không có nội dung văn bản đọc được.")
    return result


def read_text(file_name: str, data: bytes, max_bytes: int) -> str:
    """The text of a file under the default limits but `max_bytes`."""
    return read_document(file_name, data, Limits(max_bytes=max_bytes)).text


def _decode(file_name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(f"Tệp «{file_name}» là tệp nhị phân, không phải văn bản.")
    for enc in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            break
        return text
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise IngestError(f"Tệp «{file_name}» không phải văn bản UTF-8 đọc được.") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) // 100:
        raise IngestError(f"Tệp «{file_name}» là tệp nhị phân, không phải văn bản.")
    return text


# --- Word ------------------------------------------------------------------------------------------


def _docx(file_name: str, data: bytes, limits: Limits) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several unrelated types for a broken package
        raise IngestError(f"Tệp «{file_name}» không phải tệp Word (.docx) hợp lệ.") from e
    blocks: list[str] = []
    size = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(_paragraph_text(child))
        elif tag == "tbl":
            rows = _table_rows(Table(child, document._body))
            blocks += _with_caption(blocks, rows)
        size += len(blocks[-1]) if blocks else 0
        check_text(file_name, size, limits)
    return "\n\n".join(blocks)


def _table_rows(table: Any) -> list[list[str]]:
    """Cell texts row by row; a merged cell is repeated under each column it spans."""
    rows: list[list[str]] = []
    for row in table.rows:
        try:
            cells = row.cells
        except (IndexError, ValueError):  # a malformed grid
            cells = []
        rows.append(["\n".join(p.text for p in cell.paragraphs).strip() for cell in cells])
    return rows


def _with_caption(blocks: list[str], rows: list[list[str]]) -> list[str]:
    """A table's paragraphs; the short line just before it becomes its caption."""
    caption = ""
    while blocks and not blocks[-1].strip():
        blocks.pop()
    if blocks and is_caption(blocks[-1]):
        caption = blocks.pop().strip()
    paragraphs = table_paragraphs(rows, caption)
    if caption and not (paragraphs and paragraphs[0].startswith(CAPTION)):
        paragraphs.insert(0, caption)  # a header or signature table: the line was not a caption
    return paragraphs


def _paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    """Text of a w:p element, with its line breaks and tabs."""
    out = []
    for el in p.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "t":
            out.append(el.text or "")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "tab":
            out.append(" ")
    return "".join(out)


# --- PDF -------------------------------------------------------------------------------------------


def _pdf(file_name: str, data: bytes, limits: Limits, progress: Progress | None) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise IngestError(f"Tệp PDF «{file_name}» được đặt mật khẩu; hãy gửi bản không khóa.")
        count = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise IngestError(f"Tệp «{file_name}» không phải tệp PDF hợp lệ.") from e
    if count > limits.max_pages:
        raise IngestError(f"Tệp PDF «{file_name}» có {count} trang, quá {limits.max_pages} trang cho một lần thêm; "
                          "hãy tách thành các tệp nhỏ hơn.")
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[list[str]] = []
    scanned_pages: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            size = 0
            for page in pdf.pages:
                paragraphs = _pdf_page(page)
                if sum(len(p) for p in paragraphs) < 20 and page.images:
                    scanned_pages.append(page.page_number)
                pages.append(paragraphs)
                size += sum(len(p) for p in paragraphs)
                check_text(file_name, size, limits)
            result = ReadResult("", pages=count)
            if scanned_pages:
                if ocr.missing():
                    if all(i + 1 in scanned_pages or not p for i, p in enumerate(pages)):
                        raise IngestError(f"Tệp PDF «{file_name}» chỉ có hình ảnh (bản scan). " + ocr.missing())
                    log.warning("%s: %d scanned pages skipped, no OCR here", file_name, len(scanned_pages))
                else:
                    result.scanned = True
                    for done, number in enumerate(scanned_pages, 1):
                        image = pdf.pages[number - 1].to_image(resolution=ocr.DPI).original
                        page_text = ocr.read_image(image)
                        pages[number - 1] = [page_text.text]
                        if page_text.confidence < ocr.LOW_CONFIDENCE:
                            result.low_confidence_pages.append(number)
                        size += len(page_text.text)
                        check_text(file_name, size, limits)
                        if progress is not None:
                            progress(done, len(scanned_pages))
    except IngestError:
        raise
    except (PDFSyntaxError, ValueError, KeyError, OSError, TypeError) as e:
        raise IngestError(f"Tệp «{file_name}» không phải tệp PDF hợp lệ.") from e
    _drop_running_lines(pages)
    result.text = "\n\n".join(p for page in pages for p in page)
    if len(result.text.strip()) < 20:
        raise IngestError(f"Tệp PDF «{file_name}» chỉ có hình ảnh (bản scan), không có chữ để đọc; "
                          "hãy gửi bản có lớp chữ (PDF xuất từ Word) hoặc tệp .docx.")
    return result


def _pdf_page(page: Any) -> list[str]:
    """A page's paragraphs in reading order: its text lines (columns apart) and its ruled tables, row by row."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    items: list[tuple[float, int, Any]] = [(top, 0, pieces) for top, pieces in _lines(text_page)]
    items += [(t.bbox[1], 1, t.extract()) for t in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    paragraphs: list[str] = []
    current: list[str] = []
    last_top: float | None = None
    gap = _line_pitch([top for top, kind, _ in items if kind == 0])
    for top, kind, content in items:
        if kind == 1:
            if current:
                paragraphs.append("\n".join(current))
                current = []
            rows = [[(c or "").strip() for c in row] for row in content]
            paragraphs += _with_caption(paragraphs, rows)
            last_top = None
            continue
        if len(content) > 1:  # columns side by side (the header block): each its own paragraph
            if current:
                paragraphs.append("\n".join(current))
                current = []
            paragraphs += content
            last_top = top
            continue
        if last_top is not None and top - last_top > gap * 1.45 and current:
            paragraphs.append("\n".join(current))
            current = []
        current.append(content[0])
        last_top = top
    if current:
        paragraphs.append("\n".join(current))
    return [p for p in paragraphs if p.strip()]


def _lines(page: Any) -> list[tuple[float, list[str]]]:
    """(top, pieces) per printed line; a line holds several pieces where a wide gap separates columns."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= 3:
            rows[-1].append(w)
        else:
            rows.append([w])
    out: list[tuple[float, list[str]]] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        pieces: list[list[str]] = [[row[0]["text"]]]
        for before, w in zip(row, row[1:]):
            if w["x0"] - before["x1"] > COLUMN_GAP_PT:
                pieces.append([])
            pieces[-1].append(w["text"])
        out.append((row[0]["top"], [" ".join(p) for p in pieces]))
    return out


def _line_pitch(tops: list[float]) -> float:
    steps = sorted(b - a for a, b in zip(tops, tops[1:]) if b - a > 1)
    return steps[len(steps) // 2] if steps else 12.0


def _drop_running_lines(pages: list[list[str]]) -> None:
    """Remove page numbers, and a running header or footer: a short line at the top or bottom of most pages."""
    def key(line: str, page: int) -> str:
        line = line.strip()  # the same text on every page but for its page number
        return re.sub(rf"(?<!\d){page}(?!\d)", "#", line) if 0 < len(line.split()) <= 12 else ""

    def edges(paragraphs: list[str]) -> list[tuple[int, int]]:
        """(paragraph, line) positions of the first and last two lines of a page."""
        spots = [(p, i) for p, para in enumerate(paragraphs) for i in range(len(para.split("\n")))]
        return list(dict.fromkeys(spots[:2] + spots[-2:]))

    repeated: set[str] = set()
    if len(pages) >= 2:
        seen: Counter[str] = Counter()
        for number, paragraphs in enumerate(pages, 1):
            seen.update({key(paragraphs[p].split("\n")[i], number) for p, i in edges(paragraphs)} - {""})
        repeated = {k for k, n in seen.items() if n >= max(2, (len(pages) + 1) // 2)}
    for number, paragraphs in enumerate(pages, 1):
        drop = {(p, i) for p, i in edges(paragraphs) if key(paragraphs[p].split("\n")[i], number) in repeated}
        kept = []
        for p, para in enumerate(paragraphs):
            lines = [ln for i, ln in enumerate(para.split("\n"))
                     if (p, i) not in drop and not _PAGE_NUMBER.match(ln.strip())]
            if lines:
                kept.append("\n".join(lines))
        paragraphs[:] = kept


# --- Photos ----------------------------------------------------------------------------------------


def _photo(file_name: str, data: bytes, progress: Progress | None) -> ReadResult:
    ocr.require()
    image = ocr.open_image(file_name, data)
    page = ocr.read_image(image)
    if progress is not None:
        progress(1, 1)
    return ReadResult(page.text, scanned=True, pages=1,
                      low_confidence_pages=[1] if page.confidence < ocr.LOW_CONFIDENCE else [])

