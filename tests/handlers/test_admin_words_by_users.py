"""QA round 2: an admin command typed in plain words by someone who is not an admin ("tình hình", "cài đặt cchc",
"nhắc ngay bcn" on Zalo) gets one line saying it is for admins and what they can do, audited as a refused attempt,
never a passage of a directive; a real question beginning with the same words is still answered."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.models import AuditEntry
from bot.core.ports import Capabilities
from handlers.router import _what_you_can_do
from tests.builders import admin_msg, msg, seed_unit_with_deadline

ZALO = Capabilities(buttons=False, mentions=False, edits=False, bare_commands=True)


@pytest.fixture
def zapp(settings, clock, db):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(settings, admin_ids={**settings.admin_ids, "zalo": frozenset({"zboss"})})
    return build_app(settings, clock=clock, channels={"zalo": RecordingChannel("zalo", ZALO)}, db=db)


@pytest.mark.parametrize("text,name", [("tình hình", "tinhhinh"), ("tinh hinh bcn", "tinhhinh"),
                                       ("cài đặt cchc", "caidat"), ("cai dat 7946", "caidat"),
                                       ("nhắc ngay bcn", "nhacngay"), ("nhật ký 20", "nhatky"),
                                       ("ngày nghỉ them 24/12/2026", "ngaynghi")])
async def test_a_user_on_zalo_is_told_the_command_is_for_admins(zapp, db, text, name):
    seed_unit_with_deadline(zapp, "zalo", "zg1")
    [reply] = await zapp.handle(msg(text, chat="z5", user="z5", channel="zalo"))
    assert reply.text.startswith(f"Lệnh /{name} chỉ dành cho quản trị viên")
    assert reply.text.endswith(_what_you_can_do(True)) and "«hạn»" in reply.text and "📄" not in reply.text
    with db.session() as s:
        assert list(s.scalars(select(AuditEntry.outcome).where(AuditEntry.user_id == "z5"))) == ["denied"]


async def test_a_real_question_with_those_words_is_still_answered(zapp):
    zapp.knowledge.ensure_ready()
    for text in ("tình hình thực hiện cải cách hành chính của tỉnh thế nào?",
                 "cài đặt phần mềm một cửa điện tử như thế nào"):
        [reply] = await zapp.handle(msg(text, chat="z5", user="z5", channel="zalo"))
        assert "chỉ dành cho quản trị viên" not in reply.text, text


async def test_an_admin_still_runs_them(zapp):
    seed_unit_with_deadline(zapp, "zalo", "zg1")
    [reply] = await zapp.handle(admin_msg("tình hình", chat="zboss", channel="zalo", user="zboss"))
    assert "chỉ dành cho" not in reply.text and "Báo cáo năm" in reply.text
    [reply] = await zapp.handle(msg("/tinhhinh", chat="z5", user="z5", channel="zalo"))
    assert reply.text == "Lệnh /tinhhinh chỉ dành cho quản trị viên (Sở Nội vụ). Yêu cầu đã được ghi lại."


async def test_on_the_fake_channel_with_the_slash_the_refusal_is_unchanged(app):
    [reply] = await app.handle(msg("/caidat cchc", chat="u5", user="u5"))
    assert reply.text == "Lệnh /caidat chỉ dành cho quản trị viên (Sở Nội vụ). Yêu cầu đã được ghi lại."
