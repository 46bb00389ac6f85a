"""Req 1, 2, 7: confirming by phrase, reply, button and /danop; who may; report numbers; undo; approval; clusters."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.core.clock import VN_TZ
from bot.core.ports import Capabilities
from scheduler.models import Acknowledgement, Chat, Delivery
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_focal_point, add_unit
from tests.builders import admin_msg, msg


def at(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def seed(app, *, cluster: bool = False) -> None:
    with app.db.session() as s:
        a = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        b = add_unit(s, "Sở Tài chính", "so", ["STC"])
        chat = Chat(channel="fake", chat_id="g1", kind="group", title="Nhóm", active=True, unit_id=a.id)
        s.add(chat)
        s.add(Chat(channel="fake", chat_id="g2", kind="group", title="STC", active=True, unit_id=b.id))
        s.flush()
        if cluster:
            from scheduler.units import add_to_cluster
            s.query(Chat).filter_by(chat_id="g2").delete()
            add_to_cluster(s, chat, b, by="test", at=app.clock.now())
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=at(2026, 11, 1), by="test")


def acks(app) -> list[tuple[int, str, str]]:
    with app.db.session() as s:
        return [(a.unit_id, a.by_user, a.note) for a in s.scalars(select(Acknowledgement))]


async def one(app, m) -> str:
    [reply] = await app.handle(m)
    return reply.text


@pytest.mark.parametrize("phrase", ["đã nộp", "Da nop", "đã gửi báo cáo", "đã gửi", "nộp rồi", "Đã nộp rồi ạ"])
async def test_typed_phrases_confirm_in_the_group(app, clock, phrase):
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    text = await one(app, msg(phrase, chat="g1", kind="group", user="m1"))
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm» — Năm 2026" in text and "Người m1" in text
    assert acks(app) == [(1, "m1", "")]


async def test_a_question_is_not_a_confirmation(app, clock):
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    assert await app.handle(msg("đã nộp chưa?", chat="g1", kind="group")) == []
    assert acks(app) == []


async def test_a_report_number_is_stored_and_shown(app, clock):
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    text = await one(app, msg("đã nộp, số 123/BC-STP", chat="g1", kind="group", user="m1"))
    assert "số 123/BC-STP" in text
    assert acks(app) == [(1, "m1", "123/BC-STP")]
    status = await one(app, admin_msg("/tinhhinh bcn"))
    assert "123/BC-STP" in status


async def test_a_reply_to_the_reminder_confirms_its_period(app, clock, channel):
    seed(app)
    clock.set(at(2026, 12, 3, 8))
    await ReminderService(app).tick()
    sent = next(m for m in channel.sent if m.chat_id == "g1")
    text = await one(app, msg("nộp rồi nhé", chat="g1", kind="group", mentioned=True, reply_to=sent.message_id))
    assert "Đã ghi nhận" in text and acks(app) == [(1, "u1", "")]


async def test_private_requests_wait_for_approval_before_confirming(app, clock, channel):
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    mine, ask = await app.handle(msg("/dangky Sở Tư pháp", chat="p9", user="p9"))
    assert "chờ" in mine.text or "Bot sẽ báo" in mine.text
    text = await one(app, msg("đã nộp", chat="p9", user="p9"))
    assert "đang chờ quản trị viên duyệt" in text and acks(app) == []
    code = ask.fallback_hint.split("/tuchoi ")[1]
    [refused] = await app.handle(admin_msg(f"/tuchoi {code}"))  # the requester is told through the outbox
    assert "Đã từ chối" in refused.text and "chưa được duyệt" in channel.texts("p9")[-1]
    assert "chưa gắn với đơn vị" in await one(app, msg("đã nộp", chat="p9", user="p9"))
    mine, ask = await app.handle(msg("/dangky Sở Tư pháp", chat="p9", user="p9"))
    code = ask.fallback_hint.split("/tuchoi ")[1]
    await app.handle(admin_msg(f"/duyet {code}"))
    assert "Đã ghi nhận" in await one(app, msg("đã nộp", chat="p9", user="p9"))


async def test_only_focal_points_may_confirm_in_groups_under_the_focal_policy(settings, clock, channel, db):
    app = build_app(replace(settings, confirm_policy="focal"), clock=clock, channels={"fake": channel}, db=db)
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    text = await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "chưa xác nhận nộp thay Sở Tư pháp được" in text and "đầu mối đã được duyệt" in text
    with app.db.session() as s:
        from scheduler.models import Unit
        add_focal_point(s, s.get(Unit, 1), "fake", "m1", "Chị Lan", None)
    assert "Đã ghi nhận" in await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))


async def test_undo_by_the_confirmer_or_an_admin_only(app, clock, channel):
    seed(app)
    service = ReminderService(app)
    clock.set(at(2026, 12, 3, 9))
    await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "Chỉ Người m1" in await one(app, msg("/huynop", chat="g1", kind="group", user="m2"))
    assert "Đã hủy xác nhận" in await one(app, msg("/huynop bcn", chat="g1", kind="group", user="m1"))
    assert acks(app) == []
    clock.set(at(2026, 12, 7, 8, 1))
    await service.tick()
    assert any(m.chat_id == "g1" for m in channel.sent)  # reminded again
    await one(app, msg("đã nộp", chat="g1", kind="group", user="m1"))
    assert "Đã hủy" in await one(app, admin_msg("/huynop bcn Sở Tư pháp"))


async def test_a_cluster_group_confirms_each_unit_for_itself(app, clock, channel):
    seed(app, cluster=True)
    service = ReminderService(app)
    clock.set(at(2026, 12, 3, 8))
    assert await service.tick() == 1  # one reminder for the two units of the group
    reminder = channel.sent[-1].reply
    assert "Sở Tư pháp" in reminder.text and "Sở Tài chính" in reminder.text
    ask = (await app.handle(msg("đã nộp", chat="g1", kind="group", user="m1")))[0]
    assert "nhiều đơn vị" in ask.text and len(ask.buttons) == 2 and acks(app) == []
    text = await one(app, msg("đã nộp Sở Tài chính", chat="g1", kind="group", user="m1"))
    assert "Sở Tài chính đã nộp" in text and acks(app) == [(2, "m1", "")]
    clock.set(at(2026, 12, 7, 8))
    assert await service.tick() == 1
    assert "Sở Tư pháp" in channel.sent[-1].reply.text and "Sở Tài chính" not in channel.sent[-1].reply.text
    button = next(b for b in ask.buttons if "Tư pháp" in b.label)
    press = await one(app, msg(callback=button.data, chat="g1", kind="group", user="m2"))
    assert "Sở Tư pháp" in press and "Người m2" in press
    clock.set(at(2026, 12, 9, 8))
    assert await service.tick() == 0  # both confirmed: nothing more


async def test_a_button_on_a_cluster_reminder_asks_which_unit(app, clock, channel):
    seed(app, cluster=True)
    clock.set(at(2026, 12, 3, 8))
    await ReminderService(app).tick()
    sent = channel.sent[-1]
    r = (await app.handle(msg(callback=sent.reply.buttons[0].data, chat="g1", kind="group", message_id=sent.message_id)))[0]
    assert "Đơn vị nào" in r.text and len(r.buttons) == 2


async def test_typed_phrase_on_a_channel_without_buttons_in_a_group_not_addressed(app, clock, channel):
    channel.capabilities = Capabilities(bare_commands=True)
    seed(app)
    clock.set(at(2026, 12, 3, 9))
    assert "Đã ghi nhận" in await one(app, msg("da nop", chat="g2", kind="group", mentioned=True))
    with app.db.session() as s:
        assert s.scalar(select(Delivery.status).where(Delivery.unit_id == 2)) in (None, "skipped")


def test_generated_codes_are_short_enough_to_type():
    from scheduler.repo import short_code
    assert short_code("Báo cáo CCHC quý") == "bc-cchc-quy"
    assert short_code("Báo cáo tình hình kiểm soát TTHC") == "bc-tthc"
    assert all(len(short_code(t)) <= 12 for t in ("Kế hoạch cải cách hành chính năm 2027 của UBND tỉnh", "x"))
    # QA #16 / #33: the report's kind and period, not initials ('bct' for both "Báo cáo tháng" and "Báo cáo tuần")
    assert (short_code("Báo cáo tháng"), short_code("Báo cáo tuần"), short_code("Báo cáo 6 tháng")) == (
        "bc-thang", "bc-tuan", "bc-6thang")
    assert short_code("Báo cáo kết quả thực hiện", "ngày 10 tháng cuối quý") == "bc-quy"  # the period from the rule
    assert short_code("Báo cáo tổng hợp kết quả kiểm soát TTHC và CCHC quý") == "bc-tthc-quy"  # dropped to fit


async def test_generated_codes_are_unique_and_readable(app):
    from scheduler.repo import create_deadline
    from bot.core.clock import VN_TZ
    from datetime import datetime

    with app.db.session() as s:
        # typed by hand, the same rule and description may be set twice (for the sở, for the xã): not refused
        codes = [create_deadline(s, dict(title=t, rule="ngày 25 hằng tháng", what="Báo cáo tháng gửi Sở Nội vụ",
                                         audience_types=["so"], audience_units=[],
                                         leads=[3], remind_at="08:00"), at=datetime(2026, 12, 1, tzinfo=VN_TZ),
                                 by="test").code for t in ("Báo cáo tháng", "Báo cáo tháng", "Báo cáo tháng")]
    assert codes == ["bc-thang", "bc-thang-2", "bc-thang-3"]


async def test_a_code_is_settable_in_themhan_and_suahan(app):
    [ask] = await app.handle(admin_msg("/themhan Báo cáo tháng | ngày 25 hằng tháng | sở | 3,0 | ma=bct"))
    assert "Mã: bct" in ask.text
    [bad] = await app.handle(admin_msg("/themhan Báo cáo | ngày 25 hằng tháng | sở | ma=qua-dai-qua-muc-12"))
    assert "tối đa 12 ký tự" in bad.text
