"""What kind of answer a question expects (a time, a quantity, a body, a template) and whether a text holds one."""
from __future__ import annotations

import re

from bot.core.vietnamese import fold

_ASKS = {
    "time": re.compile(r"\b(khi nao|bao gio|ngay nao|thang nao|nam nao|quy nao|luc nao|thoi han|thoi gian nao|cham nhat|"
                       r"han chot|han nop|truoc ngay|dinh ky|(?:ngay|thang|quy) may|nam may|thoi diem nao|giai doan nao|"
                       r"dot nao|ky nao|bat dau|tu (?:ngay|thang|nam|quy|luc|khi) nao|den (?:ngay|thang|nam|khi) nao|"
                       r"trong (?:nam|thang|quy) nao|han (?:nao|la gi))\b"),
    "quantity": re.compile(r"\b(bao nhieu|may|ty le|phan tram|toi thieu|toi da|it nhat|so luong|bao lau)\b"),
    "deadline": re.compile(r"\b(han nop|han chot|han cuoi|cham nhat|muon nhat|truoc ngay|thoi han|han nao|"
                           r"han la|han gui|han trinh|han ban hanh|han hoan thanh|het han)\b"),
    "template": re.compile(r"\b(mau nao|mau so|bieu mau|phu luc)\b"),
    "signer": re.compile(r"\b(ai ky|nguoi ky|ky ban hanh|ky van ban)\b"),
    "who": re.compile(r"\b(ai|co quan nao|don vi nao|so nao|tinh nao|cap nao)\b"),
    # the document a plan rests on: "căn cứ nghị quyết nào", "thực hiện quyết định số mấy"
    "basis": re.compile(r"\b(?:can cu|thuc hien|trien khai|theo) (?:vao )?(?:nghi quyet|quyet dinh|chi thi|ke hoach|"
                        r"chuong trinh|van ban|nghi dinh|thong tu|ket luan)(?: so)? (?:nao|gi|may)\b|"
                        r"\bcan cu (?:vao )?(?:dau|gi|nao)\b"),
}
_HOLDS = {
    "time": re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{4})?\b|\btháng \d{1,2}(?:/\d{4})?|\bquý [IV]+\b|\bnăm \d{4}\b|"
                       r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b|"
                       r"\bhằng (?:quý|năm|tháng)|\bhàng (?:quý|năm|tháng)|\b6 tháng\b|\btrước ngày\b", re.I),
    # a date (15/7/2021, 5/2017) is not a quantity; a ratio (1/3, 9,12/10) is
    "quantity": re.compile(r"(?<![\d/])\d+(?:[.,]\d+)?\s*(?:%|/\d{1,3}\b(?!/)|lần|cá nhân|người|tập thể|ngày|tháng|điểm|bậc|đơn vị|"
                           r"hồ sơ|cơ quan|năm liên tục)|(?:không quá|tối đa|tối thiểu|ít nhất|đạt|trên|dưới)\s+\d", re.I),
    "deadline": re.compile(r"\b(?:chậm nhất|muộn nhất|trước ngày|thời hạn|hạn chót)\b", re.I),
    # a date a task is due by, including the plain "trong quý III/2017" (for joining a task to its deadline only)
    "due": re.compile(r"\b(?:chậm nhất|muộn nhất|trước ngày|thời hạn|hạn chót)\b|\btrong (?:quý|tháng|năm) [\dIV]|"
                           r"\bquý [IV]+/\d{4}|\btháng \d{1,2}(?:-\d{1,2})?/\d{4}|\b\d{1,2}/\d{1,2}(?:/\d{4})?\b", re.I),
    "template": re.compile(r"\b(?:mẫu|phụ lục)\b", re.I),
    "signer": re.compile(r"\bNgười ký:"),
    "who": re.compile(r"\b(?:Sở|UBND|Ủy ban|Ban|Thanh tra|Văn phòng|Chủ tịch|Giám đốc|Bộ|Người ký)\b"),
    "basis": re.compile(r"(?:^|\n)\s*(?:Căn cứ|Thực hiện|Triển khai)\b[^\n]{0,200}?\bsố\s+\d"),
}


def expected_kinds(question: str) -> list[str]:
    q = fold(question)
    return [kind for kind, pattern in _ASKS.items() if pattern.search(q)]


# How much higher a passage holding the kind of answer asked for ranks; a signer is stated in one place only.
BONUS = {"time": 0.15, "deadline": 0.3, "quantity": 0.15, "template": 0.15, "who": 0.1, "signer": 0.5, "basis": 0.3}


def holds(text: str, kinds: list[str]) -> bool:
    return any(_HOLDS[k].search(text) for k in kinds)


def bonus(text: str, kinds: list[str]) -> float:
    """The ranking bonus of a passage for a question expecting `kinds`."""
    return sum(BONUS[k] for k in kinds if _HOLDS[k].search(text))


def holds_amount(text: str, unit: str) -> bool:
    """Whether a text states a number of that unit ("88,61/100 điểm", "99%", "08 bậc")."""
    f = fold(text)
    if unit == "%":
        return bool(re.search(r"\d\s*%", f))
    if unit == "tien":
        return bool(re.search(r"\d[\d.,]*\s*(?:dong|trieu|nghin|ngan|ty|vnd)\b", f))
    if unit in _TIME_UNITS:  # "05 năm", not "30/01 của năm"
        return bool(re.search(rf"(?<![\d/.,])(?:\d{{1,3}}|{_SPELLED})\s+{unit}\b", f))
    names = "|".join(re.escape(u) for u in (unit, *_SAME_UNIT.get(unit, ())))
    return bool(re.search(rf"(?:\d[\d.,/]*|{_SPELLED})\s+(?:\w+\s+)?(?:{names})\b", f))


_TIME_UNITS = ("nam", "thang", "ngay", "quy", "tuan")
_SAME_UNIT = {"nguoi": ("ca nhan", "can bo", "cong chuc"), "ho so": ("bo",)}  # "không quá 10 cá nhân" counts people
# numbers written out before a unit ("chỉ được thử việc một lần", "hai bậc"); not "năm" (year) nor "sáu" (sau: after)
_SPELLED = r"\b(?:mot|hai|ba|bon|bay|tam|chin|muoi)"


def asking_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns of the ways a question asks for each kind of answer (folded text)."""
    return tuple(_ASKS.values())
