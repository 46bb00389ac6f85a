"""/tinhhinh <mã> excel|bieudo: the status export or chart, as a file where the channel can send one."""
from __future__ import annotations

from urllib.parse import quote

from handlers.context import Context
from handlers.web_link import base_url

FORMATS = {"excel": "tinh-hinh.xlsx", "xlsx": "tinh-hinh.xlsx", "bieudo": "bieu-do.png", "bieu-do": "bieu-do.png"}


def wanted_file(args: str) -> tuple[str, str] | None:
    """('code', 'excel'|'bieudo') when the admin asked for a file ('/tinhhinh cchc excel', '/tinhhinh bieudo')."""
    words = args.lower().split()
    if words and words[-1] in FORMATS and len(words) <= 2:
        return (words[0] if len(words) == 2 else ""), ("excel" if FORMATS[words[-1]].endswith("xlsx") else "bieudo")
    return None


async def status_file(ctx: Context, code: str, kind: str) -> str:
    """Until the channels can send files: where the same file is, on the dashboard and from the command line."""
    from scheduler.desk_report import ReportNotFound, status_reports
    from scheduler.timeutil import as_vn

    try:
        reports = status_reports(ctx.session, as_vn(ctx.now()).date(), code)
    except ReportNotFound as e:
        return f"{e} Gõ /tinhhinh để xem các mã."
    base = base_url(ctx.app.settings)
    path = FORMATS["excel" if kind == "excel" else "bieudo"]
    query = f"?ma={quote(code)}" if code else ""
    what = "Bảng Excel tình hình" if kind == "excel" else "Biểu đồ tình hình"
    cli = (f"python -m bot report status {code} --xlsx tinh-hinh.xlsx" if kind == "excel"
           else f"python -m bot report chart {code} --png bieu-do.png").replace("  ", " ")
    return (f"{what} ({len(reports)} kỳ báo cáo): kênh này chưa gửi được tệp qua bot. Tải trên trang quản trị: "
            f"{base}/{path}{query} (gõ /web để đăng nhập), hoặc trên máy chủ: {cli}")
