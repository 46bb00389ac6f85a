"""Zalo users and the reminder commands over real HTTP: register, /han, "đã nộp" typed any way, acks on either channel."""
from __future__ import annotations

from datetime import datetime

from bot.app import App, build_app
from bot.core.ports import Capabilities
from bot.channels.recording import RecordingChannel
from bot.channels.zalo import ZaloChannel
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from scheduler.models import Acknowledgement, Chat
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit
from tests.builders import msg
from tests.channels.zalo.fake_zalo import FakeZalo

RULE = "ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"
MENTION = "@Trợ lý CCHC"


def at(day: int, hh: int = 8) -> datetime:
    return datetime(2026, 12, day, hh, 0, tzinfo=VN_TZ)


def seed(app: App, groups: dict[str, str] | None = None) -> None:
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        for channel, chat_id in (groups or {}).items():
            s.add(Chat(channel=channel, chat_id=chat_id, kind="group", title="Nhóm CCHC", active=True, unit_id=unit.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC định kỳ", what="Báo cáo kết quả CCHC", rule=RULE,
                                submit_to="Sở Nội vụ", source="Công văn 581/BNV-CCHC", audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=app.clock.now(), by="test")


async def say(fake: FakeZalo, text: str, **kw) -> str:  # type: ignore[no-untyped-def]
    """A user's message through getUpdates; the bot's answer in that chat."""
    chat = kw.get("chat", "u1")
    before = len(fake.sent())
    fake.push(fake.update(text, **kw))
    await fake.wait_sent(before + 1)
    return fake.sent(chat)[-1]


async def test_a_unit_on_zalo_from_registration_to_acknowledgement(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock):
    seed(zapp)
    await zalo.start(zapp)
    clock.set(at(2, 10))
    answer = await say(fake, f"{MENTION} /dangky Sở Tư pháp", chat="zg1", user="boss", group=True)
    assert "Đã đăng ký nhóm" in answer and "Sở Tư pháp" in answer
    before = len(fake.sent())
    answer = await say(fake, "dangky sở tư pháp", chat="fp1", name="Chị Lan")  # bare command, 1:1
    assert "Đã gửi yêu cầu làm đầu mối của Sở Tư pháp" in answer
    await fake.wait_sent(before + 2)  # the admin is asked, with the typed codes (Zalo has no buttons)
    request = fake.sent("boss")[-1]
    code = request.split("/duyet ")[1].split()[0]
    answer = await say(fake, f"duyet {code}", chat="boss", user="boss")
    await fake.wait_sent(before + 4)
    assert "Đã duyệt" in fake.sent("boss")[-1] and "đã duyệt bạn là đầu mối" in fake.sent("fp1")[-1]
    answer = await say(fake, "Hạn", chat="fp1")  # "han" typed with diacritics
    assert "[cchc]" in answer and "chưa xác nhận" in answer

    service = ReminderService(zapp)
    clock.set(at(3))
    assert await service.tick() == 1
    assert "Báo cáo CCHC định kỳ" in fake.sent("zg1")[-1]
    fake.gone_chats.add("zg1")  # then the bot is removed from the group
    clock.set(at(7))
    await service.tick()
    assert "Báo cáo CCHC định kỳ" in fake.sent("fp1")[-1]  # the focal point is reminded 1:1 instead
    assert len(fake.sent("zg1")) == 2  # the registration answer and the first reminder only

    answer = await say(fake, "Đã nộp", chat="fp1")  # "đã nộp" typed as a phrase, capitalised
    assert "Đã ghi nhận" in answer and "Sở Tư pháp" in answer
    clock.set(at(9))
    assert await service.tick() == 0
    clock.set(at(10))
    assert await service.tick() == 0


async def test_an_acknowledgement_on_zalo_stops_the_telegram_reminders_too(
        zalo_settings: Settings, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock, db: Database):
    telegram = RecordingChannel("telegram", Capabilities(buttons=True, mentions=True, edits=True))
    app = build_app(zalo_settings, clock=clock, channels={"telegram": telegram, "zalo": zalo}, db=db)
    seed(app, {"telegram": "-100777", "zalo": "zg1"})
    await zalo.start(app)
    service = ReminderService(app)
    clock.set(at(3))
    assert await service.tick() == 2
    answer = await say(fake, f"{MENTION} da nop", chat="zg1", user="u9", group=True, name="Anh Minh")
    assert "Đã ghi nhận" in answer
    clock.set(at(7))
    assert await service.tick() == 0
    assert len(telegram.texts("-100777")) == 1 and len(fake.sent("zg1")) == 2
    with app.db.session() as s:
        [ack] = s.query(Acknowledgement).all()
        assert (ack.by_channel, ack.by_user) == ("zalo", "u9")


async def test_an_acknowledgement_on_telegram_stops_the_zalo_reminders(
        zalo_settings: Settings, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock, db: Database):
    telegram = RecordingChannel("telegram", Capabilities(buttons=True, mentions=True, edits=True))
    app = build_app(zalo_settings, clock=clock, channels={"telegram": telegram, "zalo": zalo}, db=db)
    seed(app, {"telegram": "-100777", "zalo": "zg1"})
    service = ReminderService(app)
    clock.set(at(3))
    assert await service.tick() == 2
    [reply] = await app.dispatch(msg("/danop cchc", channel="telegram", chat="-100777", user="42", kind="group"))
    assert "Đã ghi nhận" in reply.text
    clock.set(at(7))
    assert await service.tick() == 0
    assert len(fake.sent("zg1")) == 1 and len(telegram.texts("-100777")) == 2  # the reminder and the ack answer
