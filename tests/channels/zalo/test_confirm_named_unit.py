"""QA on Zalo (fake Bot Platform): a member naming another unit confirms nothing; "dạ em nộp xong rồi ạ" confirms."""
from __future__ import annotations

from scheduler.models import FocalPoint
from tests.channels.zalo.test_commands import MENTION, say
from tests.loop.test_confirm_named_unit import acked, at, seed


async def test_zalo_group_and_private(zapp, zalo, fake, clock, db):
    seed(db, "zalo", "zg1")
    with db.session() as s:
        s.add(FocalPoint(unit_id=1, channel="zalo", user_id="zf", display_name="Chị Mai", private_chat_id="zf"))
    await zalo.start(zapp)
    clock.set(at(3))
    answer = await say(fake, f"{MENTION} da nop So Y te", chat="zg1", user="m1", group=True)
    assert "không xác nhận nộp thay «Sở Y tế»" in answer and acked(db) == []
    answer = await say(fake, "dạ em nộp xong rồi ạ", chat="zf", user="zf")
    assert "Đã ghi nhận: Sở Tư pháp đã nộp" in answer and acked(db) == ["Sở Tư pháp"]
