"""The admins' dashboard: pages over the same actions, checks and audit as chat; sign-in by one-time link."""
from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.dashboard import deadlines, desk_pages, login, status, units
from bot.web.dashboard.auth import root
from bot.web.dashboard.render import HERE


async def _home(request):  # type: ignore[no-untyped-def]
    return RedirectResponse(f"{root(request)}/tong-quan", status_code=303)


def routes() -> list[BaseRoute]:
    post = ["POST"]
    return [
        Route("/", _home),
        Route("/dang-nhap", login.login_form, methods=["GET"]),
        Route("/dang-nhap", login.login, methods=post),
        Route("/dang-xuat", login.logout, methods=post),
        Route("/tong-quan", status.overview),
        Route("/tinh-hinh.xlsx", status.export),
        Route("/bieu-do.png", status.chart),
        Route("/han-nop", deadlines.deadlines),
        Route("/han-nop/xem-truoc", deadlines.preview, methods=post),
        Route("/han-nop/them", deadlines.add, methods=post),
        Route("/han-nop/cai-san", deadlines.install_preset, methods=post),
        Route("/han-nop/{code}/sua", deadlines.edit, methods=post),
        Route("/han-nop/{code}/xoa", deadlines.remove, methods=post),
        Route("/don-vi", units.units),
        Route("/don-vi/them", units.add, methods=post),
        Route("/don-vi/ten-khac", units.alias, methods=post),
        Route("/don-vi/xoa", units.remove, methods=post),
        Route("/don-vi/yeu-cau", units.decide, methods=post),
        Route("/don-vi/mau.xlsx", units.template),
        Route("/don-vi/nhap", units.import_file, methods=post),
        Route("/van-ban", desk_pages.documents),
        Route("/van-ban/tai-len", desk_pages.upload, methods=post),
        Route("/van-ban/{doc_id:int}", desk_pages.document),
        Route("/van-ban/{doc_id:int}/xoa", desk_pages.remove_document, methods=post),
        Route("/van-ban/{doc_id:int}/trang-thai", desk_pages.set_status, methods=post),
        Route("/ngay-nghi", desk_pages.days_off),
        Route("/ngay-nghi", desk_pages.change_day, methods=post),
        Route("/nhat-ky", desk_pages.journal),
        Route("/hoi-thu", desk_pages.ask, methods=["GET", "POST"]),
        Mount("/tep", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
