"""/web: an admin gets a one-time link to the dashboard, in a private chat only."""
from __future__ import annotations

from bot.core.audit import record
from bot.core.config import Settings
from bot.core.login_links import LINK_TTL, issue_link
from handlers.context import Context
from handlers.registry import Role, command

DEFAULT_BASE = "http://127.0.0.1:8080"


def base_url(settings: Settings) -> str:
    """WEB_BASE_URL; without it the address WEB_LISTEN serves on this machine, else the default port."""
    if settings.web_base_url:
        return settings.web_base_url.rstrip("/")
    listen = getattr(settings, "web_listen", "")
    if listen:
        host, _, port = listen.rpartition(":")
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]', '::', '') else host}:{port}"
    return DEFAULT_BASE


def login_url(settings: Settings, token: str) -> str:
    """The link an admin opens: the dashboard's address + /dang-nhap?t=…"""
    return f"{base_url(settings)}/dang-nhap?t={token}"


@command("web", "Liên kết đăng nhập trang quản trị (dùng một lần, 10 phút)", usage="/web", role=Role.ADMIN, order=95)
async def web_link(ctx: Context) -> str:
    if ctx.msg.chat_kind != "private":
        record(ctx.session, ctx.now(), ctx.actor, "web", "group", outcome="denied")
        return "Liên kết đăng nhập chỉ gửi trong tin nhắn riêng với bot: hãy nhắn riêng /web."
    token = issue_link(ctx.session, ctx.now(), ctx.msg.chat.channel, ctx.msg.sender.user_id,
                       ctx.msg.sender.display_name)
    record(ctx.session, ctx.now(), ctx.actor, "web", "login link")
    minutes = int(LINK_TTL.total_seconds() // 60)
    note = "" if ctx.app.settings.web_base_url else "\n(Chưa đặt WEB_BASE_URL: liên kết chỉ mở được trên máy chạy bot.)"
    return (f"🔐 Liên kết đăng nhập trang quản trị (dùng được một lần, trong {minutes} phút; đừng chuyển cho ai):\n"
            f"{login_url(ctx.app.settings, token)}{note}")
