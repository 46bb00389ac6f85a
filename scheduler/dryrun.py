"""A dry run of the reminder plan: every reminder that would be sent between two dates, touching nothing."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import VN_TZ
from scheduler.chats import reminder_targets
from scheduler.daysoff import calendar_for
from scheduler.models import Acknowledgement, Chat, Delivery, Occurrence
from scheduler.occurrences import OCC_BACK
from scheduler.pipeline import for_deadline
from scheduler.plan import PlannedOccurrence, plan_deliveries
from scheduler.repo import list_deadlines, period_audience
from scheduler.units import list_units


def unreachable_units(session: Session, start: date, end: date, *, escalate: int) -> list[str]:
    """Units owing a period due between `start` and `end` (plus the leads' reach) that no chat or approved focal
    point can be reminded through: the plan has no line for them, so say who they are."""
    cal = calendar_for(session)
    units = {u.id: u for u in list_units(session)}
    targets = reminder_targets(session, units)
    owing: set[int] = set()
    for d in list_deadlines(session):
        horizon = max([x for x in d.leads if x >= 0] or [0])
        for o in for_deadline(d, cal, start=start - OCC_BACK, until=end + timedelta(days=horizon),
                              escalate=escalate) or []:
            if o.open_until >= start:
                owing.update(period_audience(d, o.legal_due, units.values()))
    return sorted((units[i].name for i in owing if not targets.get(i)), key=str.casefold)


def planned_reminders(session: Session, start: date, end: date, *, escalate: int) -> list[dict[str, Any]]:
    """Reminders with start <= time < end + 1 day (Vietnam time), earliest first, with their target chats.

    The same periods, reminder times (`escalate`: ESCALATION_DAYS), audiences and targets as the reminder service.
    """
    cal = calendar_for(session)
    units = {u.id: u for u in list_units(session)}
    chats = {c.id: c for c in session.scalars(select(Chat))}
    targets = reminder_targets(session, units)
    deadlines = {d.id: d for d in list_deadlines(session)}
    occs: list[PlannedOccurrence] = []
    audiences: dict[tuple[int, str], list[int]] = {}
    labels: dict[tuple[int, str], tuple[str, date]] = {}
    for d in deadlines.values():
        horizon = max([x for x in d.leads if x >= 0] or [0]) + 14
        for o in for_deadline(d, cal, start=start - OCC_BACK, until=end + timedelta(days=horizon),
                              escalate=escalate) or []:
            labels[(d.id, o.period)] = (o.label, o.due)
            audiences[(d.id, o.period)] = period_audience(d, o.legal_due, units.values())
            occs.append(PlannedOccurrence(d.id, o.period, o.due, o.legal_due, o.reminders, o.open_until))
    acked = {(o.deadline_id, o.period, a.unit_id) for o, a in session.execute(
        select(Occurrence, Acknowledgement).join(Acknowledgement, Acknowledgement.occurrence_id == Occurrence.id))}
    sent = {(o.deadline_id, o.period, d.chat_id, d.lead) for o, d in session.execute(
        select(Occurrence, Delivery).join(Delivery, Delivery.occurrence_id == Occurrence.id)
        .where(Delivery.status == "sent"))}
    begin = datetime.combine(start, time(0), tzinfo=VN_TZ)
    stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=VN_TZ)
    planned = plan_deliveries(occs, audiences, targets, acked, today=start, until=stop)
    out = []
    for p in planned:
        if not begin <= p.scheduled_for < stop:
            continue
        d, chat, unit = deadlines[p.deadline_id], chats[p.chat_pk], units[p.unit_id]
        label, due = labels[(p.deadline_id, p.period)]
        out.append({
            "time": p.scheduled_for.astimezone(VN_TZ).isoformat(), "deadline": d.code, "title": d.title,
            "period": p.period, "label": label, "due": due.isoformat(), "lead": p.lead, "unit": unit.name,
            "channel": chat.channel, "chat_id": chat.chat_id, "chat_title": chat.title, "fallback": p.fallback,
            "already_sent": (p.deadline_id, p.period, p.chat_pk, p.lead) in sent,
        })
    return out
