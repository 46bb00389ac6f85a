"""The text the due-rule grammar reads: folded, dates as d/m/y, invisible characters gone, offsets kept."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.vietnamese import strip_diacritics

# Pasted from Word or the web: removed outright (zero-width space/joiners, word joiner, BOM, soft hyphen, marks).
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u180e")
# hyphens become "-"; en and em dashes "~", which always separates ("BC tháng–ngày 25")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "~", "\u2014": "~", "\u2212": "-"})


@dataclass(frozen=True)
class Mapped:
    """A rewritten text and, for each of its characters, the offset of the source character it came from."""

    text: str
    src: tuple[int, ...]

    def sub(self, pattern: re.Pattern[str] | str, repl: str | Callable[[re.Match[str]], str]) -> Mapped:
        """re.sub that keeps the offsets (replacement characters spread over the span they replace)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        out: list[str] = []
        src: list[int] = []
        pos = 0
        for m in rx.finditer(self.text):
            a, b = m.span()
            out.append(self.text[pos:a])
            src.extend(self.src[pos:a])
            new = repl(m) if callable(repl) else m.expand(repl)
            if new:
                out.append(new)
                if b > a:
                    width = b - a
                    src.extend(self.src[a + min(k * width // len(new), width - 1)] for k in range(len(new) - 1))
                    src.append(self.src[b - 1])
                else:
                    anchor = self.src[a] if a < len(self.src) else (self.src[-1] + 1 if self.src else 0)
                    src.extend([anchor] * len(new))
            pos = b
        out.append(self.text[pos:])
        src.extend(self.src[pos:])
        return Mapped("".join(out), tuple(src))

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The source span of text[a:b]."""
        return self.src[a], self.src[b - 1] + 1


def _fold_chars(text: str) -> Mapped:
    """One output character per kept input character: lower-case, no diacritics, invisible ones dropped."""
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text.translate(_DASHES)):
        if ch in INVISIBLE:
            continue
        if ch.isspace() or ch in "\u00a0\u202f\u2007":
            f = " "
        else:
            f = strip_diacritics(ch).lower()
            if len(f) != 1:
                if not f or unicodedata.category(ch).startswith("M"):
                    continue
                f = f[0]
        out.append(f)
        src.append(i)
    return Mapped("".join(out), tuple(src))


_PARENS = (re.compile(r"[(\[]([^()\[\]]*)[)\]]"), " ")
_ROMAN_VAL = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_WEEKDAY = {"hai": "2", "ba": "3", "tu": "4", "nam": "5", "sau": "6", "bay": "7"}
_TIME = r"(?:\d{1,2}\s?h(?:\s?\d{2})?\b|\d{1,2}\s?gio(?:\s?\d{1,2})?(?:\s?phut)?\b|\d{1,2}:\d{2}\b)"
_PERIOD_WORDS = re.compile(r"^(?:\s|,|;|va|hoac|quy\s+(?:iv|iii|ii|i|[1-4])|6\s+thang(?:\s+(?:dau|cuoi)\s+nam)?|"
                           r"9\s+thang(?:\s+dau\s+nam)?|(?:ca\s+|hang\s+)?nam|bao\s+cao)+$")

# (pattern, replacement) applied in order to the folded text; each keeps offsets.
_Rewrite = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
_REWRITES: list[_Rewrite] = [(p if isinstance(p, re.Pattern) else re.compile(p), r) for p, r in [
    (r"\s*~\s*", " - "),
    # "thời gian chốt số liệu từ ngày 15 tháng trước đến ngày 14 tháng báo cáo": the data cut-off (Nghị định
    # 09/2019/NĐ-CP, Điều 12) names the period, not the due date; it is a remark
    (r"\b(?:(?:thoi gian|thoi diem|ky)\s+)?chot\s+so\s+lieu\s+(?:tinh\s+)?(?:tu|ke tu)\b[^,;()]*?\bden\b[^,;()]*?(?=[,;)]|$)", " "),
    (r"\b(?:muon|tre) nhat\b", "cham nhat"),
    # "ngày 14/6 và 14/12 hằng năm là hạn chót gửi số liệu": "là hạn …" restates the due; the rest is the work
    # (when no number follows: "ngày 14/6 là hạn chót, ngày 20/6 là hạn nộp" names two competing dates)
    (r"\bla\s+(?:han\s+(?:chot|nop|cuoi)|thoi\s+han|han)\b(?=\D*$)", " . "),
    # "kể từ ngày nhận văn bản (ngày 14/4/2026)": the event's date, given in parentheses, is the start
    (r"\b(ke\s+tu|tinh\s+tu)\s+(?:ngay\s+)?(?:[a-z]+\s+){1,7}?[(\[]\s*(?:ngay\s+)?(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4})\s*[)\]]",
     r"\1 ngay \2"),
    # "trước 5 ngày làm việc so với ngày họp UBND tỉnh 23/7/2027": the event's date, given after its name, is the base
    (r"(\d\s+ngay(?:\s+lam\s+viec)?(?:\s+(?:truoc|sau))?\s+(?:so\s+voi|ke\s+tu|tinh\s+tu|tinh\s+den))\s+ngay\s+"
     r"(?:(?!ngay\b)[a-z]+\s+){1,7}?(?:ngay\s+)?(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})\b",
     r"\1 ngay \2"),
    # "Hai đợt trong năm: trước 30/4 và trước 31/10": as many dates a year as listed
    # (also "Hằng năm 2 kỳ", "Hai lần mỗi năm", "2 lần/năm"; `rules.parse_rule` checks the count against the dates)
    (r"\b(?:hai|ba|bon|[2-4])\s+(?:dot|ky|lan)\s*(?:(?:trong|moi|mot|hang)\s+|/\s*)nam\b|"
     r"\b(?:hang|moi)\s+nam\s+(?:hai|ba|bon|[2-4])\s+(?:dot|ky|lan)\b", "hang nam"),
    # "hoàn thành trong tháng đầu quý sau", "trong tháng cuối quý": by that month's last day
    (r"\btrong\s+(?:(?:vong|thoi\s+han)\s+)?(?=thang\s+(?:dau(?:\s+tien)?\s+quy\s+(?:sau|tiep\s+theo|ke\s+tiep)|cuoi\s+quy)\b)",
     "ngay cuoi cung "),
    # "không muộn hơn ngày 28", "trước hoặc vào ngày 15/9", "vào hoặc trước ngày 15/9": the day itself counts
    (r"\bkhong\s+(?:muon|tre|cham)\s+hon\b", "cham nhat"),
    (r"\btruoc\s+(?:hoac|hay)\s+(?:vao\s+|dung\s+|trong\s+)?(?=ngay\b)", "cham nhat "),
    (r"\b(?:vao|dung|trong)\s+(?:hoac|hay)\s+truoc\s+(?=ngay\b)", "cham nhat "),
    # "06 tháng", "03 tháng một lần": the number of months without its leading zero
    (r"(?<![\d/.\-])0(\d)\s+(?=(?:tuan|thang|quy|nam)\b)", r"\1 "),
    # "Sáu tháng một lần", "định kỳ sáu tháng": six months, not "after a month"
    (r"(?:^|(?<=dinh ky )|(?<=bao cao )|(?<=moi )|(?<=hang )|(?<=ky )|(?<=bc ))(sau|chin)\s+thang\b(?!\s*\d)",
     lambda m: "6 thang" if m.group(1) == "sau" else "9 thang"),
    (r"\b(sau|chin)\s+thang(?=\s+(?:(?:mot|1)\s+lan|(?:dau|cuoi)\s+nam)\b)",
     lambda m: "6 thang" if m.group(1) == "sau" else "9 thang"),
    # "báo cáo bán niên" is the six-month report; "nửa đầu năm", "nửa năm", "nửa cuối năm" are halves
    (r"\bban\s+nien\b", "6 thang"),
    (r"\bnua\s+(?:(dau|cuoi)\s+)?nam\b", lambda m: "6 thang cuoi nam" if m.group(1) == "cuoi" else
     "6 thang dau nam" if m.group(1) else "6 thang"),
    # "6 tháng/lần", "quý/lần"
    (r"\b(tuan|thang|quy|nam)\s*/\s*(?:(?:mot|1)\s+)?lan\b", r"\1 mot lan"),
    # "3 tháng một lần" is quarterly, "12 tháng một lần" yearly, "1 tuần 1 lần" weekly
    (r"\b(?:1|mot)\s+(tuan|thang|quy|nam)\s+(?:mot|1)\s+lan\b", r"hang \1"),
    (r"\b(?:moi|hang)\s+(?:1|mot)\s+(tuan|thang|quy|nam)\b", r"hang \1"),
    (r"\b(?:moi|hang)\s+(?:3|ba)\s+thang\b", "hang quy"),
    (r"\b(?:moi|hang)\s+(?:6|sau)\s+thang\b", "6 thang mot lan"),
    (r"\b(?:moi|hang)\s+12\s+thang\b", "hang nam"),
    (r"\b(?:3|ba)\s+thang\s+(?:mot|1)\s+lan\b", "hang quy"),
    (r"\b(?:12|muoi hai)\s+thang\s+(?:mot|1)\s+lan\b", "hang nam"),
    # "mỗi quý một lần" is "hằng quý"
    (r"\bmoi\s+(tuan|thang|quy|nam)\s+(?:mot|1)\s+lan\b", r"hang \1"),
    (r"\b(?:mung|mong)\s+(?=\d)", ""),
    (r"\bhan cuoi\b", "han chot"),
    # "trước 16h00 thứ Sáu", "trước 10h sáng thứ Hai": the time is strict, the day is the due day
    (rf"\btruoc\s+{_TIME}\s*(?:(?:buoi\s+)?(?:sang|chieu|trua|toi)\s+)?(?=(?:ngay|thu|chu nhat)\b)", "cham nhat "),
    (rf"(?<![\d/]){_TIME}(?![\d/])", " "),
    (r"\b(?:buoi\s+)?(?:sang|chieu|trua|toi)\s+(?=(?:ngay|thu|chu nhat)\b)", ""),
    (r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " "),
    # chat abbreviations: "trc"/"tr." (trước), "cn" is handled below, "6T"/"6th" (6 tháng), "KH" (kế hoạch)
    (r"\b(?:trc|tr\.(?=\s*(?:ngay|\d)))(?=\s|$|\d)", "truoc"),
    (r"\b([69])\s?(?:t|th)\b(?!\s*[/\d])", r"\1 thang"),
    (r"(?<![/\-])\bkh\b(?![/\-])", "ke hoach"),
    (r"\bthu\s+(hai|ba|tu|nam|sau|bay)\b", lambda m: "thu " + _WEEKDAY[m.group(1)]),
    # "T6 hằng tuần", "mỗi T2": T2…T7 and CN are weekdays only next to a weekly word
    (r"\bt\s?([2-7])\b(?=\s+(?:hang|moi|cac)\s+tuan)", r"thu \1"),
    (r"\b(moi|hang)\s+t\s?([2-7])\b", r"\1 thu \2"),
    (r"\bcn\b(?=\s+(?:hang|moi|cac)\s+tuan)", "thu cn"),
    (r"\bq\s?\.?\s?(iv|iii|ii|i|[1-4])\b", r"quy \1"),
    # "quý I, II, III" names three quarters
    (r"\bquy\s+(?:iv|iii|ii|i|[1-4])(?:\s*(?:,|va|hoac)\s*(?:iv|iii|ii|i)\b)+",
     lambda m: " , ".join("quy " + q for q in re.findall(r"iv|iii|ii|i|[1-4]", m.group(0)[3:]))),
    (r"\bchu\s+nhat\b", "thu cn"),
    _PARENS,
    (r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", r"\3/\2/\1"),
    (r"(?<=\d)\s*/\s*(?=\d)", "/"),
    (r"(?<![\d/.\-])(\d{1,2})[.\-](\d{1,2})[.\-](\d{4}|\d{2})(?![\d/.\-])", r"\1/\2/\3"),
    (r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])", r"\1/\2/20\3"),
    # "từ 1-15/10/2027": a range of days of one month
    (r"(?<![\d/.\-])(\d{1,2})\s*-\s*(\d{1,2})/(\d{1,2})/(\d{4})\b", r"\1/\3/\4 - \2/\3/\4"),
    (r"\bquy\s+(iv|iii|ii|i|[1-4])\b", lambda m: "quy " + _ROMAN_VAL.get(m.group(1), m.group(1))),
    (r"\bquy\s+(\d)\s*-\s*(\d{4})\b", r"quy \1/\2"),
    (r"\b(quy\s+\d|thang\s+\d{1,2}(?:\s*-\s*\d{1,2})?)/(\d{2})(?![\d/])", r"\1/20\2"),
    # "trong tuần cuối của tháng cuối quý": within the last week, i.e. by the last day of that month ("thứ 6 tuần cuối
    # tháng" is a weekday, read by its own production)
    (r"(?<!thu \d )(?<!thu cn )\b(?:trong\s+)?tuan\s+cuoi(?:\s+cung)?\s+(?:cua\s+)?"
     r"(?=(?:cac\s+|moi\s+|hang\s+)?(?:thang\s+cuoi\s+quy|thang\s+\d{1,2}\b|thang|quy|nam)\b)", "ngay cuoi cung "),
    # "ngày 15 hằng tháng và ngày cuối tháng": several days a month, the last one the month's end
    (r"\bngay\s+(\d{1,2})\s+(?:hang|moi)\s+thang\s+(va|hoac)\s+(?:vao\s+)?ngay\s+cuoi(?:\s+cung)?\s+(?:cua\s+)?(?:moi\s+|hang\s+)?thang\b",
     r"ngay \1 \2 cuoi hang thang"),
    (r"\bngay\s+(\d{1,2})\s+(va|hoac)\s+(?:vao\s+)?ngay\s+cuoi(?:\s+cung)?\s+(?:cua\s+)?(?:moi|hang)\s+thang\b",
     r"ngay \1 \2 cuoi hang thang"),
    # "(tháng 6 và tháng 12), chậm nhất ngày 15": the months listed before the day, read as "ngày 15 tháng 6 và 12"
    (r"\b(?:trong\s+)?(?:cac\s+)?thang\s+(\d{1,2}(?:\s*(?:,|va|hoac)\s*(?:thang\s+)?\d{1,2})+)\s*[,;~]?\s*"
     r"(cham\s+nhat|truoc|han(?:\s+chot|\s+nop)?|den\s+het)\s+ngay\s+(\d{1,2})\b(?![/\-\d]|\.\d|\s+(?:cua\s+)?(?:thang|hang|moi|cac))",
     lambda m: f"{m.group(2)} ngay {m.group(3)} thang {m.group(1)}"),
    # "ngày 15 tháng 6 và 15 tháng 12": the later items of a list of days of months
    (r"(?:(?<=\bva )|(?<=\bhoac )|(?<=, )|(?<=,)|(?<=; ))(\d{1,2})\s+thang\s+(\d{1,2})\b(?![/\-\d]|\.\d|\s+nam\s+\d)",
     r"\1/\2"),
    # "ngày 15 các tháng 1, 4, 7 và 10" / "ngày 20 tháng 6 và tháng 12"
    (r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?(?:cac\s+|moi\s+)?thang\s+"
     r"(\d{1,2}(?:\s*(?:,|;|va|hoac|-)\s*(?:thang\s+)?\d{1,2})+)"
     r"(?![\d/\-]|\.\d)(?!\s*(?:/|nam\s+\d))",
     lambda m: f"ngay {m.group(1)} cac thang " + "_".join(re.findall(r"\d{1,2}", m.group(2)))),
    # "ngày 5 của tháng đầu năm sau", "ngày 15 tháng cuối năm": a day of January or December
    (r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?thang\s+dau(?:\s+tien)?\s+(?:cua\s+)?nam\s+(?=sau|tiep theo|ke tiep)",
     r"ngay \1/1 nam "),
    (r"\bngay\s+(\d{1,2})\s+(?:cua\s+)?thang\s+(dau(?:\s+tien)?|cuoi(?:\s+cung)?)\s+(?:cua\s+)?nam\b(?!\s*\d)"
     r"(?:\s+(?:hang|moi)\s+nam\b)?",
     lambda m: f"ngay {m.group(1)}/{1 if m.group(2).startswith('dau') else 12} hang nam"),
    # "trước 15 tháng cuối quý", "chậm nhất 20 hằng tháng": a day number after a lead word, "ngày" left out
    (r"\b(truoc|cham nhat|han chot|han nop|han|den het)\s+(\d{1,2})\s+(?=thang\s+(?:cuoi|dau|sau|thu|tiep|ke|\d)|"
     r"(?:hang|moi)\s+thang\b)", r"\1 ngay \2 "),
    # counted from a period's end, in the orders admins write it: "sau ngày kết thúc quý 5 ngày làm việc",
    # "sau 10 ngày kết thúc tháng" (no "kể từ")
    (r"\bsau\s+(?:khi\s+|ngay\s+)?ket\s+thuc\s+(?:(moi|cac)\s+)?(6\s+thang|quy|thang|nam)\s+(\d{1,3})\s+ngay"
     r"(\s+lam\s+viec)?\b", lambda m: f"sau {m.group(3)} ngay{m.group(4) or ''} ke tu ngay ket thuc {m.group(2)}"),
    (r"\b(\d{1,3})\s+ngay(\s+lam\s+viec)?\s+(?:khi\s+)?ket\s+thuc\b", r"\1 ngay\2 ke tu ngay ket thuc"),
    # "trong 3 ngày làm việc cuối tháng": due on the last (working) day of the period
    (r"\b(?:trong\s+(?:vong\s+)?)?\d{1,2}\s+ngay(\s+lam\s+viec)?\s+cuoi(?:\s+cung)?(?=\s+(?:cua\s+)?(?:moi\s+|cac\s+|hang\s+)?"
     r"(?:thang|quy|nam)\b)", lambda m: f"ngay{m.group(1) or ''} cuoi cung"),
    # "ngày làm việc thứ 10 kể từ đầu quý" is the 10th working day of the quarter
    (r"\b(ngay\s+lam\s+viec\s+thu\s+\d{1,2})\s+(?:ke\s+tu|tinh\s+tu)\s+(?:ngay\s+)?dau\s+(?:(?:moi|cac)\s+)?"
     r"(thang|quy|nam)\b", r"\1 \2"),
    # "trong 10 ngày đầu tháng 1 hằng năm": by the 10th of that month
    (r"\btrong\s+(?:vong\s+)?(\d{1,2})\s+ngay\s+dau(?:\s+tien)?\s+(?:cua\s+)?thang\s+(\d{1,2})\b(?=\s+(?:hang|moi)\s+nam)",
     r"ngay \1/\2"),
    # "chậm nhất cuối tháng 10/2027", "trước cuối năm 2027": that month's or year's last day
    (r"(?<!thang )\b(?:ngay\s+)?cuoi\s+(?=thang\s+\d{1,2}/\d{4}\b|nam\s+\d{4}\b|quy\s+[1-4]/\d{4}\b)", ""),
    # "nộp báo cáo một lần trước ngày 30/9/2027": "một lần" only says it is a one-off
    (r"(?<!thang )(?<!tuan )(?<!quy )(?<!nam )\b(?:chi\s+)?(?:mot|1)\s+lan(?:\s+duy\s+nhat)?\s+(?=(?:truoc|cham\s+nhat|ngay|han|trong|den\s+het)\b)", ""),
    # "trước ngày 20 của tháng báo cáo", "trước ngày 15/12 của năm báo cáo": the report's own month or year
    (r"(?:(?<=ngay \d)|(?<=ngay \d\d)|(?<=/\d)|(?<=/\d\d)|(?<=thang \d)|(?<=thang \d\d))\s+(?:cua\s+)?(thang|nam)\s+"
     r"bao\s+cao\b", lambda m: f" hang {m.group(1)}"),
    # "ngày 10 của tháng kế tiếp sau quý", "ngày 10 tháng sau khi kết thúc quý": the month after each quarter
    (r"\bthang\s+(?:ke\s+tiep|tiep\s+theo|sau|lien\s+sau|dau)\s+(?:sau\s+(?:khi\s+)?(?:ket\s+thuc\s+)?|"
     r"(?:ke\s+tu\s+)?(?:khi\s+)?ket\s+thuc\s+)quy\b", "thang dau quy sau"),
    # "tháng liền kề (sau)": the next month
    (r"\bthang\s+lien\s+ke(?:\s+sau|\s+tiep\s+theo)?\b", "thang sau"),
    # "tháng (liền kề) sau kỳ báo cáo": the month after the reported one
    (r"\b(thang|quy|nam)\s+(sau|tiep\s+theo|ke\s+tiep)\s+(?:khi\s+)?(?:ket\s+thuc\s+)?ky\s+bao\s+cao\b", r"\1 \2"),
    # "năm 27", "6 tháng cuối năm 26": a two-digit year after "năm" is 20yy
    (r"\bnam\s+(\d{2})\b(?![/\d]|\s+(?:ngay|thang|lan|tuan|quy|nam)\b)", r"nam 20\1"),
    (r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\b", r"ngay \1/\2/\3"),
    (r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\b(?![/\-\d]|\.\d)", r"ngay \1/\2"),
    (r"\b(thang|quy)\s+(\d{1,2})\s+nam\s+(\d{4})\b", r"\1 \2/\3"),
    # "quý II, IV năm 2026" (read "quy 2 , quy 4/2026"): the year is every listed quarter's
    (r"\bquy ([1-4])(?=(?:\s*(?:,|va|hoac)\s*quy [1-4])+/(\d{4})\b)", lambda m: f"quy {m.group(1)}/{m.group(2)}"),
    (r"\bthang\s+(\d{1,2})\s*(?:-|den(?:\s+het)?|va)\s*(?:thang\s+)?(\d{1,2})/(\d{4})\b", r"thang \1_\2/\3"),
    (r"(?<![\d/.\-])(\d{1,2})[.\-](\d{1,2})(?![\d/.\-])", r"\1/\2"),
    # "trước ngày 30/11 năm 2027"
    (r"(?<![\d/])(\d{1,2})/(\d{1,2})\s+nam\s+(\d{4})\b", r"\1/\2/\3"),
    # a label before the rule ("Báo cáo tháng: …", "BC năm - …") is kept apart by " : "
    (r"\s*:\s*|(?<!\d)\s+-\s*(?!\d)|(?<!\d)\s*-\s+(?!\d)|(?<=[a-z])\s+-\s*(?=\d)", " : "),
    (r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?\n]", " . "),
    (r"[,;()\[\]\"“”'‘’*…|]+", " "),
    (r"\b(?:cua|la|vao)\b", " "),
    (r"\s+", " "),
]]


def folded(text: str) -> str:
    """The text lower-cased, without diacritics or invisible characters, before any rewrite."""
    return _fold_chars(unicodedata.normalize("NFC", text)).text


def normalize(text: str, *, remarks: str = "periods") -> Mapped:
    """The form the grammar reads; " : " separates a label, " . " ends a sentence.

    Parenthesised remarks: "periods" drops them except a list of report periods such as "(quý I,
    6 tháng, quý III, năm)", which is read as part of the rule; "drop" drops them all; "keep" keeps
    their words (running text, where a deadline may sit inside parentheses).
    """
    m = _fold_chars(unicodedata.normalize("NFC", text))
    for pattern, repl in _REWRITES:
        if pattern is _PARENS[0]:
            repl = {"keep": lambda g: f" {g.group(1)} ", "drop": " ",
                    "periods": lambda g: f" {g.group(1)} " if _PERIOD_WORDS.match(g.group(1) or "-") else " "}[remarks]
        m = m.sub(pattern, repl)
    return m
