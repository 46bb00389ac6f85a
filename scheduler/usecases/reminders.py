"""Reminding now (/nhacngay, `reminders now`): the chats of every unit that has not confirmed the current period
get a reminder at once; the rows are queued here, in the caller's transaction, and sent by the reminder service.
And a sent reminder read again, for restoring its text under a pressed button."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

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


REMIND_AGAIN_AFTER = timedelta(hours=1)  # a chat reminded of the period this recently is not reminded "now" again


@dataclass(frozen=True)
class RemindersQueued:
    code: str
    period: str  # the period's label ("" when the deadline has no period coming)
    delivery_ids: tuple[int, ...]  # queued, due now: `ReminderService.send_now` (or the next tick) sends them
    recent: int = 0  # chats left out: reminded of this period less than REMIND_AGAIN_AFTER ago (or one is on its way)
    again_at: datetime | None = None  # when the earliest of those may be reminded now again


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
    recent, queued = _recently_reminded(session, occ.id, as_utc(now))
    again = [recent[pk] + REMIND_AGAIN_AFTER for pk in targets if pk in recent]
    dl.add_rows(session, [dict(occurrence_id=occ.id, chat_id=t.chat_pk, lead=dl.next_manual_lead(session, occ.id, t.chat_pk),
                               unit_id=None if t.chat_pk in clusters else t.unit_id, scheduled_for=as_utc(now))
                          for t in targets.values() if t.chat_pk not in recent and t.chat_pk not in queued])
    ids = session.scalars(select(Delivery.id).where(Delivery.occurrence_id == occ.id, Delivery.lead <= dl.MANUAL_TOP,
                                                    Delivery.status == dl.PENDING))
    return RemindersQueued(d.code, occ.label or occ.period, tuple(ids), len(again), min(again) if again else None)


def _recently_reminded(session: Session, occurrence_id: int, now: datetime) -> tuple[dict[int, datetime], set[int]]:
    """(chat pk -> when it was last reminded of this period, for chats reminded less than REMIND_AGAIN_AFTER ago;
    chat pks with a /nhacngay queued and not sent yet): an admin's repeated /nhacngay must not make a group get the
    same message again."""
    recent: dict[int, datetime] = {}
    queued: set[int] = set()
    rows = session.execute(select(Delivery.chat_id, Delivery.status, Delivery.sent_at, Delivery.lead)
                           .where(Delivery.occurrence_id == occurrence_id,
                                  Delivery.status.in_((dl.SENT, dl.SENDING, dl.PENDING))))
    for chat_pk, status, sent_at, lead in rows:
        if status == dl.SENT and sent_at is not None and as_utc(sent_at) > now - REMIND_AGAIN_AFTER:
            recent[chat_pk] = max(as_utc(sent_at), recent.get(chat_pk, as_utc(sent_at)))
        elif status != dl.SENT and lead <= dl.MANUAL_TOP:
            queued.add(chat_pk)
    return recent, queued


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
