"""Lines shown under a citation: a draft or replaced document, text read from a scan, the two-level government."""
from __future__ import annotations

import re
from datetime import date
from typing import Protocol

from bot.core.vietnamese import fold
from knowledge import status as doc_status

TWO_LEVEL_FROM = date(2025, 7, 1)  # Law 72/2025/QH15 on local government: provinces and communes only
TWO_LEVEL_NOTE = ("ℹ️ Văn bản ban hành trước 01/7/2025, khi còn cấp huyện: từ 01/7/2025 chính quyền địa phương "
                  "tổ chức hai cấp (tỉnh và xã) theo Luật Tổ chức chính quyền địa phương số 72/2025/QH15, "
                  "việc của cấp huyện nay do cấp tỉnh hoặc cấp xã đảm nhận.")
SCAN_NOTE = "🖨 Trích từ bản scan (chữ nhận dạng tự động, có thể sai sót; đối chiếu bản gốc khi cần)."
DRAFT_NOTE = "⚠️ Văn bản là dự thảo, chưa phải văn bản ban hành chính thức."
REPLACED_NOTE = "⚠️ Văn bản đã được thay thế; hãy đối chiếu văn bản thay thế."
_DISTRICT = re.compile(r"\bhuyen\b")  # "UBND các huyện", "cấp huyện", "huyện, thị xã, thành phố"
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


class CitedDocument(Protocol):
    date: date | None
    date_text: str
    draft: bool
    status: str
    scanned: bool


def citation_notes(doc: CitedDocument, passage_text: str) -> list[str]:
    """The notes for an answer drawn from `passage_text` of `doc`, one line each, most important first."""
    notes: list[str] = []
    standing = doc_status.effective(getattr(doc, "status", ""), doc.draft)
    if standing == doc_status.DRAFT:
        notes.append(DRAFT_NOTE)
    elif standing == doc_status.REPLACED:
        notes.append(REPLACED_NOTE)
    if getattr(doc, "scanned", False):
        notes.append(SCAN_NOTE)
    if _before_two_levels(doc) and _DISTRICT.search(fold(passage_text)):
        notes.append(TWO_LEVEL_NOTE)
    return notes


def _before_two_levels(doc: CitedDocument) -> bool:
    if doc.date is not None:
        return doc.date < TWO_LEVEL_FROM
    m = _YEAR.search(doc.date_text or "")
    return bool(m) and int(m.group(0)) < 2025
