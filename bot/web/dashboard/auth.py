"""Who is asking: the signed session cookie, the admin role checked as chat checks it, CSRF on every form."""
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

__all__ = ["Admin", "action_page", "admin_page", "bot_app", "form_text", "off_loop", "root"]

from itsdangerous import BadSignature, TimestampSigner
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.admins import resolve_role
from bot.core.audit import record
from bot.core.errors import Forbidden
from bot.core.login_links import SESSION_TTL, WebIdentity, same, session_identity, signing_key
from bot.core.actors import Actor
from bot.web.dashboard.render import bot_app, page, root
from handlers.registry import Role

if TYPE_CHECKING:
    from bot.app import App

COOKIE = "cchc_phien"


@dataclass(frozen=True)
class Admin:
    identity: WebIdentity
    role: Role
    token: str  # the session token (to log out)

    @property
    def actor(self) -> Actor:
        return Actor(self.identity.channel, self.identity.user_id, "web", self.identity.name, self.role)

    @property
    def label(self) -> str:
        return self.identity.name or f"{self.identity.channel}:{self.identity.user_id}"


def _signer(app: "App") -> TimestampSigner:
    with app.db.session() as s:
        key = signing_key(s, app.clock.now(), app.settings.web_secret_key)
    return TimestampSigner(key, salt="cchc-dashboard-session")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    app = bot_app(request)
    secure = app.settings.web_base_url.startswith("https://") or request.url.scheme == "https"
    response.set_cookie(COOKIE, _signer(app).sign(token).decode(), max_age=int(SESSION_TTL.total_seconds()),
                        path=root(request) or "/", httponly=True, samesite="strict", secure=secure)


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path=root(request) or "/", httponly=True, samesite="strict")


def current_admin(request: Request) -> Admin | None:
    """The signed-in user with their role as chat resolves it now (it may have dropped below admin); None without a
    live session."""
    app = bot_app(request)
    raw = request.cookies.get(COOKIE, "")
    if not raw:
        return None
    try:
        token = _signer(app).unsign(raw, max_age=int(SESSION_TTL.total_seconds())).decode()
    except BadSignature:
        return None
    with app.db.session() as s:
        identity = session_identity(s, app.clock.now(), token)
        if identity is None:
            return None
        role = resolve_role(app.settings, s, identity.channel, identity.user_id)
    return Admin(identity, role, token)


Page = Callable[[Request, Admin], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def off_loop(func: Endpoint) -> Endpoint:
    """The page runs whole on a database worker (its sessions, templates, charts): the serving loop never waits.

    The request body is read first, on the serving loop (the ASGI channel lives there); the page's own
    `await request.form()` then gets the parsed form back at once."""

    @functools.wraps(func)
    async def endpoint(request: Request) -> Response:
        if request.method != "GET":
            await request.form()
        return await bot_app(request).db.workers.run(func, request)

    return endpoint


def admin_page(func: Page) -> Endpoint:
    """Only for a signed-in admin; a POST must carry the session's CSRF token (field `csrf`). Runs off the loop."""
    return _guarded(func, acts=False)


def action_page(func: Page) -> Endpoint:
    """A form that runs a use case: as `admin_page`, except that a signed-in user who is no longer an admin is let
    through to the use case, whose own check refuses them (audited under its action, as chat and the CLI are)."""
    return _guarded(func, acts=True)


NOT_AN_ADMIN = "Tài khoản này không (hoặc không còn) là quản trị viên của bot."


def _guarded(func: Page, *, acts: bool) -> Endpoint:
    @functools.wraps(func)
    @off_loop
    async def endpoint(request: Request) -> Response:
        admin = current_admin(request)
        if admin is None:
            if request.method == "GET":
                return RedirectResponse(f"{root(request)}/dang-nhap", status_code=303)
            return page(request, "message.html", {"title": "Chưa đăng nhập",
                                                  "text": "Phiên đăng nhập đã hết. Gõ /web trong tin nhắn riêng với bot "
                                                          "để lấy liên kết đăng nhập mới."}, status=401)
        if admin.role < Role.ADMIN and not (acts and request.method == "POST"):
            return page(request, "message.html", {"title": "Không có quyền", "text": NOT_AN_ADMIN}, status=403)
        if request.method != "GET":
            form = await request.form()
            if not same(str(form.get("csrf", "")), admin.identity.csrf):
                app = bot_app(request)
                with app.db.session() as s:
                    record(s, app.clock.now(), admin.actor, f"web {request.url.path}", "CSRF",
                           outcome="denied")
                return page(request, "message.html", {"title": "Yêu cầu không hợp lệ",
                                                      "text": "Mã chống giả mạo (CSRF) không đúng: hãy tải lại trang "
                                                              "rồi làm lại."}, status=403)
        request.state.admin = admin
        try:
            return await func(request, admin)
        except Forbidden:  # the use case refused (and audited it); a page may also show its own text instead
            return page(request, "message.html", {"title": "Không có quyền", "text": NOT_AN_ADMIN}, status=403)

    return endpoint


def form_text(form: Any, name: str, limit: int = 2000) -> str:
    value = form.get(name, "")
    return " ".join(str(value).split())[:limit] if isinstance(value, str) else ""
