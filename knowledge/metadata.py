"""Document facts found in the text: type, number, subject, issuer, province, date, signer. Absent stays empty."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.blocks import SIGNATURE, kind_of, unmark
from knowledge.lexicon import DOC_TYPES, PROVINCES, TYPE_SYMBOLS
from bot.core.vietnamese import fold

_NUMBER_LINE = re.compile(r"^Số\s*[:.]?\s*(\S*)", re.I)
_PLACE_DATE = re.compile(r"^([^,\d]{2,40}),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.I)
_SUBJECT_VV = re.compile(r"^V/v\.?\s*(.+)", re.I | re.S)
_SIGNER_TITLE = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|BÍ THƯ|"
                           r"CHÁNH VĂN PHÒNG|TRƯỞNG BAN|PHÓ TRƯỞNG BAN|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|"
                           r"PHÓ THỦ TƯỚNG|TRƯỞNG PHÒNG|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\b")
_SIGN_START = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]{2,}")
_GLUED_SIGN = re.compile(r"(?<=[.;])\s*(?=(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]{2,})")  # "Lưu: VT.KT. CHỦ TỊCH"
_SIGN_NOTE = re.compile(r"^\((?:Đã ký|đã ký|Ký|ký)[^)]*\)$")
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}$")
_TYPE_FOLDS = {fold(t).upper(): t for t in DOC_TYPES}


@dataclass
class DocumentMeta:
    doc_type: str = ""
    number: str = ""
    title: str = ""  # trích yếu
    issuer: str = ""
    province: str = ""
    date: date | None = None
    date_text: str = ""  # as much of the date as the text gives, e.g. "tháng 7/2022"
    signer: str = ""
    signer_title: str = ""
    draft: bool = False


def is_signature_line(line: str) -> bool:
    """The first line of a signature block: "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "GIÁM ĐỐC", "(Đã ký)"."""
    s = line.strip()
    if _SIGN_START.match(s) or _SIGN_NOTE.match(s):
        return True
    return s.isupper() and len(s.split()) <= 5 and bool(_SIGNER_TITLE.match(s)) and "NHÂN DÂN" not in s


def extract_meta(paragraphs: list[str]) -> DocumentMeta:
    meta = DocumentMeta()
    signature = [unmark(p) for p in paragraphs if kind_of(p) == SIGNATURE]
    paragraphs = [unmark(p) for p in paragraphs if kind_of(p) != SIGNATURE] or [""]
    head = paragraphs[:12]
    head_lines = [ln.strip() for p in head for ln in p.split("\n")]
    symbol = ""
    for line in head_lines[:8]:
        m = _NUMBER_LINE.match(line)
        if m:
            raw = m.group(1)
            symbol = raw
            if re.match(r"^\d", raw):
                meta.number = raw.rstrip(".,;")
            break
    for line in head_lines[:10]:
        m = _PLACE_DATE.match(line)
        if m:
            place, day, month, year = m.groups()
            meta.province = _province_of(place) or ""
            y = int(year)
            if day and month:
                try:
                    meta.date = date(y, int(month), int(day))
                    meta.date_text = f"{int(day):02d}/{int(month):02d}/{y}"
                except ValueError:
                    meta.date_text = f"năm {y}"
            elif month:
                meta.date_text = f"tháng {int(month)}/{y}"
            else:
                meta.date_text = f"năm {y}"
            break

    meta.draft = any(re.fullmatch(r"\(?du thao(?: lan \d+| \d+)?\)?", fold(ln).strip()) for ln in head_lines[:12])
    type_idx = None
    for i, line in enumerate(head_lines[:14]):
        first = line.split("\n")[0].strip()
        folded = fold(first).upper()
        if first.isupper() and folded in _TYPE_FOLDS:
            meta.doc_type = _TYPE_FOLDS[folded]
            type_idx = i
            break
    if type_idx is not None:
        meta.title = _subject_after(head_lines, type_idx)
    else:
        meta.doc_type, meta.title = _typed_title(head_lines[:4])
    for line in head_lines[:10]:
        m = _SUBJECT_VV.match(line)
        if m:
            meta.title = meta.title or m.group(1).strip()
            meta.doc_type = meta.doc_type or "Công văn"
    if not meta.doc_type and symbol:
        meta.doc_type = _type_from_symbol(symbol)

    body = "\n".join(paragraphs)
    if not meta.province:
        meta.province = _most_cited_province(body)
    meta.signer, meta.signer_title = _signer(signature) if signature else ("", "")
    if not meta.signer:
        meta.signer, meta.signer_title = _signer(paragraphs)
    meta.issuer = _issuer(body, symbol, meta) or _agency(head_lines[:8], meta.province)
    return meta


def _agency(lines: list[str], province: str) -> str:
    """The issuing agency named in capitals in the header ("SỞ NỘI VỤ" -> "Sở Nội vụ tỉnh Cao Bằng")."""
    for line in lines:
        if line.isupper() and re.match(r"^(SỞ|BAN|VĂN PHÒNG|THANH TRA|BỘ)\s+\S", line) and len(line.split()) <= 10:
            words = line.lower().split()
            name = " ".join([words[0].capitalize(), words[1].capitalize()] + words[2:])
            if "tỉnh" in words or "thành phố" in line.lower() or not province or words[0] == "bộ":
                return name
            return f"{name} tỉnh {province}" if not province.startswith("Thành phố") else f"{name} {province}"
    return ""


def _subject_after(lines: list[str], type_idx: int) -> str:
    out: list[str] = []
    for line in lines[type_idx + 1: type_idx + 4]:
        if not line or line.startswith(("Căn cứ", "Thực hiện", "Kính gửi")) or re.match(r"^(?:[IVX]+|\d+)\.\s", line):
            break
        out.append(line)
        if len(" ".join(out)) > 60:
            break
    title = " ".join(out).strip()
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.9 * len(letters):
        words = [w.lower() if w.isupper() and not re.search(r"[\d/]|^\(?[IVXLC]+\)?[.,]?$", w) else w for w in title.split()]
        title = " ".join(words)
        title = title[:1].upper() + title[1:]
    return title


def _typed_title(lines: list[str]) -> tuple[str, str]:
    """A heading line in capitals naming the type and the subject together ("LUẬT PHÒNG, CHỐNG MA TÚY" -> "Luật",
    "Phòng, chống ma túy"), or ("", "")."""
    for line in lines:
        words = line.split()
        if not line.isupper() or not 2 <= len(words) <= TYPED_TITLE_WORDS:
            continue
        for n in (2, 1):
            kind = _TYPE_FOLDS.get(fold(" ".join(words[:n])).upper())
            if kind and len(words) > n:
                rest = " ".join(words[n:]).lower()
                return kind, rest[:1].upper() + rest[1:]
    return "", ""


TYPED_TITLE_WORDS = 16


def _type_from_symbol(symbol: str) -> str:
    parts = symbol.strip("/").split("/")[-1].split("-") if "/" in symbol else []
    for part in parts:
        if part in TYPE_SYMBOLS:
            return TYPE_SYMBOLS[part]
    if re.match(r"^\d+/[A-ZĐ]+-[A-ZĐ]+$", symbol):
        return "Công văn"  # number/ISSUER-UNIT without a type symbol (Nghị định 30/2020/NĐ-CP)
    return ""


def _province_of(text: str) -> str | None:
    key = fold(text).replace("–", "-")
    for p in PROVINCES:
        if fold(p) in key or fold(p).replace(" - ", " ") in key.replace(" - ", " "):
            return p
    return None


def _most_cited_province(body: str) -> str:
    key = fold(body).replace("–", "-")
    counts = {p: key.count(fold(p)) for p in PROVINCES}
    counts = {p: n for p, n in counts.items() if n}
    return max(counts, key=lambda p: counts[p]) if counts else ""


def _signer(paragraphs: list[str]) -> tuple[str, str]:
    lines = [ln.strip() for p in paragraphs[-8:] for ln in _GLUED_SIGN.sub("\n", p).split("\n") if ln.strip()]
    lines = [ln for ln in lines if not _SIGN_NOTE.match(ln)]
    title_lines: list[str] = []
    for i, line in enumerate(lines):
        if _SIGNER_TITLE.match(line.upper()) and line.isupper():
            title_lines.append(line)
            continue
        if title_lines and _NAME.match(line):
            titles = [t for t in title_lines if not t.startswith(("TM.", "KT.", "TL.", "TUQ.", "Q."))] or title_lines
            return line, titles[-1].capitalize()
    return "", ""


def _issuer(body: str, symbol: str, meta: DocumentMeta) -> str:
    folded = fold(body)
    ubnd = ("UBND" in symbol.upper() or "tm. uy ban nhan dan" in folded
            or re.search(r"\b(?:ubnd|uy ban nhan dan) (?:tinh )?(?:ban hanh|yeu cau|xay dung|chi thi)", folded))
    if ubnd:
        if meta.province.startswith("Thành phố"):
            return "UBND " + meta.province
        return "UBND tỉnh " + meta.province if meta.province else "UBND tỉnh"
    return ""
