"""The scripting CLI: deadlines list|add|remove|presets|ics, units …, reminders plan (a dry run)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.cli import build_parser
from bot.core.config import Settings
from bot.core.db import Database
from scheduler.models import Chat, Delivery, Unit


@pytest.fixture
def cli(tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    parser = build_parser()

    def run(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args(list(argv))
        code = args.handler(args, settings)
        out, err = capsys.readouterr()
        return code, out, err

    run.settings = settings  # type: ignore[attr-defined]
    return run


def test_units_and_deadlines_round_trip(cli):
    assert cli("units", "add", "Sở Tư pháp", "--type", "sở", "--alias", "STP")[0] == 0
    assert cli("units", "add", "UBND xã Tân Lập", "--type", "xa")[0] == 0
    code, _, err = cli("units", "add", "UBND huyện A", "--type", "huyen")
    assert code == 2 and "cấp huyện" in err
    assert cli("units", "alias", "STP", "Tư pháp")[0] == 0
    code, out, _ = cli("units", "list", "--json")
    units = json.loads(out)
    assert [u["name"] for u in units] == ["Sở Tư pháp", "UBND xã Tân Lập"] and units[0]["aliases"] == ["STP", "Tư pháp"]

    code, out, _ = cli("deadlines", "add", "--title", "Báo cáo CCHC quý", "--rule", "ngay 10 thang cuoi quy",
                       "--audience", "sở, xã", "--leads", "5,1", "--json")
    added = json.loads(out)
    assert code == 0 and added["code"] == "bc-cchc-quy" and added["units"] == ["Sở Tư pháp", "UBND xã Tân Lập"]
    code, _, err = cli("deadlines", "add", "--title", "X", "--rule", "31/02/2027", "--audience", "sở")
    assert code == 2 and "không có thật" in err
    code, out, _ = cli("deadlines", "list", "--unit", "xa tan lap", "--json")
    assert [d["code"] for d in json.loads(out)] == ["bc-cchc-quy"]
    assert cli("deadlines", "remove", "bc-cchc-quy")[0] == 0
    assert json.loads(cli("deadlines", "list", "--json")[1]) == []
    assert cli("deadlines", "remove", "bc-cchc-quy")[0] == 2
    assert cli("units", "remove", "STP")[0] == 0
    assert [u["name"] for u in json.loads(cli("units", "list", "--json")[1])] == ["UBND xã Tân Lập"]


def test_presets_are_listed_then_installed_on_request(cli):
    code, out, _ = cli("deadlines", "presets", "--json")
    assert {p["name"] for p in json.loads(out)} == {"cchc", "7946"}
    assert json.loads(cli("deadlines", "list", "--json")[1]) == []
    code, out, _ = cli("deadlines", "presets", "install", "--name", "cchc", "--day", "15", "--json")
    assert json.loads(out) == {"created": ["cchc-donvi", "cchc-tinh"], "kept": []}
    rules = {d["code"]: d["rule"] for d in json.loads(cli("deadlines", "list", "--json")[1])}
    assert rules["cchc-donvi"].startswith("chậm nhất ngày 15 ")
    assert cli("deadlines", "presets", "install", "--name", "cchc", "--day", "31")[0] == 2


def test_reminders_plan_is_a_dry_run_with_targets(cli):
    cli("units", "add", "Sở Tư pháp", "--type", "so")
    cli("deadlines", "presets", "install", "--name", "cchc")
    db = Database.from_url(cli.settings.db_url)
    with db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "Sở Tư pháp"))
        s.add(Chat(channel="telegram", chat_id="-1001", kind="group", title="Nhóm STP", unit_id=unit.id))
    code, out, _ = cli("reminders", "plan", "--from", "2026-12-01", "--to", "2026-12-31", "--json")
    plan = json.loads(out)
    mine = [r for r in plan if r["chat_id"] == "-1001"]
    # the unit day defaults to 15 (the day after the 14th cut-off): Tue 15/12, 7, 3 (Sat → Fri 11/12), 1, 0 days before,
    # then the ESCALATION_DAYS (3) working days after it, as the reminder service plans them
    assert [r["time"] for r in mine] == ["2026-12-08T08:00:00+07:00", "2026-12-11T08:00:00+07:00",
                                         "2026-12-14T08:00:00+07:00", "2026-12-15T08:00:00+07:00",
                                         "2026-12-16T08:00:00+07:00", "2026-12-17T08:00:00+07:00",
                                         "2026-12-18T08:00:00+07:00"]
    assert {r["deadline"] for r in mine} == {"cchc-donvi"} and mine[0]["unit"] == "Sở Tư pháp"
    assert mine[0]["channel"] == "telegram" and mine[0]["label"] == "Năm 2026" and mine[0]["already_sent"] is False
    with db.session() as s:
        assert s.scalar(select(Delivery)) is None  # nothing planned in the database, nothing sent
    assert cli("reminders", "plan", "--from", "2026-12-31", "--to", "2026-12-01")[0] == 2


def test_ics_file(cli, tmp_path: Path):
    cli("units", "add", "Sở Tư pháp", "--type", "so")
    cli("deadlines", "presets", "install", "--name", "7946")
    out_file = tmp_path / "han.ics"
    assert cli("deadlines", "ics", "--unit", "Sở Tư pháp", "--from", "2027-01-01", "--days", "365",
               "--out", str(out_file))[0] == 0
    events = Calendar.from_ical(out_file.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["kh-cchc-so-2027@cchc-bot"]
    assert cli("deadlines", "ics", "--unit", "Không có")[0] == 2


def test_reminders_plan_names_the_units_nobody_can_be_reminded_through(cli):
    """QA: with units but no group or focal point the dry run said only «Không có lời nhắc nào», as if all was well."""
    cli("units", "add", "Sở Tư pháp", "--type", "so")
    cli("units", "add", "UBND xã Tân Lập", "--type", "xa")
    cli("deadlines", "presets", "install", "--name", "cchc")
    code, out, err = cli("reminders", "plan", "--from", "2026-12-01", "--to", "2026-12-31")
    assert code == 0 and out.strip() == "Không có lời nhắc nào trong khoảng này."
    assert "⚠️ 3 đơn vị phải nộp trong khoảng này nhưng chưa có nhóm hay đầu mối nhận tin" in err
    assert "Sở Nội vụ, Sở Tư pháp, UBND xã Tân Lập" in err
    db = Database.from_url(cli.settings.db_url)
    with db.session() as s:
        for unit in s.scalars(select(Unit)):
            s.add(Chat(channel="telegram", chat_id=f"-{unit.id}", kind="group", title=unit.name, unit_id=unit.id))
    code, out, err = cli("reminders", "plan", "--from", "2026-12-01", "--to", "2026-12-31", "--json")
    assert code == 0 and json.loads(out) and err == ""
    code, _, err = cli("reminders", "plan", "--from", "2027-01-01", "--to", "2027-01-02")
    assert err == ""  # nothing owed in the range: nothing to warn about
