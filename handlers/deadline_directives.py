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


def directive_reply(found: DirectiveDue, today: date) -> str:
    out = [f"{found.subject}: chậm nhất {format_date_vi(found.due)} "
           f"({days_left_text(found.due, today, found.legal_due)}), theo quy định hằng năm của văn bản dưới đây."]
    if found.legal_due != found.due:
        out.append(f"Hạn cuối theo luật: {format_date_vi(found.legal_due)} (ngày {found.due:%d/%m} là {(found.day_off or 'ngày nghỉ').lower()}).")
    out += ["", found.sentence, "", f"📄 Căn cứ: {found.citation}."]
    return "\n".join(out)
