"""QA on Telegram: a group registered again (/dangky) for another unit is reminded for that unit from then on."""
from __future__ import annotations

from datetime import datetime

from bot.core.clock import VN_TZ
from scheduler.service import ReminderService
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import SUPER, feed
from tests.channels.telegram.fake_api import BOT_USERNAME
from tests.loop.test_group_moved_to_another_unit import seed

GROUP = -500990


async def test_telegram_group_moved_to_another_unit(app, clock, tg, fake):
    seed(app)
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 2, 10, tzinfo=VN_TZ))
    now = int(clock.now().timestamp())
    await feed(tg, u.text_update(f"/dangky@{BOT_USERNAME} Sở Tư pháp", chat_id=GROUP, user_id=SUPER, date=now,
                                 title="Nhóm CCHC"))
    assert "nhóm đầu mối của Sở Tư pháp" in fake.sent(GROUP)[-1]["text"]
    clock.set(datetime(2026, 12, 3, 8, 1, tzinfo=VN_TZ))
    service.replan()
    await service.tick()
    assert "• Đơn vị: Sở Tư pháp" in fake.sent(GROUP)[-1]["text"]
    await feed(tg, u.text_update(f"/dangky@{BOT_USERNAME} Sở Y tế", chat_id=GROUP, user_id=SUPER,
                                 date=int(clock.now().timestamp()), title="Nhóm CCHC"))
    assert "nhóm đầu mối của Sở Y tế" in fake.sent(GROUP)[-1]["text"]
    service.replan()
    clock.set(datetime(2026, 12, 7, 8, 1, tzinfo=VN_TZ))
    service.replan()
    await service.tick()
    last = fake.sent(GROUP)[-1]["text"]
    assert "• Đơn vị: Sở Y tế" in last and "Sở Tư pháp" not in last
