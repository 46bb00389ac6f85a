"""Helpers of the due-rule tests: the due dates a rule gives on the working-day calendar, or its refusal."""
from __future__ import annotations

from datetime import date

import pytest

from scheduler.rules import RuleError, parse_rule
from scheduler.workdays import WorkCalendar

CAL = WorkCalendar()


def dues(rule: str, start: date, count: int = 4) -> list[date]:
    """The first `count` nominal due dates on or after `start`."""
    return [o.due for o in parse_rule(rule, CAL).occurrences(start, count)]


def refused(rule: str) -> str:
    """The refusal's message (the test fails when the rule is accepted)."""
    with pytest.raises(RuleError) as e:
        parse_rule(rule, CAL)
    return str(e.value)
