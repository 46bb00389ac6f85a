"""Questions about the bot's own deadlines ("hạn nộp báo cáo 6 tháng là ngày nào?", "quý này đơn vị tôi phải nộp
gì?"), answered from the configured deadlines, with the directive they come from as the source."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.core.vietnamese import fold, syllables
from handlers.context import Context
from handlers.deadlines import today_of
from scheduler.models import Deadline
from scheduler.repo import audience_unit_ids, list_deadlines
from scheduler.standing import CONFIRM_LATE
from scheduler.usecases.periods import DeadlinePeriods, PeriodView, current_periods, periods
from scheduler.texts import days_left_text
from scheduler.units import list_units, units_for_chat
from scheduler.vi_dates import format_date_vi

_ASKS_DATE = re.compile(r"\b(?:han|ngay nao|khi nao|bao gio|luc nao|truoc ngay|cham nhat|chot so lieu)\b")
_ASKS_WHAT = re.compile(r"\b(?:(?:phai|can|se) nop (?:gi|nhung gi|cai gi|bao cao gi)|nop gi|nop nhung gi|"
                        r"co han (?:gi|nao)|han nao sap toi|sap toi (?:phai|can) nop)\b")
_THIS = {"quy nay": "quarter", "ky nay": "quarter", "thang nay": "month", "nam nay": "year", "sap toi": "soon",
         "tuan nay": "week"}
_PERIODS = {"6 thang": "6 tháng", "sau thang": "6 tháng", "quy 1": "Quý I", "quy i": "Quý I", "quy 3": "Quý III",
            "quy iii": "Quý III", "quy 2": "Quý II", "quy ii": "Quý II", "quy 4": "Quý IV", "quy iv": "Quý IV",
            "ca nam": "Năm", "hang nam": "Năm", "bao cao nam": "Năm"}
_STOP = set("han nop la ngay nao khi gi cua cho ve voi va cac tu den phai can don vi toi minh ky nay quy thang "
            "nam".split())
MIN_SHARED = 2  # content syllables a question shares with a deadline's title and subject to be about it


def deadline_answer(ctx: Context, question: str) -> str | None:
    """The answer from the configured deadlines, or None when the question is not about one of them."""
    f = fold(question)
    asks_what, asks_date = bool(_ASKS_WHAT.search(f)), bool(_ASKS_DATE.search(f))
    if not (asks_what or asks_date):
        return None
    deadlines = list_deadlines(ctx.session)
    if not deadlines:
        return None
    today = today_of(ctx)
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    if asks_what and any(k in f for k in _THIS):
        return _what_is_due(ctx, deadlines, units, today, next(v for k, v in _THIS.items() if k in f))
    if not asks_date:
        return None
    words = {w for w in syllables(question) if w not in _STOP}
    scored = []
    all_units = list_units(ctx.session)
    audiences = {d.id: set(audience_unit_ids(d, all_units)) for d in deadlines}
    for d in deadlines:
        shared = words & set(syllables(f"{d.title} {d.what}"))
        if len(shared) >= MIN_SHARED and any(w in shared for w in ("bao", "cao", "ke", "hoach")):
            mine = bool(units) and any(u.id in audiences[d.id] for u in units)
            scored.append((len(shared) + (1 if mine else 0), d))
    if not scored:
        return None
    best = max(s for s, _ in scored)
    chosen = [d for s, d in scored if s == best][:2]
    period = next((v for k, v in _PERIODS.items() if re.search(rf"\b{k}\b", f)), "")
    now = current_periods(ctx.session, ctx.now(), chosen, escalate=ctx.app.settings.escalation_days,
                          unit_ids={u.id for u in units})
    wide = periods(ctx.session, ctx.now(), chosen, legal_from=today - CONFIRM_LATE) if period else now
    lines = [_due_line(d, _pick(d, named, period), units, today) for d, named in zip(now, wide)]
    return "\n\n".join(line for line in lines if line) or None


def _pick(d: DeadlinePeriods, wide: DeadlinePeriods, period: str) -> PeriodView | None:
    """The period named in the question (the nearest of that name), else the current one (scheduler.standing)."""
    if period:
        named = [o for o in wide.periods if fold(period) in fold(o.label)]
        if named:
            return named[0]
    return d.periods[-1] if d.periods else None


def _due_line(d: DeadlinePeriods, occ: PeriodView | None, units: list, today: date) -> str:
    if occ is None:
        return ""
    out = [f"“{d.title}” — {occ.label}: hạn {format_date_vi(occ.due)} "
           f"({days_left_text(occ.due, today, occ.legal_due)})."]
    if occ.legal_due != occ.due:
        out.append(f"Hạn cuối theo luật: {format_date_vi(occ.legal_due)} (ngày {occ.due:%d/%m} là ngày nghỉ).")
    if occ.cutoff:
        out.append(f"Số liệu chốt từ {occ.cutoff[0]:%d/%m/%Y} đến {occ.cutoff[1]:%d/%m/%Y}.")
    if d.submit_to:
        out.append(f"Nộp cho: {d.submit_to}.")
    mine = [u for u in units if u.id in occ.owing]
    if mine:
        done = occ.done
        out.append("Đơn vị của bạn: " + ", ".join(
            f"{u.name} {'✅ đã nộp' if u.id in done else '⏳ chưa xác nhận'}" for u in mine) + ".")
    if d.source:
        out.append(f"📄 Căn cứ: {d.source}.")
    return "\n".join(out)


def _what_is_due(ctx: Context, deadlines: list[Deadline], units: list, today: date, span: str) -> str:
    end = _span_end(today, span)
    unit_ids = {u.id for u in units}
    rows = []
    for d in periods(ctx.session, ctx.now(), deadlines, legal_from=today, due_to=end):
        if unit_ids and not unit_ids & d.audience:
            continue
        for occ in d.periods:
            rows.append((occ.due, f"• {d.title} — {occ.label}: hạn {format_date_vi(occ.due)}"
                                  f"{' (' + d.source + ')' if d.source else ''}"))
    who = ", ".join(u.name for u in units) if units else "các đơn vị"
    if not rows:
        return f"Từ nay đến {end:%d/%m/%Y}, {who} không có hạn nộp nào trong các hạn đã cài đặt. Gõ /han để xem các hạn sắp tới."
    head = f"Từ nay đến {end:%d/%m/%Y}, {who} cần nộp:"
    return "\n".join([head, *[r for _, r in sorted(rows)], "Khi đã nộp, gõ /danop <mã>."])


def _span_end(today: date, span: str) -> date:
    if span == "month":
        nxt = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if span == "quarter":
        q_end_month = ((today.month - 1) // 3 + 1) * 3
        nxt = date(today.year + q_end_month // 12, q_end_month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if span == "year":
        return date(today.year, 12, 31)
    if span == "week":
        return today + timedelta(days=6 - today.weekday())
    return today + timedelta(days=30)
