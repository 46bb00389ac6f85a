"""A yearly rule found in the directives ('chậm nhất ngày 30/01 của năm kế hoạch') turned into its date in the year
asked ('kế hoạch CCHC năm 2027'), with the directive's sentence as the source; for deadlines no one configured."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers.context import Context
from handlers.deadline_question import DeadlineQuestion, without_year
from scheduler.daysoff import calendar_for
from scheduler.texts import days_left_text
from scheduler.vi_dates import format_date_vi

_RULE = re.compile(r"(?:chậm nhất|muộn nhất|trước|hạn)(?: là| vào)? ngày (\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\s*[/.-]\s*\d)")
_YEARLY = re.compile(r"năm kế hoạch|hằng năm|hàng năm|mỗi năm|kế hoạch (?:cải cách hành chính|CCHC) năm", re.I)


@dataclass(frozen=True)
class DirectiveDue:
    subject: str  # "Kế hoạch CCHC năm 2027"
    due: date
    legal_due: date
    day_off: str  # why `due` is not a working day ("Thứ Bảy"), or ""
    sentence: str  # the directive's sentence
    citation: str  # "Công văn số 7946/UBND-NCPC của UBND tỉnh Bắc Kạn, ngày 25/11/2021, mục 1.b"


def subject_of(q: DeadlineQuestion, year: int) -> str:
    work = "Kế hoạch" if q.kind == "ke hoach" else "Báo cáo"
    topic = " CCHC" if {"cchc", "cai"} & q.words else ""
    whose = {"xa": " của UBND cấp xã", "so": " của sở, ban, ngành"}.get(q.level, "")
    return f"{work}{topic} năm {year}{whose}"


def directive_due(ctx: Context, q: DeadlineQuestion, question: str, today: date) -> DirectiveDue | None:
    """The date in the year asked of the yearly rule the directives give for this work, if they give one."""
    if q.year is None:
        return None
    asked = without_year(question)
    if not re.search(r"\b(?:han|ngay|cham nhat|truoc|khi nao)\b", asked):
        asked += " han cham nhat ngay nao"
    answer = ctx.app.knowledge.answer(asked)
    if not answer.answered:
        return None
    body, _, rest = answer.text.partition("📄")
    m = _RULE.search(body)
    if m is None or not _YEARLY.search(body):
        return None
    try:
        due = date(q.year, int(m[2]), int(m[1]))
    except ValueError:
        return None
    citation = rest.split("\n")[0].replace("Nguồn:", "").strip(" .")
    cal = calendar_for(ctx.session)
    legal = cal.next_working_day(due)
    return DirectiveDue(subject_of(q, q.year), due, legal, (cal.holiday_name(due) or "") if legal != due else "",
                        body.strip(), citation)


QUOTE_LIMIT = 160  # characters of the directive's words quoted in the citation line


def quote(sentence: str, limit: int = QUOTE_LIMIT) -> str:
    """The directive's words that state the yearly rule ('… UBND các huyện, thành phố chậm nhất ngày 30/01 của năm
    kế hoạch …'), at most `limit` characters: from the clause's start (or the nearest word that fits) to the end
    of the rule's phrase, with '…' where cut."""
    text = " ".join(sentence.split())
    m = _RULE.search(text)
    if m is None:
        return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
    start = max((text.rfind(c, 0, m.start()) for c in ".;:"), default=-1) + 1
    stops = [i for i in (text.find(c, m.end()) for c in (".", ";", ",", " và ", " (", ")")) if i >= 0]
    end = min(stops) if stops else len(text)
    if end - start > limit:
        start = text.find(" ", end - limit) + 1
        head = "…"
    else:
        head = ""
    piece = head + text[start:end].strip(" ,")
    return piece + ("…" if end < len(text) and text[end] not in ".)" else "")


def directive_reply(found: DirectiveDue, today: date) -> str:
    """The date first, the legal last day when it moves, then one citation line quoting the rule's clause."""
    out = [f"{found.subject}: chậm nhất {format_date_vi(found.due)} "
           f"({days_left_text(found.due, today, found.legal_due)}), theo quy định hằng năm của văn bản."]
    if found.legal_due != found.due:
        out.append(f"Hạn cuối theo luật: {format_date_vi(found.legal_due)} (ngày {found.due:%d/%m} là {(found.day_off or 'ngày nghỉ').lower()}).")
    out.append(f"📄 Căn cứ: {found.citation}: “{quote(found.sentence)}”")
    return "\n".join(out)
