"""The status report behind the export and the chart; the .xlsx and .png files; `report status|chart` on the CLI."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.core.clock import VN_TZ
from bot.core.db import Database
from bot.core.errors import NotFound
from scheduler.usecases.status import OVERDUE, PENDING, SUBMITTED, status_reports
from scheduler.status_chart import status_chart_png
from scheduler.status_xlsx import COLUMNS, STATE_FILL, status_workbook
from tests.desk.helpers import seed_status

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, tzinfo=VN_TZ)


def test_report_counts_reachability_and_states(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    seed_status(db, clock.now())
    with db.session() as s:
        [r] = status_reports(s, NOW)
    assert (r.code, r.period, r.due) == ("cchc-quy", "2026-Q4", date(2026, 12, 10))
    assert [u.name for u in r.units] == ["Sở Tư pháp", "Sở Y tế", "UBND phường C", "UBND xã A", "UBND xã B"]
    stp = r.units[0]
    assert stp.submitted and stp.by == "Anh Minh" and stp.reachable and "Nhóm CCHC Tư pháp (telegram)" in stp.contacts
    assert r.counts(TODAY) == {"sở/ban/ngành": {SUBMITTED: 1, PENDING: 1, OVERDUE: 0},
                               "UBND cấp xã": {SUBMITTED: 0, PENDING: 3, OVERDUE: 0}}
    assert [u.name for u in r.unreachable()] == ["Sở Y tế", "UBND phường C", "UBND xã B"]
    after = date(2026, 12, 11)
    assert r.counts(after)["UBND cấp xã"] == {SUBMITTED: 0, PENDING: 0, OVERDUE: 3} and r.days_left(TODAY) == 15
    assert r.as_dict()["deadline"] == {"code": "cchc-quy", "title": "Báo cáo CCHC quý"}
    assert r.as_dict()["units"][0]["at"] == "2026-11-24T09:30:00+07:00"


def test_named_period_and_unknown_code_or_period(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    seed_status(db, clock.now())
    with db.session() as s:
        [q1] = status_reports(s, NOW, "cchc-quy", "2027-Q1")
        assert q1.due == date(2027, 3, 10) and not any(u.submitted for u in q1.units)
        with pytest.raises(NotFound, match="Không có hạn mã «xyz»"):
            status_reports(s, NOW, "xyz")
        with pytest.raises(NotFound, match="không có kỳ «2031-Q9»"):
            status_reports(s, NOW, "cchc-quy", "2031-Q9")


def test_workbook_sheets_header_filters_colours_and_summary(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    seed_status(db, clock.now())
    with db.session() as s:
        reports = status_reports(s, NOW) + status_reports(s, NOW, "cchc-quy", "2027-Q1")
    wb = load_workbook(io.BytesIO(status_workbook(reports, TODAY)))
    assert wb.sheetnames == ["Tổng hợp", "cchc-quy 2026-Q4", "cchc-quy 2027-Q1"]
    ws = wb["cchc-quy 2026-Q4"]
    assert tuple(c.value for c in ws[1]) == COLUMNS
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G6" and ws["A1"].font.bold
    assert [ws.cell(row=i, column=3).value for i in range(2, 7)] == [SUBMITTED, PENDING, PENDING, PENDING, PENDING]
    assert ws["C2"].fill.fgColor.rgb.endswith(STATE_FILL[SUBMITTED]) and ws["C3"].fill.fgColor.rgb.endswith(STATE_FILL[PENDING])
    assert (ws["D2"].value, ws["E2"].value) == ("Anh Minh", "09:30 24/11/2026")
    assert ws["G5"].value == "Chị Hoa (zalo)" and ws["G3"].value == "Chưa có nhóm hay đầu mối"
    summary = wb["Tổng hợp"]
    rows = list(summary.iter_rows(min_row=4, values_only=True))
    assert rows[0][3:8] == ("sở/ban/ngành", 2, 1, 1, 0) and rows[1][3:8] == ("UBND cấp xã", 3, 0, 3, 0)
    assert rows[3][1:8] == ("Quý I/2027", "Thứ Tư, 10/03/2027", "UBND cấp xã", 3, 0, 3, 0)
    late = load_workbook(io.BytesIO(status_workbook(reports[:1], date(2026, 12, 11))))["cchc-quy 2026-Q4"]
    assert [late.cell(row=i, column=3).value for i in range(2, 7)] == [SUBMITTED] + [OVERDUE] * 4
    assert late["C3"].fill.fgColor.rgb.endswith(STATE_FILL[OVERDUE])


def test_chart_is_a_phone_sized_png_with_vietnamese_glyphs(db: Database, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import warnings

    seed_status(db, clock.now())
    with db.session() as s:
        reports = status_reports(s, NOW)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" when a letter cannot be drawn
        png = status_chart_png(reports, TODAY)
        empty = status_chart_png([], TODAY)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and empty[:8] == png[:8]
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == 960 and 300 < height < 1400


def test_cli_writes_the_export_and_the_chart(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from bot.app import build_app

    app = build_app(cli.settings)
    seed_status(app.db, app.clock.now())
    code, out, _ = cli("report", "status", "--xlsx", str(tmp_path / "th.xlsx"))
    assert code == 0 and "Đã ghi bảng tình hình (1 kỳ)" in out
    assert load_workbook(tmp_path / "th.xlsx").sheetnames == ["Tổng hợp", "cchc-quy 2026-Q4"]
    code, _, _ = cli("report", "status", "CCHC-QUY", "--period", "2027-Q1", "--xlsx", str(tmp_path / "q1.xlsx"))
    assert code == 0 and load_workbook(tmp_path / "q1.xlsx").sheetnames[1] == "cchc-quy 2027-Q1"
    code, _, err = cli("report", "status", "nope", "--xlsx", str(tmp_path / "x.xlsx"))
    assert code == 2 and "Không có hạn mã «nope»" in err and not (tmp_path / "x.xlsx").exists()
    code, out, _ = cli("report", "chart", "cchc-quy", "--png", str(tmp_path / "c.png"))
    assert code == 0 and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
