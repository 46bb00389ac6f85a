"""Questions about the bot's own report deadlines: answered from the configured deadlines (due date, legal due date,
the asker's unit), and said plainly when none is configured, on the chat and on the console."""
from __future__ import annotations

import io

import pytest

from bot.channels.console import ConsoleChannel
from bot.core.vietnamese import fold
from handlers.deadline_answers import gives_report_date
from scheduler.models import Chat
from scheduler.units import add_unit
from tests.builders import admin_msg, msg
from tests.handlers.test_deadlines import say


@pytest.fixture(autouse=True)
def _knowledge_ready(app):  # type: ignore[no-untyped-def]
    app.knowledge.ensure_ready()


async def _install_cchc(app):  # type: ignore[no-untyped-def]
    r = await say(app, admin_msg("/caidat cchc 15"))
    await say(app, admin_msg(callback=r.buttons[0].data))


@pytest.mark.parametrize("question", ["han nop bao cao cchc quy la ngay nao", "hạn nộp báo cáo 6 tháng là ngày nào?",
                                      "bao cao cchc quy 1 nop truoc ngay may", "quý này đơn vị tôi phải nộp gì?"])
async def test_no_deadline_configured_is_said_plainly(app, question):
    r = await say(app, msg(question))
    assert "chưa cài hạn nộp" in r.text and "/caidat cchc" in r.text and "/han" in r.text
    assert "📄 Nguồn" not in r.text and len(r.text) <= 400 and not r.buttons


async def test_no_deadline_configured_on_the_console(app):
    out = io.StringIO()
    console = ConsoleChannel(out)
    app.channels["console"] = console
    lines = iter(["han nop bao cao cchc quy la ngay nao", "/thoat"])
    await console.run(app, read_line=lambda: next(lines))
    text = out.getvalue()
    assert "chưa cài hạn nộp báo cáo CCHC" in text and "/caidat cchc" in text
    assert "xin lỗi và hẹn lại" not in text and "📄 Nguồn" not in text  # the unrelated directive sentence


async def test_directive_questions_are_not_taken_for_the_bots_own(app):
    r = await say(app, msg("ke hoach cchc nam cua xa han chot ngay nao"))
    assert "28/02" in r.text and "📄 Nguồn:" in r.text and "chưa cài" not in r.text


def test_a_directive_answer_counts_only_when_it_dates_a_report():
    assert gives_report_date("Các sở gửi báo cáo quý về Sở Nội vụ trước ngày 15 tháng cuối quý.\n\n📄 Nguồn: …")
    assert not gives_report_date("Việc gửi thông báo xin lỗi phải thực hiện trước ngày hẹn trả kết quả.\n\n📄 Nguồn: "
                                 "Báo cáo số 12 ngày 5/3")


async def test_configured_quarterly_report_is_answered_from_the_deadlines(app):
    await _install_cchc(app)  # today 25/11/2026: the next quarter is Quý I/2027
    r = await say(app, msg("han nop bao cao cchc quy la ngay nao"))
    assert "Quý I/2027" in r.text and "15/03/2027" in r.text and "Năm 2026" not in r.text
    assert "20/03/2027" in r.text and "Hạn cuối theo luật: Thứ Hai, 22/03/2027" in r.text  # 20/03 is a Saturday
    assert "581/BNV-CCHC" in r.text and "chưa cài" not in r.text


async def test_configured_report_of_the_province_is_told_apart(app):
    await _install_cchc(app)
    r = await say(app, msg("han nop bao cao nam cua tinh gui bo noi vu la ngay nao"))
    assert "Báo cáo CCHC của tỉnh gửi Bộ Nội vụ" in r.text and "định kỳ của đơn vị" not in r.text
    assert "Năm 2026" in r.text and "21/12/2026" in r.text
    r = await say(app, msg("bao cao 6 thang cua cac so nop truoc ngay nao"))
    assert "định kỳ của đơn vị" in r.text and "gửi Bộ Nội vụ" not in r.text and "15/06/2027" in r.text


async def test_configured_deadline_names_the_askers_unit(app):
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="Nhóm STP", active=True, unit_id=unit.id))
    await _install_cchc(app)
    r = await say(app, msg("/hoi hạn nộp báo cáo 6 tháng là ngày nào?", chat="g1", kind="group"))
    assert "15/06/2027" in r.text and "Đơn vị của bạn: Sở Tư pháp" in r.text
    assert "gửi Bộ Nội vụ" not in r.text  # the unit's own report, not the province's


async def test_configured_but_not_matching_says_which_are(app):
    await _install_cchc(app)
    r = await say(app, msg("han nop bao cao thong ke so lieu dat dai la ngay nao"))
    assert fold("chưa có hạn nào đã cài khớp") in fold(r.text) and "cchc-donvi" in r.text and len(r.text) <= 400
