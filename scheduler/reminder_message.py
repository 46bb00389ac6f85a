"""A reminder (or a digest of several to one chat) as data (`scheduler.texts.ReminderMessage`), read from its
deliveries, occurrences and chat."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, joinedload

from scheduler.daysoff import calendar_for
from scheduler.leads import escalation_step, is_manual, is_planned
from scheduler.models import Chat, Delivery, FocalPoint, Occurrence, Unit
from scheduler.repo import acked_pairs, period_audience
from scheduler.texts import ReminderItem, ReminderMessage, ReminderView
from scheduler.timeutil import as_utc, as_vn
from scheduler.chats import reminder_targets
from scheduler.units import chat_unit_ids, list_units, units_of_focal_chat
from scheduler.workdays import WorkCalendar


def chat_reminded_units(s: Session, chat: Chat) -> set[int]:
    """The units whose reminders this chat receives: a group's own unit and cluster members; for a focal point's
    private chat, those of the focal point's units reminded there (the ones without an active group on its channel)."""
    if chat.kind == "group" or chat.unit_id is not None:
        return set(chat_unit_ids(s, chat))
    focal = [u.id for u in units_of_focal_chat(s, chat.channel, chat.chat_id)]
    reach = reminder_targets(s, focal, channel=chat.channel)
    return {u for u in focal if any(t.chat_pk == chat.id for t in reach[u])}


def owing_units(s: Session, occ: Occurrence, chat: Chat) -> list[int]:
    """The units this chat speaks for that owe this period and have not confirmed it."""
    mine = chat_reminded_units(s, chat)
    done = {u for _, u in acked_pairs(s, [occ.id])}
    return [u for u in period_audience(occ.deadline, occ.legal_due, list_units(s)) if u in mine and u not in done]


def reminder_message(s: Session, ds: Sequence[Delivery], occs: Sequence[Occurrence | None], chat: Chat,
                     now: datetime, *, late: bool | Sequence[bool], final: bool = False,
                     cal: WorkCalendar | None = None) -> ReminderMessage:
    """The reminders of these deliveries to `chat`; `final` (restoring a sent one): `owed` is read again.

    `late`: one flag for all, or one per delivery. A digest has one part per period (an admin's repeated
    /nhacngay of the same period is one part), ordered by due date, then deadline code. `cal`: the working-day
    calendar when the caller has it (the tick reads it once for all its messages).
    """
    cal = cal if cal is not None else calendar_for(s)
    flags = [late] * len(ds) if isinstance(late, bool) else list(late)
    latest: dict[int, tuple[Delivery, Occurrence, bool]] = {}
    for d, occ, is_late in zip(ds, occs, flags):
        if occ is not None and (occ.id not in latest
                                or as_utc(d.scheduled_for) >= as_utc(latest[occ.id][0].scheduled_for)):
            latest[occ.id] = (d, occ, is_late)
    items: list[ReminderItem] = []
    focal: list[FocalPoint] = []
    for d, occ, is_late in sorted(latest.values(), key=lambda x: (x[1].due, x[1].deadline.code, x[1].period, x[0].id)):
        view, fps = _view(s, d, occ, chat, cal)
        focal += [f for f in fps if f not in focal]
        items.append(ReminderItem(view, occ.id, as_utc(d.scheduled_for) if is_late and is_planned(d.lead) else None,
                                  is_manual(d.lead), not final or bool(owing_units(s, occ, chat))))
    people = {f.user_id: f.display_name or "" for f in focal}  # one person, focal point of several units: once
    return ReminderMessage(tuple(items), as_vn(now).date(), chat.kind == "group", tuple(people.items()))


def _view(s: Session, d: Delivery, occ: Occurrence, chat: Chat, cal: WorkCalendar) -> tuple[ReminderView, list]:
    deadline = occ.deadline
    ids = [d.unit_id] if d.unit_id is not None else owing_units(s, occ, chat)
    units = [u for u in (s.get(Unit, i, options=[joinedload(Unit.focal_points)]) for i in ids) if u is not None]
    fps = list({f.user_id: f for u in units for f in u.focal_points  # a person focal of several units: once
                if f.channel == chat.channel and f.status == "approved"}.values())
    view = ReminderView(
        code=deadline.code, title=deadline.title, what=deadline.what, submit_to=deadline.submit_to,
        source=deadline.source, label=occ.label or occ.period, due=occ.due, legal_due=occ.legal_due,
        due_day_off=cal.holiday_name(occ.due) if cal.is_day_off(occ.due) else None,
        cutoff=(occ.cutoff_from, occ.cutoff_to) if occ.cutoff_from and occ.cutoff_to else None,
        unit_name=", ".join(u.name for u in units), focal_names=tuple(f.display_name or f.user_id for f in fps),
        escalation=escalation_step(d.lead), estimated=cal.is_estimate(occ.due))
    return view, fps
