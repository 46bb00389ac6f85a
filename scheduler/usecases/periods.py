"""Reading use cases of a deadline's periods: which are stored around today, who owes them, who confirmed them."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from scheduler.daysoff import calendar_for
from scheduler.models import Deadline, Occurrence
from scheduler.occurrences import materialise
from scheduler.pipeline import for_deadline
from scheduler import standing
from scheduler.repo import acked_pairs, acks_of, audience_unit_ids, occurrences_of, owes, period_audience
from scheduler.timeutil import as_vn
from scheduler.units import list_units
from scheduler.workdays import WorkCalendar


@dataclass(frozen=True)
class AckView:
    unit_id: int
    by: str  # the name of who confirmed (their user id when the name is unknown)
    at: datetime
    note: str  # the report number, if given


@dataclass(frozen=True)
class PeriodView:
    occurrence_id: int  # 0 for a period beyond the stored window (computed from the rule, never confirmed)
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


def periods_between(session: Session, now: datetime, deadlines: Sequence[Deadline], start: date,
                    end: date) -> list[DeadlinePeriods]:
    """Each deadline's periods due in [start, end], also those beyond the stored window ('năm 2028' asked in
    January): computed from the rule, with the stored row's confirmations where the period is stored."""
    cal = calendar_for(session)
    today = as_vn(now).date()
    for d in deadlines:
        materialise(session, d, cal, today)
    units = list_units(session)
    out = []
    for d in deadlines:
        stored = {o.period: o for o in occurrences_of(session, d.id, due_from=start - timedelta(days=31), due_to=end)}
        views = []
        for o in for_deadline(d, cal, start=start, until=end) or []:
            row = stored.get(o.period)
            acks = tuple(AckView(a.unit_id, a.by_name or a.by_user, a.at, a.note)
                         for a in acks_of(session, row.id)) if row is not None else ()
            views.append(PeriodView(row.id if row is not None else 0, o.period, o.label or o.period, o.due,
                                    o.legal_due, o.cutoff, frozenset(period_audience(d, o.legal_due, units)), acks))
        out.append(DeadlinePeriods(d.code, d.title, d.what, d.submit_to, d.source,
                                   frozenset(audience_unit_ids(d, units)), tuple(views)))
    return out


def recent_occurrences(session: Session, deadline: Deadline, today: date) -> list[Occurrence]:
    """The stored periods a deadline may still be worked on, confirmed or overdue for (see scheduler.standing)."""
    return occurrences_of(session, deadline.id, due_from=today - standing.LOOK_BACK)


def current_occurrence(session: Session, deadline: Deadline, today: date, cal: WorkCalendar,
                       escalate: int) -> Occurrence | None:
    """The deadline's current period (`standing.current`): the first it owes whose window is still open."""
    return standing.current(recent_occurrences(session, deadline, today), today, cal, escalate,
                            lambda o: owes(o.legal_due, deadline.created_at))


def current_periods(session: Session, now: datetime, deadlines: Sequence[Deadline], *, escalate: int,
                    unit_ids: Collection[int] = ()) -> list[DeadlinePeriods]:
    """Each deadline's periods as they stand today (scheduler.standing): for the units `unit_ids` it addresses, the
    earlier periods they still owe and may confirm late, then the first period they owe that is open; otherwise
    the deadline's current period. None for a deadline with no such period."""
    today = as_vn(now).date()
    cal = calendar_for(session)
    units = list_units(session)
    wanted = set(unit_ids)

    def pick(d: Deadline) -> list[Occurrence]:
        occs = recent_occurrences(session, d, today)
        mine = wanted & set(audience_unit_ids(d, units))
        if not mine:
            now_p = standing.current(occs, today, cal, escalate, lambda o: owes(o.legal_due, d.created_at))
            return [now_p] if now_p is not None else []
        owing = {o.id: mine & set(period_audience(d, o.legal_due, units)) for o in occs}
        done = acked_pairs(session, [o.id for o in occs])

        def owed(o: Occurrence) -> bool:
            return bool(owing[o.id])
        late = [o for o in standing.owed_late(occs, today, cal, escalate, owed)
                if any((o.id, u) not in done for u in owing[o.id])]
        now_p = standing.current(occs, today, cal, escalate, owed)
        return late + ([now_p] if now_p is not None else [])
    return _read(session, now, deadlines, pick)


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
