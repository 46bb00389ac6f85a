"""Deadline commands in chat: adding with confirmation, /han, /danop, the ✅ button, /tinhhinh, /nhacngay, /caidat."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.core.ports import Capabilities
from bot.core.clock import VN_TZ
from bot.core.models import AuditEntry
from scheduler.models import Acknowledgement, Deadline, PendingAction
from scheduler.service import ReminderService
from tests.builders import admin_msg, msg
from tests.scheduler.test_engine import seed


async def say(app, m):  # type: ignore[no-untyped-def]
    replies = await app.handle(m)
    assert replies, m.text
    return replies[-1]


def count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


async def test_themhan_restates_and_saves_only_after_confirmation(app):
    seed(app)
    r = await say(app, admin_msg("/themhan Báo cáo PCI | truoc ngay 15/12 hang nam | Sở Tư pháp | 5,1"))
    assert "hạn cuối: 14/12" in r.text and "Sở Tư pháp" in r.text and "Thứ Hai, 14/12/2026" in r.text
    assert "nhắc ngày 09/12, 11/12" in r.text
    assert [b.data[:3] for b in r.buttons] == ["ok:", "no:"] and all(len(b.data.encode()) <= 64 for b in r.buttons)
    assert count(app, Deadline) == 1
    done = await say(app, admin_msg(callback=r.buttons[0].data))
    assert done.replace_origin and "mã bc-pci-nam" in done.text
    with app.db.session() as s:
        d = s.scalar(select(Deadline).where(Deadline.code == "bc-pci-nam"))
        assert d.leads == [5, 1] and d.audience_units and d.audience_types == []
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "add_deadline")).outcome == "ok"
    again = await say(app, admin_msg(callback=r.buttons[0].data))
    assert "Không tìm thấy" in again.text and count(app, Deadline) == 2


async def test_typed_confirmation_where_there_are_no_buttons(app, channel):
    channel.capabilities = Capabilities(bare_commands=True)
    seed(app)
    r = await say(app, admin_msg("/xoahan cchc"))
    assert "/xacnhan " in r.fallback_hint and "/huy " in r.fallback_hint
    token = r.fallback_hint.split("/xacnhan ")[1].split()[0]
    assert "chỉ dành cho" in (await say(app, msg(f"/xacnhan {token}", user="u5"))).text
    r2 = await say(app, admin_msg(f"/huy {token}"))
    assert "Đã hủy" in r2.text and count(app, PendingAction) == 0
    r = await say(app, admin_msg("/xoahan cchc"))
    token = r.fallback_hint.split("/xacnhan ")[1].split()[0]
    assert "Đã xóa" in (await say(app, admin_msg(f"/xacnhan {token}"))).text
    with app.db.session() as s:
        assert s.scalar(select(Deadline)).active is False


async def test_confirmation_belongs_to_the_admin_who_asked(app, clock):
    from bot.core.admins import grant_admin

    seed(app)
    with app.db.session() as s:
        grant_admin(s, "fake", "u2", by="boss", at=clock.now())
    r = await say(app, admin_msg("/xoahan cchc"))
    other = await say(app, msg(callback=r.buttons[0].data, user="u2"))
    assert "Không tìm thấy" in other.text
    with app.db.session() as s:
        assert s.scalar(select(Deadline)).active is True


async def test_suahan_changes_fields_after_confirmation(app):
    seed(app)
    r = await say(app, admin_msg("/suahan cchc quytac=ngày 15 tháng cuối quý nhactruoc=5,1 gio=09:30"))
    assert "Quý IV" in r.text or "15/12" in r.text
    await say(app, admin_msg(callback=r.buttons[0].data))
    with app.db.session() as s:
        d = s.scalar(select(Deadline))
        assert (d.rule, d.leads, d.remind_at) == ("ngày 15 tháng cuối quý", [5, 1], "09:30")


async def test_han_for_a_unit_group_and_for_admins(app):
    seed(app)
    r = await say(app, msg("/han", kind="group", chat="g1"))
    assert "Sở Tư pháp" in r.text and "[cchc]" in r.text and "còn 15 ngày" in r.text and "chưa xác nhận" in r.text
    r = await say(app, admin_msg("/han"))
    assert "0/2 đơn vị đã nộp" in r.text
    r = await say(app, msg("/han", chat="nobody"))
    assert "/dangky" in r.text


async def test_danop_acknowledges_and_stops_reminders(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    assert await service.tick() == 2
    r = await say(app, msg("/danop", kind="group", chat="g1", user="fp"))
    assert "Đã ghi nhận" in r.text and "Sở Tư pháp" in r.text
    again = await say(app, msg("/danop cchc", kind="group", chat="g1", user="fp2"))
    assert "đã được xác nhận nộp" in again.text and "Người fp," in again.text  # who and when, not a second ack
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=VN_TZ))
    assert await service.tick() == 1
    assert channel.sent[-1].chat_id == "g2"


async def test_danop_phrase_on_bare_command_channels(app, channel):
    channel.capabilities = Capabilities(bare_commands=True)
    seed(app)
    r = await say(app, msg("Da nop", kind="group", chat="g2"))
    assert "UBND xã Tân Lập" in r.text and "Đã ghi nhận" in r.text
    assert count(app, Acknowledgement) == 1


async def test_ack_button_edits_the_reminder(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    await service.tick()
    sent = next(m for m in channel.sent if m.chat_id == "g1")
    clock.set(datetime(2026, 12, 3, 9, 15, tzinfo=VN_TZ))
    r = await say(app, msg(callback=sent.reply.buttons[0].data, kind="group", chat="g1", user="fp",
                           message_id=sent.message_id))
    assert r.replace_origin and not r.buttons
    assert r.text.startswith(sent.reply.text)
    assert r.text.endswith("✅ Người fp đã xác nhận nộp lúc 09:15 03/12/2026")
    r2 = await say(app, msg(callback=sent.reply.buttons[0].data, kind="group", chat="g1", user="fp3",
                            message_id=sent.message_id))
    assert "đã được Người fp xác nhận" in r2.text


async def test_ack_button_from_a_chat_without_a_unit(app):
    seed(app)
    service = ReminderService(app)
    service.replan()
    r = await say(app, msg(callback="ack:1", chat="stranger"))
    assert "/dangky" in r.text and count(app, Acknowledgement) == 0
    r = await say(app, msg(callback="ack:999999", chat="g1", kind="group"))
    assert "không còn" in r.text


async def test_tinhhinh_lists_who_has_and_has_not_confirmed(app):
    seed(app)
    await say(app, msg("/danop", kind="group", chat="g2", user="x"))
    r = await say(app, admin_msg("/tinhhinh cchc"))
    assert "1/2 đơn vị đã nộp" in r.text
    assert "✅ UBND xã Tân Lập — Người x" in r.text and "⏳ Sở Tư pháp" in r.text
    r = await say(app, admin_msg("/tinhhinh"))
    assert "[cchc]" in r.text and "1/2" in r.text


async def test_nhacngay_sends_now(app, channel):
    seed(app)
    r = await say(app, admin_msg("/nhacngay cchc"))
    assert "Đã gửi 2" in r.text
    assert {m.chat_id for m in channel.sent if "Nhắc hạn" in m.reply.text} == {"g1", "g2"}


async def test_caidat_lists_then_installs_with_confirmation(app):
    r = await say(app, admin_msg("/caidat"))
    assert "/caidat cchc" in r.text and "/caidat 7946" in r.text and count(app, Deadline) == 0
    r = await say(app, admin_msg("/caidat 7946"))
    assert "30/01" in r.text and "28/02" in r.text and "7946/UBND-NCPC" in r.text and count(app, Deadline) == 0
    done = await say(app, admin_msg(callback=r.buttons[0].data))
    assert "kh-cchc-so" in done.text and "kh-cchc-xa" in done.text
    r = await say(app, admin_msg("/caidat cchc 15"))
    assert "ngày 15" in r.text
    await say(app, admin_msg(callback=r.buttons[0].data))
    with app.db.session() as s:
        codes = {d.code: d for d in s.scalars(select(Deadline))}
    assert set(codes) == {"kh-cchc-so", "kh-cchc-xa", "cchc-donvi", "cchc-tinh"}
    assert codes["cchc-donvi"].rule.startswith("chậm nhất ngày 15 ")
    assert codes["cchc-tinh"].rule.startswith("chậm nhất ngày 20 ") and codes["cchc-tinh"].audience_units
    assert "huyen" not in codes["kh-cchc-xa"].audience_types
