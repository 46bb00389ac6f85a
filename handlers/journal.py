"""/nhatky: the audit log of admin actions and refused attempts, for admins."""
from __future__ import annotations

from bot.core.clock import VN_TZ
from bot.core.audit import recent
from handlers.context import Context
from handlers.registry import Role, command

OUTCOME_VI = {"ok": "✓", "denied": "✗ bị từ chối", "error": "! lỗi"}


def format_entries(entries: list) -> str:  # type: ignore[type-arg]
    if not entries:
        return "Nhật ký chưa có thao tác nào."
    lines = ["Nhật ký thao tác quản trị (mới nhất trước):"]
    for e in entries:
        at = e.at.astimezone(VN_TZ) if e.at.tzinfo else e.at.replace(tzinfo=VN_TZ)
        detail = f" {e.detail[:80]}" if e.detail else ""
        lines.append(f"{at:%d/%m %H:%M} {e.channel}:{e.user_id} /{e.action}{detail} {OUTCOME_VI.get(e.outcome, e.outcome)}")
    return "\n".join(lines)


@command("nhatky", "Nhật ký thao tác quản trị", usage="/nhatky [số dòng]", role=Role.ADMIN, order=90)
async def journal(ctx: Context) -> str:
    arg = ctx.args.strip()
    if arg and not (arg.isdigit() and 1 <= int(arg) <= 200):
        return "Cú pháp: /nhatky [số dòng, 1–200]. Ví dụ: /nhatky 50"
    return format_entries(recent(ctx.session, int(arg) if arg else 20))
