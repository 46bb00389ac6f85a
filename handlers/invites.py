"""/moi: an onboarding link and QR code for a unit's focal point; `/start dk_<code>` (or "dangky <code>") redeems it."""
from __future__ import annotations

import io

import segno

from bot.core.audit import record
from bot.core.messages import OutgoingFile, Reply
from handlers.context import Context
from handlers.registry import command
from bot.core.errors import NotFound
from handlers.units import _hint, register_focal_point
from scheduler.invites import find_invite
from scheduler.usecases.registrations import INVITE, make_invite

PAYLOAD_PREFIX = "dk_"  # /start dk_<code>: a deep-link payload (at most 64 characters of A–Z a–z 0–9 _ -)
TELEGRAM = "telegram"
BAD_CODE = ("Mã mời «{code}» không đúng hoặc đơn vị không còn được theo dõi. Kiểm tra lại mã trên công văn, "
            "hoặc gõ /dangky <tên đơn vị>.")
IN_GROUP = ("Mã mời dùng để đăng ký đầu mối trong chat riêng với bot: hãy mở liên kết (hoặc nhắn «dangky {code}») "
            "trong chat riêng.")


def qr_png(link: str) -> bytes:
    """A QR code of `link` as a PNG, large enough to print on a letter and scan from a phone."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


@command("moi", "Tạo liên kết và mã QR mời đầu mối của một đơn vị", usage="/moi <đơn vị>", action=INVITE,
         order=56)
async def invite(ctx: Context) -> Reply:
    name = " ".join(ctx.args.split())
    if not name:
        return Reply("Cú pháp: /moi <tên đơn vị>, ví dụ: /moi Sở Tư pháp. Bot trả về liên kết và mã QR để in kèm "
                     "công văn; đầu mối mở liên kết (hoặc nhắn mã cho bot trên Zalo) là được đăng ký.")
    try:
        made = make_invite(ctx.session, ctx.now(), ctx.actor, name)
    except NotFound as e:
        return Reply(_hint(e, "/moi"))
    unit, code = made.unit, made.code
    start_link = ctx.app.capabilities(TELEGRAM).start_link
    lines = [f"✉️ Mã mời đầu mối của {unit}: {code}"]
    files: tuple[OutgoingFile, ...] = ()
    if start_link:
        link = f"{start_link}{PAYLOAD_PREFIX}{code}"
        lines.append(f"• Telegram: mở liên kết {link} (hoặc quét mã QR đính kèm) rồi bấm «Bắt đầu».")
        files = (OutgoingFile(f"ma-moi-{code}.png", qr_png(link), "image/png", picture=True),)
    lines.append(f"• Zalo: nhắn cho bot «dangky {code}».")
    lines.append("In liên kết, mã QR và mã này kèm công văn gửi đơn vị; mã dùng được nhiều lần cho các đầu mối "
                 "của cùng đơn vị.")
    return Reply("\n".join(lines), files=files)


async def redeem(ctx: Context, code: str) -> str:
    """Register the sender as the focal point of the invite's unit, as a private /dangky does."""
    found = find_invite(ctx.session, code)
    if found is None:
        record(ctx.session, ctx.now(), ctx.actor, "dangky", f"invite {code[:20]}", outcome="denied")
        return BAD_CODE.format(code=code[:20])
    if ctx.msg.chat_kind != "private":
        return IN_GROUP.format(code=found.code)
    found.uses += 1
    return register_focal_point(ctx, found.unit)
