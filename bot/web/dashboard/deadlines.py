"""Hạn nộp: list, add with a live preview of the rule, edit, delete, presets (chat's own actions and audit)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.web.dashboard.auth import Admin, admin_page, bot_app, form_text
from bot.web.dashboard.render import page
from handlers.desk import run_confirmed
from scheduler.daysoff import calendar_for
from scheduler.deadline_form import build_fields, describe
from scheduler.models import Deadline
from scheduler.presets import presets
from scheduler.repo import get_deadline, list_deadlines
from scheduler.timeutil import as_vn
from scheduler.units import list_units

FIELDS = ("title", "rule", "audience", "leads", "source", "what", "submit_to", "remind_at", "code")
TYPE_WORDS = {"so": "sở", "xa": "xã"}


def audience_text(d: Deadline, names: dict[int, str]) -> str:
    """The audience as an admin would type it ('sở, xã, Sở Tư pháp')."""
    return ", ".join([*(TYPE_WORDS[t] for t in d.audience_types or [] if t in TYPE_WORDS),
                      *(names[i] for i in d.audience_units or [] if i in names)])


def _raw(form, *, partial: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    raw = {k: form_text(form, k) for k in FIELDS}
    return {k: v for k, v in raw.items() if v or (not partial and k in ("title", "rule", "audience"))}


def _listing(request: Request, *, status: int = 200, **extra) -> Response:  # type: ignore[no-untyped-def]
    app = bot_app(request)
    with app.db.session() as s:
        names = {u.id: u.name for u in list_units(s)}
        rows = [{"d": d, "audience": audience_text(d, names)} for d in list_deadlines(s)]
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
        cal = calendar_for(s)
        try:
            fields = build_fields(s, raw, cal, app.settings.default_leads)
        except ValueError as e:
            return PlainTextResponse(f"⚠️ {e}", status_code=422)
        fields.setdefault("remind_at", app.settings.reminder_time)
        return PlainTextResponse(describe(s, fields, cal, as_vn(app.clock.now()).date()))


@admin_page
async def add(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    form = await request.form()
    raw = _raw(form, partial=False)
    try:
        with app.db.session() as s:
            fields = build_fields(s, raw, calendar_for(s), app.settings.default_leads)
            fields.setdefault("remind_at", app.settings.reminder_time)
            text = await run_confirmed(app, s, admin.actor, admin.role, "add_deadline", fields)
    except ValueError as e:
        return _listing(request, error=str(e), form=raw, status=422)
    return _listing(request, flash=text)


@admin_page
async def edit(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    code = request.path_params["code"]
    form = await request.form()
    raw = _raw(form, partial=True)
    try:
        with app.db.session() as s:
            if get_deadline(s, code) is None:
                raise ValueError(f"Không có hạn mã «{code[:40]}».")
            fields = build_fields(s, raw, calendar_for(s), app.settings.default_leads, partial=True)
            text = await run_confirmed(app, s, admin.actor, admin.role, "edit_deadline", {"code": code, "fields": fields})
    except ValueError as e:
        return _listing(request, error=str(e), status=422)
    return _listing(request, flash=text)


@admin_page
async def remove(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    try:
        with app.db.session() as s:
            text = await run_confirmed(app, s, admin.actor, admin.role, "remove_deadline",
                                       {"code": request.path_params["code"]})
    except ValueError as e:
        return _listing(request, error=str(e), status=422)
    return _listing(request, flash=text)


@admin_page
async def install_preset(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    form = await request.form()
    key = form_text(form, "key", 10)
    day_text = form_text(form, "day", 2)
    if key not in presets(app.settings):
        return _listing(request, error="Không có bộ hạn này.", status=422)
    if day_text and not (day_text.isdigit() and 1 <= int(day_text) <= 19):
        return _listing(request, error="Ngày nộp của đơn vị phải là số từ 1 đến 19.", status=422)
    try:
        with app.db.session() as s:
            text = await run_confirmed(app, s, admin.actor, admin.role, "install_preset",
                                       {"key": key, "day": int(day_text) if day_text else None})
    except ValueError as e:
        return _listing(request, error=str(e), status=422)
    return _listing(request, flash=text)
