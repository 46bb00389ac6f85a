"""/dangky in groups and private chats (diacritics-insensitive, did-you-mean) and /donvi."""
from __future__ import annotations

from sqlalchemy import select

from bot.core.models import AuditEntry
from scheduler.models import Chat, FocalPoint, Unit
from tests.builders import admin_msg, msg


async def say(app, m):  # type: ignore[no-untyped-def]
    [reply] = await app.handle(m)
    return reply.text


async def add_units(app):  # type: ignore[no-untyped-def]
    assert "Đã thêm" in await say(app, admin_msg("/donvi them Sở Tư pháp | sở | STP, Tư pháp"))
    assert "Đã thêm" in await say(app, admin_msg("/donvi them UBND xã Tân Lập | xã"))


async def test_group_admin_registers_the_group_without_diacritics(app):
    await add_units(app)
    text = await say(app, msg("/dangky so tu phap", kind="group", chat="g1", title="Nhóm STP", chat_admin=True))
    assert "Đã đăng ký nhóm «Nhóm STP»" in text and "Sở Tư pháp" in text
    with app.db.session() as s:
        chat = s.scalar(select(Chat).where(Chat.chat_id == "g1"))
        assert chat.unit.name == "Sở Tư pháp" and chat.kind == "group" and chat.registered_by == "fake:u1"
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "dangky")).outcome == "ok"


async def test_alias_and_missing_ubnd_prefix_match(app):
    await add_units(app)
    assert "Sở Tư pháp" in await say(app, admin_msg("/dangky STP", kind="group", chat="g1"))
    assert "UBND xã Tân Lập" in await say(app, admin_msg("/dangky xa tan lap", kind="group", chat="g2"))


async def test_near_miss_gets_did_you_mean_and_nothing_stored(app):
    await add_units(app)
    text = await say(app, msg("/dangky Sở Tư phám", kind="group", chat="g1", chat_admin=True))
    assert "Có phải bạn muốn nói: «Sở Tư pháp»" in text and "/dangky Sở Tư pháp" in text
    text = await say(app, msg("/dangky Bộ Quốc phòng", kind="group", chat="g1", chat_admin=True))
    assert "Không tìm thấy" in text
    with app.db.session() as s:
        assert s.scalar(select(Chat).where(Chat.chat_id == "g1")).unit_id is None


async def test_ordinary_member_cannot_register_a_group(app):
    await add_units(app)
    text = await say(app, msg("/dangky Sở Tư pháp", kind="group", chat="g1"))
    assert "quản trị viên" in text
    with app.db.session() as s:
        assert s.scalar(select(Chat).where(Chat.chat_id == "g1")).unit_id is None
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "dangky")).outcome == "denied"


async def test_private_dangky_is_a_request_the_admins_approve(app, channel):
    await add_units(app)
    mine, ask = await app.handle(msg("/dangky Tư pháp", chat="p7", user="u7"))
    assert "chờ" not in mine.text or "đầu mối của Sở Tư pháp" in mine.text
    assert "Đã gửi yêu cầu" in mine.text and ask.to_admins and "/duyet dk" in ask.fallback_hint
    [again] = await app.handle(msg("/dangky Tư pháp", chat="p7", user="u7"))  # asked twice: admins told once
    assert "Đã gửi yêu cầu" in again.text
    with app.db.session() as s:
        fp = s.scalar(select(FocalPoint))
        assert (fp.user_id, fp.private_chat_id, fp.display_name, fp.status) == ("u7", "p7", "Người u7", "pending")
    code = ask.buttons[0].data.split(":")[-1]
    [done] = await app.handle(admin_msg(f"/duyet {code}"))
    assert "Đã duyệt" in done.text and "đã duyệt bạn là đầu mối" in channel.texts("p7")[-1]  # through the outbox
    with app.db.session() as s:
        assert s.scalar(select(FocalPoint)).status == "approved"


async def test_dangky_without_argument_explains(app):
    assert "Cú pháp: /dangky" in await say(app, msg("/dangky"))


async def test_donvi_lists_units_and_groups(app):
    await add_units(app)
    await say(app, admin_msg("/dangky STP", kind="group", chat="g1", title="Nhóm STP"))
    text = await say(app, msg("/donvi"))
    assert "Sở Tư pháp [STP, Tư pháp]" in text and "Nhóm STP (fake)" in text and "/donvi them" not in text
    assert "/donvi them" in await say(app, admin_msg("/donvi"))


async def test_donvi_changes_are_for_admins_only(app):
    text = await say(app, msg("/donvi them Sở X | sở"))
    assert "quản trị viên" in text
    with app.db.session() as s:
        assert s.scalar(select(Unit)) is None
        assert s.scalar(select(AuditEntry)).outcome == "denied"


async def test_donvi_bad_input(app):
    await add_units(app)
    for bad, expected in [
        ("/donvi them", "Cú pháp"),
        ("/donvi them Sở Xây dựng", "Thiếu loại đơn vị của «Sở Xây dựng»"),
        ("/donvi them Sở X | tỉnh ủy", "không hợp lệ"),
        ("/donvi them UBND huyện Y | huyện", "Cấp huyện không còn"),
        ("/donvi them Sở Tư pháp | sở", "đã có"),
        ("/donvi them Sở Z | sở | STP", "đã dùng"),
        ("/donvi xoa Sở Không Có", "Không tìm thấy"),
        ("/donvi bidanh Sở Tư pháp", "Cú pháp"),
        ("/donvi lung tung", "Cú pháp"),
    ]:
        assert expected in await say(app, admin_msg(bad)), bad
    with app.db.session() as s:
        assert len(s.scalars(select(Unit)).all()) == 2


async def test_donvi_alias_and_remove(app):
    await add_units(app)
    assert "bí danh" in await say(app, admin_msg("/donvi bidanh Sở Tư pháp | Sở TP"))
    await say(app, admin_msg("/dangky Sở TP", kind="group", chat="g1"))
    asked = await say(app, admin_msg("/donvi xoa Sở TP"))  # asked first: a unit removed is no longer reminded
    assert asked.startswith("Ngừng theo dõi Sở Tư pháp? Đơn vị sẽ không được nhắc hạn nữa") and "1 nhóm" in asked
    with app.db.session() as s:
        assert s.scalar(select(Unit).where(Unit.name == "Sở Tư pháp")).active
    assert "Đã hủy" in await say(app, admin_msg("hủy"))
    await say(app, admin_msg("/donvi xoa Sở TP"))
    assert "Đã ngừng theo dõi Sở Tư pháp" in await say(app, admin_msg("đồng ý"))
    with app.db.session() as s:
        assert s.scalar(select(Chat).where(Chat.chat_id == "g1")).unit_id is None
        assert not s.scalar(select(Unit).where(Unit.name == "Sở Tư pháp")).active


async def test_the_listing_counts_approved_focal_points_only(app):
    """QA: a pending /dangky was counted as a focal point ("đầu mối: 1") while /tinhhinh said nobody is reachable."""
    from tests.builders import admin_msg, msg

    await app.handle(admin_msg("/donvi them UBND xã Hòa Bình | xã"))
    await app.handle(msg("/dangky xa hoa binh", chat="u7", user="u7"))
    [listing] = await app.handle(admin_msg("/donvi"))
    assert "UBND xã Hòa Bình — UBND cấp xã; nhóm: chưa có; đầu mối: 0 (+1 chờ duyệt)" in listing.text
    await app.handle(admin_msg("/duyet dk1"))
    [listing] = await app.handle(msg("/donvi", chat="u8", user="u8"))
    assert "đầu mối: 1\n" in listing.text + "\n" and "chờ duyệt" not in listing.text


async def test_donvi_xoa_typed_on_zalo_asks_then_removes(settings, clock, db):
    from dataclasses import replace

    from bot.app import build_app
    from bot.channels.recording import RecordingChannel
    from bot.core.ports import Capabilities
    from tests.builders import msg

    zalo = RecordingChannel("zalo", Capabilities(buttons=False, mentions=False, edits=False, bare_commands=True))
    app = build_app(replace(settings, admin_ids={"zalo": frozenset({"zb"})}), clock=clock, channels={"zalo": zalo},
                    db=db)
    await say(app, msg("donvi them Sở Tư pháp | sở", channel="zalo", user="zb", chat="zb"))
    assert "Ngừng theo dõi Sở Tư pháp?" in await say(app, msg("donvi xoa so tu phap", channel="zalo", user="zb",
                                                                 chat="zb"))
    assert "Đã ngừng theo dõi Sở Tư pháp" in await say(app, msg("đồng ý", channel="zalo", user="zb", chat="zb"))
    with app.db.session() as s:
        assert not s.scalar(select(Unit).where(Unit.name == "Sở Tư pháp")).active
