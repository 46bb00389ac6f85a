"""What a delivery's lead number means: days before the due date, the legal last day, escalation, an admin's reminder."""
from __future__ import annotations

LEGAL_DAY = -1  # the legal due date itself, added when the due date is a day off (Civil Code art. 148.5)
MANUAL_TOP = -1000  # an admin's /nhacngay: -1001, -1002, … (older rows were -1, -2, …: migrated)
MAX_ESCALATION_DAYS = 30


def escalation(step: int) -> int:
    """The lead of the reminder on the `step`-th working day after the legal due date (step ≥ 1): -2, -3, …"""
    return -1 - step


def escalation_step(lead: int) -> int:
    """1, 2, … for an escalation lead, 0 otherwise."""
    return -1 - lead if MANUAL_TOP < lead < LEGAL_DAY else 0


def is_manual(lead: int) -> bool:
    return lead <= MANUAL_TOP


def is_planned(lead: int) -> bool:
    """A reminder of the plan (before, on the legal day, escalation), not an admin's."""
    return lead > MANUAL_TOP


def is_before(lead: int) -> bool:
    """A reminder before (or on) the legal due date, which expires once that date has passed."""
    return lead >= 0 or lead == LEGAL_DAY
