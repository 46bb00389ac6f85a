"""Where a day stands in a deadline's periods — current, overdue, escalating, confirmable — pure in the day and the
working-day calendar: the one definition /han, confirmations, /tinhhinh, the dashboard, /nhacngay, the overdue
digest and /huynop use."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Protocol, TypeVar

from scheduler.timing import escalation_days
from scheduler.workdays import WorkCalendar

CONFIRM_AHEAD = timedelta(days=45)  # a confirmation naming no period may be for the current one this early
CONFIRM_LATE = timedelta(days=30)  # … or for an earlier one still owed this long after its legal due date
LOOK_BACK = timedelta(days=62)  # further back than any period still open or confirmable (escalation ≤ 30 working days)


class Dated(Protocol):
    """A period as far as standing goes: an `Occurrence` row, a `PeriodView`, a `pipeline.Scheduled`."""

    @property
    def due(self) -> date: ...

    @property
    def legal_due(self) -> date: ...


P = TypeVar("P", bound=Dated)


def _always(_: object) -> bool:
    return True


def open_until(legal_due: date, cal: WorkCalendar, escalate: int) -> date:
    """The last day of a period's window: its last escalation day (ESCALATION_DAYS working days after the legal due
    date), the legal due date itself without escalation."""
    return max([legal_due, *escalation_days(legal_due, cal, escalate)])


def is_overdue(p: Dated, today: date) -> bool:
    """Past the legal due date (Civil Code art. 148.5: a due date on a day off ends on the next working day)."""
    return today > p.legal_due


def is_open(p: Dated, today: date, cal: WorkCalendar, escalate: int) -> bool:
    """Its window has not ended: before or on the legal due date, or on an escalation day."""
    return today <= open_until(p.legal_due, cal, escalate)


def escalation_day(p: Dated, today: date, cal: WorkCalendar, escalate: int) -> tuple[int, int]:
    """(k, n) when today is the k-th of the period's n escalation days, else (0, n)."""
    days = escalation_days(p.legal_due, cal, escalate)
    return (days.index(today) + 1 if today in days else 0), len(days)


def late_until(p: Dated, cal: WorkCalendar, escalate: int) -> date:
    """The last day a unit that still owes the period may confirm it by typing (a late report)."""
    return max(open_until(p.legal_due, cal, escalate), p.legal_due + CONFIRM_LATE)


def current(periods: Iterable[P], today: date, cal: WorkCalendar, escalate: int,
            owed: Callable[[P], bool] = _always) -> P | None:
    """The period being worked on: the first (by due date) that is `owed` and whose window is still open.

    `owed` says whether the deadline (or a unit) owes a period at all: see `repo.owes`, `repo.period_audience`."""
    for p in sorted(periods, key=lambda x: x.due):
        if owed(p) and is_open(p, today, cal, escalate):
            return p
    return None


def owed_late(periods: Iterable[P], today: date, cal: WorkCalendar, escalate: int,
              owed: Callable[[P], bool] = _always) -> list[P]:
    """The periods before the current one that are `owed` and may still be confirmed late (their window has closed,
    their legal due date is at most CONFIRM_LATE ago), earliest first."""
    ordered = sorted(periods, key=lambda x: x.due)
    now = current(ordered, today, cal, escalate, owed)
    return [p for p in ordered if owed(p) and (now is None or p.due < now.due) and today <= late_until(p, cal, escalate)]


def confirmable(periods: Iterable[P], today: date, cal: WorkCalendar, escalate: int,
                owed: Callable[[P], bool] = _always) -> list[P]:
    """The periods a confirmation naming no period may be for, earliest first: `owed_late`, then the current one
    once its due date is at most CONFIRM_AHEAD away. A later period is never among them, so a second "đã nộp" in a
    period's window is not silently taken for the next period."""
    ordered = sorted(periods, key=lambda x: x.due)
    now = current(ordered, today, cal, escalate, owed)
    out = owed_late(ordered, today, cal, escalate, owed)
    if now is not None and today >= now.due - CONFIRM_AHEAD:
        out.append(now)
    return out
