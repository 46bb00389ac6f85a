"""/start and /help: what the bot does and the commands this user may use."""
from __future__ import annotations

from handlers.context import Context
from handlers.invites import PAYLOAD_PREFIX, redeem
from handlers.registry import REGISTRY, Role, command

INTRO = (
    "Xin chào! Tôi là Trợ lý CCHC — trợ lý tự động (không phải người) của Sở Nội vụ về cải cách hành chính.\n"
    "• Hỏi đáp: gõ câu hỏi về các văn bản chỉ đạo CCHC (có dấu hay không dấu đều được), "
    "tôi trả lời kèm trích dẫn văn bản, mục.\n"
    "• Nhắc hạn: nhắc các đơn vị hạn nộp báo cáo quý, 6 tháng, năm trong nhóm của đơn vị; "
    "đầu mối xác nhận bằng /danop khi đã nộp."
)


def help_text(ctx: Context) -> str:
    lines = [INTRO, "", "Các lệnh:"]
    admin_lines: list[str] = []
    for cmd in REGISTRY.unique():
        if cmd.role > ctx.role:
            continue
        line = f"{cmd.usage} — {cmd.help}"
        (admin_lines if cmd.role >= Role.ADMIN else lines).append(line)
    if admin_lines:
        lines += ["", "Lệnh quản trị:"] + admin_lines
    if ctx.capabilities.bare_commands:
        lines += ["", "Có thể gõ lệnh không cần dấu /, ví dụ: han, đã nộp."]
    if ctx.msg.chat_kind == "group":
        lines += ["", "Trong nhóm, hỏi bằng /hoi <câu hỏi> hoặc nhắc tên bot."]
    return "\n".join(lines)


@command("start", "Giới thiệu trợ lý", order=0)
async def start(ctx: Context) -> str:
    if ctx.args.startswith(PAYLOAD_PREFIX):  # opened from an onboarding link: t.me/<bot>?start=dk_<code>
        return await redeem(ctx, ctx.args[len(PAYLOAD_PREFIX):]) + "\n\n" + help_text(ctx)
    return help_text(ctx)


@command("help", "Hướng dẫn và danh sách lệnh", aliases=("trogiup", "huongdan"), order=1)
async def help_(ctx: Context) -> str:
    return help_text(ctx)
