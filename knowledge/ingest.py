"""From a file's bytes to a parsed document: text, metadata, passages and a content hash."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from knowledge.cleaning import clean
from knowledge.errors import IngestError
from knowledge.metadata import DocumentMeta, extract_meta
from knowledge.limits import Limits
from knowledge.readers import Progress, read_document
from knowledge.segment import Segment, segment

INFO_HEADING = "Thông tin văn bản"


@dataclass
class ParsedDocument:
    file_name: str
    meta: DocumentMeta
    text: str  # cleaned full text
    segments: list[Segment]
    content_hash: str
    scanned: bool = False  # read by OCR from a scan or a photo
    pages: int = 0
    low_confidence_pages: list[int] = field(default_factory=list)


def parse_bytes(file_name: str, data: bytes, limits: Limits | int = Limits(),
                progress: Progress | None = None) -> ParsedDocument:
    """A file parsed within `limits` (an int is the file size limit alone); OCR reports its pages to `progress`."""
    if isinstance(limits, int):
        limits = Limits(max_bytes=limits)
    read = read_document(file_name, data, limits, progress)
    parsed = parse_text(file_name, read.text)
    parsed.scanned, parsed.pages, parsed.low_confidence_pages = read.scanned, read.pages, read.low_confidence_pages
    return parsed


def parse_text(file_name: str, raw: str) -> ParsedDocument:
    cleaned = clean(raw)
    if not cleaned.paragraphs:
        raise IngestError(f"Tệp «{file_name}» không có nội dung văn bản đọc được.")
    meta = extract_meta(cleaned.paragraphs)
    segments = segment(cleaned, meta)
    if not segments:
        raise IngestError(f"Tệp «{file_name}» không có đoạn nội dung nào để tra cứu.")
    info = info_text(meta)
    if info:
        segments.insert(0, Segment(None, INFO_HEADING, info))
    text = cleaned.text
    digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
    return ParsedDocument(file_name, meta, text, segments, digest)


def describe(meta: DocumentMeta) -> str:
    """'Công văn số 7946/UBND-NCPC' / 'Dự thảo Kế hoạch' / 'Văn bản'."""
    kind = meta.doc_type or "Văn bản"
    if meta.draft:
        kind = "Dự thảo " + kind[:1].lower() + kind[1:]
    return f"{kind} số {meta.number}" if meta.number else kind


def info_text(meta: DocumentMeta) -> str:
    """A passage of the document's own facts (issuer, date, signer); its name and subject are in the context."""
    parts = []
    if meta.issuer:
        parts.append(f"Cơ quan ban hành: {meta.issuer}.")
    if meta.date_text:
        parts.append(f"Ngày ban hành: {meta.date_text}." if meta.date else f"Thời gian ban hành: {meta.date_text}.")
    if meta.signer:
        parts.append(f"Người ký: {meta.signer_title} {meta.signer}.".replace("  ", " "))
    return " ".join(parts)
