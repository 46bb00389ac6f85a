"""The persistent change signal: a version row bumped in the same transaction as every write that affects reminders.

Every replica's reminder service reads it each tick and re-plans when it is newer than the plan it made,
so a change from the CLI, another replica or a web form reaches every process within one tick.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.db import insert_ignore
from scheduler.models import PlanVersion

ROW = 1


def bump(session: Session, what: str) -> None:
    """Record that the reminder plan is out of date (committed, or rolled back, with the caller's change)."""
    done = session.execute(update(PlanVersion).where(PlanVersion.id == ROW)
                           .values(version=PlanVersion.version + 1, changed=what[:40])
                           .execution_options(synchronize_session=False))
    if not done.rowcount:  # a database made by create_all (tests) has no row yet
        insert_ignore(session, PlanVersion.__table__, [dict(id=ROW, version=0, changed="")])
        session.execute(update(PlanVersion).where(PlanVersion.id == ROW)
                        .values(version=PlanVersion.version + 1, changed=what[:40])
                        .execution_options(synchronize_session=False))


def current(session: Session) -> int:
    """The plan version now (0 before any change)."""
    return session.scalar(select(PlanVersion.version).where(PlanVersion.id == ROW)) or 0
