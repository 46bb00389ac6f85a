"""Repository of occurrence rows: a deadline's periods around today, stored from the rule pipeline."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db import insert_ignore
from scheduler.models import Deadline, Occurrence
from scheduler.pipeline import Scheduled, for_deadline
from scheduler.workdays import WorkCalendar

OCC_BACK, OCC_AHEAD = timedelta(days=40), timedelta(days=400)  # occurrences kept around today


def materialise(s: Session, d: Deadline, cal: WorkCalendar, today: date,
                *, escalate: int = 0) -> list[tuple[Occurrence, Scheduled]] | None:
    """Upsert a deadline's occurrences around today; [(row, its period with reminders)], or None for a bad rule."""
    found = for_deadline(d, cal, start=today - OCC_BACK, until=today + OCC_AHEAD, escalate=escalate)
    if found is None:
        return None
    existing = set(s.scalars(select(Occurrence.period).where(Occurrence.deadline_id == d.id)))
    insert_ignore(s, Occurrence.__table__, [
        dict(deadline_id=d.id, period=o.period, label=o.label, due=o.due, legal_due=o.legal_due,
             cutoff_from=o.cutoff[0] if o.cutoff else None, cutoff_to=o.cutoff[1] if o.cutoff else None)
        for o in found if o.period not in existing])
    rows = {o.period: o for o in s.scalars(select(Occurrence).where(Occurrence.deadline_id == d.id))}
    wanted = {o.period for o in found}
    for period, row in rows.items():
        if period not in wanted and row.legal_due >= today and row.due <= today + OCC_AHEAD:
            s.delete(row)  # the rule changed: this period no longer exists
    out = []
    for o in found:
        row = rows[o.period]
        row.label, row.due, row.legal_due = o.label, o.due, o.legal_due
        row.cutoff_from, row.cutoff_to = (o.cutoff if o.cutoff else (None, None))
        out.append((row, o))
    s.flush()
    return out
