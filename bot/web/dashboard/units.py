"""Đơn vị: list with groups and focal points, add, aliases, remove, Excel import checked row by row before storing."""
from __future__ import annotations

import base64
import binascii

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.web.dashboard.auth import Admin, action_page, admin_page, bot_app, form_text
from bot.web.dashboard.render import page
from bot.core.errors import DomainError, Forbidden, NotFound
from bot.core.workers import on_loop
from scheduler.usecases.units import import_units
from scheduler.unit_import import MAX_BYTES, ImportFileError, template_xlsx
from scheduler.units import TYPE_LABELS, focal_points, list_units, parse_unit_type, unit_chats
from scheduler.usecases import units as unit_cases
from scheduler.usecases.registrations import APPROVED, decide as decide_request, pending_requests, request_code


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


def _failed(request: Request, e: DomainError) -> Response:
    if isinstance(e, Forbidden):
        error = "Bạn không có quyền làm việc này. Yêu cầu đã được ghi lại."
    elif isinstance(e, NotFound):
        close = f" Có phải bạn muốn nói: {'; '.join(f'«{n}»' for n in e.suggestions)}?" if e.suggestions else ""
        error = f"Không tìm thấy đơn vị «{e.key[:100]}».{close}"
    else:
        error = str(e)
    return _listing(request, error=error, status=422)


@action_page
async def add(request: Request, admin: Admin) -> Response:
    form = await request.form()
    name, type_text, aliases = form_text(form, "name", 200), form_text(form, "type", 20), form_text(form, "aliases", 500)
    if not name:
        return _listing(request, error="Tên đơn vị trống.", status=422)
    type_ = parse_unit_type(type_text)
    if type_ == "huyen":
        return _listing(request, error="Cấp huyện không còn từ 01/7/2025 (Luật 72/2025/QH15): chỉ thêm sở/ban/ngành "
                                       "hoặc UBND cấp xã.", status=422)
    if type_ is None:
        return _listing(request, error=f"Loại đơn vị «{type_text[:50]}» không hợp lệ: chọn «sở» hoặc «xã».", status=422)
    app = bot_app(request)
    try:
        with app.db.session() as s:
            unit = unit_cases.add_unit(s, app.clock.now(), admin.actor, name, type_,
                                       [a.strip() for a in aliases.split(",") if a.strip()])
    except DomainError as e:
        return _failed(request, e)
    return _listing(request, flash=f"✅ Đã thêm {unit.name} ({TYPE_LABELS[type_]}).")


@action_page
async def alias(request: Request, admin: Admin) -> Response:
    form = await request.form()
    name, other = form_text(form, "name", 200), form_text(form, "alias", 200)
    if not other:
        return _listing(request, error="Tên gọi khác trống.", status=422)
    app = bot_app(request)
    try:
        with app.db.session() as s:
            unit = unit_cases.add_alias(s, app.clock.now(), admin.actor, name, other)
    except DomainError as e:
        return _failed(request, e)
    return _listing(request, flash=f"✅ {unit.name} có thêm bí danh «{other}».")


@action_page
async def remove(request: Request, admin: Admin) -> Response:
    form = await request.form()
    app = bot_app(request)
    try:
        with app.db.session() as s:
            unit = unit_cases.remove_unit(s, app.clock.now(), admin.actor, form_text(form, "name", 200))
    except DomainError as e:
        return _failed(request, e)
    return _listing(request, flash=f"🗑 Đã ngừng theo dõi {unit.name}; các nhóm của đơn vị được gỡ liên kết.")


@action_page
async def decide(request: Request, admin: Admin) -> Response:
    """Approve or refuse a focal-point request (the use case /duyet and /tuchoi call); the requester is told in chat."""
    form = await request.form()
    code = form_text(form, "code", 20)
    approve = form.get("verb") == "duyet"
    app = bot_app(request)
    try:
        with app.db.session() as s:
            d = decide_request(s, app.clock.now(), admin.actor, code, approve=approve)
    except Forbidden as e:
        return _failed(request, e)
    if d.status == "not_found":
        return _listing(request, error=f"Không có yêu cầu đăng ký mã «{code}».", status=422)
    if d.status == "already":
        return _listing(request, error=f"Yêu cầu {d.code} ({d.name} — {d.unit}) đã được xử lý trước đó.", status=422)
    if d.notice_id is not None:  # the requester is told through the outbox, as from chat and the CLI
        await on_loop(app.send_notices([d.notice_id]))  # the page runs on a worker; the channels live on the loop
    verb = "duyệt" if approve else "từ chối"
    return _listing(request, flash=f"{'✅' if approve else '✖️'} Đã {verb} {d.name} làm đầu mối của {d.unit} (mã {d.code}).")


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
