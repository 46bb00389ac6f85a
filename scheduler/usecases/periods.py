"""Reading use cases of a deadline's periods: which are stored around today, who owes them, who confirmed them."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from scheduler.daysoff import calendar_for
from scheduler.models import Deadline, Occurrence
from scheduler.occurrences import materialise
from scheduler.repo import acks_of, audience_unit_ids, current_occurrence, occurrences_of, period_audience
from scheduler.timeutil import as_vn
from scheduler.units import list_units


@dataclass(frozen=True)
class AckView:
    unit_id: int
    by: str  # the name of who confirmed (their user id when the name is unknown)
    at: datetime
    note: str  # the report number, if given


@dataclass(frozen=True)
class PeriodView:
    occurrence_id: int
    period: str
    label: str
    due: date
    legal_due: date
    cutoff: tuple[date, date] | None
    owing: frozenset[int]  # the units that owe this period (scheduler.repo.period_audience)
    acks: tuple[AckView, ...]  # every confirmation, earliest first

    @property
    def done(self) -> frozenset[int]:
        return frozenset(a.unit_id for a in self.acks)


@dataclass(frozen=True)
class DeadlinePeriods:
    code: str
    title: str
    what: str
    submit_to: str
    source: str
    audience: frozenset[int]  # the units it addresses (owing a period or not)
    periods: tuple[PeriodView, ...]  # by due date


def periods(session: Session, now: datetime, deadlines: Sequence[Deadline], *, legal_from: date,
            due_to: date | None = None) -> list[DeadlinePeriods]:
    """Each deadline's periods whose legal due date is on or after `legal_from` (and due by `due_to`)."""
    return _read(session, now, deadlines,
                 lambda d: occurrences_of(session, d.id, due_from=legal_from, due_to=due_to))


def current_periods(session: Session, now: datetime, deadlines: Sequence[Deadline]) -> list[DeadlinePeriods]:
    """Each deadline with the period being worked on (none when there is no such period)."""
    today = as_vn(now).date()

    def current(d: Deadline) -> list[Occurrence]:
        occ = current_occurrence(session, d.id, today)
        return [occ] if occ is not None else []
    return _read(session, now, deadlines, current)


def _read(session: Session, now: datetime, deadlines: Sequence[Deadline], pick) -> list[DeadlinePeriods]:  # type: ignore[no-untyped-def]
    cal = calendar_for(session)
    today = as_vn(now).date()
    for d in deadlines:
        materialise(session, d, cal, today)
    units = list_units(session)
    out = []
    for d in deadlines:
        views = tuple(
            PeriodView(o.id, o.period, o.label or o.period, o.due, o.legal_due,
                       (o.cutoff_from, o.cutoff_to) if o.cutoff_from and o.cutoff_to else None,
                       frozenset(period_audience(d, o.legal_due, units)),
                       tuple(AckView(a.unit_id, a.by_name or a.by_user, a.at, a.note) for a in acks_of(session, o.id)))
            for o in pick(d))
        out.append(DeadlinePeriods(d.code, d.title, d.what, d.submit_to, d.source,
                                   frozenset(audience_unit_ids(d, units)), views))
    return out
