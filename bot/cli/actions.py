"""The admin actions of chat from the command line, through the same use cases (audited as the console operator):
`deadlines edit`, `units invite`, `reminders now`, `acks confirm|undo`, `focal list|approve|refuse`, `daysoff …`,
`admins …`."""
from __future__ import annotations

import argparse
from typing import Any

from bot.cli.desk import _subcommands
from bot.core.actors import CONSOLE
from bot.core.config import Settings
from bot.core.errors import DomainError, NotFound
from bot.cli.args import fail, iso_day
from scheduler.vi_dates import format_date_vi


def _app(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.app import build_app

    return build_app(settings)


def register(sub: Any) -> None:
    dsub = _subcommands(sub, "deadlines", "deadlines", "deadlines_command")
    p = dsub.add_parser("edit", help="change some fields of a deadline (no confirmation: for scripts)")
    p.add_argument("code")
    for flag, dest in (("--title", "title"), ("--rule", "rule"), ("--audience", "audience"), ("--leads", "leads"),
                       ("--time", "remind_at"), ("--what", "what"), ("--submit-to", "submit_to"),
                       ("--source", "source"), ("--new-code", "new_code"),
                       ("--exclude", "exclude")):
        p.add_argument(flag, dest=dest)
    p.set_defaults(handler=cmd_deadlines_edit)

    usub = _subcommands(sub, "units", "units", "units_command")
    p = usub.add_parser("invite", help="a new onboarding code for a unit's focal points (/moi)")
    p.add_argument("name")
    p.set_defaults(handler=cmd_units_invite)

    rsub = _subcommands(sub, "reminders", "reminders", "reminders_command")
    p = rsub.add_parser("now", help="queue a reminder, now, to every unit that has not confirmed (/nhacngay); "
                                    "the running bot sends it within one tick")
    p.add_argument("code")
    p.set_defaults(handler=cmd_reminders_now)

    asub = _subcommands(sub, "acks", "acknowledgements: confirm that a unit submitted, or undo it", "acks_command")
    p = asub.add_parser("confirm", help="a unit submitted a deadline's open period (/danop)")
    p.add_argument("code")
    p.add_argument("unit")
    p.add_argument("--number", default="", help="the report's number, e.g. 12/BC-STP")
    p.set_defaults(handler=cmd_acks_confirm)
    p = asub.add_parser("undo", help="take back a unit's confirmation while its period is open (/huynop)")
    p.add_argument("code")
    p.add_argument("unit")
    p.set_defaults(handler=cmd_acks_undo)

    fsub = _subcommands(sub, "focal", "focal-point requests: list, approve, refuse", "focal_command")
    fsub.add_parser("list", help="the requests waiting for an admin").set_defaults(handler=cmd_focal_list)
    for verb, approve in (("approve", True), ("refuse", False)):
        p = fsub.add_parser(verb, help=f"{verb} a request (/{'duyet' if approve else 'tuchoi'} <code>)")
        p.add_argument("code", help="the request's code, e.g. dk12")
        p.set_defaults(handler=cmd_focal_decide, approve=approve)

    osub = _subcommands(sub, "daysoff", "days off: list, add, work on a day off, remove an adjustment",
                        "daysoff_command")
    osub.add_parser("list", help="the admins' adjustments").set_defaults(handler=cmd_daysoff_list)
    for verb, help_text in (("add", "a day off"), ("work", "a working day on a day off"),
                            ("remove", "drop an admin's adjustment")):
        p = osub.add_parser(verb, help=help_text)
        p.add_argument("day", type=iso_day, help="YYYY-MM-DD")
        p.add_argument("--note", default="")
        p.set_defaults(handler=cmd_daysoff_change, verb=verb)

    msub = _subcommands(sub, "admins", "bot admins: list, grant, revoke", "admins_command")
    msub.add_parser("list", help="super-admins (ADMIN_IDS) and admins").set_defaults(handler=cmd_admins_list)
    p = msub.add_parser("grant", help="make a user an admin (/quyen them)")
    p.add_argument("who", metavar="CHANNEL:ID")
    p.add_argument("--name", default="")
    p.set_defaults(handler=cmd_admins_change, grant=True)
    p = msub.add_parser("revoke", help="take a user's admin role away (/quyen xoa)")
    p.add_argument("who", metavar="CHANNEL:ID")
    p.set_defaults(handler=cmd_admins_change, grant=False)


# ------------------------------------------------------------------ deadlines, reminders, acknowledgements

def cmd_deadlines_edit(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases import deadlines as cases

    raw = {k: v for k in ("title", "rule", "audience", "leads", "remind_at", "what", "submit_to", "source", "exclude")
           if (v := getattr(args, k)) is not None}
    if args.new_code is not None:
        raw["code"] = args.new_code
    if not raw:
        return fail("Không có gì để sửa: ghi ít nhất một trường, ví dụ --rule \"ngày 15 tháng cuối quý\".")
    app = _app(settings)
    try:
        with app.db.session() as s:
            cases.find_deadline(s, args.code)
            fields = cases.check_deadline(s, raw, settings, partial=True)
            d = cases.edit_deadline(s, app.clock.now(), CONSOLE, args.code, fields)
    except NotFound:
        return fail(f"Không có hạn mã «{args.code}».")
    except DomainError as e:
        return fail(str(e))
    print(f"Đã sửa hạn {d.code}: {d.title} — {d.rule}.")
    return 0


def cmd_reminders_now(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases.reminders import remind_now

    app = _app(settings)
    try:
        with app.db.session() as s:
            queued = remind_now(s, app.clock.now(), CONSOLE, args.code, escalate=settings.escalation_days)
    except NotFound:
        return fail(f"Không có hạn mã «{args.code}».")
    from handlers.deadlines import recent_note

    held = recent_note(queued)
    if not queued.delivery_ids:
        print(held or f"Không có nhóm nào cần nhắc cho hạn {queued.code} (tất cả đã nộp, hoặc chưa nhóm nào đăng ký).")
    else:
        print(f"Đã xếp {len(queued.delivery_ids)} lời nhắc hạn {queued.code} ({queued.period}); bot đang chạy gửi "
              "trong vòng 30 giây." + (f"\n{held}" if held else ""))
    return 0


def cmd_acks_confirm(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.repo import get_deadline
    from scheduler.usecases.acknowledgements import confirm

    text = f"{args.code} {args.unit}" + (f" số {args.number}" if args.number else "")
    app = _app(settings)
    with app.db.session() as s:
        if get_deadline(s, args.code.strip().lower()) is None:  # else the code would be read as part of the unit
            return fail(f"Không có hạn mã «{args.code}». Xem các mã: python -m bot deadlines list")
        r = confirm(s, app.clock.now(), CONSOLE, settings, text=text)
    if r.status != "done":
        meant = r.extra.get("suggestions", "")
        reasons = {"no_unit": f"Không có đơn vị «{args.unit}».", "unknown_code": f"Không có hạn mã «{args.code}».",
                   "unknown_unit": f"Không có đơn vị «{args.unit}»." + (f" Có phải: {meant}?" if meant else ""),
                   "not_audience": f"Hạn {args.code} không áp dụng cho {args.unit}.",
                   "nothing_open": f"{args.unit} không còn kỳ nào của hạn {args.code} đang chờ xác nhận."}
        return fail(reasons.get(r.status, f"Không xác nhận được ({r.status})."))
    for c in r.confirmed:
        note = f", số {c.note}" if c.note else ""
        print(f"{c.unit} đã nộp «{c.title}» — {c.label}" + ("" if c.new else f" (xác nhận trước đó bởi {c.by})") + note)
    return 0


def cmd_acks_undo(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases.acknowledgements import undo

    app = _app(settings)
    with app.db.session() as s:
        r = undo(s, app.clock.now(), CONSOLE, settings, text=f"{args.code} {args.unit}")
    if r.status == "not_found":
        return fail(f"Không có xác nhận nộp nào của «{args.unit}» cho hạn {args.code}.")
    if r.status == "closed":
        return fail(f"Kỳ {r.label} của hạn {r.code} đã kết thúc; xác nhận của {r.unit} được giữ nguyên.")
    print(f"Đã hủy xác nhận nộp của {r.unit} cho hạn {r.code} — {r.label}.")
    return 0


# ------------------------------------------------------------------ focal points

def cmd_units_invite(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases.registrations import make_invite

    app = _app(settings)
    try:
        with app.db.session() as s:
            made = make_invite(s, app.clock.now(), CONSOLE, args.name)
    except NotFound as e:
        return fail(f"Không có đơn vị «{args.name}»." + (f" Có phải: {', '.join(e.suggestions)}?" if e.suggestions
                                                           else ""))
    print(f"Mã mời đầu mối của {made.unit}: {made.code} (Zalo: nhắn cho bot «dangky {made.code}»; Telegram: "
          f"liên kết /start dk_{made.code} của bot).")
    return 0


def cmd_focal_list(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases.registrations import pending_requests, request_code

    app = _app(settings)
    with app.db.session() as s:
        rows = [f"{request_code(fp)}\t{fp.display_name or fp.user_id}\t{fp.channel}:{fp.user_id}\t{u.name}"
                for fp, u in pending_requests(s)]
    print("\n".join(rows) or "Không có yêu cầu nào đang chờ.")
    return 0


def cmd_focal_decide(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases.registrations import decide

    app = _app(settings)
    with app.db.session() as s:
        d = decide(s, app.clock.now(), CONSOLE, args.code, approve=args.approve)
    if d.status == "not_found":
        return fail(f"Không có yêu cầu đăng ký mã «{args.code}».")
    if d.status == "already":
        return fail(f"Yêu cầu {d.code} ({d.name} — {d.unit}) đã được xử lý trước đó.")
    told = ("Bot đang chạy sẽ báo người xin trong chat ở nhịp nhắc tiếp theo (trong vòng 30 giây)."
            if d.notice_id is not None else "Người xin chưa nhắn riêng cho bot nên không báo được trong chat.")
    print(f"Đã {'duyệt' if args.approve else 'từ chối'} {d.name} làm đầu mối của {d.unit} (mã {d.code}). {told}")
    return 0


# ------------------------------------------------------------------ days off

def cmd_daysoff_list(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.daysoff import list_overrides

    app = _app(settings)
    with app.db.session() as s:
        rows = [f"{o.day.isoformat()}\t{'nghỉ' if o.day_off else 'làm việc'}\t{o.note}\t{o.set_by}"
                for o in list_overrides(s)]
    print("\n".join(rows) or "Chưa có điều chỉnh nào của quản trị viên.")
    return 0


def cmd_daysoff_change(args: argparse.Namespace, settings: Settings) -> int:
    from scheduler.usecases import daysoff as cases

    app = _app(settings)
    day, label = args.day, format_date_vi(args.day)
    with app.db.session() as s:
        if args.verb == "add":
            cases.add_day_off(s, app.clock.now(), CONSOLE, day, args.note)
            print(f"Đã thêm ngày nghỉ {label}.")
        elif args.verb == "work":
            done = cases.set_working_day(s, app.clock.now(), CONSOLE, day, args.note)
            print({"worked": f"Đã đặt {label} là ngày làm việc (theo lịch: {done.holiday}).",
                   "admin_day_off_removed": f"Đã bỏ ngày nghỉ do quản trị viên thêm; {label} là ngày làm việc.",
                   "unchanged": f"{label} vốn là ngày làm việc; không có gì thay đổi."}[done.outcome])
        else:
            removed = cases.remove_adjustment(s, app.clock.now(), CONSOLE, day, args.note)
            print(f"{label} không có điều chỉnh nào của quản trị viên." if removed.removed is None
                  else f"Đã bỏ điều chỉnh ngày {label}; ngày này trở lại như lịch.")
    return 0


# ------------------------------------------------------------------ admins

def cmd_admins_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.admins import list_admins

    app = _app(settings)
    for channel, ids in sorted(settings.admin_ids.items()):
        for user in sorted(ids):
            print(f"{channel}:{user}\t(ADMIN_IDS)")
    with app.db.session() as s:
        for a in list_admins(s):
            print(f"{a.channel}:{a.user_id}\t{a.display_name}".rstrip())
    return 0


def cmd_admins_change(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.admins import grant, revoke, user_ref_problem

    channel, sep, user = args.who.partition(":")
    channel, user = channel.strip().lower(), user.strip()
    if not sep or not channel.isidentifier() or not user or any(ch.isspace() for ch in user) or len(user) > 64:
        return fail("Ghi người dùng dạng kênh:mã, ví dụ telegram:123456.")
    problem = user_ref_problem(channel, user) if args.grant else None
    if problem is not None:
        return fail(problem)
    app = _app(settings)
    with app.db.session() as s:
        if args.grant:
            done = grant(s, app.clock.now(), CONSOLE, channel, user, args.name)
            print(f"Đã cấp quyền quản trị cho {channel}:{user}." if done.changed else f"{channel}:{user} đã là quản trị viên.")
            return 0
        done = revoke(s, app.clock.now(), CONSOLE, settings, channel, user)
    if done.super_admin:
        print(f"{channel}:{user} là quản trị viên cấp cao trong ADMIN_IDS; chỉ gỡ được bằng cấu hình.")
    else:
        print(f"Đã thu hồi quyền của {channel}:{user}." if done.changed else f"{channel}:{user} không phải quản trị viên.")
    return 0
