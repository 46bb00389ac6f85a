"""Pages from the Jinja2 templates shipped in the package (no CDN: the bot runs on intranets)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.core.audit_text import action_vi, detail_vi
from bot.core.clock import VN_TZ

if TYPE_CHECKING:
    from bot.app import App

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
NAV = (("tong-quan", "Tổng quan"), ("han-nop", "Hạn nộp"), ("don-vi", "Đơn vị"), ("van-ban", "Văn bản"),
       ("ngay-nghi", "Ngày nghỉ"), ("nhat-ky", "Nhật ký"), ("hoi-thu", "Hỏi thử"))


def _vn_time(value: Any) -> str:
    if value is None:
        return ""
    from scheduler.timeutil import as_utc

    return as_utc(value).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def _audit_time(value: Any) -> str:
    """Audit entries keep the caller's aware time; SQLite gives it back naive, in Vietnam time (as /nhatky reads it)."""
    if value is None:
        return ""
    return (value.astimezone(VN_TZ) if value.tzinfo else value).strftime("%H:%M %d/%m/%Y")


templates.env.filters["vn_time"] = _vn_time
templates.env.filters["audit_time"] = _audit_time
templates.env.filters["audit_action"] = action_vi
templates.env.filters["audit_detail"] = detail_vi


def bot_app(request: Request) -> "App":
    return request.app.state.app


def root(request: Request) -> str:
    """The path prefix the reverse proxy serves the dashboard under (the path of WEB_BASE_URL), '' at the root."""
    return urlsplit(bot_app(request).settings.web_base_url).path.rstrip("/")


def page(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
    admin = getattr(request.state, "admin", None)
    ctx = {"root": root(request), "nav": NAV, "admin": admin, "csrf": admin.identity.csrf if admin else "",
           "flash": "", "error": "", **context}
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                                   "script-src 'self'; form-action 'self'; frame-ancestors 'none'")
    return response
