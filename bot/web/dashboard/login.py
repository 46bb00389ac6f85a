"""Signing in with a one-time link (GET shows a button, POST uses the link: link previews cannot burn it) and out."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.audit import record
from bot.core.login_links import end_session, redeem_link
from bot.web.dashboard.auth import Admin, admin_page, bot_app, clear_session_cookie, off_loop, root, set_session_cookie
from bot.web.dashboard.render import page
from bot.core.actors import Actor


async def login_form(request: Request) -> Response:
    token = request.query_params.get("t", "")[:100]
    if not token:
        return page(request, "login.html", {"title": "Đăng nhập", "token": ""})
    return page(request, "login.html", {"title": "Đăng nhập", "token": token})


@off_loop
async def login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("t", ""))[:100]
    app = bot_app(request)
    with app.db.session() as s:
        redeemed = redeem_link(s, app.clock.now(), token)
        if redeemed is not None:
            session_token, who = redeemed
            record(s, app.clock.now(), Actor(who.channel, who.user_id, "web", who.name), "web dang nhap")
    if redeemed is None:
        return page(request, "message.html", {
            "title": "Liên kết không dùng được",
            "text": "Liên kết đăng nhập đã được dùng, đã hết hạn (10 phút) hoặc không đúng. "
                    "Gõ /web trong tin nhắn riêng với bot để lấy liên kết mới."}, status=400)
    response = RedirectResponse(f"{root(request)}/tong-quan", status_code=303)
    set_session_cookie(request, response, session_token)
    return response


@admin_page
async def logout(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    with app.db.session() as s:
        end_session(s, app.clock.now(), admin.token)
        record(s, app.clock.now(), admin.actor, "web dang xuat")
    response = RedirectResponse(f"{root(request)}/dang-nhap", status_code=303)
    clear_session_cookie(request, response)
    return response
