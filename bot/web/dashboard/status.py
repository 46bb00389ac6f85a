"""Tổng quan (each open period: progress per unit type, overdue and unreachable units, days left), export, chart."""
from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from bot.web.dashboard.auth import Admin, admin_page, bot_app
from bot.web.dashboard.render import page
from bot.core.errors import NotFound
from scheduler.usecases.status import OVERDUE, STATES, SUBMITTED, StatusReport, status_reports
from scheduler.texts import days_left_text
from scheduler.timeutil import as_vn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reports(request: Request) -> tuple[list[StatusReport], date]:
    app = bot_app(request)
    now = app.clock.now()
    code = request.query_params.get("ma", "")[:40].lower()
    period = request.query_params.get("ky", "")[:20]
    with app.db.session() as s:
        return status_reports(s, now, code, period, escalate=app.settings.escalation_days), as_vn(now).date()


@admin_page
async def overview(request: Request, admin: Admin) -> Response:
    try:
        reports, today = _reports(request)
    except NotFound as e:
        return page(request, "message.html", {"title": "Tổng quan", "text": str(e)}, status=404)
    cards = []
    for r in reports:
        counts = r.counts(today)
        total = sum(sum(c.values()) for c in counts.values())
        done = sum(c[SUBMITTED] for c in counts.values())
        cards.append({"r": r, "counts": counts, "total": total, "done": done,
                      "days": days_left_text(r.legal_due, today),
                      "late": r.days_left(today) < 0,
                      "overdue": [u for u in r.units if r.state(u, today) == OVERDUE],
                      "unreachable": r.unreachable()})
    return page(request, "overview.html", {"title": "Tổng quan", "cards": cards, "states": STATES, "today": today})


@admin_page
async def export(request: Request, admin: Admin) -> Response:
    from scheduler.status_xlsx import status_workbook

    try:
        reports, today = _reports(request)
    except NotFound as e:
        return page(request, "message.html", {"title": "Xuất Excel", "text": str(e)}, status=404)
    name = f"tinh-hinh-{today:%Y%m%d}.xlsx"
    return Response(status_workbook(reports, today), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@admin_page
async def chart(request: Request, admin: Admin) -> Response:
    from scheduler.status_chart import status_chart_png

    try:
        reports, today = _reports(request)
    except NotFound:
        return Response(status_code=404)
    return Response(status_chart_png(reports, today), media_type="image/png",
                    headers={"Cache-Control": "no-store"})
