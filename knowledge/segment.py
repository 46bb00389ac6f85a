"""Split a cleaned document along its own structure (I., 1., a), dashes, Điều N.) into passages with section paths."""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.blocks import CAPTION, HEADER, ROW, SIGNATURE, kind_of
from knowledge.cleaning import CleanText
from knowledge.metadata import DocumentMeta, is_signature_line
from bot.core.vietnamese import fold

TARGET_WORDS = 110  # merge short neighbouring units of one section up to about this size
MAX_WORDS = 180  # split longer units at sentence ends

_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^(Chương\s+[IVXLC\d]+)\b[.:]?\s*(.*)$", re.I)),
    (1, re.compile(r"^(Mục\s+\d+)\b[.:]?\s*(.*)$")),
    (2, re.compile(r"^(Điều\s+\d+[a-z]?)\s*[.:]\s*(.*)$")),
    (3, re.compile(r"^([IVXLC]+)\.\s+(.+)$")),
    (5, re.compile(r"^\d+\.(\d+)\.?\s+(.+)$")),
    (4, re.compile(r"^(\d{1,2})\.\s+(.+)$")),
    (5, re.compile(r"^(\d{1,2})\)\s+(.+)$")),
    (6, re.compile(r"^([a-zđ])\)\s+(.+)$")),
]
_SENTENCE_SPLIT = re.compile(r"(?<=[.;!?…])\s+(?=[A-ZĐÀ-Ỹ\d\-–“\"(])")
_END_OF_BODY = re.compile(r"^(Nơi nhận|Noi nhan)\s*:?", re.I)
_APPENDIX = re.compile(r"^(PHỤ LỤC|Phụ lục)\b")
_MOTTO = re.compile(r"^(CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*[-–])")


@dataclass
class Segment:
    section: str | None  # "II.4.a", "Điều 5.1", None for the preamble
    heading: str  # the titles of the enclosing headings, outermost first, joined by " › "
    text: str
    whole: bool = False  # a table row: never merged with its neighbours


def segment(clean: CleanText, meta: DocumentMeta) -> list[Segment]:
    """Passages of a document, in reading order; footnotes become passages of the section citing them."""
    stack: list[tuple[int, str, str]] = []  # (rank, label, title)
    units: list[Segment] = []
    path_of_paragraph: dict[int, tuple[str | None, str]] = {}
    header = _header_lines(clean.paragraphs, meta)
    closing = False  # inside the recipients list or the signature block, until an appendix or a table
    caption = ""
    tables = 0
    for p_idx, para in enumerate(clean.paragraphs):
        kind = kind_of(para)
        if kind in (HEADER, SIGNATURE):
            continue
        if kind == CAPTION:
            caption, closing = para.replace(CAPTION, " ").strip(), False
            continue
        if kind == ROW:
            closing = False
            if not units or not units[-1].whole or units[-1].heading != _table_heading(stack, caption):
                tables += 1
            for row in para.split("\n"):
                units.append(Segment(_path(stack) or (f"Bảng {tables}" if caption else None),
                                     _table_heading(stack, caption), row.lstrip(ROW).strip(), whole=True))
            path_of_paragraph[p_idx] = (_path(stack), _heading(stack))
            continue
        caption = ""
        if _END_OF_BODY.match(para) or (units and is_signature_line(para.split("\n")[0].strip())):
            closing = True
        if closing and not _APPENDIX.match(para):
            continue
        closing = False
        for line in para.split("\n"):
            line = line.strip()
            if units and is_signature_line(line):
                closing = True
                break
            if not line or line in header:
                continue
            heading = _match_heading(line)
            if heading is not None:
                rank, label, rest = heading
                stack = [s for s in stack if s[0] < rank]
                if rank == 2:
                    stack = [s for s in stack if s[0] < 0]
                if _is_title_only(rest):
                    stack.append((rank, label, rest.rstrip(":").strip()))
                    continue
                title = rest.split(":", 1)[0] if ":" in rest[:80] else ""
                stack.append((rank, label, title.strip()))
                line = rest
            units.append(Segment(_path(stack), _heading(stack), line))
        path_of_paragraph[p_idx] = (_path(stack), _heading(stack))
    units = _merge(units)
    for p_idx, numbers in clean.footnote_refs.items():
        section, heading = path_of_paragraph.get(p_idx, (None, ""))
        for n in numbers:
            cited = clean.footnote_context.get(n, "").replace(" › ", " ").replace(". ", ", ")
            units.append(Segment(section, (heading + " › " if heading else "") + f"Chú thích {n}. {cited}",
                                 clean.footnotes[n]))
    return [u for u in units if len(u.text.split()) >= 3]


def _table_heading(stack: list[tuple[int, str, str]], caption: str) -> str:
    """The headings of a table row: the enclosing sections, then the table's caption."""
    head = _heading(stack)
    if not caption:
        return head
    return (head + " › " if head else "") + f"Bảng. {caption.rstrip(':')}"


def _header_lines(paragraphs: list[str], meta: DocumentMeta) -> set[str]:
    """The header block's lines (number, place and date, type, subject): described by the metadata instead."""
    out: set[str] = set()
    title_key = fold(meta.title)
    for para in paragraphs[:10]:
        for line in para.split("\n"):
            s = line.strip()
            if _match_heading(s) is not None:
                continue
            f = fold(s)
            if (re.match(r"^Số\s*[:.]", s) or _MOTTO.match(s) or (s.isupper() and ("NHÂN DÂN" in s or s.startswith(
                    ("UBND", "SỞ ", "BAN ", "BỘ ", "VĂN PHÒNG")))) or s.startswith("Kính gửi") or re.match(r"^[^,\d]{2,40},\s*ngày", s) or f in ("du thao", "kinh gui:")
                    or s.startswith("V/v") or (s.isupper() and len(s.split()) <= 3)
                    or (title_key and f and f in title_key and len(f) > 15)):
                out.add(s)
    return out


def _match_heading(line: str) -> tuple[int, str, str] | None:
    for rank, pattern in _HEADINGS:
        m = pattern.match(line)
        if m:
            return rank, m.group(1), m.group(2).strip()
    return None


def _is_title_only(rest: str) -> bool:
    words = rest.split()
    return not words or (len(words) <= 22 and not rest.rstrip().endswith((".", ";")) and ": " not in rest)


def _path(stack: list[tuple[int, str, str]]) -> str | None:
    labels = [label for rank, label, _ in stack if rank > 0 or len(stack) == 1]
    return ".".join(labels) if labels else None


def _heading(stack: list[tuple[int, str, str]]) -> str:
    return " › ".join(f"{label}. {title}" if title else label for _, label, title in stack)


def _merge(units: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for unit in units:
        pieces = _split_long(unit.text)
        for piece in pieces:
            words = len(piece.split())
            if (out and not unit.whole and not out[-1].whole and out[-1].section == unit.section
                    and out[-1].heading == unit.heading and len(pieces) == 1
                    and len(out[-1].text.split()) + words <= TARGET_WORDS):
                out[-1].text += "\n" + piece
            else:
                out.append(Segment(unit.section, unit.heading, piece, unit.whole))
    return out


def _split_long(text: str) -> list[str]:
    if len(text.split()) <= MAX_WORDS:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        if current and len(" ".join(current + [sentence]).split()) > TARGET_WORDS:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks
