"""/web: an admin gets a one-time link to the dashboard, in a private chat only."""
from __future__ import annotations

from bot.core.audit import record
from bot.core.config import Settings
from bot.core.login_links import LINK_TTL, issue_link
from handlers.context import Context
from handlers.registry import Role, command

DEFAULT_BASE = "http://127.0.0.1:8080"


def login_url(settings: Settings, token: str) -> str:
    """The link an admin opens: WEB_BASE_URL (or the local default) + /dang-nhap?t=…"""
    return f"{(settings.web_base_url or DEFAULT_BASE).rstrip('/')}/dang-nhap?t={token}"


@command("web", "Liên kết đăng nhập trang quản trị (dùng một lần, 10 phút)", usage="/web", role=Role.ADMIN, order=95)
async def web_link(ctx: Context) -> str:
    if ctx.msg.chat_kind != "private":
        record(ctx.session, ctx.now(), ctx.msg, "web", "group", outcome="denied")
        return "Liên kết đăng nhập chỉ gửi trong tin nhắn riêng với bot: hãy nhắn riêng /web."
    token = issue_link(ctx.session, ctx.now(), ctx.msg.chat.channel, ctx.msg.sender.user_id,
                       ctx.msg.sender.display_name)
    record(ctx.session, ctx.now(), ctx.msg, "web", "login link")
    minutes = int(LINK_TTL.total_seconds() // 60)
    note = "" if ctx.app.settings.web_base_url else "\n(Chưa đặt WEB_BASE_URL: liên kết chỉ mở được trên máy chạy bot.)"
    return (f"🔐 Liên kết đăng nhập trang quản trị (dùng được một lần, trong {minutes} phút; đừng chuyển cho ai):\n"
            f"{login_url(ctx.app.settings, token)}{note}")
