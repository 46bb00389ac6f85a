"""Questions about the bot's own deadlines ("hạn nộp báo cáo 6 tháng là ngày nào?", "quý này đơn vị tôi phải nộp
gì?"), answered from the configured deadlines, with the directive they come from as the source."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.vietnamese import fold, syllables
from handlers.context import Context
from handlers.deadlines import today_of
from knowledge.understand import respelled
from scheduler.models import Deadline
from scheduler.repo import audience_unit_ids, list_deadlines
from scheduler.standing import CONFIRM_LATE
from scheduler.usecases.periods import DeadlinePeriods, PeriodView, current_periods, periods
from scheduler.texts import days_left_text
from scheduler.units import list_units, units_for_chat
from scheduler.vi_dates import format_date_vi

_ASKS_DATE = re.compile(r"\b(?:han|ngay nao|ngay may|khi nao|bao gio|luc nao|truoc ngay|cham nhat|chot so lieu)\b")
_ASKS_WHAT = re.compile(r"\b(?:(?:phai|can|se) nop (?:gi|nhung gi|cai gi|bao cao gi)|nop gi|nop nhung gi|"
                        r"co han (?:gi|nao)|han nao sap toi|sap toi (?:phai|can) nop)\b")
_THIS = {"quy nay": "quarter", "ky nay": "quarter", "thang nay": "month", "nam nay": "year", "sap toi": "soon",
         "tuan nay": "week"}
_PERIODS = {"6 thang": "6 tháng", "sau thang": "6 tháng", "quy 1": "Quý I", "quy i": "Quý I", "quy 3": "Quý III",
            "quy iii": "Quý III", "quy 2": "Quý II", "quy ii": "Quý II", "quy 4": "Quý IV", "quy iv": "Quý IV",
            "ca nam": "Năm", "hang nam": "Năm", "bao cao nam": "Năm", "nam": "Năm",
            "quy": "Quý", "hang quy": "Quý"}
# "quý" without its number; folded "quy" is also "quy định", "quy chế", "quy trình", "quy mô", "quy hoạch".
_NOT_QUARTER = ("dinh", "che", "trinh", "mo", "hoach", "tac", "pham", "doi", "chuan")
# A report the bot may track: periodic (quarterly, half-year, yearly), CCHC, or the asker's own unit's.
_OWN_REPORT = re.compile(r"\bbao cao\b.*\b(?:quy|6 thang|sau thang|nam|dinh ky|hang thang|thang|cchc|cai cach hanh chinh)\b|"
                         r"\b(?:quy|6 thang|dinh ky|cchc)\b.*\bbao cao\b|\bnop bao cao\b|"
                         r"\b(?:don vi|co quan|so|xa) (?:toi|minh|em|chung toi)\b.*\bnop\b")
_LEVEL_WORDS = {"tinh": re.compile(r"\b(?:cua tinh|cap tinh|ubnd tinh|tinh gui|gui bo noi vu|len bo|bo noi vu)\b"),
                "don vi": re.compile(r"\b(?:cua (?:cac )?(?:so|xa|don vi|phuong)|cap xa|so ban nganh|don vi (?:gui|nop)|"
                                     r"gui so noi vu)\b")}
_STOP = set("han nop la ngay nao khi gi cua cho ve voi va cac tu den phai can don vi toi minh ky nay quy thang "
            "nam may truoc gio luc cham nhat".split())
_KIND_SYLLABLES = frozenset({"bao", "cao", "ke", "hoach"})
ADMIN_HINT = ("Quản trị viên cài bộ hạn báo cáo CCHC định kỳ bằng /caidat cchc (kế hoạch CCHC năm: /caidat 7946) "
              "hoặc thêm hạn bằng /themhan; gõ /han để xem các hạn đã cài.")


@dataclass(frozen=True)
class OwnDeadlineReply:
    """What to say about the bot's own deadlines; `unless_directive`: say it only when no directive gives the date."""

    text: str
    unless_directive: bool = False


def deadline_answer(ctx: Context, question: str) -> OwnDeadlineReply | None:
    """The answer from the configured deadlines, a plain 'none configured' reply for a question about the bot's own
    report deadlines that none matches, or None when the question is for the documents."""
    f = respelled(question)
    asks_what, asks_date = bool(_ASKS_WHAT.search(f)), bool(_ASKS_DATE.search(f))
    if not (asks_what or asks_date):
        return None
    own = bool(_OWN_REPORT.search(f)) or (asks_what and any(k in f for k in _THIS))
    deadlines = list_deadlines(ctx.session)
    if not deadlines:
        return _none_configured(f) if own else None
    today = today_of(ctx)
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    if asks_what and any(k in f for k in _THIS):
        return OwnDeadlineReply(_what_is_due(ctx, deadlines, units, today, next(v for k, v in _THIS.items() if k in f)))
    if not asks_date:
        return None
    chosen = _matching(ctx, f, question, deadlines, units)
    if not chosen:
        return _none_matching(deadlines) if own else None
    period = _period_asked(f)
    now = current_periods(ctx.session, ctx.now(), chosen, escalate=ctx.app.settings.escalation_days,
                          unit_ids={u.id for u in units})
    wide = periods(ctx.session, ctx.now(), chosen, legal_from=today - CONFIRM_LATE) if period else now
    lines = [_due_line(d, _pick(d, named, period), units, today) for d, named in zip(now, wide)]
    text = "\n\n".join(line for line in lines if line)
    if text:
        return OwnDeadlineReply(text)
    return _none_matching(deadlines) if own else None


def gives_report_date(answer_text: str) -> bool:
    """Whether a directive's answer states a report's date itself ('báo cáo … trước ngày 15/12'), not a neighbour."""
    body = fold(answer_text.split("📄", 1)[0])
    return bool(re.search(r"\bbao cao\b", body)) and bool(
        re.search(r"\b(?:ngay|truoc|cham nhat)\s*\d{1,2}(?:/\d{1,2})?\b", body))


def _none_configured(f: str) -> OwnDeadlineReply:
    what = "báo cáo CCHC" if re.search(r"\b(?:cchc|cai cach hanh chinh)\b", f) else "báo cáo"
    return OwnDeadlineReply(f"Trong bot chưa cài hạn nộp {what} nào, nên tôi chưa trả lời được câu hỏi về hạn nộp. "
                            + ADMIN_HINT, unless_directive=True)


def _none_matching(deadlines: list[Deadline]) -> OwnDeadlineReply:
    names = ", ".join(f"{d.title} ({d.code})" for d in deadlines[:4])
    more = f" và {len(deadlines) - 4} hạn khác" if len(deadlines) > 4 else ""
    text = f"Chưa có hạn nào đã cài khớp với câu hỏi này. Các hạn đã cài: {names}{more}. " + ADMIN_HINT
    if len(text) > 400:
        text = f"Chưa có hạn nào đã cài khớp với câu hỏi này ({len(deadlines)} hạn đã cài). " + ADMIN_HINT
    return OwnDeadlineReply(text, unless_directive=True)


def _kind_word(text: str) -> str:
    f = fold(text)
    return "bao cao" if "bao cao" in f else ("ke hoach" if "ke hoach" in f else "")


def _matching(ctx: Context, f: str, question: str, deadlines: list[Deadline], units: list) -> list[Deadline]:
    """The deadlines a question names: the same kind of paper (báo cáo / kế hoạch) and shared title words, then the
    level asked (the province's report or the units'), then the asker's own unit."""
    words = {w for w in syllables(f) if w not in _STOP}
    asked_kind = _kind_word(f)
    all_units = list_units(ctx.session)
    audiences = {d.id: set(audience_unit_ids(d, all_units)) for d in deadlines}
    level = next((name for name, p in _LEVEL_WORDS.items() if p.search(f)), "")
    scored = []
    for d in deadlines:
        about = f"{d.title} {d.what}"
        kind = _kind_word(about)
        if asked_kind and kind and kind != asked_kind:
            continue
        shared = words & set(syllables(about))
        # the same paper, and something more of it: a word of its subject ("cchc") or a period it has ("6 tháng")
        period = fold(_period_asked(f))
        if not (shared & _KIND_SYLLABLES) or not (shared - _KIND_SYLLABLES
                                                  or (period and period in fold(f"{d.rule} {d.title}"))):
            continue
        score = float(len(shared))
        if level:
            province = bool(re.search(r"\b(?:tinh|bo noi vu)\b", fold(d.title))) and not d.audience_types
            score += 2.0 if (level == "tinh") == province else -2.0
        if units and any(u.id in audiences[d.id] for u in units):
            score += 1.0
        scored.append((score, d))
    if not scored:
        return []
    best = max(s for s, _ in scored)
    return [d for s, d in scored if s == best][:2]


def _period_asked(f: str) -> str:
    for key, label in _PERIODS.items():
        for m in re.finditer(rf"\b{key}\b", f):
            tail = f[m.end():].split()
            if key == "quy" and tail and tail[0] in _NOT_QUARTER:
                continue
            if key == "nam" and (tail and (tail[0].isdigit() or tail[0] in ("nay", "toi", "sau", "truoc"))):
                continue
            return label
    return ""


def _pick(d: DeadlinePeriods, wide: DeadlinePeriods, period: str) -> PeriodView | None:
    """The period named in the question (the nearest of that name), else the current one (scheduler.standing)."""
    if period:
        key = fold(period)
        named = [o for o in wide.periods if re.search(rf"(?:^|\W){re.escape(key)}(?:$|[^a-z])", fold(o.label))]
        if key == "nam":
            named = [o for o in wide.periods if fold(o.label).startswith("nam")]
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
