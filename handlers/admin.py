"""/quyen (super-admin): list, grant and revoke bot admins."""
from __future__ import annotations

from bot.core.audit import record
from handlers.context import Context
from handlers.registry import Role, command
from bot.core.admins import grant_admin, list_admins, revoke_admin
from bot.core.vietnamese import fold
from scheduler.timeutil import as_utc

USAGE = ("Cú pháp:\n/quyen — danh sách quản trị viên\n"
         "/quyen them <kênh:mã người dùng> [tên] — cấp quyền quản trị, ví dụ: /quyen them telegram:123456 Chị Hoa\n"
         "/quyen xoa <kênh:mã người dùng> — thu hồi quyền")


def _who(ctx: Context, text: str) -> tuple[str, str] | None:
    channel, sep, user = text.partition(":")
    if not sep:
        channel, user = ctx.msg.chat.channel, text
    channel, user = channel.strip().lower(), user.strip()
    if not channel.isidentifier() or not user or len(user) > 64 or any(ch.isspace() for ch in user):
        return None
    return channel, user


@command("quyen", "Cấp hoặc thu hồi quyền quản trị", usage="/quyen [them|xoa <kênh:mã>]", role=Role.SUPERADMIN,
         order=70)
async def permissions(ctx: Context) -> str:
    parts = ctx.args.split(maxsplit=2)
    if not parts:
        admins = list_admins(ctx.session)
        supers = [f"{ch}:{u}" for ch, ids in sorted(ctx.app.settings.admin_ids.items()) for u in sorted(ids)]
        lines = ["Quản trị viên cấp cao (ADMIN_IDS): " + (", ".join(supers) or "(chưa có)"), "Quản trị viên:"]
        lines += [f"• {a.channel}:{a.user_id} {a.display_name}".rstrip() for a in admins] or ["• (chưa có)"]
        return "\n".join(lines + ["", USAGE])
    verb = fold(parts[0])
    who = _who(ctx, parts[1]) if len(parts) > 1 else None
    if verb not in ("them", "xoa") or who is None or (verb == "xoa" and len(parts) > 2):
        return USAGE
    channel, user = who
    if verb == "them":
        name = parts[2].strip()[:200] if len(parts) > 2 else ""
        done = grant_admin(ctx.session, channel, user, by=f"{ctx.msg.chat.channel}:{ctx.msg.sender.user_id}",
                           at=as_utc(ctx.now()), name=name)
        record(ctx.session, ctx.now(), ctx.msg, "quyen them", f"{channel}:{user} {name}".strip())
        return f"✅ Đã cấp quyền quản trị cho {channel}:{user}." if done else f"{channel}:{user} đã là quản trị viên."
    done = revoke_admin(ctx.session, channel, user)
    record(ctx.session, ctx.now(), ctx.msg, "quyen xoa", f"{channel}:{user}")
    if user in ctx.app.settings.admin_ids.get(channel, frozenset()):
        return f"{channel}:{user} là quản trị viên cấp cao trong ADMIN_IDS; chỉ gỡ được bằng cấu hình."
    return f"🗑 Đã thu hồi quyền của {channel}:{user}." if done else f"{channel}:{user} không phải quản trị viên."
