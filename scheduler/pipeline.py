"""The one rule → reminder-times pipeline: a parsed due rule, lead days and a calendar to periods with their reminders.

Pure (no database, no clock): the reminder service, the dry run, the deadline form and the rule preview
all read a rule's periods and reminder times from `schedule`.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.clock import VN_TZ
from scheduler.models import Deadline
from scheduler.rules import DueRule, RuleError, parse_rule
from scheduler.standing import open_until
from scheduler.timing import legal_due, parse_time, period_reminders
from scheduler.workdays import WorkCalendar

log = logging.getLogger(__name__)

Reminder = tuple[int, datetime]  # (lead, aware datetime): see scheduler.leads for what a lead means


@dataclass(frozen=True)
class Scheduled:
    """One period of a due rule: its dates and every reminder of it, earliest first."""

    period: str
    label: str
    due: date  # the nominal last day to submit
    legal_due: date  # Civil Code art. 148.5: the next working day when `due` is a day off
    cutoff: tuple[date, date] | None
    reminders: tuple[Reminder, ...]  # the leads, the legal last day, then the escalation days
    open_until: date  # the last escalation day (the legal due date without escalation)

    @property
    def ahead(self) -> tuple[Reminder, ...]:
        """The reminders counted back from the due date: the lead days an admin sets."""
        return tuple(r for r in self.reminders if r[0] >= 0)


def schedule(rule: DueRule, leads: Sequence[int], cal: WorkCalendar, at: time = time(8, 0), *, start: date,
             until: date | None = None, count: int | None = None, escalate: int = 0,
             tz: ZoneInfo = VN_TZ) -> list[Scheduled]:
    """The periods due on or after `start` — up to `until` inclusive, or the first `count` — with their reminders.

    Reminders in the past are kept: whether they are sent late, skipped or superseded is decided when
    deliveries are stored and sent, not here. `escalate` working days after the legal due date get a
    reminder each (ESCALATION_DAYS).
    """
    if (until is None) == (count is None):
        raise TypeError("schedule() takes exactly one of until= and count=")
    periods = rule.occurrences_between(start, until) if until is not None else rule.occurrences(start, count or 0)
    out = []
    for p in periods:
        legal = legal_due(p.due, cal)
        out.append(Scheduled(p.period, p.label, p.due, legal, p.cutoff,
                             tuple(period_reminders(p.due, leads, cal, at, tz, escalate=escalate)),
                             open_until(legal, cal, escalate)))
    return out


def for_deadline(d: Deadline, cal: WorkCalendar, *, start: date, until: date,
                 escalate: int = 0) -> list[Scheduled] | None:
    """A stored deadline's periods due in [start, until] with their reminders; None (logged) for a rule that
    cannot be planned."""
    try:
        rule = parse_rule(d.rule, cal)
        at = parse_time(d.remind_at)
    except (RuleError, ValueError) as e:
        log.warning("deadline %s has a rule that cannot be planned: %s", d.code, e)
        return None
    return schedule(rule, d.leads, cal, at, start=start, until=until, escalate=escalate)
