"""Zalo as documented, over real HTTP: getMe without a display name, any @-mention in groups, non-text events,
typed buttons ("xem thêm", "đồng ý", "hủy"), commands in plain words, limits in UTF-16 units."""
from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.split import utf16_len
from bot.channels.zalo import ZaloChannel
from handlers.router import DISCLOSURE
from scheduler.models import Deadline
from scheduler.units import add_unit
from tests.channels.zalo.fake_zalo import FakeZalo

QUESTION = "Kế hoạch CCHC năm phải ban hành chậm nhất ngày nào?"


async def say(fake: FakeZalo, text: str, **kw) -> str:  # type: ignore[no-untyped-def]
    """A user's message through getUpdates; the bot's whole answer in that chat (all its parts)."""
    chat = kw.get("chat", "u1")
    before = len(fake.sent(chat))
    fake.push(fake.update(text, **kw))
    await fake.wait_sent(len(fake.sent()) + 1)
    await CHANNEL[0].idle()
    return "\n".join(fake.sent(chat)[before:])


CHANNEL: list[ZaloChannel] = []


@pytest.fixture
async def started(zapp: App, zalo: ZaloChannel, fake: FakeZalo) -> App:
    with zapp.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so", ["stp"])
    await zalo.start(zapp)
    CHANNEL[:] = [zalo]
    return zapp


@pytest.mark.parametrize("mention", ["@Bot CCHC", "@Trợ lý CCHC", "@cchc", "@Trợ lý Cải cách HC"])
async def test_a_command_after_any_mention_in_a_group_is_that_command(
        started: App, zalo: ZaloChannel, fake: FakeZalo, mention: str):
    assert set(zalo.bot_info) == {"id", "account_name", "account_type", "can_join_groups"}  # as documented
    answer = await say(fake, f"{mention} /dangky Sở Tư pháp", chat="zg1", user="boss", group=True)
    assert "Đã đăng ký nhóm" in answer and "Sở Tư pháp" in answer
    answer = await say(fake, f"{mention} trợ giúp", chat="zg1", user="boss", group=True)
    assert "Các lệnh:" in answer


async def test_a_question_after_a_mention_is_answered_as_a_question(started: App, fake: FakeZalo):
    started.knowledge.ensure_ready()
    answer = await say(fake, f"@Bot CCHC {QUESTION}", chat="zg1", group=True)
    assert "30/01" in answer and "7946/UBND-NCPC" in answer
    assert "Xem thêm" not in answer and "xem thêm" in answer  # the typed form instead of a button


async def test_xem_them_typed_shows_the_last_answers_section(started: App, fake: FakeZalo):
    started.knowledge.ensure_ready()
    answer = await say(fake, QUESTION, chat="fp1")
    section = await say(fake, "xem them", chat="fp1")
    assert "7946/UBND-NCPC" in section and section != answer
    assert "Chưa có câu trả lời" in await say(fake, "Xem thêm", chat="fp2")


@pytest.mark.parametrize("event, fields", [
    ("message.image.received", {"photo_url": "https://photo.zdn.vn/a.jpg"}),
    ("message.image.received", {"photo": "https://photo.zdn.vn/b.jpg"}),  # older copies of the docs
    ("message.sticker.received", {"sticker": "abc"}),
    ("message.unsupported.received", {}),
    ("message.file.received", {"file_name": "bao-cao.docx"}),
])
async def test_non_text_events_get_one_short_line(started: App, fake: FakeZalo, event: str, fields: dict):
    before = len(fake.sent())
    fake.push(fake.event(event, chat="u9", **fields))
    [line] = (await fake.wait_sent(before + 1))[before:]
    # the chat's first reply: the automated-assistant notice first (QA #36), then the one short line
    assert line.startswith(DISCLOSURE + "\n\nTrợ lý chỉ đọc được tin nhắn chữ") and len(line) < 200 + len(DISCLOSURE)


async def test_confirmations_typed_as_dong_y_and_huy(started: App, fake: FakeZalo):
    answer = await say(fake, "xóa hạn khongco", chat="boss", user="boss")
    assert "Không" in answer  # a clear message for an unknown code
    asked = await say(fake, "cài đặt cchc", chat="boss", user="boss")
    assert "đồng ý" in asked and "hủy" in asked
    done = await say(fake, "Đồng ý", chat="boss", user="boss")
    assert "Không tìm thấy" not in done and "Không có thay đổi" not in done
    with started.db.session() as s:
        assert s.query(Deadline).count() > 0
    asked = await say(fake, "xoa han cchc-donvi", chat="boss", user="boss")
    assert "đồng ý" in asked
    assert "Đã hủy" in await say(fake, "huỷ", chat="boss", user="boss")
    assert "Không có thay đổi" in await say(fake, "hủy", chat="boss", user="boss")


async def test_commands_in_plain_words_with_or_without_diacritics(started: App, fake: FakeZalo):
    await say(fake, "cai dat cchc", chat="boss", user="boss")
    await say(fake, "dong y", chat="boss", user="boss")
    status = await say(fake, "tình hình", chat="boss", user="boss")
    assert "Sở Tư pháp" in status or "đơn vị" in status.lower()
    assert "Các lệnh:" in await say(fake, "tro giup", chat="boss", user="boss")
    assert "Các lệnh:" in await say(fake, "Trợ giúp", chat="u5")
    nudge = await say(fake, "nhắc ngay khongco", chat="boss", user="boss")
    assert "khongco" in nudge or "Không" in nudge
    # a user's "tình hình ..." is a question, not a refusal of an admin command
    answer = await say(fake, "tinh hinh thuc hien cchc", chat="u5")
    assert "chỉ dành cho" not in answer


async def test_long_answers_fit_zalo_in_utf16_units(started: App, zalo: ZaloChannel, fake: FakeZalo):
    from bot.core.messages import Reply

    await zalo.send("u1", Reply("📌 Hạn nộp báo cáo quý.\n" * 300))
    sent = fake.sent("u1")
    assert len(sent) > 1 and all(utf16_len(t) <= 2000 for t in sent)
    assert all(line == "📌 Hạn nộp báo cáo quý." for t in sent for line in t.split("\n"))


async def test_an_invite_code_typed_on_zalo_registers_the_focal_point(started: App, fake: FakeZalo):
    from scheduler.models import FocalPoint

    letter = await say(fake, "/moi Sở Tư pháp", chat="boss", user="boss")
    assert "https://t.me/" not in letter  # Zalo alone: no Telegram link to print
    code = letter.split("dangky ")[1].split("»")[0]
    answer = await say(fake, f"dangky {code.lower()}", chat="fp7", name="Chị Hằng")
    assert "đầu mối của Sở Tư pháp" in answer
    with started.db.session() as s:
        [fp] = s.query(FocalPoint).all()
        assert (fp.channel, fp.user_id, fp.display_name) == ("zalo", "fp7", "Chị Hằng")
