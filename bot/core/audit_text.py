"""The audit log as admins read it (/nhatky, `python -m bot audit`, the dashboard): actions and details in Vietnamese.

The stored action names and details stay as written (tests, filters and scripts read them); only their display is
translated here."""
from __future__ import annotations

import ast
import re

ACTIONS_VI = {
    "add_deadline": "thêm hạn", "edit_deadline": "sửa hạn", "remove_deadline": "xóa hạn",
    "install_preset": "cài bộ hạn", "nhacngay": "nhắc ngay", "ngaynghi": "ngày nghỉ",
    "danop": "xác nhận nộp", "huynop": "hủy xác nhận nộp", "dangky": "đăng ký", "duyet": "duyệt đầu mối",
    "tuchoi": "từ chối đầu mối", "moi": "mời đầu mối", "donvi them": "thêm đơn vị", "donvi xoa": "ngừng theo dõi đơn vị",
    "donvi bidanh": "thêm bí danh", "donvi nhap": "nhập đơn vị từ Excel", "quyen them": "cấp quyền quản trị",
    "quyen xoa": "thu hồi quyền quản trị", "document": "thêm văn bản", "kb remove": "xóa văn bản",
    "kb set": "đổi trạng thái văn bản", "web": "trang quản trị", "web dang nhap": "đăng nhập trang quản trị",
    "web dang xuat": "đăng xuất trang quản trị",
}
FIELDS_VI = {
    "code": "mã", "title": "tên", "rule": "quy tắc", "audience_types": "đối tượng", "audience_units": "đơn vị",
    "audience_exclude": "trừ", "leads": "nhắc trước", "remind_at": "giờ nhắc", "what": "cần nộp",
    "submit_to": "nộp cho", "source": "căn cứ", "fields": "thay đổi", "key": "bộ hạn", "day": "ngày",
}
TYPES_VI = {"so": "sở/ban/ngành", "xa": "UBND cấp xã"}
PHRASES_VI = (  # words the use cases write in details, as admins read them
    (re.compile(r"^focal point request (\S+) -> "), r"yêu cầu làm đầu mối \1 → "),
    (re.compile(r"^focal point -> "), "đầu mối → "),
    (re.compile(r"^group -> "), "nhóm → "),
    (re.compile(r"^login link for "), "liên kết đăng nhập cho "),
    (re.compile(r"^bundled "), "các văn bản có sẵn "),
    (re.compile(r" -> "), " → "),
    (re.compile(r" \(so\)$"), " (sở/ban/ngành)"),
    (re.compile(r" \(xa\)$"), " (UBND cấp xã)"),
)


def action_vi(action: str) -> str:
    """'add_deadline' -> 'thêm hạn'; a command's name ('tinhhinh') stays a command ('/tinhhinh')."""
    if action in ACTIONS_VI:
        return ACTIONS_VI[action]
    if action.startswith("web "):
        return "trang quản trị " + action[4:]
    if action.startswith("confirm:"):
        return "xác nhận " + action_vi(action[len("confirm:"):])
    return "/" + action if re.fullmatch(r"[a-z]+", action) else action


def _value(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{FIELDS_VI.get(str(k), k)}: {_value(v)}" for k, v in value.items()
                         if v not in (None, "", [], {}))
    if isinstance(value, (list, tuple)):
        return ", ".join(TYPES_VI.get(str(v), str(v)) for v in value)
    return str(value)


def detail_vi(detail: str) -> str:
    """A stored detail as Vietnamese: a field dict as 'tên: …; quy tắc: …', the use cases' English words translated."""
    text = (detail or "").strip()
    if text.startswith("{") and text.endswith("}"):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, dict):
            return _value(parsed)
    for pattern, repl in PHRASES_VI:
        text = pattern.sub(repl, text)
    return text
