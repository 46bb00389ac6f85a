"""A due rule pasted with its task around it: which words carry the timing and which only describe the work."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from scheduler.rule_text import Mapped

# A cited document's number ("1520/snv-cchc", "45/2025/nd-cp") and its date ("… ngay 02/3/2026"), as normalised
_CITED_DOC = r"\d{1,5}(?:/\d{4})?/[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?: ngay \d{1,2}/\d{1,2}/\d{4})?"
# Task words that look like timing words once diacritics are gone ("quy định", "kết quả", "đầu mối", "một cửa").
_TASK_COMPOUND = re.compile(
    r"(?:quy (?:dinh|che|trinh|hoach|pham|mo|chuan|doi|trach|uoc|tac|luat|nap|tu|cach)|ket qua|theo doi|"
    # "Kết thúc đợt rà soát", "kiểm tra … kết thúc trước …": the verb of the work, unless a period follows it
    r"(?:giua |dau |cuoi )?nhiem ky|ket thuc(?= (?!(?:ngay|moi|cac|hang|quy|thang|nam|ky|tuan|dot bao cao|\d)\b)[a-z])|"
    # "lưu trữ", "trụ sở", "cư trú": not "trừ" (except)
    r"luu tru|tru so|cu tru|du tru|"
    # "tổng kết 5 năm thực hiện …": a review of several years names the work
    r"(?:tong ket|so ket|danh gia|giai doan) (?:[2-9]|\d{2}) nam|"
    # "tự kiểm tra ít nhất 01 lần": how often the work is done within its period, not when it is due
    r"it nhat (?:\d{1,2}|mot|hai|ba) lan|"
    # a cited document's number ("CV số 1520/SNV-CCHC", "KH 45/KH-SNV") and its date ("… ngày 02/3/2026")
    rf"{_CITED_DOC}|"
    r"dau moi|dau tu|dau vao|dau ra|tuan thu|tuan tra|ky thuat|ky ket|ky so|ky ten|ky hop|chu ky|nam bat|viet nam|"
    r"mot cua|cong viec|ke hoach|dang ky|sau rong|truoc mat|truoc het|yeu cau|thu tuc|thu truong|thu tuong|thu ky|thu vien|doi moi|moi truong|thuong mai|ngan hang|hang hoa|khach hang|mat hang|cua hang|dien tu|tu dong|tu danh gia|tu cham|tu kiem tra|sau sat|chieu sau|ngay cang|ky luat|ky nang|ky duyet|ky vong|dau thau|dau gia|dau noi|dau tranh|(?:mau|mau so|bieu|bieu mau|bieu so|phu luc|phu luc so|muc|dieu|khoan|diem|chuong|phan) (?:\d+|[ivx]+)(?:[.,]\d+)*)(?= |$)(?! (?:\d|cn)(?= |$))")
# Words that carry timing, longest first. Any of them left in the task text means the rule is not fully placed.
_ATOM = re.compile(
    r"(?:(?:hai|ba|bon|sau|bay|tam|chin|muoi|nua|vai) (?:tuan|thang|quy|nam|ngay|lan)|"
    r"\d[\d/_]*|ngay lam viec|ngay|thu (?:\d|cn)|(?:6|9) thang(?: (?:dau|cuoi) nam)?|tuan|thang|quy|nam ke hoach|nam|ky|"
    # "hằng"/"mỗi" only before what recurs ("mô hình mới" is new, not every)
    r"dinh ky|(?:hang|moi)(?= (?:tuan|thang|quy|nam|ky|ngay|thu|lan|dot|nua|\d))|cac|so voi|"
    # "sau" before a word that is not timing ("khắc phục sau kiểm tra") names the work
    # … but "tháng sau", "năm sau" are the next period, whatever follows ("chậm nhất ngày 05 tháng sau gửi …")
    r"(?:(?<=thang )|(?<=tuan )|(?<=quy )|(?<=nam )|(?<=ky ))sau|"
    r"sau(?! (?!(?:ngay|khi|ke|tinh|thoi|han|dot|ky|tuan|thang|quy|nam|do|tet|lien|hang|moi|cac|truoc|cham|den|\d)\b)[a-z])|"
    r"(?:mot|1) lan|lan|trong vong|vong|dung thoi han|dung han|thoi han|thoi gian|cham nhat|truoc|den het|den|het|han chot|han nop|han|trong|toi da|"
    r"khong qua|hoac|va|dau(?: tien)?|cuoi(?: cung)?|giua|thu nhat|tiep theo|ke tiep|lien sau|lien ke|ke tu|"
    r"tinh tu|tinh den|tu|ket thuc|bat dau|nay|toi|khi|hom|mai|som|thuong xuyen|dot xuat|theo yeu cau|lien tuc|"
    # "trừ"/"riêng" as an exception only before what it excepts ("riêng quý IV", not "báo cáo riêng về …")
    r"neu|(?:tru|rieng)(?= (?:quy|thang|nam|ky|dot|tuan|bao cao|bc|doi voi|voi|cac|ngay|thu|\d)(?= |$))|ngoai tru|"
    r"truong hop|chu nhat|gio|phut)(?= |$)")
# Runs made only of these carry no timing by themselves ("các đơn vị", "trễ hạn", "từ", "và").
_WEAK = frozenset({"va", "hoac", "cac", "so voi", "lan", "mot lan", "1 lan", "tu", "trong", "den", "han", "toi", "nay", "het",
                   "kip thoi", "trong vong", "vong", "dung thoi han", "dung han", "thoi han", "thoi gian"})
# "… điện tử chậm nhất ngày 10": a loose "từ"/"đến"/"trong" before a lead belongs to the task
_AFTER_LOOSE = re.compile(r"(?:cham nhat|truoc|han chot|han nop|khong qua|toi da)(?= |$)")
_EDGE_WEAK = frozenset({"va", "hoac", "cac", "tu", "den", "trong", "toi", "nay", "han"})
_LABEL = re.compile(r"(?:(?:quy [1-4]|(?:6|9) thang(?: (?:dau|cuoi) nam)?|nam|quy|thang|tuan)(?: (?:va|hoac))? ?)+")
_FRAME = re.compile(r"(?:dinh ky )?(?:hang|moi) (?P<unit>tuan|thang|quy|nam)(?: (?:mot|1) lan)?"
                    r"|(?:dinh ky (?P<six>6) thang(?: (?:mot|1) lan)?|(?P<six2>6) thang (?:mot|1) lan)"
                    r"|(?P<unit2>tuan|thang|quy|nam) (?:mot|1) lan|dinh ky(?: (?P<unit3>tuan|thang|quy|nam))?")
# "báo cáo tháng trước", "lịch công tác tuần sau": the period the work is about, not when it is due
_CONTENT = re.compile(r"^(?P<unit>tuan|thang|quy|nam) (?:truoc|nay|sau|toi|tiep theo|ke tiep)"
                      r"(?= |$)(?! (?:ngay|thu|\d|khi|ket thuc|lan|ky|[a-z]+ \d))")
_REPORT = re.compile(r"\b(?:bao cao|bc|so lieu)\b")
# "Kế hoạch CCHC năm 2027", "báo cáo quý I/2027", "6 tháng đầu năm 2027": the period the work is about, with its year
_SUBJECT = re.compile(r"(?:quy [1-4]|thang \d{1,2}(?:_\d{1,2})?)/(?P<y1>\d{4})|"
                      r"(?:(?:6|9) thang(?: (?:dau|cuoi))? |ca )?nam (?P<y2>\d{4})")


@dataclass(frozen=True)
class Run:
    """Consecutive words of one kind: "task", "main" (the timing), "frame", "label", "content" or "subject"
    (the period the work is about, with its year: "Kế hoạch CCHC năm 2027")."""

    kind: str
    text: str  # as the grammar reads it
    source: str  # as written
    span: tuple[int, int] = (0, 0)  # of `source` in the rule as written


@dataclass(frozen=True)
class Reading:
    runs: tuple[Run, ...]

    def of(self, kind: str) -> list[Run]:
        return [r for r in self.runs if r.kind == kind]


def _tokens(m: Mapped) -> list[tuple[int, int]]:
    return [(t.start(), t.end()) for t in re.finditer(r"[^ ]+", m.text)]


def read(m: Mapped, clean: str) -> Reading:
    """Split a normalised rule into runs; ':' and '.' end a run."""
    toks = _tokens(m)
    text = m.text
    marks: list[str] = []  # per token: "t" timing, "x" task, "|" separator
    i = 0
    while i < len(toks):
        a = toks[i][0]
        if text[toks[i][0]:toks[i][1]] in (":", "."):
            marks.append("|")
            i += 1
            continue
        found = _TASK_COMPOUND.match(text, a)
        kind = "x"
        if not found:
            found = _ATOM.match(text, a)
            kind = "t" if found else "x"
        n = text[a:found.end()].count(" ") + 1 if found else 1
        marks += [kind] * n
        i += n
    runs: list[Run] = []
    i = 0
    while i < len(toks):
        if marks[i] == "|":
            i += 1
            continue
        j = i
        while j < len(toks) and marks[j] == marks[i]:
            j += 1
        if marks[i] == "t":
            # connectives at the edges of a timing run belong to the task ("… của tháng, các đơn vị …")
            while j > i and text[toks[j - 1][0]:toks[j - 1][1]] in _EDGE_WEAK:
                j -= 1
            while j > i and (text[toks[i][0]:toks[i][1]] in ("va", "hoac", "cac") or (
                    text[toks[i][0]:toks[i][1]] in ("tu", "den", "trong")
                    and _AFTER_LOOSE.match(text, toks[i][1] + 1) is not None)):
                runs.append(_run("task", m, clean, toks[i], toks[i]))
                i += 1
            if j == i:
                j = i + 1
                while j < len(toks) and marks[j] == marks[i]:
                    j += 1
                runs.append(_run("task", m, clean, toks[i], toks[j - 1]))
                i = j
                continue
        words = text[toks[i][0]:toks[j - 1][1]]
        kind = "main" if marks[i] == "t" else "task"
        if kind == "main" and all(w in _WEAK for w in words.split()):
            kind = "task"
        runs.append(_run(kind, m, clean, toks[i], toks[j - 1]))
        i = j
    return Reading(tuple(_classify(_merge(runs, clean))))


def _run(kind: str, m: Mapped, clean: str, first: tuple[int, int], last: tuple[int, int]) -> Run:
    a, b = m.span(first[0], last[1])
    while a > 0 and not clean[a - 1].isspace():  # whole words of the source, even where a rewrite moved offsets
        a -= 1
    while b < len(clean) and clean[b].isalnum():
        b += 1
    return Run(kind, m.text[first[0]:last[1]], clean[a:b].strip(" ,;:.()-–/"), (a, b))


def _merge(runs: list[Run], _clean: str) -> list[Run]:
    """Neighbouring task runs as one piece of the source."""
    out: list[Run] = []
    for r in runs:
        if out and out[-1].kind == r.kind == "task":
            a, b = out[-1].span[0], max(out[-1].span[1], r.span[1])
            out[-1] = Run("task", f"{out[-1].text} {r.text}", _clean[a:b].strip(" ,;:.()-–/"), (a, b))
        else:
            out.append(r)
    return out


def _classify(runs: list[Run]) -> list[Run]:
    """Timing runs that only name the period of the work (labels, "tháng trước") or its recurrence (frames)."""
    out: list[Run] = []
    for k, r in enumerate(runs):
        after_task = k == 0 or runs[k - 1].kind == "task"
        before_task = k == len(runs) - 1 or runs[k + 1].kind == "task"
        split = _leading_label(r) if r.kind == "main" and after_task and k > 0 else None
        split = split or (_leading_content(r) if r.kind == "main" and after_task and k > 0 else None)
        split = split or (_leading_subject(r) if r.kind == "main" and after_task and k > 0 else None)
        split = split or (_edge_frame(r) if r.kind == "main" else None)
        if r.kind != "main":
            out.append(r)
        elif _FRAME.fullmatch(r.text):
            out.append(replace(r, kind="frame"))
        elif after_task and k > 0 and _LABEL.fullmatch(r.text):
            out.append(replace(r, kind="label"))
        elif after_task and k > 0 and before_task and _CONTENT.fullmatch(r.text):
            out.append(replace(r, kind="content"))
        elif after_task and k > 0 and before_task and _SUBJECT.fullmatch(r.text):
            out.append(replace(r, kind="subject"))
        elif split:
            out += split
        else:
            out.append(r)
    if not any(r.kind == "main" for r in out):  # "ban hành trong 6 tháng đầu năm 2026": the period is the due
        out = [replace(r, kind="main") if r.kind == "subject" else r for r in out]
    return out


_BODY_LEAD = re.compile(r"(?:cham nhat|truoc|ngay|thu (?:\d|cn)|trong|han chot|han nop|den het|toi da|khong qua)(?= |$)")


def _leading_label(r: Run) -> list[Run] | None:
    """'quý trước ngày 15 tháng cuối quý' after report words: the report's period, then the rule (as the grammar
    reads "Báo cáo quý trước ngày 15 …")."""
    words = r.text.split()
    for n in range(min(len(words) - 1, 8), 0, -1):
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        if _LABEL.fullmatch(head) and _BODY_LEAD.match(rest) and re.search(r"\d|\bngay\b", rest):
            cut = r.source.split()
            src = " ".join(cut[:n]) if len(cut) > n else r.source
            return [Run("label", head, src, r.span), Run("main", rest, " ".join(cut[n:]) or r.source, r.span)]
    return None


def _leading_subject(r: Run) -> list[Run] | None:
    """'… thi đua CCHC năm 2027 chậm nhất ngày 10/01/2028': the period the work is about, with its year, then the
    rule."""
    words = r.text.split()
    for n in range(min(len(words) - 1, 5), 0, -1):
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        if _SUBJECT.fullmatch(head) and _BODY_LEAD.match(rest) and re.search(r"\d", rest):
            cut = r.source.split()
            return [Run("subject", head, " ".join(cut[:n]), r.span), Run("main", rest, " ".join(cut[n:]) or r.source, r.span)]
    return None


_HEAD_CONTENT = re.compile(r"(?:tuan|thang|quy|nam) (?:truoc|nay|sau|toi|tiep theo|ke tiep)")
_TAIL_RECURRENCE = re.compile(r".* (?:hang|moi) (?:tuan|thang|quy|nam)")


def _leading_content(r: Run) -> list[Run] | None:
    """'năm sau trước 15/12 hằng năm' after the work's name ("Gửi kế hoạch năm sau …"): the period the work is
    about, then a rule that says its own recurrence."""
    words = r.text.split()
    for n in (3, 2):
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        if _HEAD_CONTENT.fullmatch(head) and _BODY_LEAD.match(rest) and _TAIL_RECURRENCE.fullmatch(rest):
            cut = r.source.split()
            return [Run("content", head, " ".join(cut[:n]), r.span), Run("main", rest, " ".join(cut[n:]), r.span)]
    return None


def _edge_frame(r: Run) -> list[Run] | None:
    """'6 tháng một lần chậm nhất ngày 15 tháng cuối kỳ' (or the frame after the rule): the frame kept apart."""
    words = r.text.split()
    for n in range(min(len(words) - 1, 6), 1, -1):
        for head, rest, frame_first in ((words[:n], words[n:], True), (words[-n:], words[:-n], False)):
            f = _FRAME.fullmatch(" ".join(head))
            # a plain "hằng quý" stays with the rule, which reads it, unless the rule is a list of days of the year
            # ("Định kỳ quý, hạn 15/3, 15/6, 15/9 và 15/12")
            listed = len(re.findall(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])", " ".join(rest))) >= 2
            if f and (f.group("six") or f.group("six2") or f.group("unit2") or f.group("unit3") or listed) \
                    and re.search(r"\d|\bngay\b", " ".join(rest)):
                frame, main = Run("frame", " ".join(head), r.source, r.span), Run("main", " ".join(rest), r.source, r.span)
                return [frame, main] if frame_first else [main, frame]
    return None


def report_label(reading: Reading, label: Run) -> bool:
    """A label right after report words ("Báo cáo CCHC năm") names the report's period, not only the work's."""
    runs = list(reading.runs)
    k = runs.index(label)
    return k > 0 and _REPORT.search(runs[k - 1].text) is not None


def frame_unit(frame: Run) -> str:
    """'W', 'M', 'Q', 'Y', 'H' (six months) or '' (just "định kỳ")."""
    f = _FRAME.fullmatch(frame.text)
    unit = f and (f.group("unit") or f.group("unit2") or f.group("unit3"))
    six = f and (f.group("six") or f.group("six2"))
    if f is None or not (unit or six):
        return ""
    return "H" if six else {"tuan": "W", "thang": "M", "quy": "Q", "nam": "Y"}[unit]


def content_unit(content: Run) -> str:
    return {"tuan": "W", "thang": "M", "quy": "Q", "nam": "Y"}[content.text.split()[0]]


def timing_words(m: Mapped, source: str) -> list[str]:
    """The words of `source` (normalised as `m`) that carry timing, as written: why a leftover is not only the task."""
    out: list[str] = []
    done = 0
    for a, _ in _tokens(m):
        if a < done:
            continue
        compound = _TASK_COMPOUND.match(m.text, a)
        if compound:
            done = compound.end()
            continue
        found = _ATOM.match(m.text, a)
        if found:
            done = found.end()
        if found and found.group(0) not in _WEAK:
            sa, sb = m.span(a, found.end())
            word = source[sa:sb].strip(" ,;:.()")
            if word and word not in out:
                out.append(word)
    return out


def subject_year(subject: Run) -> int:
    """The year a subject run names ('nam 2027' -> 2027)."""
    m = _SUBJECT.fullmatch(subject.text)
    assert m is not None
    return int(m.group("y1") or m.group("y2"))


def cited_documents(m: Mapped, source: str) -> list[str]:
    """The cited documents' numbers (with their dates) in `source`, as written: task text, never a due date."""
    out = []
    for found in re.finditer(rf"(?<![^ ]){_CITED_DOC}(?= |$)", m.text):
        a, b = m.span(*found.span())
        out.append(source[a:b].strip(" ,;:.()"))
    return out
