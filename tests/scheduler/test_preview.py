"""The preview contract of `python -m bot deadlines preview RULE … --json`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.clock import VN_TZ, FixedClock
from bot.core.db import Database
from scheduler.daysoff import set_override

ROOT = Path(__file__).resolve().parents[2]
CCHC = "ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"
KEYS = {"period", "due", "due_is_working_day", "legal_due", "cutoff", "reminders"}


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .env, and the default SQLite file lives here
    for var in ("DATABASE_URL", "REMINDER_LEADS", "REMINDER_TIME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(["deadlines", "preview", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err
    return _run


def test_cchc_set_json(run):
    code, out, err = run(CCHC, "--from", "2027-01-01", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"rule", "understood", "occurrences"}
    assert data["rule"] == CCHC and "Quý I" in data["understood"]
    occ = data["occurrences"]
    assert len(occ) == 4 and all(set(o) == KEYS for o in occ)
    assert [o["period"] for o in occ] == ["2027-Q1", "2027-H1", "2027-Q3", "2027"]
    q1 = occ[0]
    assert q1["due"] == "2027-03-20" and q1["due_is_working_day"] is False and q1["legal_due"] == "2027-03-22"
    assert q1["cutoff"] == {"from": "2026-12-15", "to": "2027-03-14"}
    assert q1["reminders"] == ["2027-03-12T08:00:00+07:00", "2027-03-17T08:00:00+07:00", "2027-03-19T08:00:00+07:00"]
    q3 = occ[2]
    assert q3["due_is_working_day"] is True and q3["legal_due"] == q3["due"] == "2027-09-20"
    assert q3["reminders"][-1] == "2027-09-20T08:00:00+07:00"


def test_count_and_leads(run):
    code, out, _ = run("ngày 10 tháng cuối quý", "--from", "2027-03-11", "--count", "2", "--lead", "2,0", "--json")
    data = json.loads(out)
    assert code == 0
    assert [o["period"] for o in data["occurrences"]] == ["2027-Q2", "2027-Q3"]
    assert data["occurrences"][0]["reminders"] == ["2027-06-08T08:00:00+07:00", "2027-06-10T08:00:00+07:00"]


def test_one_off_without_cutoff(run):
    code, out, _ = run("trong quý III/2027", "--from", "2027-01-01", "--json")
    [o] = json.loads(out)["occurrences"]
    assert (o["period"], o["due"], o["cutoff"]) == ("2027-Q3", "2027-09-30", None)


def test_nothing_left_is_an_empty_list(run):
    code, out, _ = run("30/01/2027", "--from", "2027-02-01", "--json")
    assert code == 0 and json.loads(out)["occurrences"] == []


def test_readable_text(run):
    code, out, _ = run(CCHC, "--from", "2027-01-01")
    assert code == 0
    assert "Quý I/2027: hạn Thứ Bảy, 20/03/2027" in out
    assert "ngày nghỉ" in out and "Thứ Hai, 22/03/2027" in out
    assert "Chốt số liệu: 15/12/2026 – 14/03/2027" in out


@pytest.mark.parametrize("argv,code", [
    (["xyz", "--json"], 1),
    (["31/02/2027", "--json"], 1),
    (["thường xuyên", "--json"], 1),
    (["30/01/2027", "--from", "2027-13-01"], 2),
    (["30/01/2027", "--lead", "a,b"], 2),
    (["30/01/2027", "--count", "0"], 2),
])
def test_bad_input_exits_non_zero_with_a_message(run, argv, code):
    got, out, err = run(*argv)
    assert got == code and out == ""
    assert err.strip() and "Traceback" not in err


def test_uses_day_overrides_from_the_database(run, tmp_path):
    db = Database.from_url(f"sqlite:///{tmp_path / 'data' / 'bot.db'}")
    db.create_all()
    with db.session() as s:
        set_override(s, date(2027, 9, 20), True, "Nghỉ đột xuất", "test")
    db.engine.dispose()
    _, out, _ = run(CCHC, "--from", "2027-09-01", "--count", "1", "--json")
    [o] = json.loads(out)["occurrences"]
    assert o["due_is_working_day"] is False and o["legal_due"] == "2027-09-21"
    assert o["reminders"][-1] == "2027-09-17T08:00:00+07:00"


def test_does_not_create_a_database(run, tmp_path):
    run(CCHC, "--json")
    assert not (tmp_path / "data" / "bot.db").exists()


def test_default_from_is_today_in_vietnam_and_default_count_is_four(run, monkeypatch):
    import scheduler.preview
    # 17:30 UTC on 4/12 is already 5/12 in Asia/Ho_Chi_Minh
    monkeypatch.setattr(scheduler.preview, "SystemClock",
                        lambda: FixedClock(datetime(2026, 12, 4, 17, 30, tzinfo=timezone.utc).astimezone(VN_TZ)))
    code, out, _ = run("ngày 5 hằng tháng", "--json")
    occ = json.loads(out)["occurrences"]
    assert code == 0
    assert [o["due"] for o in occ] == ["2026-12-05", "2027-01-05", "2027-02-05", "2027-03-05"]


def test_subprocess_contract(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REMINDER_LEADS", "REMINDER_TIME")}
    env.update(DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    ok = subprocess.run([sys.executable, "-m", "bot", "deadlines", "preview", "chậm nhất ngày 30/01 hằng năm",
                         "--from", "2027-01-01", "--count", "2", "--json"],
                        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert [o["due"] for o in data["occurrences"]] == ["2027-01-30", "2028-01-30"]
    assert data["occurrences"][0]["legal_due"] == "2027-02-01"  # 30/01/2027 is a Saturday
    bad = subprocess.run([sys.executable, "-m", "bot", "deadlines", "preview", "hằng quý", "--json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert bad.returncode != 0 and bad.stdout == ""
    assert "chưa nêu ngày" in bad.stderr and "Traceback" not in bad.stderr


def test_due_before_the_cut_off_is_warned_in_text_and_json(run):
    code, out, _ = run("ngày 10 tháng cuối quý", "--from", "2027-01-01")
    assert code == 0 and "⚠️ Lưu ý: hạn 10/03 không sau ngày chốt số liệu 14/03" in out and "Điều 8.5" in out
    code, out, _ = run("ngày 10 tháng cuối quý", "--from", "2027-01-01", "--json")
    assert "⚠️" in json.loads(out)["understood"]
    code, out, _ = run("ngày 15 tháng cuối quý", "--from", "2027-01-01")
    assert code == 0 and "⚠️" not in out


def test_new_families_preview(run):
    code, out, err = run("Báo cáo tuần: thứ Sáu", "--from", "2027-03-01", "--count", "2", "--json")
    assert code == 0, err
    assert [o["due"] for o in json.loads(out)["occurrences"]] == ["2027-03-05", "2027-03-12"]
    code, out, err = run("từ ngày 01/12 đến ngày 15/12", "--from", "2027-01-01")
    assert code == 1 and "ngày kết thúc" in err and "không có ngày hạn cụ thể" not in err
