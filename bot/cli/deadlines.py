"""CLI for scripting: `deadlines preview|list|add|remove|presets|ics`, `units list|add|remove|alias`, `reminders plan`."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.core.actors import CONSOLE
from bot.core.config import Settings
from bot.core.errors import NotFound
from bot.cli.args import fail, iso_day
from scheduler.usecases import deadlines as deadline_cases
from scheduler.usecases import units as unit_cases
from scheduler.preview import register_cli as register_preview
from scheduler.timeutil import as_vn


def _app(settings: Settings):  # type: ignore[no-untyped-def]
    return build_app(settings)


def _print(data: Any, as_json: bool, text: str) -> None:
    sys.stdout.write((json.dumps(data, ensure_ascii=False, indent=2) if as_json else text) + "\n")


def register(sub: Any) -> None:
    deadlines = sub.add_parser("deadlines", help="deadlines: preview a rule, list, add, remove, export")
    dsub = deadlines.add_subparsers(dest="deadlines_command", metavar="ACTION", required=True)
    register_preview(dsub)
    p = dsub.add_parser("list", help="list deadlines")
    p.add_argument("--unit", help="only deadlines addressed to this unit")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deadlines_list)

    p = dsub.add_parser("add", help="add a deadline (no confirmation: for scripts)")
    p.add_argument("--title", required=True)
    p.add_argument("--rule", required=True, help='due rule in Vietnamese, e.g. "ngày 10 tháng cuối quý"')
    p.add_argument("--audience", required=True, help='"sở", "xã", "tất cả" or unit names separated by commas')
    p.add_argument("--leads", help="days before the due date, e.g. 7,3,1,0 (default REMINDER_LEADS)")
    p.add_argument("--time", dest="remind_at", help="HH:MM (default REMINDER_TIME)")
    p.add_argument("--code")
    p.add_argument("--what")
    p.add_argument("--submit-to", dest="submit_to")
    p.add_argument("--source")
    p.add_argument("--exclude", help='units left out of the audience, e.g. "SNV, Sở Tư pháp"')
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deadlines_add)

    p = dsub.add_parser("remove", help="remove a deadline (its history is kept)")
    p.add_argument("code")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deadlines_remove)

    p = dsub.add_parser("presets", help="list the preset deadline sets, or install one")
    p.add_argument("install", nargs="?", choices=["install"], help="install the preset named by --name")
    p.add_argument("--name", choices=["cchc", "7946"])
    p.add_argument("--day", type=int, help="unit-level due day of the CCHC reports (default CCHC_UNIT_DUE_DAY)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deadlines_presets)

    p = dsub.add_parser("ics", help="write an RFC 5545 calendar of upcoming deadlines")
    p.add_argument("--unit", help="only deadlines addressed to this unit")
    p.add_argument("--from", dest="start", type=iso_day, help="first day (default today)")
    p.add_argument("--days", type=int, default=400, help="how many days ahead (default 400)")
    p.add_argument("--out", type=Path, help="file to write (default standard output)")
    p.set_defaults(handler=cmd_deadlines_ics)

    units = sub.add_parser("units", help="units: list, add, remove, alias")
    usub = units.add_subparsers(dest="units_command", metavar="ACTION", required=True)
    p = usub.add_parser("list", help="list units, their chats and focal points")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_units_list)
    p = usub.add_parser("add", help="add a unit")
    p.add_argument("name")
    p.add_argument("--type", required=True, help="so (sở/ban/ngành) or xa (UBND cấp xã)")
    p.add_argument("--alias", action="append", default=[])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_units_add)
    p = usub.add_parser("remove", help="stop following a unit")
    p.add_argument("name")
    p.set_defaults(handler=cmd_units_remove)
    p = usub.add_parser("alias", help="add another name for a unit")
    p.add_argument("name")
    p.add_argument("alias")
    p.set_defaults(handler=cmd_units_alias)

    reminders = sub.add_parser("reminders", help="reminders: dry-run plan")
    rsub = reminders.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)
    p = rsub.add_parser("plan", help="every reminder that would be sent between two dates (nothing is sent)")
    p.add_argument("--from", dest="start", type=iso_day, required=True)
    p.add_argument("--to", dest="end", type=iso_day, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reminders_plan)


# ------------------------------------------------------------------ deadlines

def cmd_deadlines_list(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.repo import audience_unit_ids, list_deadlines
    from scheduler.units import find_unit, list_units

    app = _app(settings)
    with app.db.session() as s:
        units = list_units(s)
        deadlines = list_deadlines(s)
        if args.unit:
            unit = find_unit(s, args.unit)
            if unit is None:
                return fail(f"Không có đơn vị «{args.unit}».")
            deadlines = [d for d in deadlines if unit.id in audience_unit_ids(d, units)]
        data = [deadline_cases.view(s, d).as_dict() for d in deadlines]
    text = "\n".join(f"{d['code']}\t{d['title']}\t{d['rule']}\t{', '.join(d['units']) or '-'}" for d in data)
    _print(data, args.json, text or "Chưa có hạn nào.")
    return 0


def cmd_deadlines_add(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.daysoff import calendar_for
    from scheduler.deadline_form import describe

    app = _app(settings)
    now = app.clock.now()
    raw = {k: v for k, v in {"title": args.title, "rule": args.rule, "audience": args.audience, "leads": args.leads,
                             "remind_at": args.remind_at, "code": args.code, "what": args.what,
                             "submit_to": args.submit_to, "source": args.source,
                             "exclude": args.exclude}.items() if v is not None}
    try:
        with app.db.session() as s:
            fields = deadline_cases.check_deadline(s, raw, settings)
            d = deadline_cases.add_deadline(s, now, CONSOLE, fields)
            text = f"Đã thêm hạn {d.code}.\n" + describe(s, {**fields, "code": d.code}, calendar_for(s), as_vn(now).date())
    except ValueError as e:
        return fail(str(e))
    _print(d.as_dict(), args.json, text)
    return 0


def cmd_deadlines_remove(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.db.session() as s:
            deadline_cases.remove_deadline(s, app.clock.now(), CONSOLE, args.code)
    except NotFound:
        return fail(f"Không có hạn mã «{args.code}».")
    _print({"removed": args.code}, args.json, f"Đã xóa hạn {args.code}.")
    return 0


def cmd_deadlines_presets(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.presets import presets

    if args.day is not None and not 1 <= args.day <= 19:
        return fail("--day phải từ 1 đến 19.")
    available = presets(settings, args.day)
    if not args.install:
        data = [{"name": p.key, "title": p.title, "about": p.about,
                 "deadlines": [{k: v for k, v in f.items()} for f in p.deadlines]} for p in available.values()]
        _print(data, args.json, "\n".join(f"{p.key}\t{p.title}\n\t{p.about}" for p in available.values()))
        return 0
    if not args.name:
        return fail("Ghi bộ hạn cần cài: --name cchc hoặc --name 7946.")
    app = _app(settings)
    with app.db.session() as s:
        done = deadline_cases.install_preset(s, app.clock.now(), CONSOLE, available[args.name], settings, day=args.day)
    created, kept = list(done.created), list(done.kept)
    _print({"created": created, "kept": kept}, args.json,
           f"Đã cài: {', '.join(created) or '(không có hạn mới)'}" + (f"; đã có: {', '.join(kept)}" if kept else ""))
    return 0


def cmd_deadlines_ics(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.daysoff import calendar_for
    from scheduler.ics import deadlines_calendar
    from scheduler.repo import list_deadlines
    from scheduler.units import find_unit, list_units

    app = _app(settings)
    now = app.clock.now()
    start = args.start or as_vn(now).date()
    with app.db.session() as s:
        unit = None
        if args.unit:
            unit = find_unit(s, args.unit)
            if unit is None:
                return fail(f"Không có đơn vị «{args.unit}».")
        data = deadlines_calendar(list_deadlines(s), list_units(s), calendar_for(s), start=start,
                                  end=start + timedelta(days=args.days), now=now, unit=unit)
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


# ------------------------------------------------------------------ units

def cmd_units_list(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.units import focal_points, list_units, unit_chats

    app = _app(settings)
    with app.db.session() as s:
        data = [{"name": u.name, "type": u.type, "aliases": list(u.aliases or []),
                 "chats": [{"channel": c.channel, "chat_id": c.chat_id, "title": c.title, "active": c.active}
                           for c in unit_chats(s, u.id)],
                 "focal_points": [{"channel": f.channel, "user_id": f.user_id, "name": f.display_name,
                                   "private_chat_id": f.private_chat_id, "status": f.status}
                                  for f in focal_points(s, u.id)]}
                for u in list_units(s)]
    text = "\n".join(f"{u['name']}\t{u['type']}\t{', '.join(u['aliases'])}\t"
                     f"{', '.join(c['channel'] + ':' + c['chat_id'] for c in u['chats']) or '-'}" for u in data)
    _print(data, args.json, text or "Chưa có đơn vị nào.")
    return 0


def cmd_units_add(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.units import parse_unit_type

    type_ = parse_unit_type(args.type)
    if type_ not in ("so", "xa"):
        return fail("--type phải là so (sở/ban/ngành) hoặc xa (UBND cấp xã); cấp huyện không còn từ 01/7/2025.")
    app = _app(settings)
    try:
        with app.db.session() as s:
            unit = unit_cases.add_unit(s, app.clock.now(), CONSOLE, args.name, type_, args.alias)
    except ValueError as e:
        return fail(str(e))
    data = {"name": unit.name, "type": unit.type, "aliases": list(unit.aliases)}
    _print(data, args.json, f"Đã thêm {data['name']}.")
    return 0


def cmd_units_remove(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.db.session() as s:
            unit_cases.remove_unit(s, app.clock.now(), CONSOLE, args.name)
    except NotFound as e:
        return fail(f"Không có đơn vị «{args.name}»." +
                     (f" Có phải: {', '.join(e.suggestions)}?" if e.suggestions else ""))
    print(f"Đã ngừng theo dõi {args.name}.")
    return 0


def cmd_units_alias(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.db.session() as s:
            unit_cases.add_alias(s, app.clock.now(), CONSOLE, args.name, args.alias)
    except NotFound:
        return fail(f"Không có đơn vị «{args.name}».")
    except ValueError as e:
        return fail(str(e))
    print(f"{args.name}: thêm bí danh {args.alias}.")
    return 0


# ------------------------------------------------------------------ reminders

def cmd_reminders_plan(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.dryrun import planned_reminders, unreachable_units

    if args.end < args.start:
        return fail("--to phải sau --from.")
    app = _app(settings)
    with app.db.session() as s:
        data = planned_reminders(s, args.start, args.end, escalate=settings.escalation_days)
        lost = unreachable_units(s, args.start, args.end, escalate=settings.escalation_days)
    text = "\n".join(f"{r['time'][:16].replace('T', ' ')}\t{r['deadline']}\t{r['label']}\t{r['unit']}\t"
                     f"{r['channel']}:{r['chat_id']}{' (1:1)' if r['fallback'] else ''}" for r in data)
    _print(data, args.json, text or "Không có lời nhắc nào trong khoảng này.")
    if lost:  # on stderr: the JSON on stdout keeps its shape
        shown = ", ".join(lost[:20]) + (f" và {len(lost) - 20} đơn vị khác" if len(lost) > 20 else "")
        print(f"⚠️ {len(lost)} đơn vị phải nộp trong khoảng này nhưng chưa có nhóm hay đầu mối nhận tin, nên không "
              f"được nhắc: {shown}. Đăng ký nhóm: /dangky <đơn vị>; mời đầu mối: /moi <đơn vị>.", file=sys.stderr)
    return 0
