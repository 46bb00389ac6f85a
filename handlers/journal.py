"""/nhatky: the audit log of admin actions and refused attempts, for admins."""
from __future__ import annotations

from bot.core.clock import VN_TZ
from bot.core.audit import recent
from bot.core.audit_text import action_vi, detail_vi
from handlers.context import Context
from handlers.registry import Role, command

OUTCOME_VI = {"ok": "✓", "denied": "✗ bị từ chối", "error": "! lỗi"}


def format_entries(entries: list) -> str:  # type: ignore[type-arg]
    if not entries:
        return "Nhật ký chưa có thao tác nào."
    lines = ["Nhật ký thao tác quản trị (mới nhất trước):"]
    for e in entries:
        at = e.at.astimezone(VN_TZ) if e.at.tzinfo else e.at.replace(tzinfo=VN_TZ)
        shown = detail_vi(e.detail)
        detail = f": {shown[:200]}" if shown else ""
        outcome = OUTCOME_VI.get(e.outcome, "⏳ chờ duyệt" if e.outcome == "pending" else e.outcome)
        lines.append(f"{at:%d/%m %H:%M} {e.channel}:{e.user_id} — {action_vi(e.action)}{detail} {outcome}")
    return "\n".join(lines)


@command("nhatky", "Nhật ký thao tác quản trị", usage="/nhatky [số dòng]", role=Role.ADMIN, order=90)
async def journal(ctx: Context) -> str:
    arg = ctx.args.strip()
    if arg and not (arg.isdigit() and 1 <= int(arg) <= 200):
        return "Cú pháp: /nhatky [số dòng, 1–200]. Ví dụ: /nhatky 50"
    return format_entries(recent(ctx.session, int(arg) if arg else 20))
