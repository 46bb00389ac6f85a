"""/oa7ngay: which focal points a Zalo Official Account can no longer write to (its 1:1 window is 7 days)."""
from __future__ import annotations

from datetime import timedelta

from bot.core.clock import VN_TZ
from handlers.context import Context
from handlers.registry import Role, command
from scheduler.chats import silent_focal_points
from scheduler.timeutil import as_utc

OA_CHANNEL = "zalo_oa"
OA_WINDOW = timedelta(days=7)  # /v3.0/oa/message/cs only within 7 days of the user's last message (free within 48 h)


def outside_window_text(ctx: Context) -> str:
    silent = silent_focal_points(ctx.session, OA_CHANNEL, as_utc(ctx.now()) - OA_WINDOW)
    if not silent:
        return "Mọi đầu mối trên Zalo OA đều đã nhắn cho OA trong 7 ngày qua: OA nhắn riêng được cho tất cả."
    lines = [f"Zalo OA chỉ nhắn riêng được trong 7 ngày kể từ lần cuối người dùng nhắn cho OA. "
             f"{len(silent)} đầu mối đã quá hạn đó, sẽ không nhận được nhắc riêng qua OA:"]
    for fp, seen in silent:
        when = f"nhắn lần cuối {as_utc(seen).astimezone(VN_TZ):%d/%m/%Y}" if seen else "chưa từng nhắn"
        lines.append(f"• {fp.display_name or fp.user_id} — {fp.unit.name} ({when})")
    lines.append("Hãy đề nghị họ nhắn một tin bất kỳ cho OA (ví dụ «han»), hoặc dùng tin ZNS/mẫu giao dịch của Zalo.")
    return "\n".join(lines)


@command("oa7ngay", "Đầu mối Zalo OA quá 7 ngày chưa nhắn (OA không nhắn riêng được)", usage="/oa7ngay",
         role=Role.ADMIN, order=75)
async def outside_window(ctx: Context) -> str:
    return outside_window_text(ctx)
