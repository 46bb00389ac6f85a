"""QA on Telegram (fast fake Bot API): a focal point of two units without a group is reminded 1:1 for both."""
from __future__ import annotations

from scheduler.service import ReminderService
from tests.loop.test_focal_point_of_two_units import at, seed


async def test_telegram_focal_point_of_two_units_is_reminded(app, clock, tg, fake, db):
    seed(db, "telegram", "555")
    service = ReminderService(app)
    clock.set(at(3))
    service.replan()
    await service.tick()
    text = fake.sent(555)[-1]["text"]
    assert "Đơn vị: Sở Tư pháp, Sở Y tế" in text
