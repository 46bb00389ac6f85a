"""/tinhhinh on the console and on Telegram (fast Bot API fake): the counts first, long lists split in whole lines."""
from __future__ import annotations

import io
from datetime import datetime

from bot.channels.console import ConsoleChannel
from bot.core.clock import VN_TZ
from scheduler.repo import create_deadline
from scheduler.units import add_unit
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import SUPER, fake, feed, tg, tg_settings  # noqa: F401  (fixtures)
from tests.loop.test_status import seed


async def test_console_tinhhinh(app):
    seed(app)
    out = io.StringIO()
    console = ConsoleChannel(out)
    app.channels["console"] = console
    lines = iter(["/tinhhinh bcq", "/tinhhinh", "/thoat"])
    await console.run(app, read_line=lambda: next(lines))
    text = out.getvalue()
    assert "Sở/ban/ngành 0/2 · UBND cấp xã 0/3 — 0/5 đơn vị đã nộp" in text
    assert "⏳ Sở Y tế — ⚠️ chưa có nhóm/đầu mối" in text
    assert text.index("⏳ UBND xã Số 2") < text.index("⏳ UBND xã Số 10")
    assert "Chi tiết: /tinhhinh <mã>" in text


async def test_telegram_tinhhinh_for_a_province_comes_in_whole_lines(app, tg, fake):  # noqa: F811
    with app.db.session() as s:
        for i in range(1, 103):
            add_unit(s, f"UBND xã Số {i}", "xa")
        for i in range(1, 21):
            add_unit(s, f"Sở Số {i}", "so")
        create_deadline(s, dict(code="bcq", title="Báo cáo quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["so", "xa"], leads=[7, 3, 1, 0]),
                        at=datetime(2026, 11, 1, tzinfo=VN_TZ), by="test")
    await feed(tg, u.text_update("/tinhhinh bcq", chat_id=SUPER, user_id=SUPER))
    sent = [m["text"] for m in fake.sent(SUPER)]
    assert len(sent) >= 2 and all(len(t) <= 4096 for t in sent)
    assert sent[0].splitlines()[0] == "Sở/ban/ngành 0/20 · UBND cấp xã 0/102 — 0/122 đơn vị đã nộp"
    every = "\n".join(sent).splitlines()
    assert "⏳ Sở Số 2 — ⚠️ chưa có nhóm/đầu mối" in every and "⏳ UBND xã Số 100 — ⚠️ chưa có nhóm/đầu mối" in every
    assert every.index("⏳ UBND xã Số 9 — ⚠️ chưa có nhóm/đầu mối") < every.index("⏳ UBND xã Số 10 — ⚠️ chưa có nhóm/đầu mối")
    assert sum(1 for line in every if line.startswith("⏳ ")) == 122
