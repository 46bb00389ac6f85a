"""Req 9 on Zalo (fake Bot Platform over HTTP): no buttons there, so a digest of two deadlines is one message
within Zalo's 2,000 characters that names each deadline's /danop code; typing one confirms that deadline only."""
from __future__ import annotations

from bot.app import App
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from scheduler.service import ReminderService
from tests.builders import acks, seed_two_deadlines_one_day
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.channels.zalo.test_commands import MENTION, at, say


async def test_a_digest_on_zalo_names_each_code_and_each_typed_code_confirms_its_own(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock):
    seed_two_deadlines_one_day(zapp, "zalo", "zg1")
    clock.set(at(3))
    service = ReminderService(zapp)
    assert await service.tick() == 2
    assert await service.tick() == 0
    [digest] = fake.sent("zg1")
    assert digest.startswith("🔔 Hôm nay có 2 báo cáo cần nhắc:") and len(digest) <= 2000
    assert "Báo cáo năm — Năm 2026" in digest and "Báo cáo CCHC định kỳ — Năm 2026" in digest
    assert "bấm nút" not in digest  # nothing to press on Zalo
    assert digest.endswith("Khi đã nộp, gõ /danop <mã>: /danop bcn, /danop cchc.")

    await zalo.start(zapp)
    clock.set(at(3, 9))
    answer = await say(fake, f"{MENTION} /danop cchc", chat="zg1", user="m1", group=True)
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo CCHC định kỳ» — Năm 2026" in answer
    assert "Báo cáo năm" not in answer
    assert [a[1] for a in acks(zapp)] == ["m1"]
    clock.set(at(7))  # only bcn is still owed: its reminder alone, as the single-reminder text
    assert await service.tick() == 1
    single = fake.sent("zg1")[-1]
    assert single.startswith("🔔 Nhắc hạn: Báo cáo năm — Năm 2026") and single.endswith("Gõ /danop bcn khi đã nộp.")
