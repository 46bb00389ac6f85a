"""Day-off use cases: declare a day off, work on a day off, drop an admin's adjustment (the reminder plan follows)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.audit import Action, record, require
from bot.core.roles import Role
from scheduler.daysoff import load_overrides, remove_override, set_override
from scheduler.models import DayOverride
from scheduler.workdays import ADMIN_DAY_OFF, WorkCalendar

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
DAYS_OFF = Action("ngaynghi", Role.ADMIN)


@dataclass(frozen=True)
class DayOffSet:
    day: date
    note: str


@dataclass(frozen=True)
class WorkingDaySet:
    day: date
    # "worked": a day off by the calendar becomes a working day; "admin_day_off_removed": the day was off only
    # because an admin said so; "unchanged": it was a working day already
    outcome: Literal["worked", "admin_day_off_removed", "unchanged"]
    holiday: str = ""  # what the calendar says the day is ("worked")


@dataclass(frozen=True)
class AdjustmentRemoved:
    day: date
    removed: Literal["day_off", "working_day"] | None  # None: there was no adjustment


def _note(note: str) -> str:
    return note.strip()[:200]  # as stored (the column holds 200)


def _audit(session: Session, now: datetime, actor: Actor, verb: str, day: date, note: str) -> None:
    record(session, now, actor, DAYS_OFF.name, f"{verb} {day.isoformat()} {note}".strip())


def _allowed(session: Session, now: datetime, actor: Actor, verb: str, day: date, note: str) -> None:
    require(session, now, actor, DAYS_OFF, f"{verb} {day.isoformat()} {note}".strip())


def add_day_off(session: Session, now: datetime, actor: Actor, day: date, note: str = "") -> DayOffSet:
    """`day` becomes a day off: no reminder fires on it and a deadline falling on it moves to the next working day."""
    note = _note(note)
    _allowed(session, now, actor, "them", day, note)
    set_override(session, day, True, note or ADMIN_DAY_OFF, actor.key)
    _audit(session, now, actor, "them", day, note)
    return DayOffSet(day, note)


def set_working_day(session: Session, now: datetime, actor: Actor, day: date, note: str = "") -> WorkingDaySet:
    """Work on `day` although the calendar (a weekend, a holiday) or an admin made it a day off."""
    note = _note(note)
    _allowed(session, now, actor, "lamviec", day, note)
    base = WorkCalendar({d: v for d, v in load_overrides(session).items() if d != day})
    if not base.calendar_is_day_off(day):
        if session.get(DayOverride, day) is None:
            return WorkingDaySet(day, "unchanged")
        remove_override(session, day)
        _audit(session, now, actor, "lamviec", day, note)
        return WorkingDaySet(day, "admin_day_off_removed")
    holiday = base.holiday_name(day) or ""
    set_override(session, day, False, note or f"Làm việc thay cho: {holiday}", actor.key)
    _audit(session, now, actor, "lamviec", day, note)
    return WorkingDaySet(day, "worked", holiday)


def remove_adjustment(session: Session, now: datetime, actor: Actor, day: date, note: str = "") -> AdjustmentRemoved:
    """Drop an admin's day off or working day on `day`: the day is again as the calendar says."""
    note = _note(note)
    _allowed(session, now, actor, "bo", day, note)
    had = session.get(DayOverride, day)
    if had is None:
        return AdjustmentRemoved(day, None)
    removed: Literal["day_off", "working_day"] = "day_off" if had.day_off else "working_day"
    remove_override(session, day)
    _audit(session, now, actor, "bo", day, note)
    return AdjustmentRemoved(day, removed)
