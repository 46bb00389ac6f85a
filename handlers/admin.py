"""/quyen (super-admin): list, grant and revoke bot admins."""
from __future__ import annotations

from handlers.context import Context
from handlers.registry import Role, command
from bot.core.admins import GRANT, REVOKE, grant, list_admins, revoke, user_ref_problem
from bot.core.vietnamese import fold

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
         verbs={"them": GRANT, "xoa": REVOKE}, order=70)
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
        problem = user_ref_problem(channel, user, here=ctx.msg.chat.channel)
        if problem is not None:
            return f"{problem} Chưa cấp quyền cho ai."
        done = grant(ctx.session, ctx.now(), ctx.actor, channel, user, parts[2] if len(parts) > 2 else "")
        return f"✅ Đã cấp quyền quản trị cho {channel}:{user}." if done.changed else f"{channel}:{user} đã là quản trị viên."
    done = revoke(ctx.session, ctx.now(), ctx.actor, ctx.app.settings, channel, user)
    if done.super_admin:
        return f"{channel}:{user} là quản trị viên cấp cao trong ADMIN_IDS; chỉ gỡ được bằng cấu hình."
    return f"🗑 Đã thu hồi quyền của {channel}:{user}." if done.changed else f"{channel}:{user} không phải quản trị viên."
