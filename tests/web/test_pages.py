"""Each dashboard page and action, through chat's own handlers and audit; the chat side changes what the page shows."""
from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.core.models import AuditEntry
from scheduler.models import Deadline, DayOverride, Unit
from tests.builders import msg
from tests.desk.helpers import seed_status
from tests.desk.test_unit_import import GOOD, xlsx
from tests.web.conftest import csrf_of


def audit(app: App) -> list[AuditEntry]:
    with app.db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_web_command_gives_a_link_that_signs_in(app: App, client) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    [reply] = asyncio.run(app.handle(msg("/web", user="1001", channel="telegram", chat="1001")))
    url = re.search(r"http://127\.0\.0\.1:8080(/dang-nhap\?t=\S+)", reply.text)
    assert url and "một lần" in reply.text and "10 phút" in reply.text
    token = url.group(1).split("t=")[1]
    assert client.post("/dang-nhap", data={"t": token}).status_code == 303
    assert "Tổng quan" in client.get("/tong-quan").text
    [group] = asyncio.run(app.handle(msg("/web", user="1001", channel="telegram", chat="-5", kind="group")))
    assert "tin nhắn riêng" in group.text and "dang-nhap" not in group.text
    [user] = asyncio.run(app.handle(msg("/web", user="42", channel="telegram", chat="42")))
    assert "chỉ dành cho quản trị viên" in user.text
    assert [(e.action, e.outcome) for e in audit(app)] == [("web", "ok"), ("web dang nhap", "ok"), ("web", "denied"),
                                                          ("web", "denied")]


def test_overview_shows_progress_overdue_unreachable_and_follows_chat(app: App, admin, clock) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    seed_status(app.db, clock.now())
    page = admin.get("/tong-quan").text
    assert "Báo cáo CCHC quý" in page and "còn 15 ngày" in page
    assert re.search(r'class="done-count">1/5<', page)
    assert "Chưa nộp và bot không liên lạc được (3)" in page and "UBND phường C" in page
    assert 'src="/bieu-do.png"' in page
    # A focal point confirms in chat: the overview counts it at the next load.
    asyncio.run(app.handle(msg("/danop cchc-quy", channel="zalo", chat="z1", user="z1")))
    assert re.search(r'class="done-count">2/5<', admin.get("/tong-quan").text)


def test_export_and_chart_downloads(app: App, admin, clock) -> None:  # type: ignore[no-untyped-def]
    seed_status(app.db, clock.now())
    r = admin.get("/tinh-hinh.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="tinh-hinh-20261125.xlsx"' in r.headers["content-disposition"]
    assert load_workbook(io.BytesIO(r.content)).sheetnames == ["Tổng hợp", "cchc-quy 2026-Q4"]
    png = admin.get("/bieu-do.png")
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert admin.get("/tinh-hinh.xlsx?ma=khong-co").status_code == 404


def test_deadline_preview_add_edit_delete_and_presets(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        from scheduler.units import add_unit

        add_unit(s, "Sở Tư pháp", "so")
    csrf = csrf_of(admin.get("/han-nop").text)
    fields = {"csrf": csrf, "title": "Báo cáo CCHC quý", "rule": "ngày 10 tháng cuối quý", "audience": "sở",
              "leads": "5,1"}
    preview = admin.post("/han-nop/xem-truoc", data=fields)
    assert preview.status_code == 200 and "Báo cáo CCHC quý" in preview.text and "10/12/2026" in preview.text
    bad = admin.post("/han-nop/xem-truoc", data={**fields, "rule": "ngày 31/02/2027"})
    assert bad.status_code == 422 and "không có thật" in bad.text
    with app.db.session() as s:
        assert s.scalar(select(Deadline)) is None  # a preview stores nothing
    added = admin.post("/han-nop/them", data=fields)
    assert added.status_code == 200 and "Đã lưu hạn «Báo cáo CCHC quý», mã bc-cchc-quy" in added.text
    edited = admin.post("/han-nop/bc-cchc-quy/sua", data={**fields, "rule": "ngày 15 tháng cuối quý"})
    assert "Đã sửa hạn bc-cchc-quy" in edited.text
    with app.db.session() as s:
        d = s.scalar(select(Deadline))
        assert d is not None and d.rule == "ngày 15 tháng cuối quý" and d.leads == [5, 1]
    taken = admin.post("/han-nop/them", data={**fields, "code": "bc-cchc-quy"})
    assert taken.status_code == 422 and "đã được dùng" in taken.text
    assert 'value="ngày 10 tháng cuối quý"' in taken.text  # the form keeps what was typed
    assert "Không có hạn mã «khong-co»" in admin.post("/han-nop/khong-co/sua", data=fields).text
    assert "Đã xóa hạn bc-cchc-quy" in admin.post("/han-nop/bc-cchc-quy/xoa", data={"csrf": csrf}).text
    installed = admin.post("/han-nop/cai-san", data={"csrf": csrf, "key": "cchc", "day": "12"})
    assert "Đã cài" in installed.text
    entries = [(e.action, e.channel, e.user_id, e.chat_id) for e in audit(app)]
    assert [a for a, *_ in entries if a != "web dang nhap"] == ["add_deadline", "edit_deadline", "remove_deadline",
                                                                 "install_preset"]
    assert entries[-1][1:] == ("telegram", "1001", "web")


def test_deadline_form_sets_changes_and_clears_exclusions_like_tru(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    from scheduler.units import add_unit

    with app.db.session() as s:
        snv, stp = add_unit(s, "Sở Nội vụ", "so", ["SNV"]).id, add_unit(s, "Sở Tư pháp", "so").id
    csrf = csrf_of(admin.get("/han-nop").text)
    fields = {"csrf": csrf, "title": "Báo cáo CCHC quý", "rule": "ngày 10 tháng cuối quý", "audience": "sở",
              "exclude": "SNV"}
    assert "Trừ (không nhắc, không tính): Sở Nội vụ" in admin.post("/han-nop/xem-truoc", data=fields).text
    added = admin.post("/han-nop/them", data=fields)
    assert "Đã lưu hạn «Báo cáo CCHC quý», mã bc-cchc-quy" in added.text
    assert 'name="exclude" value="Sở Nội vụ"' in added.text  # the edit form shows the exclusion as a name

    def stored() -> list[int]:
        with app.db.session() as s:
            d = s.scalar(select(Deadline))
            assert d is not None
            return list(d.audience_exclude or [])
    assert stored() == [snv]
    before = len(audit(app))
    bad = admin.post("/han-nop/bc-cchc-quy/sua", data={**fields, "exclude": "SNV, Sở Không Có"})
    assert bad.status_code == 422 and "Không có đơn vị «Sở Không Có» để loại trừ" in bad.text
    assert stored() == [snv] and len(audit(app)) == before  # nothing changed, nothing audited
    admin.post("/han-nop/bc-cchc-quy/sua", data={"csrf": csrf, "leads": "5,1"})  # a form without the field
    assert stored() == [snv]
    assert "Đã sửa hạn bc-cchc-quy" in admin.post("/han-nop/bc-cchc-quy/sua",
                                               data={**fields, "exclude": "Sở Nội vụ, so tu phap"}).text
    assert stored() == sorted([snv, stp])
    admin.post("/han-nop/bc-cchc-quy/sua", data={**fields, "exclude": ""})  # emptied: cleared, as tru=không
    assert stored() == []
    edits = [e for e in audit(app) if e.action == "edit_deadline"]
    assert len(edits) == 3 and f"'audience_exclude': [{snv}, {stp}]" in edits[1].detail
    assert "'audience_exclude': []" in edits[2].detail and edits[2].chat_id == "web"


def test_units_import_is_checked_before_it_is_stored(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    page = admin.get("/don-vi").text
    csrf = csrf_of(page)
    assert admin.get("/don-vi/mau.xlsx").content[:2] == b"PK"
    checked = admin.post("/don-vi/nhap", data={"csrf": csrf},
                         files={"file": ("dv.xlsx", xlsx(GOOD), "application/octet-stream")})
    assert checked.status_code == 200 and "3 dòng hợp lệ: thêm mới 3" in checked.text and "import-commit" in checked.text
    with app.db.session() as s:
        assert s.scalar(select(Unit)) is None
    data = re.search(r'name="data" value="([^"]+)"', checked.text).group(1)  # type: ignore[union-attr]
    stored = admin.post("/don-vi/nhap", data={"csrf": csrf, "commit": "1", "name": "dv.xlsx", "data": data})
    assert "Đã lưu: 3 dòng hợp lệ" in stored.text and "Nguyễn Văn An (telegram)" in stored.text
    bad = admin.post("/don-vi/nhap", data={"csrf": csrf},
                     files={"file": ("dv.xlsx", xlsx([["", "sở"], ["Sở X", "huyện"]]), "application/octet-stream")})
    assert bad.status_code == 422 and "<td>2</td><td>thiếu Tên đơn vị</td>" in bad.text and "import-commit" not in bad.text
    junk = admin.post("/don-vi/nhap", data={"csrf": csrf}, files={"file": ("a.xlsx", b"PKjunk", "x")})
    assert junk.status_code == 422 and "Không đọc được tệp Excel" in junk.text
    assert [e.action for e in audit(app)][-1] == "donvi nhap"


def test_units_add_alias_remove_through_chat_handlers(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(admin.get("/don-vi").text)
    assert "Đã thêm Sở Y tế" in admin.post("/don-vi/them", data={"csrf": csrf, "name": "Sở Y tế", "type": "sở",
                                                                  "aliases": "SYT"}).text
    assert "có thêm bí danh «Y tế»" in admin.post("/don-vi/ten-khac", data={"csrf": csrf, "name": "SYT",
                                                                             "alias": "Y tế"}).text
    dup = admin.post("/don-vi/them", data={"csrf": csrf, "name": "Sở Y tế", "type": "sở"})
    assert dup.status_code == 422 and "đã có" in dup.text
    assert "Đã ngừng theo dõi Sở Y tế" in admin.post("/don-vi/xoa", data={"csrf": csrf, "name": "Sở Y tế"}).text
    assert [e.action for e in audit(app)][-3:] == ["donvi them", "donvi bidanh", "donvi xoa"]


def test_days_off_journal_and_ask(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(admin.get("/ngay-nghi").text)
    r = admin.post("/ngay-nghi", data={"csrf": csrf, "verb": "them", "day": "2026-12-24", "note": "Nghỉ bù"})
    assert "Đã thêm ngày nghỉ Thứ Năm, 24/12/2026 (Nghỉ bù)" in r.text and "Nghỉ bù" in admin.get("/ngay-nghi").text
    with app.db.session() as s:
        assert s.get(DayOverride, __import__("datetime").date(2026, 12, 24)) is not None
    assert admin.post("/ngay-nghi", data={"csrf": csrf, "verb": "them", "day": "24/12"}).status_code == 422
    journal = admin.get("/nhat-ky?nguoi=telegram:1001&thaotac=ngaynghi").text.split("<tbody>")[1]
    assert "them 2026-12-24 Nghỉ bù" in journal and "web dang nhap" not in journal
    assert "<td>09:00 25/11/2026</td><td>telegram:1001</td><td>web</td><td title=\"ngaynghi\">ngày nghỉ</td>" in journal
    assert "them 2026-12-24" not in admin.get("/nhat-ky?ngay=2026-11-24").text
    assert "them 2026-12-24" in admin.get("/nhat-ky?ngay=2026-11-25").text
    assert "Không có thao tác nào" in admin.get("/nhat-ky?nguoi=zalo:khac").text
    asked = admin.post("/hoi-thu", data={"csrf": csrf, "q": "Hạn gửi báo cáo CCHC quý là ngày nào?"})
    assert asked.status_code == 200 and "Trả lời" in asked.text


def test_documents_upload_passages_and_remove(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    csrf = csrf_of(admin.get("/van-ban").text)
    text = ("ỦY BAN NHÂN DÂN TỈNH A\nSố: 12/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2027\n"
            "1. Mục tiêu\nCác sở, ban, ngành gửi báo cáo cải cách hành chính định kỳ trước ngày 15 tháng cuối quý.\n"
            "2. Tổ chức thực hiện\nSở Nội vụ theo dõi, đôn đốc việc thực hiện kế hoạch này.\n")
    r = admin.post("/van-ban/tai-len", data={"csrf": csrf}, files={"file": ("kh.txt", text.encode(), "text/plain")})
    assert r.status_code == 200 and "Đã thêm" in r.text, r.text[-800:]
    doc_id = int(re.search(r"mã (\d+),", r.text).group(1))  # type: ignore[union-attr]
    passages = admin.get(f"/van-ban/{doc_id}").text
    assert "trước ngày 15 tháng cuối quý" in passages
    replaced = admin.post(f"/van-ban/{doc_id}/trang-thai", data={"csrf": csrf, "status": "replaced"})
    assert f"Văn bản mã {doc_id}: đã được thay thế." in replaced.text
    assert 'value="replaced" selected' in admin.get("/van-ban").text
    assert admin.post(f"/van-ban/{doc_id}/trang-thai", data={"csrf": csrf, "status": "xyz"}).status_code == 422
    assert "Đã xóa văn bản mã" in admin.post(f"/van-ban/{doc_id}/xoa", data={"csrf": csrf}).text
    assert admin.get(f"/van-ban/{doc_id}").status_code == 404
    assert [e.action for e in audit(app)][-3:] == ["document", "kb set", "kb remove"]


def test_cli_prints_a_login_link(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import build_parser
    from bot.core.config import Settings

    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}",
                        web_base_url="https://bot.example.gov.vn/quan-tri")
    parser = build_parser()
    args = parser.parse_args(["web", "link"])
    assert args.handler(args, settings) == 0
    assert re.fullmatch(r"https://bot\.example\.gov\.vn/quan-tri/dang-nhap\?t=[\w-]{40,}\n", capsys.readouterr().out)
    args = parser.parse_args(["web", "link", "--admin", "telegram:999"])
    assert args.handler(args, settings) == 2 and "không phải quản trị viên" in capsys.readouterr().err


def test_tinhhinh_excel_and_bieudo_send_the_files(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    seed_status(app.db, clock.now())
    [excel] = asyncio.run(app.handle(msg("/tinhhinh cchc-quy excel", user="1001", channel="telegram", chat="1001")))
    [xlsx_file] = excel.files
    assert xlsx_file.file_name == "tinh-hinh-cchc-quy-20261125.xlsx" and not xlsx_file.picture
    assert load_workbook(io.BytesIO(xlsx_file.data)).sheetnames == ["Tổng hợp", "cchc-quy 2026-Q4"]
    [chart] = asyncio.run(app.handle(msg("/tinhhinh bieudo", user="1001", channel="telegram", chat="1001")))
    assert chart.files[0].picture and chart.files[0].data[:4] == b"\x89PNG" and "(1 kỳ)" in chart.text
    [bad] = asyncio.run(app.handle(msg("/tinhhinh khong-co excel", user="1001", channel="telegram", chat="1001")))
    assert "Không có hạn mã «khong-co»" in bad.text and not bad.files
    [plain] = asyncio.run(app.handle(msg("/tinhhinh cchc-quy", user="1001", channel="telegram", chat="1001")))
    assert "1/5 đơn vị đã nộp" in plain.text and not plain.files
    [user] = asyncio.run(app.handle(msg("/tinhhinh cchc-quy excel", user="42", channel="telegram", chat="42")))
    assert not user.files and "chỉ dành cho quản trị viên" in user.text


def test_focal_point_requests_are_approved_or_refused_on_the_units_page(app: App, admin, channel) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from scheduler.units import add_unit

    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
    asyncio.run(app.handle(msg("/dangky Sở Tư pháp", user="u7", chat="u7")))
    asyncio.run(app.handle(msg("/dangky Sở Tư pháp", user="u8", chat="u8")))
    page = admin.get("/don-vi").text
    assert "Yêu cầu làm đầu mối đang chờ duyệt (2)" in page and "Người u7" in page
    code7, code8 = re.findall(r'name="code" value="(dk\d+)"', page)
    csrf = csrf_of(page)
    approved = admin.post("/don-vi/yeu-cau", data={"csrf": csrf, "code": code7, "verb": "duyet"})
    assert "Đã duyệt Người u7 làm đầu mối của Sở Tư pháp" in approved.text
    assert "Người u7 (fake)" in approved.text.split("Các đơn vị")[1]  # now listed as the unit's focal point
    assert any("đã duyệt bạn là đầu mối" in t for t in channel.texts("u7"))  # the requester is told, in chat
    refused = admin.post("/don-vi/yeu-cau", data={"csrf": csrf, "code": code8, "verb": "tuchoi"})
    assert "Đã từ chối Người u8" in refused.text and "chưa được duyệt" in channel.texts("u8")[-1]
    again = admin.post("/don-vi/yeu-cau", data={"csrf": csrf, "code": code8, "verb": "duyet"})
    assert again.status_code == 422 and "đã được xử lý" in again.text
    assert "Không có yêu cầu nào" in again.text
    assert [e.action for e in audit(app)][-2:] == ["duyet", "tuchoi"]


def test_an_upload_of_a_directive_already_stored_in_another_form_names_it(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    """QA #31: the same number and issuer in another file (a .pdf after the .docx) is stored, with a warning that
    names the document already there, as chat and `kb add` say (knowledge.usecases.same_directive_warning)."""
    csrf = csrf_of(admin.get("/van-ban").text)
    text = ("ỦY BAN NHÂN DÂN TỈNH A\nSố: 12/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2027\n"
            "1. Mục tiêu\nCác sở, ban, ngành gửi báo cáo cải cách hành chính định kỳ trước ngày 15 tháng cuối quý.\n")
    first = admin.post("/van-ban/tai-len", data={"csrf": csrf}, files={"file": ("kh.txt", text.encode(), "text/plain")})
    assert "Đã thêm" in first.text and "⚠️" not in first.text
    doc_id = int(re.search(r"mã (\d+),", first.text).group(1))  # type: ignore[union-attr]
    again = admin.post("/van-ban/tai-len", data={"csrf": csrf},
                       files={"file": ("kh-ban-2.txt", (text + "\nBản gửi lại.").encode(), "text/plain")})
    assert again.status_code == 200 and "Đã thêm" in again.text
    assert "⚠️ Kho đã có văn bản cùng số 12/KH-UBND" in again.text and f"(mã {doc_id}, tệp kh.txt)" in again.text
