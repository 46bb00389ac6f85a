"""Unit commands: /dangky (a group or a focal point registers for a unit) and /donvi (list, add, remove units)."""
from __future__ import annotations

from bot.core.errors import Forbidden, NotFound
from bot.core.messages import Button, Reply
from bot.core.vietnamese import fold
from handlers import confirm
from handlers.context import Context
from handlers.registry import command
from scheduler.chats import find_chat
from scheduler.models import Unit
from scheduler.units import TYPE_LABELS, focal_points, list_units, parse_unit_type, unit_chats
from scheduler.usecases import registrations as reg
from scheduler.usecases import units as unit_cases

DONVI_USAGE = ("Cú pháp:\n/donvi — danh sách đơn vị và nhóm\n"
               "/donvi them <tên> | <loại: sở hoặc xã> | <bí danh, …> — thêm đơn vị (quản trị viên)\n"
               "/donvi bidanh <tên> | <bí danh> — thêm bí danh (quản trị viên)\n"
               "/donvi xoa <tên> — ngừng theo dõi đơn vị (quản trị viên)")


def _hint(e: NotFound, retry: str = "") -> str:
    if e.suggestions:
        hint = "; ".join(f"«{s}»" for s in e.suggestions)
        again = f" Gõ lại: {retry} {e.suggestions[0]}" if retry else ""
        return f"Không tìm thấy đơn vị «{e.key[:100]}». Có phải bạn muốn nói: {hint}?{again}"
    return (f"Không tìm thấy đơn vị «{e.key[:100]}». Gõ /donvi để xem danh sách; quản trị viên thêm đơn vị "
            "bằng /donvi them <tên> | <loại> | <bí danh>.")


@command("dangky", "Đăng ký nhóm (hoặc bạn, nếu nhắn riêng) làm đầu mối của một đơn vị", usage="/dangky <đơn vị>",
         order=22)
async def register(ctx: Context) -> str | list[Reply]:
    name = " ".join(ctx.args.split())
    if not name:
        return ("Cú pháp: /dangky <tên đơn vị>, ví dụ: /dangky Sở Tư pháp.\n"
                "• Gõ trong nhóm của đơn vị: nhóm nhận lời nhắc hạn (quản trị viên nhóm hoặc của bot). Một nhóm "
                "phục vụ nhiều đơn vị (cụm): /dangky Sở A; Sở B, hoặc thêm dần: /dangky them <đơn vị>.\n"
                "• Nhắn riêng cho bot: bạn xin làm đầu mối của đơn vị; quản trị viên duyệt rồi bot mới nhận "
                "xác nhận nộp và nhắc riêng cho bạn.")
    adding = ctx.msg.chat_kind == "group" and fold(name.split()[0]) in ("them", "cum")
    names = [n.strip() for n in (name.split(maxsplit=1)[1] if adding and " " in name else
                                 ("" if adding else name)).split(";") if n.strip()]
    if not names:
        return "Cú pháp: /dangky them <tên đơn vị> — thêm một đơn vị vào nhóm này (cụm đơn vị)."
    try:
        named = reg.units_named(ctx.session, names)
    except NotFound as e:
        return _hint(e, "/dangky")
    units = named.units
    if ctx.msg.chat_kind == "group":
        try:
            done = reg.register_group(ctx.session, ctx.now(), ctx.actor, units, chat_admin=ctx.msg.sender.is_chat_admin,
                                      adding=adding, thread_id=ctx.msg.chat.thread_id)
        except Forbidden:
            return ("Chỉ quản trị viên của nhóm này hoặc quản trị viên Sở Nội vụ mới đăng ký được nhóm cho đơn vị. "
                    "Yêu cầu đã được ghi lại.")
        moved = ""
        if done.moved_from is not None:
            moved = f" (trước đây nhóm thuộc {done.moved_from or 'đơn vị khác'})"
        chat = find_chat(ctx.session, ctx.msg.chat)
        title = ctx.msg.chat_title or (chat.title if chat else "") or ctx.msg.chat.chat_id
        if len(done.served) > 1:
            return (f"✅ Nhóm «{title}» là nhóm chung (cụm) của {len(done.served)} đơn vị: "
                    f"{', '.join(done.served)}{moved}. Mỗi đơn vị tự xác nhận nộp: "
                    "gõ «đã nộp <tên đơn vị>» hoặc bấm nút rồi chọn đơn vị.")
        return (f"✅ Đã đăng ký nhóm «{title}» là nhóm đầu mối của "
                f"{done.unit}{moved}. Lời nhắc hạn của đơn vị sẽ gửi vào "
                f"{'chủ đề (topic) này của nhóm' if done.in_topic else 'nhóm này'}.\n"
                f"Các đầu mối nên nhắn riêng cho bot «/dangky {done.unit}» để vẫn nhận được nhắc khi nhóm gặp sự cố.")
    unit = units[0]
    if named.invited:  # the code printed on the unit's letter is the proof: no approval needed
        return register_focal_point(ctx, unit)
    req = reg.request_focal(ctx.session, ctx.now(), ctx.actor, unit)
    if req.status == "approved":
        return (f"✅ Đã ghi nhận bạn là đầu mối của {unit.name}. Bot sẽ nhắc hạn riêng cho bạn khi nhóm của đơn vị "
                "không nhận được tin (hoặc đơn vị chưa có nhóm). Gõ /han để xem các hạn, /danop khi đã nộp.")
    mine = Reply(f"⏳ Đã gửi yêu cầu làm đầu mối của {unit.name} tới quản trị viên Sở Nội vụ (mã {req.code}). "
                 "Bot sẽ báo bạn khi yêu cầu được duyệt; trong lúc chờ, bạn chưa xác nhận nộp thay đơn vị được.")
    if req.status == "waiting":
        return [mine]
    ask = Reply(f"📝 Yêu cầu làm đầu mối: {req.name} ({req.channel}:{req.user_id}) xin làm đầu mối của {unit.name} "
                f"(mã {req.code}).",
                buttons=(Button("✅ Duyệt", f"dk:ok:{req.code}"), Button("✖️ Từ chối", f"dk:no:{req.code}")),
                fallback_hint=f"Duyệt: /duyet {req.code} · Từ chối: /tuchoi {req.code}", to_admins=True)
    return [mine, ask]


def register_focal_point(ctx: Context, unit: Unit) -> str:
    """The sender, in a private chat, becomes an approved focal point of `unit` (onboarding links and codes)."""
    done = reg.register_focal_point(ctx.session, ctx.now(), ctx.actor, unit)
    state = "Đã ghi nhận" if done.created else "Đã cập nhật"
    return (f"✅ {state} bạn là đầu mối của {done.unit}. Bot sẽ nhắc hạn riêng cho bạn khi nhóm của đơn vị "
            "không nhận được tin (hoặc đơn vị chưa có nhóm). Gõ /han để xem các hạn, /danop khi đã nộp.")


@command("donvi", "Danh sách đơn vị và nhóm của đơn vị (quản trị viên: thêm, xóa)", usage="/donvi [them|bidanh|xoa …]",
         verbs={"them": unit_cases.ADD_UNIT, "bidanh": unit_cases.ADD_ALIAS, "xoa": unit_cases.REMOVE_UNIT},
         refusal="Thêm, sửa, xóa đơn vị là việc của quản trị viên (Sở Nội vụ). Yêu cầu đã được ghi lại.", order=23)
async def units(ctx: Context) -> Reply | str:
    verb, _, rest = ctx.args.partition(" ")
    verb = fold(verb)
    if not verb:
        return _listing(ctx)
    if verb not in ("them", "bidanh", "xoa"):  # a non-admin's verb was refused by the router (the command's verbs)
        return DONVI_USAGE
    parts = [p.strip() for p in rest.split("|")]
    try:
        if verb == "them":
            if len(parts) == 1 and parts[0]:
                return (f"Thiếu loại đơn vị của «{parts[0][:100]}»: ghi «sở» hoặc «xã» sau dấu |, ví dụ: "
                        f"/donvi them {parts[0][:100]} | sở. Chưa thêm gì.")
            if len(parts) < 2 or not parts[0] or len(parts) > 3:
                return DONVI_USAGE
            type_ = parse_unit_type(parts[1])
            if type_ == "huyen":
                return "Cấp huyện không còn từ 01/7/2025 (Luật 72/2025/QH15): chỉ thêm sở/ban/ngành hoặc UBND cấp xã."
            if type_ is None:
                return f"Loại đơn vị «{parts[1][:50]}» không hợp lệ: ghi «sở» hoặc «xã».\n{DONVI_USAGE}"
            aliases = [a for a in (parts[2].split(",") if len(parts) > 2 else []) if a.strip()]
            unit = unit_cases.add_unit(ctx.session, ctx.now(), ctx.actor, parts[0], type_, aliases)
            return f"✅ Đã thêm {unit.name} ({TYPE_LABELS[type_]})."
        if verb == "bidanh":
            if len(parts) != 2 or not parts[1]:
                return DONVI_USAGE
            unit = unit_cases.add_alias(ctx.session, ctx.now(), ctx.actor, parts[0], parts[1])
            return f"✅ {unit.name} có thêm bí danh «{parts[1]}»."
        found = unit_cases.find_unit_named(ctx.session, rest.strip())
        groups = [c for c in unit_chats(ctx.session, found.id) if c.kind == "group"]
        return confirm.ask(ctx, "remove_unit", {"name": found.name},
                           f"Ngừng theo dõi {found.name}? Đơn vị sẽ không được nhắc hạn nữa và không còn trong "
                           f"/tinhhinh; {len(groups)} nhóm của đơn vị được gỡ liên kết; lịch sử xác nhận được giữ.",
                           question="Ngừng theo dõi đơn vị này?")
    except NotFound as e:
        return _hint(e)
    except ValueError as e:
        return str(e)


@confirm.action("remove_unit")
async def _do_remove_unit(ctx: Context, payload: dict) -> str:
    unit = unit_cases.remove_unit(ctx.session, ctx.now(), ctx.actor, payload["name"])
    return f"🗑 Đã ngừng theo dõi {unit.name}; các nhóm của đơn vị được gỡ liên kết."


def _listing(ctx: Context) -> str:
    all_units = list_units(ctx.session)
    if not all_units:
        return "Chưa có đơn vị nào." + (" Thêm bằng /donvi them <tên> | <loại> | <bí danh>." if ctx.is_admin else "")
    lines = [f"Các đơn vị ({len(all_units)}):"]
    for u in all_units:
        chats = [c for c in unit_chats(ctx.session, u.id) if c.kind == "group"]
        groups = ", ".join(f"{c.title or c.chat_id} ({c.channel}{'' if c.active else ', không gửi được'})" for c in chats)
        fps = focal_points(ctx.session, u.id)
        approved = sum(f.status == "approved" for f in fps)
        waiting = sum(f.status == "pending" for f in fps)  # not reachable yet: not counted as focal points
        alias = f" [{', '.join(u.aliases)}]" if u.aliases else ""
        lines.append(f"• {u.name}{alias} — {TYPE_LABELS.get(u.type, u.type)}; nhóm: {groups or 'chưa có'}; "
                     f"đầu mối: {approved}" + (f" (+{waiting} chờ duyệt)" if waiting else ""))
    if ctx.is_admin:
        lines += ["", DONVI_USAGE]
    return "\n".join(lines)
