"""Over the wire: files and pictures through the channel port — /lich's .ics as a document with its caption,
a PNG as a photo, a long text sent before its file."""
from __future__ import annotations

import base64
from datetime import datetime

from icalendar import Calendar

from bot.core.clock import VN_TZ
from bot.core.messages import OutgoingFile, Reply
from scheduler.models import Chat
from scheduler.repo import create_deadline
from scheduler.units import add_unit

GROUP = -400200377
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAfbLI3wAAAABJRU5ErkJggg==")


def uploads(calls: list[dict], method: str) -> list[dict]:
    return [c["params"] for c in calls if c["method"] == method]


async def test_lich_sends_the_units_calendar_as_an_ics_document(live, emulator, app, clock):
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ))
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so")
        s.add(Chat(channel="telegram", chat_id=str(GROUP), kind="group", title="Nhóm STP", active=True,
                   unit_id=unit.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["so"], leads=[7, 3]), at=clock.now(), by="test")
    await emulator.say("/lich", chat_id=GROUP, user_id=71)
    [message] = await emulator.wait_messages(GROUP)
    assert message["document"]["file_name"] == "han-cchc-so-tu-phap.ics"
    assert "Lịch hạn nộp" in message["caption"] and "4 hạn" in message["caption"]
    [sent] = uploads(await emulator.calls(), "sendDocument")
    calendar = Calendar.from_ical(base64.b64decode(sent["document"]["content_base64"]))
    events = [e for e in calendar.walk("VEVENT")]
    assert len(events) == 4 and all("Báo cáo CCHC quý" in str(e["summary"]) for e in events)


async def test_a_picture_goes_as_a_photo_and_a_long_text_before_its_file(live, emulator):
    await live.send("565", Reply("Biểu đồ tình hình nộp báo cáo", files=(OutgoingFile("bieu-do.png", PNG, "image/png",
                                                                                    picture=True),)))
    long = "Danh sách đơn vị chưa nộp:\n" + "\n".join(f"{i}. UBND xã số {i}" for i in range(1, 120))
    await live.send("565", Reply(long, files=(OutgoingFile("tinh-hinh.xlsx", b"PK\x03\x04 demo",
                                                           "application/vnd.openxmlformats-officedocument."
                                                           "spreadsheetml.sheet"),)))
    calls = await emulator.calls()
    [photo] = uploads(calls, "sendPhoto")
    assert photo["caption"] == "Biểu đồ tình hình nộp báo cáo"
    assert base64.b64decode(photo["photo"]["content_base64"]) == PNG
    [document] = uploads(calls, "sendDocument")
    assert not document.get("caption") and document["document"]["file_name"] == "tinh-hinh.xlsx"
    texts = [c["params"]["text"] for c in calls if c["method"] == "sendMessage"]
    assert texts and texts[0].startswith("Danh sách đơn vị chưa nộp:")
