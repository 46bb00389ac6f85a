"""Reminding now (/nhacngay, `reminders now`): the chats of every unit that has not confirmed the current period
get a reminder at once; the rows are queued here, in the caller's transaction, and sent by the reminder service.
And a sent reminder read again, for restoring its text under a pressed button."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.audit import Action, record, require
from bot.core.messages import ChatRef
from bot.core.roles import Role
from scheduler import deliveries as dl
from scheduler.chats import find_chat, reminder_targets
from scheduler.daysoff import calendar_for
from scheduler.models import Delivery, Occurrence
from scheduler.occurrences import materialise
from scheduler.plan import Target
from scheduler.reminder_message import reminder_message
from scheduler.repo import acked_pairs, period_audience
from scheduler.texts import ReminderMessage
from scheduler.timeutil import as_utc, as_vn
from scheduler.units import list_units
from scheduler.usecases.deadlines import find_deadline
from scheduler.usecases.periods import current_occurrence

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
REMIND_NOW = Action("nhacngay", Role.ADMIN)


@dataclass(frozen=True)
class RemindersQueued:
    code: str
    period: str  # the period's label ("" when the deadline has no period coming)
    delivery_ids: tuple[int, ...]  # queued, due now: `ReminderService.send_now` (or the next tick) sends them


def remind_now(session: Session, now: datetime, actor: Actor, code: str, *, escalate: int = 3) -> RemindersQueued:
    """Queue a reminder, due now, to each chat of the units owing the deadline's current period."""
    require(session, now, actor, REMIND_NOW, code)
    d = find_deadline(session, code)
    record(session, now, actor, REMIND_NOW.name, d.code)
    today = as_vn(now).date()
    cal = calendar_for(session)
    materialise(session, d, cal, today, escalate=escalate)
    occ = current_occurrence(session, d, today, cal, escalate)
    if occ is None:
        return RemindersQueued(d.code, "", ())
    acked = {u for _, u in acked_pairs(session, [occ.id])}
    owing = [u for u in period_audience(d, occ.legal_due, list_units(session)) if u not in acked]
    reach = reminder_targets(session, owing)
    targets: dict[int, Target] = {}
    clusters: set[int] = set()
    for unit_id in owing:
        for t in reach[unit_id]:
            if t.chat_pk in targets:
                clusters.add(t.chat_pk)
            targets[t.chat_pk] = t
    dl.add_rows(session, [dict(occurrence_id=occ.id, chat_id=t.chat_pk, lead=dl.next_manual_lead(session, occ.id, t.chat_pk),
                               unit_id=None if t.chat_pk in clusters else t.unit_id, scheduled_for=as_utc(now))
                          for t in targets.values()])
    ids = session.scalars(select(Delivery.id).where(Delivery.occurrence_id == occ.id, Delivery.lead <= dl.MANUAL_TOP,
                                                    Delivery.status == dl.PENDING))
    return RemindersQueued(d.code, occ.label or occ.period, tuple(ids))


def sent_reminder(session: Session, chat: ChatRef, message_id: str, now: datetime) -> ReminderMessage | None:
    """The reminder (or digest) the bot sent as `message_id` in this chat, as it reads now: its day and lateness
    as sent, a confirm button only for what the chat still owes. None when that message is not a reminder."""
    row = find_chat(session, chat)
    if row is None or not message_id:
        return None
    ds = list(session.scalars(select(Delivery).where(Delivery.chat_id == row.id, Delivery.message_id == message_id)
                              .order_by(Delivery.id)))
    if not ds:
        return None
    occs = [session.get(Occurrence, d.occurrence_id) for d in ds]
    return reminder_message(session, ds, occs, row, ds[0].sent_at or now, late=[d.late for d in ds], final=True)
