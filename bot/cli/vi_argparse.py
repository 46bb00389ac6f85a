"""argparse's own messages in Vietnamese ("usage:", "the following arguments are required: …"): the operators who run
`python -m bot` read Vietnamese like every other user. argparse looks its messages up through gettext at call time."""
from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "cách dùng: ",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s (xem thêm: %(prog)s --help)\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "không có lựa chọn %(value)r (chọn một trong: %(choices)s)",
    "expected one argument": "cần một giá trị sau tham số này",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "chỉ được một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ (%(type)s): %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tham số %(option)s không rõ: có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "show this help message and exit": "xem hướng dẫn này rồi thoát",
    "positional arguments": "tham số vị trí",
    "options": "tùy chọn",
}


def _vi(message: str) -> str:
    return MESSAGES.get(message, message)


def _vi_n(singular: str, plural: str, n: int) -> str:
    return _vi(singular if n == 1 else plural)


def install() -> None:
    """Make argparse say its messages in Vietnamese (for this process: the CLI)."""
    argparse._ = _vi  # type: ignore[attr-defined]
    argparse.ngettext = _vi_n  # type: ignore[attr-defined]
