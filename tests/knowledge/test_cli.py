"""The command line: `ask --json` contract (in a subprocess), stdin mode, and `kb add|list|show|remove`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    env["DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI run in a fresh folder, on its default SQLite database there."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check_contract(obj: dict, question: str, top: int) -> None:
    assert {"question", "answered", "answer", "sources"} <= set(obj)  # the contract: fields may be added, none removed
    assert obj["question"] == question and isinstance(obj["answered"], bool) and isinstance(obj["answer"], str)
    assert len(obj["sources"]) <= top
    for s in obj["sources"]:
        assert {"document", "section", "passage", "score"} <= set(s)
        assert {"id", "number", "type", "title", "issuer", "date"} <= set(s["document"])
        assert s["section"] is None or isinstance(s["section"], str)
        assert isinstance(s["score"], float)
    scores = [s["score"] for s in obj["sources"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_in_a_subprocess(tmp_path: Path):
    q = "Nghị quyết 76/NQ-CP được ban hành ngày nào?"
    out = subprocess.run([sys.executable, "-m", "bot", "ask", q, "--json", "--top", "2"], cwd=tmp_path,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=True)
    obj = json.loads(out.stdout)
    _check_contract(obj, q, 2)
    assert obj["answered"] and "15/7/2021" in obj["answer"]
    assert obj["sources"][0]["document"]["date"] in (None, "2021-11-25") or len(obj["sources"][0]["document"]["date"]) == 10

    questions = ["Giá vàng hôm nay?", "", "ty le giai quyet ho so TTHC dung han toi thieu"]
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], cwd=tmp_path, env=_env(tmp_path),
                         input="\n".join(questions) + "\n", capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["question"] for x in lines] == [questions[0], questions[2]]
    assert not lines[0]["answered"] and lines[0]["sources"] == []
    assert lines[1]["answered"] and "99%" in lines[1]["answer"]
    for obj, q in zip(lines, [questions[0], questions[2]]):
        _check_contract(obj, q, 3)


def test_ask_plain_prints_what_a_user_reads(in_tmp, capsys):
    assert main(["ask", "giai ngan von dau tu cong toi thieu bao nhieu"]) == 0
    out = capsys.readouterr().out
    assert "95%" in out and "📄 Nguồn:" in out and not out.lstrip().startswith("{")


def test_kb_commands(tmp_path: Path, in_tmp, capsys):
    good = tmp_path / "kh.md"
    good.write_text("KẾ HOẠCH\nTập huấn năm 2025\n\n1. Nội dung\n\n- Tập huấn kỹ năng số cho 200 công chức cấp xã.")
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    assert main(["kb", "add", str(good), str(bad), str(good)]) == 1
    out, err = capsys.readouterr()
    assert "[1/3]" in out and "đã thêm (#6" in out and "đã có sẵn (#6)" in out
    assert "Không hỗ trợ" in err
    assert main(["kb", "list"]) == 0
    assert "#6" in capsys.readouterr().out
    assert main(["kb", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "7946/UBND-NCPC" in shown and "Nguyễn Đăng Bình" in shown and "1.b" in shown
    assert main(["kb", "remove", "6"]) == 0
    assert main(["kb", "remove", "6"]) == 1
    assert main(["kb", "show", "6"]) == 1


def test_kb_set_status_and_remove_bundled(tmp_path: Path, in_tmp, capsys):
    own = tmp_path / "kh.md"
    own.write_text("KẾ HOẠCH\nTập huấn năm 2026\n\n1. Nội dung\n\n- Tập huấn kỹ năng số cho 300 công chức cấp xã.")
    assert main(["kb", "add", str(own)]) == 0
    assert main(["kb", "set", "6", "--status", "thay-the"]) == 0
    assert "đã được thay thế" in capsys.readouterr().out
    assert main(["kb", "show", "6"]) == 0
    assert "Trạng thái: đã được thay thế" in capsys.readouterr().out
    assert main(["ask", "tập huấn kỹ năng số cho bao nhiêu công chức cấp xã"]) == 0
    assert "Văn bản đã được thay thế" in capsys.readouterr().out
    assert main(["kb", "set", "6", "--status", "abc"]) == 2
    err = capsys.readouterr().err
    assert "không hợp lệ" in err and "hieu-luc (còn hiệu lực)" in err and "draft" not in err  # QA 2: Vietnamese
    assert main(["kb", "set", "99", "--status", "hieu-luc"]) == 1
    assert main(["kb", "remove", "--bundled"]) == 0
    assert "Đã xóa 5 văn bản có sẵn" in capsys.readouterr().out
    assert main(["kb", "list"]) == 0
    listed = capsys.readouterr().out
    assert "#6" in listed and "7946" not in listed
    assert main(["kb", "remove"]) == 2


def test_a_province_store_starts_empty(in_tmp, monkeypatch, capsys):
    monkeypatch.setenv("KB_BUNDLED", "0")
    assert main(["kb", "list"]) == 0
    assert capsys.readouterr().out.strip() == ""


def test_kb_add_of_a_directive_already_stored_in_another_form_names_it(tmp_path: Path, in_tmp, capsys):
    """QA #31: as chat and the dashboard: stored, with a warning naming the document of the same number."""
    text = "ỦY BAN NHÂN DÂN TỈNH A\nSố: 12/KH-UBND\nKẾ HOẠCH\nTập huấn năm 2027\n\n1. Tập huấn kỹ năng số."
    (tmp_path / "kh.md").write_text(text, encoding="utf-8")
    (tmp_path / "kh-ban-2.md").write_text(text + "\nBản gửi lại.", encoding="utf-8")
    assert main(["kb", "add", str(tmp_path / "kh.md")]) == 0
    assert "⚠️" not in capsys.readouterr().out
    assert main(["kb", "add", str(tmp_path / "kh-ban-2.md")]) == 0
    out = capsys.readouterr().out
    assert "đã thêm (#7" in out and "⚠️ Kho đã có văn bản cùng số 12/KH-UBND" in out and "(mã 6, tệp kh.md)" in out
    assert "python -m bot kb remove 7" in out
