"""Repair of text artefacts: markdown marks, footnotes, sentences split by page breaks, wrapped lines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.vietnamese import nfc
from knowledge.blocks import MARKS, unmark

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_VALUE = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
_FOOTNOTE_BODY = re.compile(rf"^\s*([{SUPERSCRIPTS}]+)\s*(\S.*)$")
_FOOTNOTE_REF = re.compile(rf"(?<=\S)([{SUPERSCRIPTS}]+)")
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,2}(?=\w)|(?<=\w)_{1,2}(?!\w)")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_STRUCTURE = re.compile(r"^(?:[-–•+]\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|Điều\s+\d+|Chương\s+[IVXLC\d]+|Mục\s+\d+)",
                        re.I)
_SENTENCE_END = tuple(".:;!?”\")…")
# an article heading of a law: its title ends without a full stop, and what follows it in capitals is its body
_LAW_HEADING = re.compile(r"^Điều\s+\d+[a-z]?\b")
# lines of the header block that stand alone, however they were wrapped ("Số: …", the place and date, "V/v …")
_HEADER_LINE = re.compile(r"^(?:Số\s*[:.]|V/v\b|Kính gửi\b|CỘNG HÒA|CỘNG HOÀ|Độc lập\s*[-–]|[^,\d]{2,40},\s*ngày\b.*\bnăm\b|"
                          r"DỰ THẢO$|Dự thảo$)")
_PAGE_NUMBER = re.compile(r"^(?:[-–]\s*\d{1,3}\s*[-–]|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?)$", re.I)


@dataclass
class CleanText:
    paragraphs: list[str]
    footnotes: dict[str, str] = field(default_factory=dict)  # "1" -> footnote text
    footnote_refs: dict[int, list[str]] = field(default_factory=dict)  # paragraph index -> footnote numbers
    footnote_context: dict[str, str] = field(default_factory=dict)  # footnote number -> the words citing it

    @property
    def text(self) -> str:
        body = unmark("\n\n".join(self.paragraphs))
        if self.footnotes:
            body += "\n\n" + "\n".join(f"({k}) {v}" for k, v in self.footnotes.items())
        return body


def clean(raw: str) -> CleanText:
    """Paragraphs of a document with artefacts repaired; footnotes moved out and kept by number."""
    text = nfc(raw).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\f", "\n\n")
    text = _HEADING_MARK.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]

    footnotes: dict[str, str] = {}
    kept: list[str] = []
    for block in blocks:
        lines = block.split("\n")
        m = _FOOTNOTE_BODY.match(lines[0])
        if m and len(m.group(2)) > 10:
            number = "".join(_SUP_VALUE[c] for c in m.group(1))
            footnotes[number] = _join_lines(" ".join([m.group(2)] + lines[1:]).split("\n"))
            continue
        joined = _join_lines(lines)
        if joined:
            kept.append(joined)

    paragraphs = _repair_page_breaks(kept)
    refs: dict[int, list[str]] = {}
    context: dict[str, str] = {}
    out: list[str] = []
    for i, para in enumerate(paragraphs):
        found = []
        for m in _FOOTNOTE_REF.finditer(para):
            number = "".join(_SUP_VALUE[c] for c in m.group(1))
            found.append(number)
            before = re.split(r"(?<=[.;:])\s", _FOOTNOTE_REF.sub("", para[:m.start()]))[-1]
            context.setdefault(number, " ".join(before.split()[-30:]))
        if found:
            refs[i] = [n for n in found if n in footnotes]
            para = _FOOTNOTE_REF.sub("", para)
        out.append(para)
    return CleanText(out, footnotes, {k: v for k, v in refs.items() if v}, context)


def _join_lines(lines: list[str]) -> str:
    """Lines of one paragraph: wrapped lines are joined, list items and headings keep their own line."""
    out: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line or _PAGE_NUMBER.match(line):
            continue
        if line[0] in MARKS or (out and out[-1][0] in MARKS):
            out.append(line)
            continue
        if _HEADER_LINE.match(line) or (out and _HEADER_LINE.match(out[-1]) and not (
                out[-1].startswith("V/v") and line[0].islower())):
            out.append(line)
            continue
        if out and not _STRUCTURE.match(line) and (line[0].islower() or not out[-1].endswith(_SENTENCE_END)):
            if not _looks_like_signature(out[-1]) and not out[-1].isupper() and not (
                    _LAW_HEADING.match(out[-1]) and not line[0].islower()):
                out[-1] += " " + line
                continue
        out.append(line)
    return "\n".join(out)


def _looks_like_signature(line: str) -> bool:
    return line.upper() == line and len(line.split()) <= 6


def _repair_page_breaks(blocks: list[str]) -> list[str]:
    """Join a paragraph cut by a page break: no sentence end, and the next one starts in lower case."""
    out: list[str] = []
    for block in blocks:
        if (out and (block[0].islower() or block[0].isdigit()) and out[-1][0] not in MARKS
                and not _HEADER_LINE.match(out[-1].split("\n")[-1]) and not out[-1].endswith(_SENTENCE_END)
                and not _STRUCTURE.match(block) and not _looks_like_signature(out[-1])):
            out[-1] += " " + block
        else:
            out.append(block)
    return out
