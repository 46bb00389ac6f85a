"""Plain text out of the accepted file types: .txt, .md, .docx, .pdf."""
from __future__ import annotations

import io
from pathlib import PurePath

from knowledge.errors import IngestError

SUPPORTED = (".txt", ".md", ".docx", ".pdf")


def read_text(file_name: str, data: bytes, max_bytes: int) -> str:
    """The text of a file, or IngestError with a Vietnamese reason."""
    ext = PurePath(file_name).suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(f"Không hỗ trợ tệp «{file_name}»: chỉ nhận {', '.join(SUPPORTED)}.")
    if not data:
        raise IngestError(f"Tệp «{file_name}» rỗng.")
    if len(data) > max_bytes:
        raise IngestError(f"Tệp «{file_name}» quá lớn ({len(data) / 1048576:.1f} MB; "
                          f"tối đa {max_bytes / 1048576:.0f} MB).")
    if ext in (".txt", ".md"):
        text = _decode(file_name, data)
    elif ext == ".docx":
        text = _docx(file_name, data)
    else:
        text = _pdf(file_name, data)
    if len(text.strip()) < 20:
        raise IngestError(f"Tệp «{file_name}» không có nội dung văn bản đọc được.")
    return text


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


def _docx(file_name: str, data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several unrelated types for a broken package
        raise IngestError(f"Tệp «{file_name}» không phải tệp Word (.docx) hợp lệ.") from e
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(_paragraph_text(child))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append(" ".join(_paragraph_text(p) for p in cell.iter() if p.tag.endswith("}p")).strip())
                    blocks.append(" | ".join(c for c in cells if c))
    return "\n\n".join(blocks)


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


def _pdf(file_name: str, data: bytes) -> str:
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
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise IngestError(f"Tệp «{file_name}» không phải tệp PDF hợp lệ.") from e
    text = "\n\n".join(pages)
    if len(text.strip()) < 20:
        raise IngestError(f"Tệp PDF «{file_name}» chỉ có hình ảnh (bản scan), không có chữ để đọc; "
                          "hãy gửi bản có lớp chữ (PDF xuất từ Word) hoặc tệp .docx.")
    return text
