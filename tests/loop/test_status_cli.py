"""`python -m bot status CODE [--period P] [--json]` through the real entry point (main(argv), and one subprocess)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot import schema
from bot.cli import main
from bot.core.clock import VN_TZ, FixedClock
from bot.core.db import Database
from scheduler.daysoff import calendar_for
from scheduler.models import Chat
from scheduler.repo import acknowledge, create_deadline
from scheduler.occurrences import materialise
from scheduler.units import add_unit
from tests.builders import cli_environment

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 9, tzinfo=VN_TZ)
KEYS = {"deadline", "period", "due", "legal_due", "units"}
UNIT_KEYS = {"name", "type", "submitted", "by", "at", "note", "reachable"}


def seed(db: Database) -> None:
    """Sở Tư pháp (a group, confirmed 2026-Q4 with a number), UBND xã Số 10 and Số 2 (nobody); «bcq» quarterly."""
    with db.session() as s:
        stp = add_unit(s, "Sở Tư pháp", "so")
        add_unit(s, "UBND xã Số 10", "xa")
        add_unit(s, "UBND xã Số 2", "xa")
        s.add(Chat(channel="telegram", chat_id="-100", kind="group", title="STP", active=True, unit_id=stp.id))
        d = create_deadline(s, dict(code="bcq", title="Báo cáo quý", rule="ngày 10 tháng cuối quý",
                                    audience_types=["so", "xa"], leads=[7, 3, 1, 0]),
                            at=datetime(2026, 11, 1, tzinfo=VN_TZ), by="test")
        rows = materialise(s, d, calendar_for(s), NOW.date())
        q4 = next(r for r, _ in rows if r.period == "2026-Q4")
        ack, _ = acknowledge(s, q4.id, stp.id, channel="telegram", user_id="7", name="Anh Minh",
                             at=datetime(2026, 11, 24, 9, 30, tzinfo=VN_TZ))
        ack.note = "12/BC-STP"


@pytest.fixture
def bot_cli(db_url: str, tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    database = Database.from_url(db_url)
    schema.upgrade(database)
    seed(database)
    database.engine.dispose()
    cli_environment(monkeypatch, tmp_path, db_url)
    fixed = FixedClock(NOW)
    monkeypatch.setattr("bot.app.SystemClock", lambda: fixed)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    run.clock = fixed  # type: ignore[attr-defined]
    return run


def test_json_contract_exactly(bot_cli):  # type: ignore[no-untyped-def]
    code, out, _ = bot_cli("status", "bcq", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == KEYS and data["deadline"] == {"code": "bcq", "title": "Báo cáo quý"}
    assert (data["period"], data["due"], data["legal_due"]) == ("2026-Q4", "2026-12-10", "2026-12-10")
    assert all(set(u) == UNIT_KEYS for u in data["units"])
    assert [u["name"] for u in data["units"]] == ["Sở Tư pháp", "UBND xã Số 2", "UBND xã Số 10"]
    stp, x2, _ = data["units"]
    assert stp == {"name": "Sở Tư pháp", "type": "so", "submitted": True, "by": "Anh Minh",
                   "at": "2026-11-24T09:30:00+07:00", "note": "12/BC-STP", "reachable": True}
    assert x2 == {"name": "UBND xã Số 2", "type": "xa", "submitted": False, "by": None, "at": None, "note": None,
                  "reachable": False}
    datetime.fromisoformat(stp["at"])


def test_named_period_and_the_escalation_window(bot_cli):  # type: ignore[no-untyped-def]
    code, out, _ = bot_cli("status", "BCQ", "--period", "2027-Q1", "--json")
    assert code == 0 and json.loads(out)["period"] == "2027-Q1" and json.loads(out)["due"] == "2027-03-10"
    assert not any(u["submitted"] for u in json.loads(out)["units"])
    bot_cli.clock.set(datetime(2026, 12, 15, 9, tzinfo=VN_TZ))  # the third escalation day of 2026-Q4
    assert json.loads(bot_cli("status", "bcq", "--json")[1])["period"] == "2026-Q4"
    bot_cli.clock.set(datetime(2026, 12, 16, 9, tzinfo=VN_TZ))
    assert json.loads(bot_cli("status", "bcq", "--json")[1])["period"] == "2027-Q1"


def test_unknown_code_or_bad_period_exit_2_with_a_vietnamese_message(bot_cli):  # type: ignore[no-untyped-def]
    code, out, err = bot_cli("status", "khong-co", "--json")
    assert code == 2 and out == "" and "Không có hạn mã «khong-co»" in err and "deadlines list" in err
    code, out, err = bot_cli("status", "bcq", "--period", "2031-Q9")
    assert code == 2 and out == "" and "Hạn bcq không có kỳ «2031-Q9»" in err and "2026-Q4" in err


def test_without_json_a_readable_table(bot_cli):  # type: ignore[no-untyped-def]
    code, out, _ = bot_cli("status", "bcq")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "[bcq] Báo cáo quý — Quý IV/2026 (2026-Q4)"
    assert lines[1] == "Hạn Thứ Năm, 10/12/2026: còn 15 ngày"
    assert lines[2] == "sở/ban/ngành: 1/1 đã nộp · UBND cấp xã: 0/2 đã nộp"
    header = lines[4]
    assert header.split("  ")[0] == "Đơn vị" and "Trạng thái" in header and "Người xác nhận" in header
    stp = next(line for line in lines if line.startswith("Sở Tư pháp"))
    assert "Đã nộp" in stp and "Anh Minh" in stp and "09:30 24/11/2026" in stp and "12/BC-STP" in stp
    x10 = next(line for line in lines if line.startswith("UBND xã Số 10"))
    assert "Chưa nộp" in x10 and x10.endswith("⚠️ chưa có nhóm/đầu mối")
    assert lines.index(x10) > lines.index(next(line for line in lines if line.startswith("UBND xã Số 2 ")))


def test_the_real_command_in_a_subprocess(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    database = Database.from_url(url)
    schema.upgrade(database)
    seed(database)
    database.engine.dispose()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_", "DATA_DIR",
                                                                       "ENV_FILE", "ADMIN_IDS"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "status", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    done = run("bcq", "--period", "2026-Q4", "--json")  # a named period: the same answer whatever today is
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == KEYS and data["units"][0]["note"] == "12/BC-STP"
    bad = run("nope")
    assert bad.returncode == 2 and "Không có hạn mã «nope»" in bad.stderr and "Traceback" not in bad.stderr
