"""Deadline phrases found in a directive's text, with their sentence, section, parsed rule and due dates."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from bot.core.vietnamese import strip_diacritics
from scheduler.rules import Occurrence, RuleError, parse_rule

_DATE = r"\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{4})?|\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?"
_LEAD = r"(?:(?:cham|muon|tre) nhat|truoc|han chot|den het|khong muon hon)"
_QUARTER = r"quy\s+(?:iv|iii|ii|i|[1-4])"
_SET = (r"(?:\s*,?\s*(?:va\s+)?(?:" + _QUARTER + r"|6\s+thang(?:\s+(?:dau|cuoi)\s+nam)?|9\s+thang|"
        r"(?:ca\s+|hang\s+)?nam(?!\s+\d)))+")
# Each finder: (regex over the folded text, what it is). Longer, more specific forms first.
_FINDERS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), kind) for p, kind in [
    (rf"(?:{_LEAD}\s+)?ngay\s+\d{{1,2}}\s+(?:cua\s+)?thang\s+cuoi\s+(?:cua\s+)?ky\s+bao\s+cao{_SET}", "rule"),
    (rf"(?:{_LEAD}\s+)?ngay\s+\d{{1,2}}\s+(?:cua\s+)?thang\s+cuoi\s+(?:cua\s+)?(?:moi\s+|cac\s+)?quy", "rule"),
    (rf"(?:{_LEAD}\s+)?ngay\s+\d{{1,2}}\s+(?:cua\s+)?thang\s+dau\s+(?:cua\s+)?quy\s+(?:sau|tiep\s+theo|ke\s+tiep)", "rule"),
    (rf"(?:{_LEAD}\s+)?ngay\s+\d{{1,2}}\s+(?:hang|moi)\s+thang", "rule"),
    (r"trong\s+(?:thoi\s+han|vong)\s+\d{1,3}\s+ngay(?:\s+lam\s+viec)?\s+(?:ke\s+tu|tinh\s+tu)\s+"
     r"(?:ngay\s+)?(?:" + _DATE + r"|[^.;,\n]{1,60})", "rule"),
    (rf"{_LEAD}\s+(?:la\s+)?(?:ngay\s+)?(?:{_DATE})(?:\s+(?:cua\s+)?(?:nam\s+ke\s+hoach|hang\s+nam|moi\s+nam))?", "rule"),
    (rf"(?:trong|den\s+het)\s+(?:{_QUARTER}\s*/\s*\d{{4}}|thang\s+\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s*/\s*\d{{4}}|"
     r"nam\s+\d{4}|6\s+thang\s+(?:dau|cuoi)\s+nam\s+\d{4})", "rule"),
    (r"dinh\s+ky\s+(?:hang|moi)\s+(?:quy|thang|nam)(?:\s*,\s*(?:6\s+thang|9\s+thang|(?:hang|moi)\s+(?:quy|thang|nam)))*"
     r"(?:\s*,?\s*(?:va|hoac)\s+(?:dot\s+xuat|(?:hang|moi)\s+(?:quy|thang|nam)))?", "periodic"),
    (r"\btu\s+thang\s+\d{1,2}\s*/\s*\d{4}", "start"),
    (r"\b(?:bao\s+cao|gui)\s+(?:dot\s+xuat|thuong\s+xuyen)|\bkhi\s+co\s+yeu\s+cau|\btheo\s+yeu\s+cau\s+(?:cua|bao\s+cao)", "none"),
]]
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*(?=[-–•+]\s|[a-zđ]\)\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s)")
_SECTION = re.compile(r"^\s*\**\s*(?:(?P<roman>[IVX]+)\.|(?P<num>\d+(?:\.\d+)*)\.|(?P<letter>[a-zđ])\))\s")
_ACTION = re.compile(r"(?<!chuong )\b(trinh|ban hanh|bao cao|gui|nop|hoan thanh)\b")
_ACTION_VI = {"trinh": "trình", "ban hanh": "ban hành", "bao cao": "báo cáo", "gui": "gửi", "nop": "nộp",
              "hoan thanh": "hoàn thành"}


@dataclass(frozen=True)
class FoundDeadline:
    phrase: str  # as written in the document
    sentence: str
    section: str | None  # "I.1.b" when the document numbers its sections
    offset: int  # character offset of the phrase in the text
    rule: str | None  # text parse_rule accepts; None when the phrase sets no date ("đột xuất", "từ tháng 5/2017")
    understood: str
    recurring: bool = False
    occurrences: list[Occurrence] = field(default_factory=list)  # next ones for recurring rules, the one for one-offs
    past: bool = False  # a one-off whose due date is before `today`
    action: str | None = None  # "trình", "báo cáo", "ban hành", …


def _fold_same_length(text: str) -> str:
    """Lower-case, diacritics removed, one character for one character (so offsets map back)."""
    out = []
    for ch in text:
        f = strip_diacritics(ch).lower()
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sections(text: str) -> list[tuple[int, str]]:
    """(offset, section id) at each numbered heading, e.g. (1234, 'II.1.b')."""
    out: list[tuple[int, str]] = []
    roman = num = letter = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        m = _SECTION.match(line)
        if m:
            if m.group("roman"):
                roman, num, letter = m.group("roman"), "", ""
            elif m.group("num"):
                num, letter = m.group("num"), ""
            else:
                letter = m.group("letter")
            out.append((pos, ".".join(x for x in (roman, num, letter) if x)))
        pos += len(line)
    return out


def _section_at(sections: list[tuple[int, str]], offset: int) -> str | None:
    found = None
    for pos, name in sections:
        if pos > offset:
            break
        found = name
    return found or None


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("*", "")).strip(" ,;:")


def _describe(kind: str, phrase: str) -> str:
    if kind == "periodic":
        return (f"Báo cáo định kỳ («{phrase}»): văn bản không nêu ngày nộp; ngày lấy theo quy định chung "
                "hoặc theo quy tắc do quản trị viên đặt (ví dụ «ngày 10 tháng cuối quý»).")
    if kind == "start":
        return f"Bắt đầu {phrase}; không có hạn kết thúc nên không có gì để nhắc."
    return f"«{phrase}»: không có ngày hạn cụ thể nên không có gì để nhắc."


def _action(folded_sentence: str, at: int) -> str | None:
    """The verb governing a deadline: the nearest one before the phrase, else the first after it."""
    verbs = [(m.start(), m.group(1)) for m in _ACTION.finditer(folded_sentence)]
    before = [v for pos, v in verbs if pos < at]
    after = [v for pos, v in verbs if pos >= at]
    verb = before[-1] if before else after[0] if after else None
    return _ACTION_VI[verb] if verb else None


def find_deadlines(text: str, today: date) -> list[FoundDeadline]:
    """Every deadline phrase of `text` in order of appearance (see the table in the domain notes)."""
    text = unicodedata.normalize("NFC", text or "")
    folded = _fold_same_length(text)
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, int, str]] = []
    for pattern, kind in _FINDERS:
        for m in pattern.finditer(folded):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            hits.append((a, b, kind))
    sentences = _sentences(text)
    sections = _sections(text)
    found: list[FoundDeadline] = []
    for a, b, kind in sorted(hits):
        phrase = _clean(text[a:b])
        s_from, s_to = next(((x, y) for x, y in sentences if x <= a < y), (a, b))
        sentence = _clean(text[s_from:max(s_to, b)])
        action = _action(folded[s_from:max(s_to, b)], a - s_from)
        section = _section_at(sections, a)
        if kind != "rule":
            found.append(FoundDeadline(phrase, sentence, section, a, None, _describe(kind, phrase), action=action))
            continue
        try:
            rule = parse_rule(phrase)
        except RuleError as e:
            found.append(FoundDeadline(phrase, sentence, section, a, None, str(e), action=action))
            continue
        if rule.recurring:
            occ = rule.occurrences(today, 4)
            past = False
        else:
            occ = rule.occurrences(date(1900, 1, 1), 1)
            past = bool(occ) and occ[0].due < today
        found.append(FoundDeadline(phrase, sentence, section, a, phrase, rule.understood(), rule.recurring,
                                   occ, past, action))
    return found


def document_deadlines(text: str, today: date) -> list[dict]:
    """find_deadlines as JSON-ready dicts (dates as YYYY-MM-DD)."""
    out = []
    for f in find_deadlines(text, today):
        out.append({
            "phrase": f.phrase,
            "sentence": f.sentence,
            "section": f.section,
            "offset": f.offset,
            "rule": f.rule,
            "understood": f.understood,
            "recurring": f.recurring,
            "past": f.past,
            "action": f.action,
            "occurrences": [{
                "period": o.period,
                "label": o.label,
                "due": o.due.isoformat(),
                "cutoff": {"from": o.cutoff[0].isoformat(), "to": o.cutoff[1].isoformat()} if o.cutoff else None,
                "window_start": o.window_start.isoformat() if o.window_start else None,
            } for o in f.occurrences],
        })
    return out
