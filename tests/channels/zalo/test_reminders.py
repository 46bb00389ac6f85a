"""Reminders through the Zalo channel over real HTTP: groups, the 1:1 fallback when a group is gone, Telegram alongside."""
from __future__ import annotations

from datetime import datetime

from bot.app import App, build_app
from bot.core.ports import Capabilities
from bot.channels.recording import RecordingChannel
from bot.channels.zalo import ZaloChannel
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from scheduler.models import Chat, Unit
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_focal_point, add_unit
from tests.channels.zalo.fake_zalo import FakeZalo

RULE = "ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"


def at(day: int, hh: int = 8) -> datetime:
    return datetime(2026, 12, day, hh, 0, tzinfo=VN_TZ)


def seed(app: App, groups: dict[str, str]) -> int:
    """One unit with a registered group per channel ({channel: chat id}) and the CCHC deadline; returns the unit id."""
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        for channel, chat_id in groups.items():
            s.add(Chat(channel=channel, chat_id=chat_id, kind="group", title="Nhóm CCHC Sở Tư pháp",
                       active=True, unit_id=unit.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC định kỳ", what="Báo cáo kết quả CCHC", rule=RULE,
                                submit_to="Sở Nội vụ", source="Công văn 581/BNV-CCHC", audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=app.clock.now(), by="test")
        return unit.id


async def test_reminders_reach_a_zalo_group_once_with_the_typed_acknowledgement(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock):
    seed(zapp, {"zalo": "zg1"})
    service = ReminderService(zapp)
    clock.set(at(3))
    assert await service.tick() == 1
    assert await service.tick() == 0
    [text] = fake.sent("zg1")
    assert "Báo cáo CCHC định kỳ" in text and "10/12/2026" in text
    assert text.endswith("Gõ /danop cchc khi đã nộp.")  # no buttons on Zalo: the typed form instead
    assert len(text) <= 2000


async def test_a_group_the_bot_cannot_reach_falls_back_to_the_focal_points_private_chat(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock):
    unit_id = seed(zapp, {"zalo": "zg1"})
    await zalo.start(zapp)
    fake.push(fake.update("/start", chat="fp1", name="Chị Lan"))  # the focal point messages the bot once
    await fake.wait_sent(1)
    with zapp.db.session() as s:
        add_focal_point(s, s.get(Unit, unit_id), "zalo", "fp1", "Chị Lan", "fp1")
    fake.gone_chats.add("zg1")  # the bot was removed from the group (Zalo answers 403)
    service = ReminderService(zapp)
    clock.set(at(3))
    await service.tick()
    [reminder] = fake.sent("fp1")[1:]
    assert "Báo cáo CCHC định kỳ" in reminder and "Gõ /danop cchc khi đã nộp." in reminder
    assert fake.sent("zg1") == []
    [notice] = fake.sent("boss")  # the super-admin (ADMIN_IDS zalo:boss) is told
    assert "Nhóm CCHC Sở Tư pháp" in notice and "/dangky" in notice
    with zapp.db.session() as s:
        group = s.query(Chat).filter_by(channel="zalo", chat_id="zg1").one()
        assert not group.active
    clock.set(at(7))  # the next reminder goes straight to the focal point
    assert await service.tick() == 1
    assert len(fake.sent("fp1")) == 3 and fake.sent("zg1") == []


async def test_one_unit_on_telegram_and_zalo_gets_each_reminder_once_per_chat(
        zalo_settings: Settings, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock, db: Database):
    telegram = RecordingChannel("telegram", Capabilities(buttons=True, mentions=True, edits=True))
    app = build_app(zalo_settings, clock=clock, channels={"telegram": telegram, "zalo": zalo}, db=db)
    seed(app, {"telegram": "-100777", "zalo": "zg1"})
    service = ReminderService(app)
    clock.set(at(3))
    assert await service.tick() == 2
    assert await service.tick() == 0
    assert len(telegram.texts("-100777")) == 1 and len(fake.sent("zg1")) == 1
    assert telegram.sent[0].reply.buttons  # Telegram keeps its button; Zalo got the typed hint
    assert fake.sent("zg1")[0].endswith("Gõ /danop cchc khi đã nộp.")
