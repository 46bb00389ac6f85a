"""Reading a phone-style question about the bot's deadlines: what it asks (a date, a list, days left, what is not
yet submitted, the day-off rule, which of two comes first), the period named and the report or plan it is about."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.vietnamese import fold, telex_candidates

# Chat spellings and abbreviations, folded: a word -> what it stands for.
_SPELLING = {
    "bc": "bao cao", "bcao": "bao cao", "baocao": "bao cao", "kh": "ke hoach", "khoach": "ke hoach",
    "kehoach": "ke hoach", "snv": "so noi vu", "bnv": "bo noi vu", "nv": "noi vu", "sonv": "so noi vu",
    "ko": "khong", "k": "khong", "kg": "khong", "khg": "khong", "hok": "khong", "hong": "khong", "hem": "khong",
    "j": "gi", "ji": "gi", "dv": "don vi", "dvi": "don vi", "bn": "bao nhieu", "bnh": "bao nhieu",
    "nhiu": "nhieu", "thg": "thang", "hnay": "hom nay", "tg": "thoi gian",
    "cn": "chu nhat", "t7": "thu 7", "dc": "duoc", "ntn": "nhu the nao", "z": "vay",
    "ad": "", "admin": "", "ah": "", "nhe": "", "nha": "",
}
# Words the parser reads: a Telex leftover is repaired only into one of these ("caos" -> "cao", "nafo" -> "nao").
_VOCAB = set("""bao cao ke hoach han nop gui ngay nao may gi khi bao gio luc cham nhat truoc sau tuan thang quy nam nay
toi tiep theo ngoai qua roi dau cuoi nua sap den con nhieu lau chua da xong minh don vi so xa phuong ban nganh cac
nhung liet ke gom co khong trung nghi le tet thu chu cai hay voi va hon som muon roi vao bay lieu chot
cchc noi vu tinh ubnd cap phai can hien tai ke tiep ky hang moi mot hai ba bon uy nhan dan nop het qua
""".split())
# The words of questions themselves (periods, intents, levels), never the name of a piece of work.
GENERIC = _VOCAB - {"cchc"} | set("""vay giup la thi neu chot tet ngay dinh ky i ii iii iv ban hanh gio ket qua thuc
hien duoc ai dau moc sao the nhu o tai vi de ma hoac nhi ha u chu ne luon hom mai lai bi dot phai tiep cuoi chinh
""".split())
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_KINDS_OF_QUARTER = {1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}


# A folded Vietnamese syllable: initial consonant, vowels, final consonant. A word that is not one ('caos', 'nafo',
# 'hanj') or doubles a Telex vowel key ('caoo') is a Telex leftover.
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_DOUBLED = re.compile(r"aa|ee|oo|aw|ow|uw|dd")


def normalise(question: str) -> str:
    """Folded words with chat spellings expanded and Telex leftovers repaired, one space apart."""
    f = fold(question)
    # "15-7", "15.7" typed for a day and month (not "tháng 6-7/2027", not "1.000")
    f = re.sub(r"(?<![\d/.\-])(?<!thang )(\d{1,2})[.\-](\d{1,2})(?![\d/.\-])", r"\1/\2", f)
    f = f.replace("/", " / ")
    f = re.sub(r"\b(q|t)\.? ?(\d{1,2}|i{1,3}|iv)\b", lambda m: ("quy " if m[1] == "q" else "thang ") + m[2], f)
    f = re.sub(r"\b(\d)(t|th)\b", r"\1 thang", f)  # "6t" -> "6 thang"
    words = []
    for w in re.findall(r"[a-z0-9]+|/", f):
        if w in _SPELLING:
            words.extend(_SPELLING[w].split())
        elif w in _VOCAB or w.isdigit() or w in _ROMAN:
            words.append(w)
        elif _SYLLABLE.fullmatch(w) and not _DOUBLED.search(w):
            words.append(w)  # a word of its own ('trinh'), not a Telex leftover
        else:
            words.append(next((c for c in telex_candidates(w) if c in _VOCAB), w))
    return " ".join(words)


@dataclass(frozen=True)
class Span:
    """Days a question asks about: 'tháng này', 'quý 1 năm sau', 'năm 2027'."""

    start: date
    end: date
    label: str


@dataclass(frozen=True)
class DeadlineQuestion:
    text: str  # normalise(question)
    intent: str  # "date" | "list" | "days_left" | "pending" | "day_off" | "compare" | "next" | ""
    kind: str  # the work asked about: "bao cao" | "ke hoach" | ""
    period: str  # "Q1".."Q4", "H1", "H2", "9M", "Y", "Q" (a quarter's report, any), "" (not said)
    year: int | None  # the year named (2027, 'năm sau', 'năm nay'), if any
    span: Span | None  # the stretch of days named ('tuần này', 'tháng 12'), if any
    to: str  # the recipient named ('so noi vu', 'bo noi vu'), folded, or ""
    level: str  # the asker's level named ('so', 'xa'), or ""

    @property
    def words(self) -> set[str]:
        return set(self.text.split())


_LIST = re.compile(r"\bco (?:may|bao nhieu) (?:ky|han|dot|bao cao|ke hoach)\b|\bco (?:phai )?(?:la )?han\b|"
                   r"\b(?:nhung|cac) (?:bao cao|ke hoach|han|viec|gi|ky|dot)\b|\b(?:bao cao|ke hoach|bc) (?:gi|nao)\b|"
                   r"\bliet ke\b|\bgom (?:nhung )?(?:gi|bao cao)\b|\bnop (?:gi|nhung gi|cai gi)\b|"
                   r"\bco (?:han|bao cao|ke hoach) (?:nop |gui )?(?:gi|nao)\b|\bnhung gi\b|\bnhung han\b|"
                   r"\bcac han\b|\bphai (?:nop|gui) (?:nhung )?(?:gi|bao cao)\b")
_DAYS_LEFT = re.compile(r"\bcon (?:bao nhieu|may|bao lau)\b|\bbao lau nua\b|\bmay ngay nua\b|\bbao nhieu ngay nua\b")
_PENDING = re.compile(r"\bchua (?:nop|gui|xac nhan|bao cao|hoan thanh)\b|\bcon no\b|\bno bao cao\b|\bcon thieu\b|"
                      r"\b(?:da|nop|gui) (?:nop |gui )?(?:het|du|xong)\b.*\bchua\b|\bda (?:nop|gui)\b.*\bchua\b")
_DAY_OFF = re.compile(r"\bthu (?:7|bay)\b|\bchu nhat\b|\bngay nghi\b|\bngay le\b|\bnghi le\b|\bcuoi tuan\b|"
                      r"\bnghi bu\b|\bngay tet\b")
_COMPARE = re.compile(r"\b(?:cai|bao cao|ke hoach|han) nao (?:co )?(?:han )?(?:truoc|som hon|sau|muon hon)\b|"
                      r"\bnao (?:truoc|som hon)\b|\b(?:truoc|som) hon\b")
_NEXT = re.compile(r"\b(?:bao cao|ke hoach|han|ky|dot) (?:tiep theo|ke tiep|sau do|toi(?! thieu| da))\b")
# Consequences of lateness are the directives' matter, not a date: "trễ hạn 2 ngày thì có sao không".
_NOT_OURS = re.compile(r"\b(?:tre|qua|tr) han\b.*\b(?:sao|bi gi|xu ly|the nao|nhu the nao|phat)\b|"
                       r"\btu (?:khi nao|bao gio|luc nao|ngay nao|nam nao|thang nao)\b|"  # since when: a start
                       r"\bnop (?:muon|cham|tre)\b.*\b(?:sao|bi gi|xu ly|the nao|phat)\b")
_DATE = re.compile(r"\bhan\b|\bngay (?:nao|may|bao nhieu)\b|\bkhi nao\b|\bbao gio\b|\bluc nao\b|\btruoc ngay\b|"
                   r"\bcham nhat\b|\bchot so lieu\b|\bthoi han\b|\bnop (?:truoc|sau)\b|\bngay\b.*\bhay\b")
_ABOUT_DEADLINES = re.compile(r"\b(?:han|nop|gui|bao cao|ke hoach)\b")
_ASKS_DAY = re.compile(r"\bngay (?:nao|may|bao nhieu)\b|\bkhi nao\b|\bbao gio\b|\bluc nao\b|\bcham nhat\b|"
                      r"\btruoc ngay\b|\bhan (?:chot|cuoi)\b")
_SOON = re.compile(r"\bsap (?:toi|den|het han)\b|\bthoi gian toi\b|\bmay ngay toi\b|\bgan day\b")
# "năm sau" is next year but "nộp năm trước ngày 15" / "sau Tết" / "rơi vào" are not periods.
_NOT_A_PERIOD = r"(?! (?:ngay|han|thoi han|tet|khi|thang|hay|vao|\d))"
_NEXT_WORDS = rf"(?:sau{_NOT_A_PERIOD}|toi{_NOT_A_PERIOD}|ke tiep|tiep theo|ke|moi)"
_PREV_WORDS = rf"(?:truoc{_NOT_A_PERIOD}|ngoai|roi{_NOT_A_PERIOD}|qua|vua roi)"
_THIS_WORDS = r"(?:nay|hien tai|hien nay)"


def read(question: str, today: date) -> DeadlineQuestion:
    """What a question about deadlines asks, read against `today` (for 'this month', 'next year')."""
    t = normalise(question)
    kind = "ke hoach" if re.search(r"\bke hoach\b", t) and not re.search(r"\bbao cao\b", t) else \
        "bao cao" if re.search(r"\bbao cao\b", t) else ""
    year = _year(t, today)
    period, year = _period(t, today, year)
    span = _span(t, today, year, period)
    return DeadlineQuestion(t, _intent(t, span), kind, period, year, span, _recipient(t), _level(t))


def _intent(t: str, span: Span | None) -> str:
    if _NOT_OURS.search(t):
        return ""
    if _DAYS_LEFT.search(t):
        return "days_left"
    if _PENDING.search(t):
        return "pending"
    named_days = span is not None and (span.end - span.start).days <= 1
    if _DAY_OFF.search(t) and _ABOUT_DEADLINES.search(t) and not (named_days and _LIST.search(t)):
        return "day_off"  # but 'chủ nhật tuần này có hạn nộp không' asks what is due that day
    if _COMPARE.search(t) and re.search(r"\b(?:voi|va|hay|so voi)\b", t):
        return "compare"
    if _NEXT.search(t):
        return "next"
    if _LIST.search(t) and _ABOUT_DEADLINES.search(t) and (span is not None or re.search(r"\b(?:han|nop|gui)\b", t)) and (
            span is not None or not _ASKS_DAY.search(t) or re.search(r"\bliet ke|\bgom\b", t)):
        return "list"
    if _DATE.search(t):
        return "date"
    return ""


def _year(t: str, today: date) -> int | None:
    if m := re.search(r"\b(?:nam|/) ?(20\d\d)\b", t) or re.search(r"\b(20\d\d)\b", t):
        return int(m[1])
    if re.search(rf"\bnam {_NEXT_WORDS}\b|\bsang nam\b", t):
        return today.year + 1
    if re.search(rf"\bnam {_PREV_WORDS}\b", t):
        return today.year - 1
    if re.search(rf"\bnam {_THIS_WORDS}\b", t):
        return today.year
    return None


def _quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _period(t: str, today: date, year: int | None) -> tuple[str, int | None]:
    """The report period named ('quý 1', '6 tháng đầu năm', 'báo cáo năm') and its year when it is implied."""
    if m := re.search(r"\bquy (1|2|3|4|i{1,3}|iv)\b", t):
        q = int(m[1]) if m[1].isdigit() else _ROMAN[m[1]]
        if year is None and re.search(rf"\bquy {_NEXT_WORDS}\b", t) is None:
            year = today.year if q >= _quarter_of(today) else today.year + 1
        return _KINDS_OF_QUARTER[q], year
    if re.search(rf"\bquy {_THIS_WORDS}\b|\bquy {_NEXT_WORDS}\b|\bquy {_PREV_WORDS}\b", t):
        return "", year  # a span, read by _span
    if re.search(r"\b(?:6|sau) thang cuoi\b|\bnua cuoi nam\b", t):
        return "H2", year
    if re.search(r"\b(?:6|sau) thang\b|\bnua (?:dau )?nam\b", t):
        return "H1", year
    if re.search(r"\b(?:9|chin) thang\b", t):
        return "9M", year
    if re.search(r"\b(?:bao cao|ke hoach)(?: [a-z]+){0,3}? quy\b", t):
        return "Q", year
    if re.search(r"\b(?:bao cao|ke hoach|han)(?: (?:cchc|cai cach hanh chinh|dinh ky|tong ket))? (?:hang |ca |sang )?nam\b", t):
        return "Y", year
    return "", year


def _month_end(y: int, m: int) -> date:
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


_WEEKDAYS = {"2": 0, "hai": 0, "3": 1, "ba": 1, "4": 2, "tu": 2, "5": 3, "nam": 3, "6": 4, "sau": 4, "7": 5, "bay": 5,
             "chu nhat": 6, "cn": 6}
# "15 / 7", "15 / 7 / 2027", "ngay 20 thang 12", "ngay 20 thang 12 nam 2027" (normalise spaces "/")
_DAY = r"(?:ngay )?(\d{1,2}) (?:/ |thang )(\d{1,2})(?: (?:/ |nam )(20\d\d))?"
_WEEKDAY = r"(?:thu (2|3|4|5|6|7|hai|ba|tu|nam|sau|bay)|(chu nhat))"


def _day_named(d: int, m: int, y: str | None, today: date) -> date | None:
    """The day a question names: of the year given, else the next one from a month ago (a day just past is this
    year's: 'hôm 15/11 có hạn gì')."""
    try:
        day = date(int(y) if y else today.year, m, d)
    except ValueError:
        return None
    if not y and day < today - timedelta(days=31):
        day = date(day.year + 1, m, d) if (m, d) != (2, 29) else day
    return day


def _day_label(d: date) -> str:
    return f"ngày {d:%d/%m/%Y}"


def _days_span(t: str, today: date) -> Span | None:
    """A day or days named: 'ngày 15/7', 'ngày 20 tháng 12', 'từ nay đến 15/8', 'thứ 6 tuần này', 'thứ 2 tuần sau'."""
    if m := re.search(rf"\b(?:tu (?:nay|hom nay|gio|bay gio)|tu {_DAY}) (?:den|toi) (?:het )?{_DAY}\b", t):
        start = _day_named(int(m[1]), int(m[2]), m[3], today) if m[1] else today
        end = _day_named(int(m[4]), int(m[5]), m[6] or (m[3] if m[1] else None), today)
        if start and end and start <= end:
            return Span(start, end, f"khoảng từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}")
    if m := re.search(rf"\b(?:truoc|den) (?:het )?(?:ngay )?(\d{{1,2}}) / (\d{{1,2}})(?: / (20\d\d))?\b", t):
        end = _day_named(int(m[1]), int(m[2]), m[3], today)
        if end and m[0].startswith("truoc"):  # strictly before: the day itself is not in it
            end -= timedelta(days=1)
        if end and end >= today and re.search(r"\b(?:co|phai|can) (?:han|nop|gui|bao cao)|\bgi\b|\bnao\b", t):
            return Span(today, end, f"khoảng từ hôm nay đến {end:%d/%m/%Y}")
    if m := re.search(rf"\b{_DAY}\b(?! (?:/|thang|nam))", t):
        if not re.match(r"\b(?:quy|thang|nam)\b", t[m.end():].strip()):  # not '15 / 3 nam 2027' read twice
            day = _day_named(int(m[1]), int(m[2]), m[3], today)
            if day is not None and (m[0].startswith("ngay") or "/" in m[0]):
                return Span(day, day, _day_label(day))
    if m := re.search(rf"\b{_WEEKDAY} (?:(?:tuan|tuan le) )?({_THIS_WORDS}|{_NEXT_WORDS})\b", t):
        monday = today - timedelta(days=today.weekday())
        if not re.fullmatch(_THIS_WORDS, m[3]):
            monday += timedelta(days=7)
        day = monday + timedelta(days=_WEEKDAYS[m[1] or "cn"])
        return Span(day, day, _day_label(day))
    if m := re.search(rf"\bngay (\d{{1,2}}) thang ({_THIS_WORDS}|{_NEXT_WORDS})\b", t):  # 'ngày 5 tháng sau'
        y, mo = divmod(today.year * 12 + today.month - 1 + (0 if re.fullmatch(_THIS_WORDS, m[2]) else 1), 12)
        day = _day_named(int(m[1]), mo + 1, str(y), today)
        if day is not None:
            return Span(day, day, _day_label(day))
    if re.search(r"\bngay (?:mot|kia)\b", t):
        day = today + timedelta(days=2)
        return Span(day, day, _day_label(day))
    if re.match(r"(?:ngay )?mai\b", t):  # 'mai có phải nộp gì không'
        return Span(today + timedelta(days=1), today + timedelta(days=1), "ngày mai")
    if re.search(rf"\bcuoi tuan ({_THIS_WORDS}|{_NEXT_WORDS})\b", t) and _LIST.search(t):
        saturday = today - timedelta(days=today.weekday()) + timedelta(days=5)
        if not re.search(rf"\bcuoi tuan {_THIS_WORDS}\b", t):
            saturday += timedelta(days=7)
        return Span(saturday, saturday + timedelta(days=1), "cuối tuần " + (
            "này" if re.search(rf"\bcuoi tuan {_THIS_WORDS}\b", t) else "sau"))
    return None


def _span(t: str, today: date, year: int | None, period: str) -> Span | None:
    """The stretch of days named, if any (a named report period is not a span: 'báo cáo quý 1' is one report)."""
    if days := _days_span(t, today):
        return days
    if m := re.search(rf"\btuan ({_THIS_WORDS}|{_NEXT_WORDS})\b", t):
        start = today - timedelta(days=today.weekday())
        if not re.fullmatch(_THIS_WORDS, m[1]):
            start += timedelta(days=7)
        return Span(max(start, today), start + timedelta(days=6),
                    "tuần này" if re.fullmatch(_THIS_WORDS, m[1]) else "tuần sau")
    if m := re.search(r"\bthang (\d{1,2})\b(?! thang)", t):
        mo = int(m[1])
        if 1 <= mo <= 12:
            y = year or (today.year if mo >= today.month else today.year + 1)
            return Span(date(y, mo, 1), _month_end(y, mo), f"tháng {mo}/{y}")
    if m := re.search(rf"(?<!\d )\bthang ({_THIS_WORDS}|{_NEXT_WORDS}|{_PREV_WORDS})\b", t):
        shift = 0 if re.fullmatch(_THIS_WORDS, m[1]) else 1 if re.fullmatch(_NEXT_WORDS, m[1]) else -1
        idx = today.year * 12 + today.month - 1 + shift
        y, mo = divmod(idx, 12)
        return Span(date(y, mo + 1, 1), _month_end(y, mo + 1), f"tháng {mo + 1}/{y}")
    if m := re.search(rf"\bquy ({_THIS_WORDS}|{_NEXT_WORDS}|{_PREV_WORDS})\b", t):
        shift = 0 if re.fullmatch(_THIS_WORDS, m[1]) else 1 if re.fullmatch(_NEXT_WORDS, m[1]) else -1
        idx = today.year * 4 + _quarter_of(today) - 1 + shift
        y, q = divmod(idx, 4)
        return quarter_span(y, q + 1)
    if re.search(r"\bhom nay\b", t):
        return Span(today, today, "hôm nay")
    if re.search(r"\bngay mai\b", t):
        return Span(today + timedelta(days=1), today + timedelta(days=1), "ngày mai")
    if period in _KINDS_OF_QUARTER.values() and year is not None and (_LIST.search(t) or re.search(
            r"\b(?:trong|cua) quy\b|\bliet ke\b|\bgom\b", t)):
        return quarter_span(year, int(period[1]))
    if _SOON.search(t):
        return Span(today, today + timedelta(days=30), "30 ngày tới")
    if year is not None and period == "" and re.search(r"\bnam\b", t):
        return Span(date(year, 1, 1), date(year, 12, 31), f"năm {year}")
    return None


def from_today(t: str) -> bool:
    """Whether the question asks only what is still ahead ('còn lại', 'từ nay', 'từ giờ')."""
    return bool(re.search(r"\bcon lai\b|\btu (?:nay|gio|hom nay)\b|\bchua den han\b|\bsap toi\b", t))


def quarter_span(y: int, q: int) -> Span:
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[q]
    return Span(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"quý {roman}/{y}")


def _recipient(t: str) -> str:
    if re.search(r"\b(?:cho|len|ve|toi|den|gui) (?:so noi vu)\b|\bso noi vu\b(?!.*\bbo noi vu)", t):
        return "so noi vu"
    if re.search(r"\bbo noi vu\b", t):
        return "bo noi vu"
    return ""


def _level(t: str) -> str:
    if re.search(r"\b(?:cua|cap|ubnd) tinh\b|\btinh (?:gui|nop|bao cao)\b|\b(?:gui|nop|len) bo noi vu\b", t):
        return "tinh"
    if re.search(r"\b(?:xa|phuong|dac khu) (?:minh|toi|chung toi|em|nay|ta)\b|\bcap xa\b|\bubnd (?:cap )?xa\b|"
                 r"\bcua (?:cac )?(?:xa|phuong)\b|"
                 r"\b(?:xa|phuong) (?:co|con|phai|nop|gui)\b", t):
        return "xa"
    if re.search(r"\bso (?:minh|toi|chung toi|em|ta)\b|\bcap so\b|\bso ban nganh\b|\bso (?:co|con|phai|nop|gui)\b|"
                 r"\bcua (?:cac )?so\b(?! (?:noi vu|lieu))", t):
        return "so"
    return ""


def without_year(question: str) -> str:
    """The question with the year it names taken out ('năm 2027', 'năm sau', '/2027'), for a yearly rule."""
    t = normalise(question)
    t = re.sub(rf"\b(?:nam (?:20\d\d|{_NEXT_WORDS}|{_PREV_WORDS}|{_THIS_WORDS})|sang nam|/ ?20\d\d|20\d\d)\b", " ", t)
    t = re.sub(r"\bnam\b", " nam ", t)
    return re.sub(r"\s+", " ", t).strip()
