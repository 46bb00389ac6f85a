"""Text of scanned pages and photos through Tesseract's Vietnamese model, with each page's confidence."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any

from knowledge.errors import IngestError

LANG = "vie"
LOW_CONFIDENCE = 60.0  # mean word confidence (0-100) under which a page is reported for checking
DPI = 300
INSTALL_HINT = ("Máy chủ chưa cài Tesseract OCR với gói tiếng Việt nên chưa đọc được bản scan/ảnh chụp. "
                "Quản trị máy chủ cài bằng: apt-get install tesseract-ocr tesseract-ocr-vie "
                "(và gói Python pytesseract), rồi gửi lại tệp.")


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0-100; 0 when no word was found


def missing() -> str:
    """Why OCR cannot run here (a Vietnamese message saying what to install), or '' when it can."""
    try:
        import pytesseract
    except ImportError:
        return INSTALL_HINT
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return INSTALL_HINT
    try:
        if LANG not in pytesseract.get_languages(config=""):
            return INSTALL_HINT
    except Exception:  # pytesseract raises its own errors for a broken install
        return INSTALL_HINT
    return ""


def require() -> None:
    reason = missing()
    if reason:
        raise IngestError(reason)


def read_image(image: Any) -> OcrPage:
    """The text of one page image (a PIL image), paragraphs apart, lines kept, with its mean confidence."""
    import pytesseract

    # one thread per page: Tesseract's OpenMP threads slow it several-fold on a small shared machine
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image.convert("L"), lang=LANG, config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    lines: list[str] = []
    key_before: tuple[int, int, int] | None = None
    words: list[str] = []
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not word.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if key_before is not None and key != key_before:
            lines.append(" ".join(words))
            if key[:2] != key_before[:2]:
                lines.append("")
            words = []
        words.append(word.strip())
        confidences.append(conf)
        key_before = key
    if words:
        lines.append(" ".join(words))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage("\n".join(lines), mean)


def open_image(file_name: str, data: bytes, max_pixels: int = 60_000_000) -> Any:
    """A photo as a PIL image, refusing what is not an image or too many pixels to decode safely."""
    import io

    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise IngestError(f"Tệp «{file_name}» không phải ảnh đọc được (.png, .jpg).") from e
    return image


def scan_report(pages: int, low_confidence_pages: tuple[int, ...] | list[int]) -> str:
    """What an admin is told after a scan was read: OCR was used, and which pages to check by hand."""
    out = f"🖨 Đã nhận dạng chữ (OCR) từ bản scan/ảnh ({max(pages, 1)} trang)."
    if low_confidence_pages:
        listed = ", ".join(str(p) for p in low_confidence_pages)
        out += (f" Trang {listed} nhận dạng kém tin cậy: hãy kiểm tra (python -m bot kb show) hoặc gửi bản scan "
                "rõ hơn.")
    return out


def progress_text(done: int, total: int) -> str:
    return f"⏳ Đang nhận dạng chữ bản scan: trang {done}/{total}…"
