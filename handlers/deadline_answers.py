"""Questions about the bot's own deadlines ("hạn nộp báo cáo 6 tháng là ngày nào?", "tuần này có hạn nộp bc nào
ko", "xã mình còn bc nào chưa nộp"), answered from the configured deadlines, with the directive they come from as
the source; a yearly rule only the directives give ("kế hoạch CCHC năm 2027") is dated from the directive."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.vietnamese import fold
from handlers import deadline_replies as replies
from handlers.context import Context
from handlers.deadline_directives import DirectiveDue, directive_due, directive_reply
from handlers.deadline_question import GENERIC, DeadlineQuestion, Span, from_today, normalise, quarter_span, read
from handlers.deadlines import today_of
from knowledge.understand import provinces_in
from scheduler import standing
from scheduler.daysoff import calendar_for
from scheduler.models import Deadline, Unit
from scheduler.repo import list_deadlines
from scheduler.units import units_for_chat
from scheduler.usecases.periods import DeadlinePeriods, PeriodView, periods_between
from scheduler.vi_dates import format_date_vi
from scheduler.workdays import WorkCalendar

_STOP = set("han nop gui la ngay nao khi gi cua cho ve voi va cac tu den phai can don vi toi minh ky nay quy thang "
            "nam bao cao ke hoach so xa noi vu bo tinh khong co nhung truoc sau cham nhat".split())
_KIND_CODES = {"Q1": "-Q1", "Q2": "-Q2", "Q3": "-Q3", "Q4": "-Q4", "H1": "-H1", "H2": "-H2", "9M": "-9M", "Y": ""}
AHEAD = timedelta(days=400)
_LEGAL_SLACK = timedelta(days=14)  # a due date this far before a stretch may have its legal last day in it (Tết)


@dataclass(frozen=True)
class OwnDeadlineReply:
    """What to say about the bot's own deadlines; `unless_directive`: say it only when no directive gives the date."""

    text: str
    unless_directive: bool = False


def deadline_answer(ctx: Context, question: str) -> OwnDeadlineReply | None:
    """The answer from the configured deadlines; a plain 'none configured' or 'none matching' reply (shown unless a
    directive dates the report) for a question about the bot's own report deadlines that none answers; None when
    the question is for the documents."""
    today = today_of(ctx)
    q = read(question, today)
    if not q.intent or provinces_in(fold(question)):  # another province's documents are the knowledge base's
        return None
    deadlines = list_deadlines(ctx.session)
    own = _is_own(q)
    if not deadlines:
        if q.intent == "day_off" and not q.kind:
            return OwnDeadlineReply(replies.day_off_rule([], calendar_for(ctx.session)))
        dated = _directive(ctx, q, question, today)
        if dated:
            return OwnDeadlineReply(dated)
        return OwnDeadlineReply(replies.none_configured(q.text), unless_directive=True) if own else None
    text = _answer(ctx, q, question, deadlines, today)
    if text:
        return OwnDeadlineReply(text)
    return OwnDeadlineReply(replies.none_matching(deadlines), unless_directive=True) if own else None


def _is_own(q: DeadlineQuestion) -> bool:
    """A question about the reports the bot tracks (a period, a stretch of days, what the unit owes, a submission)."""
    if q.intent in ("list", "pending", "days_left"):
        return True
    return q.kind == "bao cao" and bool(q.period or q.span or q.year or {"cchc", "dinh", "nop", "gui"} & q.words)


def gives_report_date(answer_text: str) -> bool:
    """Whether a directive's answer states a report's date itself ('báo cáo … trước ngày 15/12'), not a neighbour."""
    body = fold(answer_text.split("📄", 1)[0])
    return bool(re.search(r"\bbao cao\b", body)) and bool(
        re.search(r"\b(?:ngay|truoc|cham nhat)\s*\d{1,2}(?:/\d{1,2})?\b", body))


def _directive(ctx: Context, q: DeadlineQuestion, question: str, today: date) -> str | None:
    """A yearly rule of the directives dated in the year the question names, when no configured deadline does."""
    if q.intent not in ("date", "day_off", "days_left") or q.year is None or q.year < today.year or not q.kind:
        return None  # a past year is the documents' own matter ('kế hoạch CCHC 2017')
    found = directive_due(ctx, q, question, today)
    return directive_reply(found, today) if found else None


def _answer(ctx: Context, q: DeadlineQuestion, question: str, deadlines: Sequence[Deadline], today: date) -> str | None:
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    if q.intent == "pending":
        return _pending(ctx, q, deadlines, units, today) if q.kind or "han" in q.words else None
    if q.intent == "list":
        return _list(ctx, q, deadlines, units, today)
    if q.intent == "compare":
        return _compare(ctx, question, today) or None
    if q.intent == "day_off" and not q.kind:
        return _day_off_rule(ctx, deadlines, today)
    chosen = _about(q, deadlines, units)
    if not chosen:
        return _directive(ctx, q, question, today)
    cal = calendar_for(ctx.session)
    blocks, sources = [], []
    for d in _views(ctx, chosen, *_window(q, today)):
        occ = _pick(d, q, units, today, cal, ctx.app.settings.escalation_days)
        if occ is None:
            continue
        sources.append(d.source or "")
        if q.intent == "days_left":
            blocks.append(replies.days_left_block(d, occ, units, today, cal))
        elif q.intent == "day_off":
            blocks.append(replies.day_off_block(d, occ, cal))
        else:
            tet = replies.tet_line(occ.due, cal) if "tet" in q.words else ""
            blocks.append(replies.due_block(d, occ, units, today, cal, tet))
    if not blocks:
        return None
    # the answer first, the sources once at the end on one short line
    cited = replies.citation_line(sources, replies.CIVIL_CODE if q.intent == "day_off" else "")
    return "\n\n".join(blocks) + (f"\n{cited}" if cited else "")


# ------------------------------------------------------------------ which deadlines, which period

def _words(d: Deadline) -> set[str]:
    return set(normalise(f"{d.title} {d.what}").split())


def _content(q: DeadlineQuestion) -> set[str]:
    """The question's words that name the work itself ('cchc', 'pci'), not its period, intent or recipient."""
    return {w for w in q.words - _STOP - GENERIC if w.isalpha()}


def _about(q: DeadlineQuestion, deadlines: Sequence[Deadline], units: Sequence[Unit]) -> list[Deadline]:
    """The deadlines the question is about: its work (report or plan) and content words, narrowed by the
    recipient and the level named, the asker's own first. A question naming other work ('báo cáo PCI') or
    neither a report, a plan nor a submission ('Nghị quyết 76 ban hành ngày nào') is not about them."""
    content = _content(q)
    if not q.kind and not re.search(r"\b(?:nop|gui)\b", q.text):
        return []
    scored = []
    for d in deadlines:
        words = _words(d)
        if q.kind and not set(q.kind.split()) <= words:
            continue
        shared = content & words
        if (content and 2 * len(shared) < len(content)) or (not q.kind and not shared):
            continue  # most of what it names is not this deadline's ('cập nhật đường dây nóng vào bc cchc')
        scored.append((len(shared), d))
    if not scored:
        return []
    chosen = _narrow(q, [d for _, d in scored], units)
    best = max(s for s, d in scored if d in chosen)
    return [d for s, d in scored if d in chosen and s == best][:3]


def _narrow(q: DeadlineQuestion, deadlines: list[Deadline], units: Sequence[Unit]) -> list[Deadline]:
    """Keep those sent to the recipient named and addressing the asker's level (or units); a filter that would
    leave nothing is not applied."""
    def keep(pred) -> None:  # type: ignore[no-untyped-def]
        nonlocal deadlines
        kept = [d for d in deadlines if pred(d)]
        deadlines = kept or deadlines
    if q.to:
        keep(lambda d: q.to in fold(d.submit_to or ""))
    if units:
        keep(lambda d: any(u.type in (d.audience_types or []) or u.id in (d.audience_units or []) for u in units))
    elif q.level == "tinh":  # the province's own report: addressed to named units only, sent to the ministry
        keep(lambda d: not d.audience_types and "tinh" in _words(d))
    elif q.level:
        keep(lambda d: q.level in (d.audience_types or []))
    return deadlines


def _window(q: DeadlineQuestion, today: date) -> tuple[date, date]:
    if q.year is not None:
        return date(q.year, 1, 1), date(q.year + 1, 3, 31)
    if q.span is not None:
        return min(q.span.start, today - standing.LOOK_BACK), max(q.span.end, today + AHEAD)
    return today - standing.LOOK_BACK, today + AHEAD


def _views(ctx: Context, deadlines: Sequence[Deadline], start: date, end: date) -> list[DeadlinePeriods]:
    return periods_between(ctx.session, ctx.now(), deadlines, start, end)


def _kind_of(period: str) -> str:
    return "-" + period.split("-", 1)[1] if "-" in period else ""


def _pick(d: DeadlinePeriods, q: DeadlineQuestion, units: Sequence[Unit], today: date, cal: WorkCalendar,
          escalate: int) -> PeriodView | None:
    """The period asked about: the one named (of the year named, else the next), the one due in the span named,
    else the current one (scheduler.standing: for the asker's unit, an earlier one it still owes first)."""
    views = list(d.periods)
    if q.period in _KIND_CODES and q.intent != "next":
        named = [o for o in views if _kind_of(o.period) == _KIND_CODES[q.period]
                 and (o.period.startswith(str(q.year)) if q.year else o.legal_due >= today)]
        if named or q.year:
            return named[0] if named else None
    if q.span is not None:
        inside = [o for o in views if q.span.start <= o.due <= q.span.end]
        if inside:
            return inside[0]
    if q.year is not None and not q.period:
        in_year = [o for o in views if o.period.startswith(str(q.year))]
        upcoming = [o for o in in_year if o.legal_due >= today]
        return (upcoming or in_year or [None])[0]
    if q.period == "Q" and q.intent != "next":  # 'báo cáo quý': a quarter's report, not the half-year's or the year's
        quarters = [o for o in views if _kind_of(o.period) in ("-Q1", "-Q2", "-Q3", "-Q4") and o.legal_due >= today]
        if quarters:
            return quarters[0]
    unit_ids = {u.id for u in units}

    def unconfirmed(o: PeriodView) -> bool:
        return bool(o.owing & unit_ids) and not (o.owing & unit_ids) <= o.done
    if q.intent == "next":
        later = [o for o in views if o.legal_due >= today and (not unit_ids or unconfirmed(o) or not o.owing & unit_ids)]
        return later[0] if later else None
    if unit_ids and any(o.owing & unit_ids for o in views):  # the asker's unit: as /han shows it (scheduler.standing)
        late = standing.owed_late(views, today, cal, escalate, unconfirmed)
        return late[0] if late else standing.current(views, today, cal, escalate, lambda o: bool(o.owing & unit_ids))
    return standing.current(views, today, cal, escalate)


# ------------------------------------------------------------------ lists, what is owed, the day-off rule

def _list_span(q: DeadlineQuestion, today: date) -> Span:
    span = _named_span(q, today)
    if from_today(q.text) and span.start < today <= span.end:
        return Span(today, span.end, f"{span.label} (từ hôm nay)")
    return span


def _named_span(q: DeadlineQuestion, today: date) -> Span:
    if q.span is not None:
        return q.span
    if q.year is not None:
        if q.period in ("Q1", "Q2", "Q3", "Q4"):
            return quarter_span(q.year, int(q.period[1]))
        if q.period == "H1":
            return Span(date(q.year, 1, 1), date(q.year, 6, 30), f"6 tháng đầu năm {q.year}")
        return Span(date(q.year, 1, 1), date(q.year, 12, 31), f"năm {q.year}")
    return Span(today, today + timedelta(days=30), "30 ngày tới")


def _list(ctx: Context, q: DeadlineQuestion, deadlines: Sequence[Deadline], units: Sequence[Unit],
          today: date) -> str:
    span = _list_span(q, today)
    chosen = [d for d in deadlines if (not q.kind or set(q.kind.split()) <= _words(d))] or list(deadlines)
    topic = (q.words - _STOP) & set().union(*(_words(d) for d in chosen))
    chosen = [d for d in chosen if not topic or topic & _words(d)] or chosen
    chosen = _narrow(q, chosen, units)
    unit_ids = {u.id for u in units}
    rows, later = [], []
    for d in _views(ctx, chosen, span.start - _LEGAL_SLACK, max(span.end, today) + AHEAD):
        if unit_ids and not unit_ids & d.audience:
            continue
        # a period due in the span, or whose legal last day is in it (due on the day off before)
        rows += [(d, o) for o in d.periods if span.start <= o.due <= span.end
                 or (o.due < span.start and span.start <= o.legal_due <= span.end)]
        later += [(d, o) for o in d.periods if o.due > span.end][:1]
    who = ", ".join(u.name for u in units) if units else {"so": "sở, ban, ngành", "xa": "UBND cấp xã"}.get(
        q.level, "tất cả đơn vị")
    text = replies.listing(rows, units, today, span.label, who,
                           min(later, key=lambda r: r[1].due) if later and not rows else None)
    if not units and re.search(r"\b(?:minh|toi|chung toi|em)\b", q.text):
        text += "\n" + replies.REGISTER_HINT
    return text


def _pending(ctx: Context, q: DeadlineQuestion, deadlines: Sequence[Deadline], units: Sequence[Unit],
             today: date) -> str:
    if not units:
        return replies.NO_UNIT_PENDING
    unit_ids = {u.id for u in units}
    rows = []
    for d in _views(ctx, deadlines, today - timedelta(days=62), today + AHEAD):
        owed = [o for o in d.periods if o.owing & unit_ids and not (o.owing & unit_ids) <= o.done]
        rows += [(d, o) for o in owed if o.legal_due < today]
        rows += [(d, o) for o in owed if o.legal_due >= today][:1]
    return replies.pending(rows, units, today)


def _day_off_rule(ctx: Context, deadlines: Sequence[Deadline], today: date) -> str:
    cal = calendar_for(ctx.session)
    moved = [(d, o) for d in _views(ctx, deadlines, today, today + AHEAD) for o in d.periods
             if o.legal_due != o.due]
    return replies.day_off_rule(sorted(moved, key=lambda r: r[1].due)[:3], cal)


# ------------------------------------------------------------------ which of two comes first

def _compare(ctx: Context, question: str, today: date) -> str:
    """'kế hoạch CCHC năm 2027 với báo cáo CCHC năm 2026 cái nào hạn trước': each side dated, earliest first."""
    t = normalise(question)
    t = re.sub(r"\b(?:thi )?(?:cai|bao cao|ke hoach|han) nao .*$|\bnao (?:truoc|som hon).*$", "", t)
    parts = [p.strip() for p in re.split(r"\b(?:so voi|voi|hay la|hay|va)\b", t) if p.strip()]
    if len(parts) < 2:
        return ""
    sides: list[tuple[date, str]] = []
    deadlines = list_deadlines(ctx.session)
    units = units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id)
    cal = calendar_for(ctx.session)
    for part in parts[:3]:
        q = read(part + " han ngay nao", today)
        chosen = _about(q, deadlines, units)
        dated = False
        for d in _views(ctx, chosen, *_window(q, today)):
            occ = _pick(d, q, units, today, cal, ctx.app.settings.escalation_days)
            if occ is not None:
                src = f" ({replies.short_source(d.source)})" if d.source else ""
                sides.append((occ.due, f"{d.title} — {occ.label}: hạn {format_date_vi(occ.due)}{src}"))
                dated = True
        if not dated:
            found: DirectiveDue | None = directive_due(ctx, q, part, today)
            if found is None:
                return ""
            sides.append((found.due, f"{found.subject}: chậm nhất {format_date_vi(found.due)} ({found.citation})"))
    sides.sort()
    lines = [f"Đến hạn trước: {sides[0][1]}."] + [f"Sau đó: {text}." for _, text in sides[1:]]
    return "\n".join(lines)
