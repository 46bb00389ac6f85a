"""Hạn nộp: list, add with a live preview of the rule, edit, delete, presets (the deadline use cases chat calls)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.web.dashboard.auth import Admin, action_page, admin_page, bot_app, form_text
from bot.web.dashboard.render import page
from bot.core.errors import DomainError, Forbidden, NotFound
from scheduler.daysoff import calendar_for
from scheduler.deadline_form import describe
from scheduler.models import Deadline
from scheduler.presets import presets
from scheduler.repo import list_deadlines
from scheduler.timeutil import as_vn
from scheduler.units import list_units
from scheduler.usecases import deadlines as cases

NOT_ALLOWED = "Bạn không có quyền thực hiện thay đổi này (đã ghi lại)."

FIELDS = ("title", "rule", "audience", "exclude", "leads", "source", "what", "submit_to", "remind_at", "code")
TYPE_WORDS = {"so": "sở", "xa": "xã"}


def audience_text(d: Deadline, names: dict[int, str]) -> str:
    """The audience as an admin would type it ('sở, xã, Sở Tư pháp')."""
    return ", ".join([*(TYPE_WORDS[t] for t in d.audience_types or [] if t in TYPE_WORDS),
                      *(names[i] for i in d.audience_units or [] if i in names)])


def exclude_text(d: Deadline, names: dict[int, str]) -> str:
    """The units left out of the audience as an admin would type them ('Sở Nội vụ, Sở Tư pháp')."""
    return ", ".join(names[i] for i in d.audience_exclude or [] if i in names)


def _raw(form, *, partial: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    raw = {k: form_text(form, k) for k in FIELDS}
    # an edit form always sends its exclusions: emptied, they are cleared (as /suahan <mã> tru=không)
    return {k: v for k, v in raw.items()
            if v or (not partial and k in ("title", "rule", "audience")) or (partial and k == "exclude" and k in form)}


def _listing(request: Request, *, status: int = 200, **extra) -> Response:  # type: ignore[no-untyped-def]
    app = bot_app(request)
    with app.db.session() as s:
        names = {u.id: u.name for u in list_units(s)}
        rows = [{"d": d, "audience": audience_text(d, names), "exclude": exclude_text(d, names)}
                for d in list_deadlines(s)]
    return page(request, "deadlines.html", {"title": "Hạn nộp", "rows": rows,
                                            "presets": list(presets(app.settings).values()),
                                            "form": {}, **extra}, status=status)


@admin_page
async def deadlines(request: Request, admin: Admin) -> Response:
    return _listing(request)


@admin_page
async def preview(request: Request, admin: Admin) -> Response:
    """What the bot understands from the form so far (the same text chat shows before asking to confirm)."""
    app = bot_app(request)
    form = await request.form()
    raw = _raw(form, partial=False)
    with app.db.session() as s:
        try:
            fields = cases.check_deadline(s, raw, app.settings)
        except DomainError as e:
            return PlainTextResponse(f"⚠️ {e}", status_code=422)
        return PlainTextResponse(describe(s, fields, calendar_for(s), as_vn(app.clock.now()).date()))


def _refused(request: Request, e: DomainError, **extra) -> Response:  # type: ignore[no-untyped-def]
    if isinstance(e, Forbidden):
        error = NOT_ALLOWED
    elif isinstance(e, NotFound):
        error = f"Không có hạn mã «{e.key[:40]}»."
    else:
        error = str(e)
    return _listing(request, error=error, status=422, **extra)


@action_page
async def add(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    form = await request.form()
    raw = _raw(form, partial=False)
    try:
        with app.db.session() as s:
            fields = cases.check_deadline(s, raw, app.settings)
            d = cases.add_deadline(s, app.clock.now(), admin.actor, fields)
    except DomainError as e:
        return _refused(request, e, form=raw)
    return _listing(request, flash=f"✅ Đã lưu hạn «{d.title}», mã {d.code}. Bot sẽ nhắc theo lịch.")


@action_page
async def edit(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    code = request.path_params["code"]
    form = await request.form()
    raw = _raw(form, partial=True)
    try:
        with app.db.session() as s:
            cases.find_deadline(s, code)
            fields = cases.check_deadline(s, raw, app.settings, partial=True)
            d = cases.edit_deadline(s, app.clock.now(), admin.actor, code, fields)
    except DomainError as e:
        return _refused(request, e)
    return _listing(request, flash=f"✅ Đã sửa hạn {d.code}. Lịch nhắc được tính lại.")


@action_page
async def remove(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    try:
        with app.db.session() as s:
            d = cases.remove_deadline(s, app.clock.now(), admin.actor, request.path_params["code"])
    except DomainError as e:
        return _refused(request, e)
    return _listing(request, flash=f"🗑 Đã xóa hạn {d.code} «{d.title}».")


@action_page
async def install_preset(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    form = await request.form()
    key = form_text(form, "key", 10)
    day_text = form_text(form, "day", 2)
    if key not in presets(app.settings):
        return _listing(request, error="Không có bộ hạn này.", status=422)
    if day_text and not (day_text.isdigit() and 1 <= int(day_text) <= 19):
        return _listing(request, error="Ngày nộp của đơn vị phải là số từ 1 đến 19.", status=422)
    day = int(day_text) if day_text else None
    try:
        with app.db.session() as s:
            done = cases.install_preset(s, app.clock.now(), admin.actor, presets(app.settings, day)[key], app.settings,
                                        day=day)
    except DomainError as e:
        return _refused(request, e)
    text = f"✅ Đã cài: {', '.join(done.created)}." if done.created else "Không có hạn mới nào."
    if done.kept:
        text += f" Đã có sẵn (giữ nguyên): {', '.join(done.kept)}."
    return _listing(request, flash=text)
