"""Units from a spreadsheet: every row checked first, all stored or none, re-import updates (CLI and core)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.core.db import Database
from bot.core.models import AuditEntry
from bot.core.actors import CONSOLE
from scheduler.usecases.units import import_units
from scheduler.models import FocalPoint, Unit
from scheduler.unit_import import HEADERS, ImportFileError, check_rows, read_table, template_xlsx
from scheduler.units import add_unit


def xlsx(rows: list[list[str]], header: tuple[str, ...] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["Sở Tư pháp", "sở/ban/ngành", "STP, Tư pháp", "Nguyễn Văn An (telegram:123456)"],
    ["UBND xã Tân Lập", "xã/phường/đặc khu", "Tân Lập", ""],
    ["UBND phường Hòa Bình", "Phường", "", "Trần Thị Bình, zalo:8f3a2c; telegram:987"],
]


def test_good_file_stores_every_row_with_focal_points_and_is_audited(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        check = import_units(s, clock.now(), CONSOLE, xlsx(GOOD), "dv.xlsx", dry_run=False)
    assert check.ok and check.count("add") == 3
    with db.session() as s:
        units = {u.name: u for u in s.scalars(select(Unit))}
        assert units["Sở Tư pháp"].type == "so" and units["Sở Tư pháp"].aliases == ["STP", "Tư pháp"]
        assert units["UBND phường Hòa Bình"].type == "xa"
        fps = {(f.channel, f.user_id): f for f in s.scalars(select(FocalPoint))}
        assert fps[("telegram", "123456")].display_name == "Nguyễn Văn An"
        assert fps[("telegram", "123456")].private_chat_id == "123456"  # Telegram: private chat id = user id
        assert fps[("zalo", "8f3a2c")].display_name == "Trần Thị Bình" and fps[("zalo", "8f3a2c")].private_chat_id is None
        assert fps[("telegram", "987")].unit.name == "UBND phường Hòa Bình"
        entry = s.scalar(select(AuditEntry))
        assert entry is not None and entry.action == "donvi nhap" and entry.user_id == "local"
        assert "thêm 3" in entry.detail


def test_one_bad_row_stores_nothing_and_each_problem_names_its_row(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    rows = GOOD + [
        ["", "sở", "", ""],
        ["UBND huyện Cũ", "huyện", "", ""],
        ["Sở Y tế", "bệnh viện", "", ""],
        ["Sở Tư pháp", "sở", "", ""],
        ["Sở Nội vụ", "sở", "STP", "@hoa"],
        ["Sở Xây dựng", "sở", "", "Lan (viber:1)"],
    ]
    with db.session() as s:
        check = import_units(s, clock.now(), CONSOLE, xlsx(rows), "dv.xlsx", dry_run=False)
    text = check.summary()
    assert not check.ok
    assert "Dòng 5: thiếu Tên đơn vị" in text
    assert "Dòng 6: cấp huyện không còn" in text
    assert "Dòng 7: Loại «bệnh viện» không hợp lệ" in text
    assert "Dòng 8: «Sở Tư pháp» trùng với dòng 2" in text
    assert "Dòng 9: đầu mối «@hoa» không đúng dạng" in text and "Dòng 9: tên gọi khác «STP» đã dùng ở dòng 2" in text
    assert "Dòng 10: kênh «viber»" in text
    assert "chưa lưu đơn vị nào" in text
    with db.session() as s:
        assert s.scalars(select(Unit)).first() is None
        assert s.scalars(select(AuditEntry)).first() is None


def test_reimport_updates_instead_of_duplicating(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        add_unit(s, "Sở Tư pháp", "so", ["STP"])
    with db.session() as s:
        first = import_units(s, clock.now(), CONSOLE, xlsx(GOOD), "dv.xlsx", dry_run=False)
    assert [r.action for r in first.rows] == ["update", "add", "add"]
    with db.session() as s:
        again = import_units(s, clock.now(), CONSOLE, xlsx(GOOD), "dv.xlsx", dry_run=False)
    assert [r.action for r in again.rows] == ["unchanged"] * 3
    changed = [["UBND xã Tân Lập", "xã", "Xã Tân Lập", "telegram:555"], ["stp", "sở", "", ""]]
    with db.session() as s:
        third = import_units(s, clock.now(), CONSOLE, xlsx(changed), "dv.xlsx", dry_run=False)
    assert [r.action for r in third.rows] == ["update", "unchanged"] and third.rows[1].existing == "Sở Tư pháp"
    with db.session() as s:
        assert s.query(Unit).count() == 3
        tan_lap = s.scalar(select(Unit).where(Unit.name == "UBND xã Tân Lập"))
        assert tan_lap is not None and tan_lap.aliases == ["Tân Lập", "Xã Tân Lập"]
        assert [f.user_id for f in tan_lap.focal_points] == ["555"]
        assert s.query(FocalPoint).count() == 4


def test_dry_run_and_alias_of_another_stored_unit(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        add_unit(s, "Sở Tài chính", "so", ["STC"])
    with db.session() as s:
        check = import_units(s, clock.now(), CONSOLE, xlsx(GOOD), "dv.xlsx", dry_run=True)
        assert check.ok and s.query(Unit).count() == 1
        bad = check_rows(s, read_table(xlsx([["Sở Công Thương", "sở", "STC", ""]]), "x.xlsx"))
    assert [str(p) for p in bad.problems] == ["Dòng 2: tên gọi khác «STC» đã là tên của đơn vị «Sở Tài chính»"]


def test_csv_with_semicolons_and_bad_files() -> None:
    table = read_table("Tên đơn vị;Loại;Tên gọi khác\nSở Y tế;sở;SYT, Y tế\n".encode("utf-8-sig"), "a.csv")
    assert table[1] == ["Sở Y tế", "sở", "SYT, Y tế"]
    with pytest.raises(ImportFileError, match="Chỉ nhận tệp .xlsx hoặc .csv"):
        read_table(b"\x00\x01", "a.doc")
    with pytest.raises(ImportFileError, match="Không đọc được tệp Excel"):
        read_table(b"PK\x03\x04garbage", "a.xlsx")
    with pytest.raises(ImportFileError, match="Thiếu cột: Loại"):
        check_rows(None, read_table(xlsx([["Sở A"]], header=("Tên đơn vị", "Ghi chú")), "a.xlsx"))  # type: ignore[arg-type]


def test_template_is_importable_as_is(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in wb.active[1]] == list(HEADERS) and wb.active.freeze_panes == "A2"
    with db.session() as s:
        check = import_units(s, clock.now(), CONSOLE, template_xlsx(), "mau.xlsx", dry_run=True)
    assert check.ok and check.count("add") == 3


def test_cli_template_dry_run_import_and_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "mau.xlsx"
    assert cli("units", "template", str(template))[0] == 0 and template.stat().st_size > 0
    code, out, _ = cli("units", "import", str(template), "--dry-run")
    assert code == 0 and "Thử (--dry-run), chưa lưu" in out and "Dòng 2: thêm Sở Tư pháp — sở/ban/ngành" in out
    assert cli("units", "list")[1].strip() == "Chưa có đơn vị nào."
    code, out, _ = cli("units", "import", str(template))
    assert code == 0 and "Đã lưu: 3 dòng hợp lệ: thêm mới 3" in out
    assert "Sở Tư pháp" in cli("units", "list")[1]
    bad = tmp_path / "bad.csv"
    bad.write_text("Tên đơn vị,Loại\nSở Mới,sở\n,xã\n", encoding="utf-8")
    code, _, err = cli("units", "import", str(bad))
    assert code == 2 and "Dòng 3: thiếu Tên đơn vị" in err
    assert "Sở Mới" not in cli("units", "list")[1]
    code, _, err = cli("units", "import", str(tmp_path / "none.xlsx"))
    assert code == 2 and "Không đọc được tệp" in err
