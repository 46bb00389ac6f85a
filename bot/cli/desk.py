"""`python -m bot units import|template`, `report status|chart`: the admin's desk from the command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.core.config import Settings


def _subcommands(sub: Any, name: str, help_text: str, dest: str) -> Any:
    """The sub-commands of `name`, created when no other module has made `name` yet."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help_text)
        return parser.add_subparsers(dest=dest, metavar="ACTION", required=True)
    for action in parser._actions:  # the group another module created (argparse keeps it here)
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=dest, metavar="ACTION", required=True)


def register(sub: Any) -> None:
    usub = _subcommands(sub, "units", "units: list, add, remove, alias, import", "units_command")
    p = usub.add_parser("import", help="add or update units from an .xlsx or .csv file (all rows or none)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check every row and say what would change; store nothing")
    p.set_defaults(handler=cmd_units_import)
    p = usub.add_parser("template", help="write the .xlsx template for `units import`")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_units_template)

    web = sub.add_parser("web", help="serve the admins' dashboard; `web link` prints a one-time login link")
    web.add_argument("action", nargs="?", choices=["link"], help="link: print a login link instead of serving")
    web.add_argument("--listen", default=None, metavar="HOST:PORT", help="where to listen (default WEB_LISTEN, else "
                     "127.0.0.1:8080)")
    web.add_argument("--admin", default="console:local", metavar="CHANNEL:ID",
                     help="whose link (default: the console operator)")
    web.set_defaults(handler=cmd_web)

    rsub = _subcommands(sub, "report", "reports: who has submitted, as an Excel file or a chart", "report_command")
    p = rsub.add_parser("status", help="who has submitted, as an .xlsx file (one sheet per deadline and period)")
    p.add_argument("code", nargs="?", default="", help="a deadline's code (default: every deadline)")
    p.add_argument("--period", default="", help='a period such as 2027-Q1 (default: the current one)')
    p.add_argument("--xlsx", type=Path, required=True, help="file to write")
    p.set_defaults(handler=cmd_report_status)
    p = rsub.add_parser("chart", help="counts per unit type and days left, as a PNG image")
    p.add_argument("code", nargs="?", default="")
    p.add_argument("--period", default="")
    p.add_argument("--png", type=Path, required=True, help="file to write")
    p.set_defaults(handler=cmd_report_chart)


def cmd_units_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from bot.core.actors import CONSOLE
    from scheduler.usecases.units import import_units
    from scheduler.unit_import import ImportFileError

    try:
        data = args.file.read_bytes()
    except OSError as e:
        sys.stderr.write(f"Không đọc được tệp {args.file}: {e.strerror}\n")
        return 2
    app = build_app(settings)
    try:
        with app.db.session() as s:
            check = import_units(s, app.clock.now(), CONSOLE, data, args.file.name, dry_run=args.dry_run)
    except ImportFileError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    if not check.ok:
        sys.stderr.write(check.summary() + "\n")
        return 2
    verbs = {"add": "thêm", "update": "cập nhật", "unchanged": "không đổi"}
    for row in check.rows:
        was = f" (đang có: {row.existing})" if row.existing else ""
        print(f"Dòng {row.row}: {verbs[row.action]} {row.name} — {row.type_label}{was}")
    print(("Thử (--dry-run), chưa lưu: " if args.dry_run else "Đã lưu: ") + check.summary())
    return 0  # apply_rows bumped the plan version: every running replica re-plans within one tick


def cmd_units_template(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.unit_import import template_xlsx

    args.file.write_bytes(template_xlsx())
    print(f"Đã ghi mẫu {args.file}: điền từ dòng 2, mỗi dòng một đơn vị, rồi `python -m bot units import {args.file}`.")
    return 0


def _reports(settings: Settings, code: str, period: str):  # type: ignore[no-untyped-def]
    from bot.app import build_app
    from scheduler.timeutil import as_vn
    from scheduler.usecases.status import status_reports

    app = build_app(settings)
    now = app.clock.now()
    with app.db.session() as s:
        return status_reports(s, now, code.lower(), period, escalate=settings.escalation_days), as_vn(now).date()


def _write(path: Path, data: bytes, what: str) -> int:
    try:
        path.write_bytes(data)
    except OSError as e:
        sys.stderr.write(f"Không ghi được {path}: {e.strerror}\n")
        return 2
    print(f"Đã ghi {what} {path} ({len(data):,} byte).".replace(",", "."))
    return 0


def cmd_report_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.errors import NotFound
    from scheduler.status_xlsx import status_workbook

    try:
        reports, today = _reports(settings, args.code, args.period)
    except NotFound as e:
        sys.stderr.write(f"{e} Xem các mã: python -m bot deadlines list\n")
        return 2
    return _write(args.xlsx, status_workbook(reports, today), f"bảng tình hình ({len(reports)} kỳ)")


def cmd_report_chart(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.errors import NotFound
    from scheduler.status_chart import status_chart_png

    try:
        reports, today = _reports(settings, args.code, args.period)
    except NotFound as e:
        sys.stderr.write(f"{e} Xem các mã: python -m bot deadlines list\n")
        return 2
    return _write(args.png, status_chart_png(reports, today), "biểu đồ")


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from bot.startup import serving_app

    if args.action == "link":
        return _print_link(build_app(settings), args.admin)
    listen = args.listen or settings.web_listen or "127.0.0.1:8080"
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        sys.stderr.write(f'--listen "{listen}": cần địa_chỉ:cổng, ví dụ 127.0.0.1:8080\n')
        return 2
    app = serving_app(settings, args.env_source)  # start-up lines, and the database waited for
    import uvicorn

    from bot.web.app import create_app

    print(f"Trang quản trị: http://{listen}/ — đăng nhập: python -m bot web link")
    uvicorn.run(create_app(app), host=host.strip("[]"), port=int(port), log_config=None, access_log=False)
    return 0


def _print_link(app, who: str) -> int:  # type: ignore[no-untyped-def]
    from bot.core.admins import resolve_role
    from bot.core.audit import record
    from bot.core.login_links import issue_link
    from bot.core.actors import CONSOLE
    from handlers.registry import Role
    from handlers.web_link import login_url

    channel, sep, user = who.partition(":")
    if not sep or not channel or not user:
        sys.stderr.write("--admin phải có dạng kênh:mã, ví dụ telegram:123456\n")
        return 2
    with app.db.session() as s:
        if resolve_role(app.settings, s, channel, user) < Role.ADMIN:
            sys.stderr.write(f"{who} không phải quản trị viên của bot (ADMIN_IDS hoặc /quyen them).\n")
            return 2
        token = issue_link(s, app.clock.now(), channel, user, CONSOLE.name if channel == "console" else "")
        record(s, app.clock.now(), CONSOLE, "web", f"login link for {channel}:{user}")
    print(login_url(app.settings, token))
    sys.stderr.write("Liên kết dùng được một lần, trong 10 phút.\n")
    return 0
