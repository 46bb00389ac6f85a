"""Questions about the configured deadlines, phone style, through the chat handler with the fixed clock
(25/11/2026 unless moved): a named period and year, lists for a stretch of days, days left, what a unit has not
submitted, the day-off rule, a yearly rule only the directive gives, which of two comes first."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.clock import VN_TZ
from handlers.deadline_question import normalise, read
from scheduler.models import Chat
from scheduler.units import add_unit
from tests.builders import admin_msg, msg
from tests.handlers.test_deadlines import say

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _knowledge_ready(app):  # type: ignore[no-untyped-def]
    app.knowledge.ensure_ready()


async def _install(app, preset: str = "cchc"):  # type: ignore[no-untyped-def]
    r = await say(app, admin_msg(f"/caidat {preset}"))
    await say(app, admin_msg(callback=r.buttons[0].data))


def _group(app, name: str, type_: str, chat: str) -> None:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        u = add_unit(s, name, type_)
        s.add(Chat(channel="fake", chat_id=chat, kind="group", title=name, active=True, unit_id=u.id))


async def ask(app, text: str, chat: str = "c1") -> str:  # type: ignore[no-untyped-def]
    kind = "group" if chat.startswith("g") else "private"
    return (await say(app, msg(f"/hoi {text}", chat=chat, kind=kind))).text


# ------------------------------------------------------------------ reading the question (pure, fixed today)

@pytest.mark.parametrize("text, span", [
    ("tuan nay co han nop bc nao ko", (date(2026, 11, 25), date(2026, 11, 29))),
    ("tuần sau có hạn nộp báo cáo nào không", (date(2026, 11, 30), date(2026, 12, 6))),
    ("thang nay phai nop nhung bc gi", (date(2026, 11, 1), date(2026, 11, 30))),
    ("thang toi co nhung han nao", (date(2026, 12, 1), date(2026, 12, 31))),
    ("tháng 12 này sở mình phải gửi những báo cáo nào", (date(2026, 12, 1), date(2026, 12, 31))),
    ("t3 nam sau phai nop bc gi", (date(2027, 3, 1), date(2027, 3, 31))),
    ("quy sau co nhung han bc nao", (date(2027, 1, 1), date(2027, 3, 31))),
    ("cac han bao cao trong quy 1 nam sau gom nhung gi", (date(2027, 1, 1), date(2027, 3, 31))),
    ("sap toi co han nop bc nao ko ad", (date(2026, 11, 25), date(2026, 12, 25))),
])
def test_stretches_of_days_are_read_with_and_without_diacritics(text, span):
    q = read(text, TODAY)
    assert q.intent == "list" and q.span is not None and (q.span.start, q.span.end) == span


@pytest.mark.parametrize("text, period, year", [
    ("han bao cao cchc quy 1 nam 2027 la ngay j", "Q1", 2027),
    ("Báo cáo quý I/2027 gửi Sở Nội vụ chậm nhất ngày nào?", "Q1", 2027),
    ("bc q3 nop truoc ngay nao", "Q3", 2027),  # quý III/2026 is over: the next one
    ("bao caos 6 thang nam sau gui truoc ngay nafo", "H1", 2027),
    ("bc cchc nam 2026 han la ngay nao", "Y", 2026),
    ("hạn báo cáo năm nay là ngày nào", "Y", 2026),
    ("kh cchc sang nam ban hanh cham nhat ngay may", "Y", 2027),
])
def test_named_periods_and_years(text, period, year):
    q = read(text, TODAY)
    assert (q.intent, q.period, q.year) == ("date", period, year)


@pytest.mark.parametrize("text, intent", [
    ("con bao nhieu ngay nua la den han bao cao quy", "days_left"),
    ("con may ngay nua phai nop bc", "days_left"),
    ("xa minh con bc nao chua nop ko", "pending"),
    ("neu han nop roi vao thu 7 cn thi nop ngay nao", "day_off"),
    ("han bc nam nay co trung ngay le ko", "day_off"),
    ("kh cchc 2027 voi bc cchc 2026 cai nao han truoc", "compare"),
    ("nop bc 6 thang roi, bc tiep theo la bc nao", "next"),
    ("bc quy nay tre han 2 ngay roi thi co sao ko", ""),  # consequences: the directives' matter
])
def test_what_is_asked(text, intent):
    assert read(text, TODAY).intent == intent


def test_chat_spellings_and_telex_leftovers_are_repaired():
    assert normalise("bao caos cchc gui snv truoc ngay nafo ko") == \
        "bao cao cchc gui so noi vu truoc ngay nao khong"
    assert normalise("kh q1 hanj nopj j") == "ke hoach quy 1 han nop gi"


# ------------------------------------------------------------------ through the handler

async def test_named_period_and_year_answer_with_cutoff_and_source(app):
    await _install(app)
    text = await ask(app, "bao caos cchc quy 1 nam 2027 gui snv truoc ngay nafo")
    assert "Quý I/2027: hạn Thứ Hai, 15/03/2027" in text and "15/12/2026 đến 14/03/2027" in text
    assert "📄 Căn cứ: Hướng dẫn 581/BNV-CCHC" in text and "Bộ Nội vụ (Vụ" not in text  # sent to Sở Nội vụ only
    text = await ask(app, "hạn báo cáo 6 tháng năm sau là ngày nào")
    assert "6 tháng đầu năm 2027" in text and "15/06/2027" in text and "Chưa có nội dung" not in text


async def test_lists_for_a_month_a_week_a_quarter_and_a_year(app, clock):
    await _install(app)
    text = await ask(app, "thang toi co nhung bc nao phai nop")
    assert text.startswith("Các hạn cần nộp trong tháng 12/2026") and "15/12/2026" in text and "hạn cuối 21/12" in text
    text = await ask(app, "tháng 12 này sở mình phải gửi những báo cáo nào cho SNV")
    assert text.count("•") == 1 and "định kỳ của đơn vị — Năm 2026" in text
    assert "(sở, ban, ngành)" in text and "📄 Căn cứ: Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ." in text
    assert "không có hạn nộp" in await ask(app, "tuan sau co han nop bc nao ko ad")
    text = await ask(app, "liet ke giup cac han nop bc cchc nam 2027")
    assert text.count("•") == 8 and "Quý I/2027" in text and "Năm 2027" in text and "Năm 2026" not in text
    text = await ask(app, "cac han bao cao cchc trong quy 1 nam sau gom nhung gi")
    assert text.count("•") == 2 and "22/03" in text
    clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=VN_TZ))
    text = await ask(app, "tuan nay co han nop bc nao ko")
    assert "tuần này" in text and "15/12/2026" in text and "20/12/2026" in text


async def test_days_left(app):
    await _install(app)
    text = await ask(app, "con bao nhieu ngay nua la den han bao cao quy")
    assert "Quý I/2027: còn 110 ngày (hạn Thứ Hai, 15/03/2027)" in text and "📄 Căn cứ" in text  # not the year's
    text = await ask(app, "con may ngay nua la het han bc nam")
    assert "Năm 2026: còn 20 ngày (hạn Thứ Ba, 15/12/2026)" in text


async def test_what_my_unit_has_not_submitted(app, clock):
    await _install(app)
    text = await ask(app, "xa minh con bc nao chua nop ko")
    assert "/dangky" in text and "/han" in text  # the chat is not registered
    _group(app, "UBND xã Tân Lập", "xa", "g2")
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=VN_TZ))
    text = await ask(app, "xa minh con bc nao chua nop ko", chat="g2")
    assert "UBND xã Tân Lập còn chưa xác nhận" in text and "[cchc-donvi]" in text and "Năm 2026" in text
    assert "cchc-tinh" not in text  # the province's report is not the commune's
    await say(app, msg("/danop cchc-donvi", chat="g2", kind="group"))
    text = await ask(app, "xa minh con bc nao chua nop ko", chat="g2")
    assert "Năm 2026" not in text and "Quý I/2027" in text


async def test_the_day_off_rule_from_the_legal_due_dates(app):
    await _install(app)
    text = await ask(app, "neu han nop rơi vao thu 7 cn thi nop ngay nao")
    assert "ngày làm việc tiếp theo" in text and "Điều 148" in text
    assert "20/12/2026 (chủ nhật) → hạn cuối Thứ Hai, 21/12/2026" in text
    text = await ask(app, "hạn báo cáo năm nay có trùng ngày nghỉ không")
    assert "15/12/2026 là ngày làm việc, không trùng ngày nghỉ" in text
    assert "20/12/2026 trùng ngày nghỉ (chủ nhật)" in text and "Thứ Hai, 21/12/2026" in text


async def test_a_yearly_rule_only_the_directive_gives_is_dated_in_the_year_asked(app):
    await _install(app)  # no plan deadline configured: the directive's rule
    text = await ask(app, "kh cchc nam 2027 han ban hanh la ngay nao")
    assert text.startswith("Kế hoạch CCHC năm 2027: chậm nhất Thứ Bảy, 30/01/2027")
    assert "Hạn cuối theo luật: Thứ Hai, 01/02/2027" in text and "chậm nhất ngày 30/01 của năm kế hoạch" in text
    assert "📄 Căn cứ: Công văn số 7946/UBND-NCPC" in text and "Chưa có nội dung" not in text
    text = await ask(app, "ke hoach cchc nam sau nop cham nhat ngay may")
    assert "30/01/2027" in text


async def test_a_configured_plan_deadline_wins_over_the_directive(app):
    await _install(app, "7946")
    text = await ask(app, "kh cchc cua so nam 2027 han ban hanh la ngay nao")
    assert "Ban hành kế hoạch CCHC năm (sở, ban, ngành)” — Năm 2027: hạn Thứ Bảy, 30/01/2027" in text
    assert "📄 Căn cứ: Công văn 7946/UBND-NCPC" in text


async def test_which_comes_first_mixes_configured_and_directive_dates(app):
    await _install(app)
    text = await ask(app, "kế hoạch CCHC năm 2027 với báo cáo CCHC năm 2026 cái nào hạn trước")
    first, *rest = text.split("\n")
    assert first.startswith("Đến hạn trước: Báo cáo CCHC định kỳ của đơn vị — Năm 2026: hạn Thứ Ba, 15/12/2026")
    assert any("Kế hoạch CCHC năm 2027: chậm nhất Thứ Bảy, 30/01/2027" in line for line in rest)


async def test_the_next_report_after_one_submitted(app):
    await _install(app)
    text = await ask(app, "Sở mình nộp báo cáo 6 tháng rồi, báo cáo tiếp theo là báo cáo nào, hạn khi nào?")
    assert "Năm 2026: hạn Thứ Ba, 15/12/2026" in text and "6 tháng đầu năm 2027" not in text


async def test_questions_about_other_things_still_go_to_the_documents(app):
    await _install(app)
    text = await ask(app, "Nghị quyết 76/NQ-CP ban hành ngày nào?")
    assert "Căn cứ: Hướng dẫn 581" not in text
    text = await ask(app, "bc quy nay tre han 2 ngay roi thi co sao ko")
    assert "581/BNV-CCHC" not in text


@pytest.mark.parametrize("text", ["UBND xã phải làm những gì trong CCHC", "khi nao ap dung dich vu cong truc tuyen",
                                  "kế hoạch CCHC gồm những nội dung gì", "thoi han giai quyet ho so la bao nhieu ngay"])
def test_directive_questions_are_not_read_as_deadline_lists(text):
    q = read(text, TODAY)
    assert q.intent != "list" and not (q.intent == "date" and q.kind)
async def test_before_or_after_tet(app):
    await _install(app)
    text = await ask(app, "bc cchc nam nop truoc hay sau tet")
    assert "Hạn 15/12/2026 là trước Tết Nguyên Đán (mùng Một Tết: Thứ Bảy, 06/02/2027)." in text


async def test_an_empty_stretch_names_the_next_period_and_how_to_register(app):
    await _install(app)
    text = await ask(app, "thang 1 nam sau don vi minh phai nop nhung bc j")
    assert "Trong tháng 1/2027" in text and "không có hạn nộp" in text
    assert "Hạn gần nhất sau đó: Báo cáo CCHC định kỳ của đơn vị — Quý I/2027, hạn Thứ Hai, 15/03/2027." in text
    assert "/dangky" in text


async def test_what_is_left_this_year_starts_today(app):
    await _install(app)
    text = await ask(app, "cac han trong nam nay con lai nhung gi")
    assert "Năm 2026" in text and "Quý I/2026" not in text and "đã qua" not in text


def test_already_submitted_everything_is_a_pending_question():
    assert read("don vi toi da nop het bao cao chua", TODAY).intent == "pending"


@pytest.mark.parametrize("text", ["han nop bao cao cchc quy la ngay nao", "tuan nay co han nop bc nao ko ad",
                                  "con bao nhieu ngay nua la den han bao cao quy", "xa minh con bc nao chua nop ko",
                                  "liet ke giup cac han nop bc cchc nam 2027"])
async def test_no_deadline_configured_names_the_admin_command(app, text):
    reply = await ask(app, text)
    assert "chưa cài hạn nộp" in reply and "/caidat cchc" in reply and len(reply) <= 400


async def test_the_day_off_rule_needs_no_configured_deadline(app):
    text = await ask(app, "neu han nop roi vao thu 7 cn thi nop ngay nao")
    assert "ngày làm việc tiếp theo" in text and "Trong các hạn đã cài đặt" not in text


async def test_a_report_no_configured_deadline_matches_says_which_are(app):
    await _install(app)
    text = await ask(app, "han nop bao cao thong ke so lieu dat dai la ngay nao")
    assert "Chưa có hạn nào đã cài khớp" in text and "cchc-donvi" in text


async def test_the_directive_date_names_the_level_asked(app):
    text = await ask(app, "kh cchc cua xa nam 2027 ban hanh truoc ngay nao")
    assert text.startswith("Kế hoạch CCHC năm 2027 của UBND cấp xã: chậm nhất Chủ Nhật, 28/02/2027")
    assert "Thứ Hai, 01/03/2027 (ngày 28/02 là chủ nhật)" in text


@pytest.mark.parametrize("text", ["cac so ban nganh ban hanh kh cchc nam truoc ngay nao",
                                  "bc cchc nam nop truoc hay sau tet", "neu han nam roi vao thu 7"])
def test_before_and_after_a_day_are_not_last_or_next_year(text):
    assert read(text, TODAY).year is None


@pytest.mark.parametrize("text", ["thoi tiet da nang cuoi tuan nay the nao",
                                  "nd cai cach che do cong vu cua dong thap nam 2022 co nhung j",
                                  "cap xa thuc hien menh lenh hanh chinh cap tren dung han toi thieu bn %",
                                  "so kh-dt cap nhat cong khai duong day nong vao bc cchc dinh ky tu khi nao",
                                  "quy trinh do trinh ubnd tinh han nao"])
def test_near_domain_questions_are_not_deadline_questions(text):
    assert read(text, TODAY).intent in ("", "date")


async def test_questions_naming_other_work_a_province_or_a_past_year_go_to_the_documents(app):
    await _install(app)
    for text in ("sở kh-đt cập nhật tình hình công khai đường dây nóng vào bc cchc định kỳ từ khi nào",
                 "ubnd tinh ca mau yeu cau cac so bao cao cchc quy truoc ngay may",
                 "cap xa thuc hien menh lenh hanh chinh cap tren dung han toi thieu bn %"):
        reply = await ask(app, text)
        assert "581/BNV-CCHC" not in reply and "Chưa có hạn nào đã cài" not in reply, text
    assert "Kế hoạch CCHC năm 2017:" not in await ask(app, "kh cchc 2017 cua khanh hoa ban hanh ngay nao")


async def test_a_monthly_deadline_by_named_month(app):
    _group(app, "Sở Tài chính", "so", "g1")
    r = await say(app, admin_msg("/themhan Báo cáo tiến độ giải ngân vốn đầu tư công | ngày 25 hằng tháng | sở | 3,1 "
                                 "| Công văn 123/UBND-KT"))
    await say(app, admin_msg(callback=r.buttons[0].data))
    text = await ask(app, "han bc giai ngan thang 2 nam sau la ngay may")
    assert "Tháng 2/2027: hạn Thứ Năm, 25/02/2027" in text and "📄 Căn cứ: Công văn 123/UBND-KT." in text
    text = await ask(app, "bc giai ngan thang nay han ngay nao")
    assert "Tháng 11/2026: hạn Thứ Tư, 25/11/2026 (hạn là hôm nay)" in text
    text = await ask(app, "thang sau co nhung han nop bc nao")
    assert "Tháng 12/2026: hạn Thứ Sáu, 25/12/2026" in text


async def test_more_phone_forms(app):
    await _install(app)
    text = await ask(app, "nam toi co may ky bao cao cchc")
    assert text.startswith("Các hạn cần nộp trong năm 2027") and text.count("•") == 8
    text = await ask(app, "quý 3 năm sau có những hạn nộp gì")
    assert "quý III/2027" in text and text.count("•") == 2
    text = await ask(app, "ngay 20/12 la chu nhat thi bc cua tinh nop ngay nao")
    assert "tỉnh gửi Bộ Nội vụ” — Năm 2026" in text and "Thứ Hai, 21/12/2026" in text and "của đơn vị" not in text
    text = await ask(app, "han chot bc quy 1 rơi vao thu 7 thi sao")
    assert "Quý I/2027: hạn Thứ Hai, 15/03/2027 là ngày làm việc" in text
    text = await ask(app, "dot bao cao tiep theo la khi nao")
    assert "Năm 2026: hạn Thứ Ba, 15/12/2026" in text
    text = await ask(app, "hom nay co phai han nop bc ko")
    assert "Trong hôm nay" in text and "không có hạn nộp" in text and "Hạn gần nhất sau đó" in text


# ------------------------------------------------------------------ a day named, and one short citation line

@pytest.mark.parametrize("text, span", [
    ("ngày 15/7 có hạn báo cáo gì không?", (date(2027, 7, 15), date(2027, 7, 15))),
    ("15/12 co han gi ko", (date(2026, 12, 15), date(2026, 12, 15))),
    ("ngay 20 thang 12 co phai nop bc gi k", (date(2026, 12, 20), date(2026, 12, 20))),
    ("15/3/2027 có hạn nộp gì không", (date(2027, 3, 15), date(2027, 3, 15))),
    ("hôm 15/11 có hạn gì không", (date(2026, 11, 15), date(2026, 11, 15))),  # a day just past: this year's
    ("thứ 6 tuần này có hạn gì không", (date(2026, 11, 27), date(2026, 11, 27))),
    ("thu 2 tuan sau phai nop gi", (date(2026, 11, 30), date(2026, 11, 30))),
    ("chủ nhật tuần này có hạn nộp không", (date(2026, 11, 29), date(2026, 11, 29))),
    ("từ nay đến 20/12 có hạn gì", (date(2026, 11, 25), date(2026, 12, 20))),
    ("truoc ngay 15/12 co phai nop gi khong", (date(2026, 11, 25), date(2026, 12, 14))),  # strictly before
    ("tuần sau phải nộp gì", (date(2026, 11, 30), date(2026, 12, 6))),
    ("mai có phải nộp gì không", (date(2026, 11, 26), date(2026, 11, 26))),
    ("thứ 6 này có hạn gì", (date(2026, 11, 27), date(2026, 11, 27))),
    ("ngày mốt có hạn nộp gì", (date(2026, 11, 27), date(2026, 11, 27))),
    ("ngày 5 tháng sau có hạn gì không", (date(2026, 12, 5), date(2026, 12, 5))),
    ("ngay 15-7 co han bc gi khong", (date(2027, 7, 15), date(2027, 7, 15))),
    ("ngày 15.7 có hạn gì", (date(2027, 7, 15), date(2027, 7, 15))),
    ("cuối tuần này có phải nộp bc gì ko", (date(2026, 11, 28), date(2026, 11, 29))),
])
def test_a_day_or_days_named_are_the_stretch_asked(text, span):
    q = read(text, TODAY)
    assert q.intent == "list" and q.span is not None and (q.span.start, q.span.end) == span


def test_a_named_report_with_its_date_stays_a_date_question():
    q = read("hạn nộp báo cáo quý 1 là 15/3 phải không", TODAY)
    assert (q.intent, q.period, q.year) == ("date", "Q1", 2027)


async def test_what_is_due_on_a_day_named_includes_a_legal_last_day_moved_onto_it(app):
    await _install(app)
    text = await ask(app, "ngày 15/12 có hạn báo cáo gì không?")
    assert text.startswith("Các hạn cần nộp trong ngày 15/12/2026") and text.count("•") == 1
    assert "định kỳ của đơn vị — Năm 2026: hạn Thứ Ba, 15/12/2026" in text
    # 20/12/2026 is a Sunday: the province's report is due on it and, by law, on Monday 21/12
    text = await ask(app, "21/12 co phai nop bc gi ko")
    assert "tỉnh gửi Bộ Nội vụ — Năm 2026: hạn Chủ Nhật, 20/12/2026, hạn cuối 21/12" in text
    text = await ask(app, "thứ 2 tuần sau có hạn gì không")
    assert text.startswith("Trong ngày 30/11/2026") and "Hạn gần nhất sau đó" in text


async def test_a_reply_of_several_deadlines_cites_each_source_once_and_short(app):
    await _install(app)
    text = await ask(app, "hạn báo cáo 6 tháng năm sau là ngày nào")
    assert text.count("📄") == 1 and text.rstrip().endswith("📄 Căn cứ: Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ.")
    assert "4 kỳ:" not in text and "mặc định ngày" not in text  # the preset's long source is not repeated
    assert text.index("15/06/2027") < text.index("📄")  # the answer first


async def test_a_long_source_typed_by_an_admin_is_cut_in_the_citation(app):
    _group(app, "Sở Tài chính", "so", "g1")
    long_source = ("Công văn 456/UBND-TH ngày 02/01/2026 về việc tăng cường kỷ luật, kỷ cương hành chính trong thực "
                   "hiện chế độ báo cáo định kỳ tại các cơ quan chuyên môn thuộc UBND tỉnh và UBND cấp xã trên địa bàn")
    r = await say(app, admin_msg(f"/themhan Báo cáo tiến độ giải ngân | ngày 25 hằng tháng | sở | 3,1 | {long_source}"))
    await say(app, admin_msg(callback=r.buttons[0].data))
    text = await ask(app, "han bc giai ngan thang 2 nam sau la ngay may")
    cite = next(line for line in text.splitlines() if line.startswith("📄"))
    assert cite.startswith("📄 Căn cứ: Công văn 456/UBND-TH") and cite.endswith("….") and len(cite) <= 115


async def test_the_directive_date_comes_first_with_one_short_quoted_citation(app):
    await _install(app)
    text = await ask(app, "kh cchc nam 2027 han ban hanh la ngay nao")
    lines = text.splitlines()
    assert lines[0].startswith("Kế hoạch CCHC năm 2027: chậm nhất Thứ Bảy, 30/01/2027")
    assert lines[-1].startswith("📄 Căn cứ: Công văn số 7946/UBND-NCPC") and "chậm nhất ngày 30/01 của năm kế hoạch" in lines[-1]
    assert len(lines) == 3 and text.count("30/01 của năm kế hoạch") == 1 and len(lines[-1]) <= 300
