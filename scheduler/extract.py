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
