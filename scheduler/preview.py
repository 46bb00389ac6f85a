"""`python -m bot deadlines preview "RULE"`: what a due rule means, its next occurrences and reminder times."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Any

from bot.core.clock import SystemClock
from bot.core.config import Settings
from scheduler.rules import DueRule, RuleError, parse_rule
from scheduler.pipeline import schedule
from scheduler.timing import parse_leads, parse_time
from scheduler.vi_dates import format_date_vi
from scheduler.workdays import WorkCalendar

DEFAULT_COUNT = 4


def preview(rule: DueRule, start: date, count: int, leads: Sequence[int], cal: WorkCalendar,
            at: time = time(8, 0)) -> dict[str, Any]:
    """The preview contract: rule, understood text and the first `count` occurrences due on or after `start`."""
    out = []
    for occ in schedule(rule, leads, cal, at, start=start, count=count):
        out.append({
            "period": occ.period,
            "label": occ.label,
            "due": occ.due.isoformat(),
            "due_is_working_day": cal.is_working_day(occ.due),
            "legal_due": occ.legal_due.isoformat(),
            "cutoff": {"from": occ.cutoff[0].isoformat(), "to": occ.cutoff[1].isoformat()} if occ.cutoff else None,
            "reminders": [when.isoformat() for _, when in occ.ahead],
        })
    return {"rule": rule.text, "understood": rule.understood(), "occurrences": out}


def render_text(data: dict[str, Any], cal: WorkCalendar) -> str:
    """The preview as a Vietnamese text (the CLI without --json, and chat replies)."""
    lines = [f"Quy tắc: {data['rule']}", f"Hiểu là: {data['understood']}"]
    if not data["occurrences"]:
        lines.append("Không còn kỳ nào có hạn từ ngày đã chọn.")
    for occ in data["occurrences"]:
        due = date.fromisoformat(occ["due"])
        line = f"• {occ['label']}: hạn {format_date_vi(due)}"
        if not occ["due_is_working_day"]:
            line += (f" — ngày nghỉ ({cal.holiday_name(due) or 'ngày nghỉ'}); theo luật được nộp đến "
                     f"{format_date_vi(date.fromisoformat(occ['legal_due']))}")
        lines.append(line)
        if occ["cutoff"]:
            c_from, c_to = (date.fromisoformat(occ["cutoff"][k]) for k in ("from", "to"))
            lines.append(f"  Chốt số liệu: {c_from:%d/%m/%Y} – {c_to:%d/%m/%Y}")
        if occ["reminders"]:
            lines.append("  Nhắc: " + ", ".join(_short(r) for r in occ["reminders"]))
    return "\n".join(lines)


def _short(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]} {iso[11:16]}"


def stored_overrides(settings: Settings) -> dict[date, bool]:
    """The admins' day overrides from the database, or none when there is no database yet."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from bot.core.db import make_engine
    from scheduler.daysoff import load_overrides

    url = settings.db_url
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and (not u.database or u.database == ":memory:"
                                             or not Path(u.database).exists()):
        return {}
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return load_overrides(s)
    except SQLAlchemyError:
        return {}
    finally:
        engine.dispose()


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    try:
        start = date.fromisoformat(args.start) if args.start else SystemClock().now().date()
    except ValueError:
        print(f"Ngày --from không hợp lệ: «{args.start}» (cần dạng YYYY-MM-DD).", file=sys.stderr)
        return 2
    try:
        leads = parse_leads(args.lead) if args.lead else list(settings.default_leads)
        at = parse_time(settings.reminder_time)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    if not 1 <= args.count <= 500:
        print("--count phải từ 1 đến 500.", file=sys.stderr)
        return 2
    cal = WorkCalendar(stored_overrides(settings))
    try:
        rule = parse_rule(args.rule, calendar=cal)
    except RuleError as e:
        print(str(e), file=sys.stderr)
        return 1
    data = preview(rule, start, args.count, leads, cal, at)
    if args.json:
        for occ in data["occurrences"]:
            occ.pop("label")
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(render_text(data, cal))
    return 0


def register_cli(dsub: Any) -> None:
    p = dsub.add_parser("preview", help="show how a due rule is understood and its next occurrences")
    p.add_argument("rule", help='the due rule, e.g. "ngày 10 tháng cuối quý"')
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first due date to show (default: today)")
    p.add_argument("--count", type=int, default=DEFAULT_COUNT, help=f"occurrences to show (default {DEFAULT_COUNT})")
    p.add_argument("--lead", metavar="7,3,1,0", help="reminder lead days (default: REMINDER_LEADS)")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.set_defaults(handler=cmd_preview)
