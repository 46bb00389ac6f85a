"""/tinhhinh <mã> excel|bieudo on Telegram: the export goes as a document and the chart as a photo (fast Bot API fake)."""
from __future__ import annotations

from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import SUPER, fake, feed, tg, tg_settings  # noqa: F401  (fixtures)
from tests.desk.helpers import seed_status


async def test_export_and_chart_reach_a_telegram_admin(app, tg, fake, clock):  # type: ignore[no-untyped-def]  # noqa: F811
    seed_status(app.db, clock.now())
    await feed(tg, u.text_update("/tinhhinh cchc-quy excel", chat_id=SUPER, user_id=SUPER))
    [doc] = await fake.wait_for("sendDocument")
    await feed(tg, u.text_update("/tinhhinh cchc-quy bieudo", chat_id=SUPER, user_id=SUPER))
    [photo] = await fake.wait_for("sendPhoto")
    assert doc["chat_id"] == SUPER and "Bảng Excel tình hình" in doc["caption"]
    assert "Biểu đồ tình hình" in photo["caption"]
    assert not fake.of("sendMessage")  # the caption is the message
