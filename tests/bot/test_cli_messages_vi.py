"""QA: argparse's own messages (usage, missing or unknown arguments, bad values) are Vietnamese on the command line."""
from __future__ import annotations

import pytest

from bot.cli import main


@pytest.mark.parametrize("argv, expected", [
    (["status"], "lỗi: thiếu tham số bắt buộc: code"),
    (["acks", "confirm", "bcn"], "thiếu tham số bắt buộc: unit"),
    (["deadlines", "lst"], "không có lựa chọn 'lst'"),
    (["audit", "--limit", "x"], "tham số --limit: giá trị không hợp lệ (int): 'x'"),
    (["units", "list", "--bogus"], "không hiểu các tham số: --bogus"),
])
def test_argument_errors_in_vietnamese(argv, expected, capsys):  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("cách dùng: python -m bot") and expected in err and "--help" in err
    assert "usage:" not in err and "error:" not in err


def test_help_headings_in_vietnamese(capsys):  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["status", "--help"])
    out = capsys.readouterr().out
    assert "tham số vị trí:" in out and "tùy chọn:" in out and "xem hướng dẫn này rồi thoát" in out
