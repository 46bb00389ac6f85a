"""`python -m bot status CODE [--period P] [--json]`: who has submitted a deadline's open period, for scripts and people."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from bot.core.config import Settings
from scheduler.usecases.status import StatusReport, type_label

UNREACHABLE = "⚠️ chưa có nhóm/đầu mối"
HEADERS = ("Đơn vị", "Loại", "Trạng thái", "Người xác nhận", "Thời điểm", "Số văn bản", "Liên lạc")


def register(sub: Any) -> None:
    p = sub.add_parser("status", help="who has submitted a deadline's open period (--json: the scripting contract)")
    p.add_argument("code", help="the deadline's code (see `deadlines list`)")
    p.add_argument("--period", default="", help="a period such as 2027-Q1 (default: the open one, the next not yet "
                                                "past its escalation window)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from bot.core.errors import NotFound
    from scheduler.timeutil import as_vn
    from scheduler.usecases.status import deadline_status

    app = build_app(settings)
    now = app.clock.now()
    try:
        with app.db.session() as s:
            report = deadline_status(s, now, args.code, args.period.strip(), escalate=settings.escalation_days)
    except NotFound as e:
        hint = " Xem các mã: python -m bot deadlines list" if e.kind == "deadline" else ""
        sys.stderr.write(f"{e}{hint}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(table(report, as_vn(now).date()) + "\n")
    return 0


def table(report: StatusReport, today: date) -> str:
    """The report as a plain-text table (columns padded to their widest cell), after a heading and the counts."""
    from scheduler.texts import days_left_text
    from scheduler.timeutil import hhmm_date
    from scheduler.vi_dates import format_date_vi

    legal = f" (hạn cuối {format_date_vi(report.legal_due)})" if report.legal_due != report.due else ""
    head = [f"[{report.code}] {report.title} — {report.label} ({report.period})",
            f"Hạn {format_date_vi(report.due)}{legal}: {days_left_text(report.due, today, report.legal_due)}",
            " · ".join(f"{type_label(t)}: {done}/{total} đã nộp" for t, done, total in report.submitted_by_type())
            or "Kỳ này không có đơn vị nào phải nộp."]
    rows = [(u.name, type_label(u.type), report.state(u, today), u.by or "", hhmm_date(u.at) if u.at else "",
             u.note or "", "" if u.reachable else UNREACHABLE) for u in report.units]
    if not rows:
        return "\n".join(head)
    widths = [max(len(r[i]) for r in (HEADERS, *rows)) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in (HEADERS, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*head, "", *lines])
