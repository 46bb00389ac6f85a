"""Commands written as plain Vietnamese words on channels without a command menu ("nhắc ngay bcq", "tình hình")."""
from __future__ import annotations

# phrase (matched diacritics-insensitively at the start of a message) -> command name
PLAIN_WORDS: dict[str, str] = {
    "trợ giúp": "help",
    "hướng dẫn": "help",
    "đăng ký": "dangky",
    "tình hình": "tinhhinh",
    "nhắc ngay": "nhacngay",
    "thêm hạn": "themhan",
    "sửa hạn": "suahan",
    "xóa hạn": "xoahan",
    "xoá hạn": "xoahan",
    "cài đặt": "caidat",
    "ngày nghỉ": "ngaynghi",
    "nhật ký": "nhatky",
    "lịch": "lich",
    "mời": "moi",
}
