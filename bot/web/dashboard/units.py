"""Đơn vị: list with groups and focal points, add, aliases, remove, Excel import checked row by row before storing."""
from __future__ import annotations

import base64
import binascii

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.web.dashboard.auth import Admin, admin_page, bot_app, form_text
from bot.web.dashboard.render import page
from handlers.desk import import_units, run_command
from scheduler.focal_requests import APPROVED, pending_requests, request_code
from scheduler.unit_import import MAX_BYTES, ImportFileError, template_xlsx
from scheduler.units import TYPE_LABELS, focal_points, list_units, unit_chats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _listing(request: Request, *, status: int = 200, **extra) -> Response:  # type: ignore[no-untyped-def]
    app = bot_app(request)
    with app.db.session() as s:
        rows = [{"u": u, "type": TYPE_LABELS.get(u.type, u.type),
                 "groups": [c for c in unit_chats(s, u.id) if c.kind == "group"],
                 "focals": [f for f in focal_points(s, u.id) if f.status == APPROVED]} for u in list_units(s)]
        pending = [{"code": request_code(fp), "name": fp.display_name or fp.user_id, "channel": fp.channel,
                    "user_id": fp.user_id, "unit": u.name, "at": fp.requested_at} for fp, u in pending_requests(s)]
    return page(request, "units.html", {"title": "Đơn vị", "rows": rows, "pending": pending, "check": None, **extra},
                status=status)


@admin_page
async def units(request: Request, admin: Admin) -> Response:
    return _listing(request)


async def _chat(request: Request, admin: Admin, args: str) -> Response:
    app = bot_app(request)
    with app.db.session() as s:
        text = await run_command(app, s, admin.actor, admin.role, "donvi", args)
    ok = text.startswith(("✅", "🗑"))
    return _listing(request, **({"flash": text} if ok else {"error": text}), status=200 if ok else 422)


@admin_page
async def add(request: Request, admin: Admin) -> Response:
    form = await request.form()
    name, type_, aliases = form_text(form, "name", 200), form_text(form, "type", 20), form_text(form, "aliases", 500)
    if "|" in name + type_ + aliases or not name:
        return _listing(request, error="Tên đơn vị trống hoặc có ký tự «|».", status=422)
    return await _chat(request, admin, f"them {name} | {type_} | {aliases}" if aliases else f"them {name} | {type_}")


@admin_page
async def alias(request: Request, admin: Admin) -> Response:
    form = await request.form()
    name, other = form_text(form, "name", 200), form_text(form, "alias", 200)
    if "|" in name + other or not other:
        return _listing(request, error="Tên gọi khác trống hoặc có ký tự «|».", status=422)
    return await _chat(request, admin, f"bidanh {name} | {other}")


@admin_page
async def remove(request: Request, admin: Admin) -> Response:
    form = await request.form()
    return await _chat(request, admin, f"xoa {form_text(form, 'name', 200)}")


@admin_page
async def decide(request: Request, admin: Admin) -> Response:
    """Approve or refuse a focal-point request: /duyet and /tuchoi's own handlers (the requester is told)."""
    form = await request.form()
    code = form_text(form, "code", 20)
    command = "duyet" if form.get("verb") == "duyet" else "tuchoi"
    app = bot_app(request)
    with app.db.session() as s:
        text = await run_command(app, s, admin.actor, admin.role, command, code)
    ok = text.startswith(("✅", "✖️"))
    return _listing(request, **({"flash": text} if ok else {"error": text}), status=200 if ok else 422)


@admin_page
async def template(request: Request, admin: Admin) -> Response:
    return Response(template_xlsx(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-don-vi.xlsx"'})


@admin_page
async def import_file(request: Request, admin: Admin) -> Response:
    """First the check of every row (nothing stored); the admin then stores the same file with one more press."""
    app = bot_app(request)
    form = await request.form()
    upload = form.get("file")
    commit = form.get("commit") == "1"
    if isinstance(upload, UploadFile) and upload.filename:
        data, name = await upload.read(MAX_BYTES + 1), upload.filename
    else:
        try:
            data = base64.b64decode(str(form.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        name = form_text(form, "name", 200)
    if not data:
        return _listing(request, error="Chưa chọn tệp .xlsx hoặc .csv.", status=422)
    try:
        with app.db.session() as s:
            check = import_units(s, app.clock.now(), admin.actor, data, name, dry_run=not commit)
    except ImportFileError as e:
        return _listing(request, error=str(e), status=422)
    if commit and check.ok:
        return _listing(request, flash="Đã lưu: " + check.summary())
    return _listing(request, check=check, file_name=name, file_data=base64.b64encode(data).decode(),
                    status=200 if check.ok else 422)
