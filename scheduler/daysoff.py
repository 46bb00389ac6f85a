"""Repository of the admins' corrections to the holiday calendar (scheduler.models.DayOverride)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scheduler.changes import bump
from scheduler.models import DayOverride
from scheduler.workdays import WorkCalendar


def load_overrides(session: Session) -> dict[date, bool]:
    """date -> True (a day off added) or False (a working day restored)."""
    return {row.day: row.day_off for row in session.scalars(select(DayOverride))}


def list_overrides(session: Session, start: date | None = None, end: date | None = None) -> list[DayOverride]:
    q = select(DayOverride).order_by(DayOverride.day)
    if start is not None:
        q = q.where(DayOverride.day >= start)
    if end is not None:
        q = q.where(DayOverride.day <= end)
    return list(session.scalars(q))


def set_override(session: Session, day: date, day_off: bool, note: str, by: str) -> None:
    """Add or replace the override of `day`."""
    row = session.get(DayOverride, day)
    if row is None:
        session.add(DayOverride(day=day, day_off=day_off, note=note[:200], set_by=by[:100]))
    else:
        row.day_off, row.note, row.set_by = day_off, note[:200], by[:100]
    session.flush()
    bump(session, "day off")


def remove_override(session: Session, day: date) -> bool:
    """Drop the override of `day`; False when there was none."""
    removed = bool(session.execute(delete(DayOverride).where(DayOverride.day == day)).rowcount)
    if removed:
        bump(session, "day off removed")
    return removed


def calendar_for(session: Session) -> WorkCalendar:
    """The working-day calendar with the stored overrides applied."""
    return WorkCalendar(load_overrides(session))
