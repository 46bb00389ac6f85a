"""The short Vietnamese replies to questions about the bot's deadlines: a due date, days left, a day off, a list."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from scheduler.models import Deadline, Unit
from scheduler.texts import days_left_text
from scheduler.usecases.periods import DeadlinePeriods, PeriodView
from scheduler.vi_dates import format_date_vi
from scheduler.workdays import WorkCalendar

CIVIL_CODE = "Bộ luật Dân sự 2015, Điều 148 khoản 5"


SOURCE_LIMIT = 100  # characters of a source in a reply's citation line


def short_source(source: str) -> str:
    """'Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ (4 kỳ: …); ngày nộp …' -> 'Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ';
    a long source without such a break (a directive's text pasted in) is cut at a word, with '…'."""
    short = re.split(r" \(|;|\n|\. ", source, maxsplit=1)[0].strip(" .")
    if len(short) <= SOURCE_LIMIT:
        return short
    return short[:SOURCE_LIMIT].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def citation_line(sources: Sequence[str], *extra: str) -> str:
    """One '📄 Căn cứ: …' line for a reply: each source once, short, then `extra` (a law); '' when none."""
    names = list(dict.fromkeys([short_source(x) for x in sources if x] + [e for e in extra if e]))
    return f"📄 Căn cứ: {'; '.join(names)}." if names else ""


def legal_line(occ: PeriodView, cal: WorkCalendar | None = None) -> str:
    if occ.legal_due == occ.due:
        return ""
    why = (cal.holiday_name(occ.due) if cal is not None else None) or "ngày nghỉ"
    return f"Hạn cuối theo luật: {format_date_vi(occ.legal_due)} (ngày {occ.due:%d/%m} là {why.lower()})."


def _units_line(occ: PeriodView, units: Sequence[Unit]) -> str:
    mine = [u for u in units if u.id in occ.owing]
    if not mine:
        return ""
    return "Đơn vị của bạn: " + ", ".join(
        f"{u.name} {'✅ đã nộp' if u.id in occ.done else '⏳ chưa xác nhận'}" for u in mine) + "."


def due_block(d: DeadlinePeriods, occ: PeriodView, units: Sequence[Unit], today: date, cal: WorkCalendar,
              extra: str = "") -> str:
    """One period's due date, legal due date, cut-off, recipient, the asker's units and `extra`; the reply cites
    its sources once, at its end (`citation_line`)."""
    out = [f"“{d.title}” — {occ.label}: hạn {format_date_vi(occ.due)} "
           f"({days_left_text(occ.due, today, occ.legal_due)}).", legal_line(occ, cal)]
    if occ.cutoff:
        out.append(f"Số liệu chốt từ {occ.cutoff[0]:%d/%m/%Y} đến {occ.cutoff[1]:%d/%m/%Y}.")
    if d.submit_to:
        out.append(f"Nộp cho: {d.submit_to}.")
    out += [_units_line(occ, units), extra]
    return "\n".join(line for line in out if line)


def days_left_block(d: DeadlinePeriods, occ: PeriodView, units: Sequence[Unit], today: date,
                    cal: WorkCalendar) -> str:
    out = [f"“{d.title}” — {occ.label}: {days_left_text(occ.due, today, occ.legal_due)} "
           f"(hạn {format_date_vi(occ.due)}).", legal_line(occ, cal), _units_line(occ, units)]
    return "\n".join(line for line in out if line)


def day_off_block(d: DeadlinePeriods, occ: PeriodView, cal: WorkCalendar) -> str:
    if occ.legal_due == occ.due and not cal.is_day_off(occ.due):
        head = (f"“{d.title}” — {occ.label}: hạn {format_date_vi(occ.due)} là ngày làm việc, "
                "không trùng ngày nghỉ.")
        lines = [head]
    else:
        why = (cal.holiday_name(occ.due) or "ngày nghỉ").lower()
        lines = [f"“{d.title}” — {occ.label}: hạn {format_date_vi(occ.due)} trùng ngày nghỉ ({why}), nên hạn "
                 f"cuối là ngày làm việc tiếp theo: {format_date_vi(occ.legal_due)}. Bot vẫn nhắc trước ngày "
                 f"{occ.due:%d/%m}."]
    return "\n".join(lines)


def tet_line(due: date, cal: WorkCalendar) -> str:
    """Where a due date falls against the next Lunar New Year ('trước hay sau Tết')."""
    for i in range(-60, 340):
        day = due + timedelta(days=i)
        name = cal.holiday_name(day) or ""
        if "Mùng một" in name or name.startswith("Tết Nguyên Đán"):
            side = "trước" if due < day else "sau"
            return f"Hạn {due:%d/%m/%Y} là {side} Tết Nguyên Đán (mùng Một Tết: {format_date_vi(day)})."
    return ""


def day_off_rule(examples: Sequence[tuple[DeadlinePeriods, PeriodView]], cal: WorkCalendar) -> str:
    """The rule for a due date on a weekend or holiday, with the configured periods it moves."""
    lines = ["Nếu hạn nộp rơi vào thứ Bảy, Chủ nhật hoặc ngày lễ, Tết thì hạn cuối là hết ngày làm việc tiếp "
             "theo ngay sau ngày nghỉ đó. Bot vẫn nhắc trước ngày hạn ghi trong văn bản, nên nộp sớm vẫn tốt hơn."]
    if examples:
        lines.append("Trong các hạn đã cài đặt:")
        for d, occ in examples:
            why = (cal.holiday_name(occ.due) or "ngày nghỉ").lower()
            lines.append(f"• {d.title} — {occ.label}: hạn {format_date_vi(occ.due)} ({why}) → hạn cuối "
                         f"{format_date_vi(occ.legal_due)}")
    lines.append(f"📄 Căn cứ: {CIVIL_CODE}.")
    return "\n".join(lines)


def listing(rows: Sequence[tuple[DeadlinePeriods, PeriodView]], units: Sequence[Unit], today: date, label: str,
            who: str, after: tuple[DeadlinePeriods, PeriodView] | None = None) -> str:
    """The periods due in a stretch of days, earliest first, with the sources once at the end (none: the next
    period due after it)."""
    if not rows:
        text = f"Trong {label}, {who} không có hạn nộp nào trong các hạn đã cài đặt."
        if after is not None:
            d, occ = after
            text += f"\nHạn gần nhất sau đó: {d.title} — {occ.label}, hạn {format_date_vi(occ.due)}."
        return text + "\nGõ /han để xem các hạn sắp tới."
    unit_ids = {u.id for u in units}
    lines = [f"Các hạn cần nộp trong {label} ({who}):"]
    for d, occ in sorted(rows, key=lambda r: (r[1].due, r[0].title)):
        mine = occ.owing & unit_ids
        state = (" — ✅ đã nộp" if mine <= occ.done else " — ⏳ chưa xác nhận") if mine else ""
        legal = f", hạn cuối {occ.legal_due:%d/%m} do trùng ngày nghỉ" if occ.legal_due != occ.due else ""
        passed = " — đã qua" if occ.legal_due < today and not mine else ""
        lines.append(f"• {d.title} — {occ.label}: hạn {format_date_vi(occ.due)}{legal}{state}{passed}")
    if cited := citation_line([d.source for d, _ in rows]):
        lines.append(cited)
    if unit_ids:
        lines.append("Khi đã nộp, gõ /danop <mã>.")
    return "\n".join(lines)


def pending(rows: Sequence[tuple[DeadlinePeriods, PeriodView]], units: Sequence[Unit], today: date) -> str:
    """What the asker's units owe and have not confirmed: overdue periods, then the next one due."""
    names = ", ".join(u.name for u in units)
    if not rows:
        return f"✅ {names} đã xác nhận nộp tất cả các kỳ đến hạn. Xem các hạn sắp tới: /han."
    lines = [f"{names} còn chưa xác nhận nộp:"]
    for d, occ in sorted(rows, key=lambda r: r[1].due):
        flag = "⚠️" if occ.legal_due < today else "⏳"
        lines.append(f"{flag} [{d.code}] {d.title} — {occ.label}: hạn {format_date_vi(occ.due)} "
                     f"({days_left_text(occ.due, today, occ.legal_due)})")
    lines.append("Khi đã nộp, gõ /danop <mã> (hoặc bấm ✅ Đã nộp trong tin nhắc).")
    return "\n".join(lines)


REGISTER_HINT = "(Chat này chưa gắn với đơn vị nào; gõ /dangky <tên đơn vị> để bot biết đơn vị của bạn.)"
NO_UNIT_PENDING = ("Chat này chưa gắn với đơn vị nào nên bot chưa biết đơn vị bạn đã nộp gì. Đăng ký: gõ "
                   "/dangky <tên đơn vị> (trong nhóm của đơn vị, hoặc đầu mối nhắn riêng cho bot). "
                   "Xem các hạn sắp tới: /han.")


ADMIN_HINT = ("Quản trị viên cài bộ hạn báo cáo CCHC định kỳ bằng /caidat cchc (kế hoạch CCHC năm: /caidat 7946) "
              "hoặc thêm hạn bằng /themhan; gõ /han để xem các hạn đã cài.")


def none_configured(folded_question: str) -> str:
    what = "báo cáo CCHC" if re.search(r"\b(?:cchc|cai cach hanh chinh)\b", folded_question) else "báo cáo"
    return f"Trong bot chưa cài hạn nộp {what} nào, nên tôi chưa trả lời được câu hỏi về hạn nộp. " + ADMIN_HINT


def none_matching(deadlines: Sequence[Deadline]) -> str:
    names = ", ".join(f"{d.title} ({d.code})" for d in deadlines[:4])
    more = f" và {len(deadlines) - 4} hạn khác" if len(deadlines) > 4 else ""
    text = f"Chưa có hạn nào đã cài khớp với câu hỏi này. Các hạn đã cài: {names}{more}. " + ADMIN_HINT
    if len(text) > 400:
        text = f"Chưa có hạn nào đã cài khớp với câu hỏi này ({len(deadlines)} hạn đã cài). " + ADMIN_HINT
    return text
