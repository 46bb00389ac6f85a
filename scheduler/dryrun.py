"""A dry run of the reminder plan: every reminder that would be sent between two dates, touching nothing."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import VN_TZ
from scheduler.daysoff import calendar_for
from scheduler.models import Acknowledgement, Chat, Delivery, FocalPoint, Occurrence
from scheduler.plan import ChatInfo, FocalInfo, PlannedOccurrence, plan_deliveries, unit_targets
from scheduler.repo import audience_unit_ids, list_deadlines
from scheduler.rules import RuleError, parse_rule
from scheduler.timing import legal_due, parse_time, reminder_times
from scheduler.units import list_units


def planned_reminders(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """Reminders with start <= time < end + 1 day (Vietnam time), earliest first, with their target chats."""
    cal = calendar_for(session)
    units = {u.id: u for u in list_units(session)}
    chats = {c.id: c for c in session.scalars(select(Chat))}
    infos = [ChatInfo(c.id, c.channel, c.chat_id, c.kind, c.active, c.unit_id, c.title) for c in chats.values()]
    focals = [FocalInfo(f.unit_id, f.channel, f.user_id, f.private_chat_id) for f in session.scalars(select(FocalPoint))]
    targets = {u: unit_targets(u, infos, focals) for u in units}
    deadlines = {d.id: d for d in list_deadlines(session)}
    occs: list[PlannedOccurrence] = []
    labels: dict[tuple[int, str], tuple[str, date]] = {}
    for d in deadlines.values():
        try:
            rule = parse_rule(d.rule, cal)
            at = parse_time(d.remind_at)
        except (RuleError, ValueError):
            continue
        horizon = max([x for x in d.leads if x >= 0] or [0]) + 14
        for o in rule.occurrences_between(start, end + timedelta(days=horizon)):
            labels[(d.id, o.period)] = (o.label, o.due)
            occs.append(PlannedOccurrence(d.id, o.period, o.due, legal_due(o.due, cal),
                                          tuple(reminder_times(o.due, d.leads, cal, at, VN_TZ))))
    acked = {(o.deadline_id, o.period, a.unit_id) for o, a in session.execute(
        select(Occurrence, Acknowledgement).join(Acknowledgement, Acknowledgement.occurrence_id == Occurrence.id))}
    sent = {(o.deadline_id, o.period, d.chat_id, d.lead) for o, d in session.execute(
        select(Occurrence, Delivery).join(Delivery, Delivery.occurrence_id == Occurrence.id)
        .where(Delivery.status == "sent"))}
    begin = datetime.combine(start, time(0), tzinfo=VN_TZ)
    stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=VN_TZ)
    planned = plan_deliveries(occs, {d: audience_unit_ids(x, units.values()) for d, x in deadlines.items()}, targets,
                              acked, today=start, until=stop)
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
