"""/tinhhinh <mã> excel|bieudo: the status export or chart as a file, through the channel's file port."""
from __future__ import annotations

from bot.core.messages import OutgoingFile, Reply
from handlers.context import Context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORDS = {"excel": "excel", "xlsx": "excel", "bieudo": "bieudo", "bieu-do": "bieudo"}


def wanted_file(args: str) -> tuple[str, str] | None:
    """('code', 'excel'|'bieudo') when the admin asked for a file ('/tinhhinh cchc excel', '/tinhhinh bieudo')."""
    words = args.lower().split()
    if words and words[-1] in WORDS and len(words) <= 2:
        return (words[0] if len(words) == 2 else ""), WORDS[words[-1]]
    return None


async def status_file(ctx: Context, code: str, kind: str) -> Reply | str:
    """The same .xlsx or .png as `report status|chart` and the dashboard; channels without files say how to get it."""
    from bot.core.errors import NotFound
    from scheduler.timeutil import as_vn
    from scheduler.usecases.status import status_reports

    today = as_vn(ctx.now()).date()
    try:
        reports = status_reports(ctx.session, ctx.now(), code, escalate=ctx.app.settings.escalation_days)
    except NotFound as e:
        return f"{e} Gõ /tinhhinh để xem các mã."
    stem = f"tinh-hinh-{code or 'tat-ca'}-{today:%Y%m%d}"
    if kind == "excel":
        from scheduler.status_xlsx import status_workbook

        file = OutgoingFile(f"{stem}.xlsx", status_workbook(reports, today), XLSX)
        what = "Bảng Excel tình hình nộp báo cáo"
    else:
        from scheduler.status_chart import status_chart_png

        file = OutgoingFile(f"{stem}.png", status_chart_png(reports, today), "image/png", picture=True)
        what = "Biểu đồ tình hình nộp báo cáo"
    return Reply(f"{what} ({len(reports)} kỳ), số liệu ngày {today:%d/%m/%Y}.", files=(file,))
