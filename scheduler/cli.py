"""CLI for deadlines, units and the reminder plan: `python -m bot deadlines|units|reminders …`."""
from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    deadlines = sub.add_parser("deadlines", help="deadlines: preview a rule, list, add, remove, export")
    dsub = deadlines.add_subparsers(dest="deadlines_command", metavar="ACTION", required=True)
    _register_preview(dsub)
    _register_manage(dsub, sub)


def _register_preview(dsub: Any) -> None:
    """`deadlines preview RULE …` (the deadline-maths part)."""
    try:
        from scheduler.preview import register_cli
    except ModuleNotFoundError as e:
        if e.name != "scheduler.preview":
            raise
        return
    register_cli(dsub)


def _register_manage(dsub: Any, sub: Any) -> None:
    """`deadlines list|add|remove|ics`, `units …`, `reminders plan` (the reminder-engine part)."""
    try:
        from scheduler.manage import register_cli
    except ModuleNotFoundError as e:
        if e.name != "scheduler.manage":
            raise
        return
    register_cli(dsub, sub)
