"""Deadline phrases found in a directive's text, with their sentence, section, parsed rule and due dates."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from bot.core.vietnamese import strip_diacritics
from scheduler.rules import Period, RuleError, find_phrases, parse_rule

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
    occurrences: list[Period] = field(default_factory=list)  # next ones for recurring rules, the one for one-offs
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
    sentences = _sentences(text)
    sections = _sections(text)
    found: list[FoundDeadline] = []
    for hit in find_phrases(text):
        a, b, production = hit.start, hit.end, hit.production
        phrase = _clean(text[a:b])
        s_from, s_to = next(((x, y) for x, y in sentences if x <= a < y), (a, b))
        sentence = _clean(text[s_from:max(s_to, b)])
        action = _action(folded[s_from:max(s_to, b)], a - s_from)
        section = _section_at(sections, a)
        if production.kind != "rule":
            found.append(FoundDeadline(phrase, sentence, section, a, None, production.says.format(phrase=phrase),
                                       action=action))
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
            occ = rule.occurrences(date(1900, 1, 1), 12)  # "trước ngày 15/11/2028 và trước ngày 15/5/2029": both
            past = bool(occ) and occ[-1].due < today
        found.append(FoundDeadline(phrase, sentence, section, a, phrase, rule.understood(), rule.recurring,
                                   occ, past, action))
    return found


_NAME_START = re.compile(r"\b(bao cao|ke hoach|tong hop|chuong trinh|de an|thong ke|danh gia)\b")
_TASK_START = re.compile(r"\b(to chuc|xay dung|trien khai|ra soat|kiem tra|hoan thien)\b")
_NAME_END = re.compile(r"[,;:(\[]|\s(?:ve|gui|cho|truoc|cham nhat|den|tren|theo|dinh ky|hang|trong|va gui|va nop)\b")
_TO_BODY = re.compile(r"\s+(?:ubnd|uy ban|so |bo |chu tich|thu tuong|hdnd)")
NAME_WORDS = 10  # a title an official reads in a reminder, not the directive's whole sentence


def report_name(found: FoundDeadline) -> str:
    """A short title for a found deadline: the report (plan, summary …) its sentence names, 'Báo cáo kết quả CCHC quý'
    from 'Các sở gửi báo cáo kết quả CCHC quý về Sở Nội vụ trước ngày 15 …'; else the sentence's first words."""
    sentence = found.sentence
    folded = _fold_same_length(sentence)
    at = folded.find(_fold_same_length(found.phrase))
    starts: list[int] = []
    for kind in (_NAME_START, _TASK_START):  # a report or plan named, else the task's verb
        starts = [m.start() for m in kind.finditer(folded) if (at < 0 or m.start() < at)
                  and not _TO_BODY.match(folded, m.end())]  # 'báo cáo UBND tỉnh': the verb, not a report
        if starts:
            break
    if not starts:  # nothing named: the sentence without its deadline phrase
        name = sentence if at < 0 else f"{sentence[:at]} {sentence[at + len(found.phrase):]}"
    else:
        start = starts[-1]
        rest = folded[start:]
        end = _NAME_END.search(rest, len(rest.split(" ", 2)[0]) + 4)
        name = sentence[start:start + (end.start() if end else len(rest))]
        if at > start and (not end or start + end.start() > at):
            name = sentence[start:at]  # never the deadline phrase itself
    words = _clean(name).rstrip(".").split()
    short = " ".join(words[:NAME_WORDS]) + ("…" if len(words) > NAME_WORDS else "")
    if not short.strip("…"):
        return sentence[:80].rstrip(" ,;:") + ("…" if len(sentence) > 80 else "")
    return short[0].upper() + short[1:]


_BODY_HEAD = re.compile(r"^(?:[-–•+]\s*|\d+(?:\.\d+)*\.\s*|[a-zđ]\)\s*)*(?:(?:giao|đề nghị|yêu cầu)\s+(?:cho\s+)?)?"
                        r"(Sở|Ban|Văn phòng|Công an|Bộ Chỉ huy|Thanh tra|UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s", re.I)
_PLURAL = ("cac ", "nhung ", "moi ")


_BODY_END = re.compile(r"\s(?:chu tri|phoi hop|tong hop|co trach nhiem|thuc hien|xay dung|to chuc|bao cao|gui|nop|trinh|"
                       r"hoan thanh|trien khai|ra soat|kiem tra|tham muu|huong dan|theo doi|la|duoc|can|phai)\b|[;:(]")


def responsible_body(found: FoundDeadline) -> str | None:
    """The one body a sentence gives the task to, when it opens with its name: 'Sở Văn hóa, Thể thao và Du lịch'
    from 'Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức Hội thi …'; None for 'Các sở, ban, ngành …' or no name."""
    sentence = found.sentence
    head = _BODY_HEAD.match(sentence)
    if head is None:
        return None
    folded = _fold_same_length(sentence)
    after = folded[head.end(1):].split()
    if not after or after[0].strip(",") in ("cap", "cac", "ban", "nganh", "") or folded[head.end(1)] == ",":
        return None  # 'UBND cấp xã', 'Sở, ban, ngành': every unit of a kind
    end = _BODY_END.search(folded, head.end(1))
    name = _clean(sentence[head.start(1):end.start() if end else len(sentence)])
    return name if 1 < len(name.split()) <= 12 else None


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
