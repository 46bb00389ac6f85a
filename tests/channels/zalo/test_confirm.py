"""Req 1, 2 on Zalo (fake Bot Platform): typed phrases in the group and privately, approval by typed codes."""
from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.channels.zalo import ZaloChannel
from bot.core.clock import FixedClock
from scheduler.models import Acknowledgement, Chat
from scheduler.repo import create_deadline
from scheduler.units import add_unit
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.channels.zalo.test_commands import MENTION, at, say


def seed(app: App) -> None:
    with app.db.session() as s:
        a = add_unit(s, "Sở Tư pháp", "so")
        b = add_unit(s, "Sở Tài chính", "so")
        s.add(Chat(channel="zalo", chat_id="zg1", kind="group", title="Nhóm", active=True, unit_id=a.id))
        s.add(Chat(channel="zalo", chat_id="zg2", kind="group", title="Nhóm", active=True, unit_id=b.id))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=at(1, 0).replace(month=11),
                        by="test")


def acks(app: App) -> list[tuple[int, str, str]]:
    with app.db.session() as s:
        return [(a.unit_id, a.by_user, a.note) for a in s.scalars(select(Acknowledgement))]


async def test_typed_phrases_on_zalo_in_a_group_and_privately_after_approval(
        zapp: App, zalo: ZaloChannel, fake: FakeZalo, clock: FixedClock):
    seed(zapp)
    await zalo.start(zapp)
    clock.set(at(3, 9))
    answer = await say(fake, f"{MENTION} đã gửi báo cáo, số 12/BC-STP", chat="zg1", user="m1", group=True)
    assert "Đã ghi nhận: Sở Tư pháp đã nộp «Báo cáo năm»" in answer and "số 12/BC-STP" in answer
    assert acks(zapp) == [(1, "m1", "12/BC-STP")]

    before = len(fake.sent())
    answer = await say(fake, "dang ky so tai chinh", chat="fp2", user="fp2")
    assert "Đã gửi yêu cầu" in answer
    await fake.wait_sent(before + 2)
    answer = await say(fake, "nop roi", chat="fp2", user="fp2")
    assert "đang chờ quản trị viên duyệt" in answer and len(acks(zapp)) == 1
    code = fake.sent("boss")[-1].split("/duyet ")[1].split()[0]
    before = len(fake.sent())
    await say(fake, f"/duyet {code}", chat="boss", user="boss")
    await fake.wait_sent(before + 2)
    answer = await say(fake, "nop roi", chat="fp2", user="fp2")
    assert "Đã ghi nhận: Sở Tài chính đã nộp" in answer and (2, "fp2", "") in acks(zapp)
