"""Tables as a reader finds them: header and signature tables become marked lines, content tables one row a line."""
from __future__ import annotations

import re

from bot.core.vietnamese import fold
from knowledge.blocks import CAPTION, HEADER, ROW, SIGNATURE, mark

_MOTTO = ("cong hoa xa hoi chu nghia", "doc lap - tu do", "doc lap – tu do", "doc lap-tu do")
_NUMBER = re.compile(r"^Số\s*[:.]", re.M)
_PLACE_DATE = re.compile(r"^[^,\d\n]{2,40},\s*ngày\b", re.M)
_SIGN_TITLE = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.\s*\S", re.M)
_HEADING = re.compile(r"^(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s|^(?:Chương|Mục|Điều)\s+\S", re.I)
_ORDINAL = {"stt", "tt", "so tt", "so thu tu", "s tt"}


def is_caption(paragraph: str) -> bool:
    """A short line before a table that names it ("Biểu 1. Chỉ tiêu năm 2026"), not a sentence or a heading."""
    p = paragraph.strip()
    return (0 < len(p.split()) <= 25 and "\n" not in p and not p.endswith((".", ";", ","))
            and _HEADING.match(p) is None)


def table_kind(rows: list[list[str]]) -> str:
    """'header' (motto, issuer, number, place and date), 'signature' (recipients, signer) or 'content'."""
    text = "\n".join(c for row in rows for c in row)
    folded = fold(text)
    if any(m in folded for m in _MOTTO) or (_NUMBER.search(text) and _PLACE_DATE.search(text)):
        return "header"
    if "noi nhan" in folded[:200] or re.search(r"^noi nhan", folded, re.M) or (
            _SIGN_TITLE.search(text) and len(rows) <= 3):
        return "signature"
    return "content"


def table_paragraphs(rows: list[list[str]], caption: str = "") -> list[str]:
    """The paragraphs a table stands for, each marked with what it is (see knowledge.blocks)."""
    rows = [[" ".join(c.split()) if "\n" not in c else c.strip() for c in row] for row in rows]
    rows = [row for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    kind = table_kind(rows)
    if kind in ("header", "signature"):
        sign = HEADER if kind == "header" else SIGNATURE
        columns = max(len(r) for r in rows)
        # column by column: the issuer's column (issuer, number, subject) reads before the motto's
        cells = [r[i] for i in range(columns) for r in rows if i < len(r) and r[i].strip()]
        return [mark(sign, c) for c in cells]
    out = [mark(CAPTION, caption)] if caption.strip() else []
    return out + [mark(ROW, line) for line in content_rows(rows)]


def content_rows(rows: list[list[str]]) -> list[str]:
    """One line per data row, each value after its column header: "Chỉ tiêu: … — Mục tiêu năm 2026: 45%"."""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    if len(rows) == 1 or not _looks_like_header(rows[0]):
        return [_plain(row) for row in rows if _plain(row)]
    headers, body = rows[0], rows[1:]
    if len(rows) > 2 and _spans(rows[0]) and _looks_like_header(rows[1]):
        # two header rows under merged cells: "Mục tiêu" over "Năm 2025 | Năm 2026" reads "Mục tiêu Năm 2026"
        headers = [a if a == b or not b else (b if not a else f"{a} {b}") for a, b in zip(rows[0], rows[1])]
        body = rows[2:]
    keep = [i for i, h in enumerate(headers) if fold(h).strip(" .") not in _ORDINAL]
    out: list[str] = []
    group = ""
    for row in body:
        values = [(headers[i] if i < len(headers) else "", row[i]) for i in keep if i < len(row) and row[i]]
        distinct = list(dict.fromkeys(v for _, v in values))
        if len(distinct) == 1 and len(keep) > 2:  # a row spanning the table names a group of the rows below
            group = distinct[0]
            continue
        parts: list[str] = []
        seen: set[str] = set()
        for header, value in values:
            if value in seen:  # a merged cell repeats under every column it spans
                continue
            seen.add(value)
            parts.append(f"{header}: {value}" if header and header != value else value)
        if parts:
            out.append((f"{group} — " if group else "") + " — ".join(parts))
    return out


def _spans(row: list[str]) -> bool:
    """A row with a cell merged across columns (the same cell repeated side by side)."""
    return any(a and a == b for a, b in zip(row, row[1:]))


def _looks_like_header(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return len(cells) >= 2 and all(len(c.split()) <= 12 and not re.fullmatch(r"[\d.,%\s]+", c) for c in cells)


def _plain(row: list[str]) -> str:
    cells = list(dict.fromkeys(c for c in row if c))
    if len(cells) == 2:
        return f"{cells[0].rstrip(':')}: {cells[1]}"
    return " — ".join(cells)
