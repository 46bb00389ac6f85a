"""Follow-up questions completed from the previous turn: "còn cấp xã thì sao?", "văn bản đó ai ký?"."""
from __future__ import annotations

import re

from knowledge.answer import Turn
from knowledge.understand import _LEVELS, Intent, asking_phrase, asking_spans, province_keys, provinces_in
from bot.core.vietnamese import doc_numbers, fold
from knowledge.lexicon import QUESTION_WORDS

_FILLER = frozenset("con thi sao vay nhi nhe the".split())
_LEAD = re.compile(r"^(?:the con|vay con|con ve|con o|con|vay|the)\s+")
_TAIL = re.compile(r"\s*\b(?:thi sao|the nao|ra sao|thi the nao|nhu the nao|vay|nhi|a|nhe)\s*\??$")
_BARE_LEVELS = re.compile(r"\b(?:cac so, ban, nganh|so, ban, nganh|so ban nganh|cac so|so nganh|"
                          r"ubnd (?:cac )?huyen(?:, (?:thi xa, )?thanh pho)?|cap huyen|ubnd (?:cac )?xa|cap xa|"
                          r"cap tinh|cac huyen|cac xa)\b")


# What the previous question asked (its date, amount, body): the follow-up asks its own.
_ASKED = re.compile(r"\b(?:(?:vao )?(?:ngay|thang|nam|quy|tuan|dot|giai doan|luc|khi|tinh|cap|co quan|don vi|van ban|so)"
                    r" (?:nao|may)|bao gio|bao nhieu|bao lau|nhu the nao|the nao|ra sao|la gi|nhung gi|ai|gi|"
                    r"cham nhat|truoc ngay|trong thoi (?:gian|han) nao)\b")
_DEICTIC = re.compile(r"\b(?:viec (?:nay|do|tren)|noi dung (?:nay|do|tren)|nhiem vu (?:nay|do|tren)|van ban (?:nay|do|tren)|"
                      r"(?:nq|kh|cv|qd|ct|ctr|nghi quyet|ke hoach|cong van|chi thi|quyet dinh|chuong trinh) (?:nay|do|tren)|"
                      r"cai (?:nay|do)|no)\b")


# A numbered step or period ("đợt 2", "năm 2023", "quý III") and an index a province is ranked by: a follow-up naming
# one replaces the previous question's ("còn đợt 2?" after "… đợt 1 lúc nào", "còn sipas?" after "par index …").
_NUMBERED = re.compile(r"\b(dot|nam|quy|giai doan|buoc|lan|muc|khoan|dieu) ([0-9]+|[ivx]+)\b")
_INDEX = re.compile(r"\b(?:par index|par|sipas|papi|pci|dti|pobi|ict index)\b")


def _replaced(prev: str, now: str) -> str:
    """The previous question without what the follow-up names in its place: its numbered step of the same kind, its
    index when the follow-up names another."""
    for noun, _ in _NUMBERED.findall(now):
        prev = re.sub(rf"\b{noun} (?:[0-9]+|[ivx]+)\b", " ", prev)
    if _INDEX.search(now):
        prev = _INDEX.sub(" ", prev)
    return prev


def _without_levels(folded: str) -> str:
    """A (folded) text without the levels it names ("các sở", "UBND cấp huyện"), for a follow-up naming its own."""
    folded = _BARE_LEVELS.sub(" ", folded)
    for p in _LEVELS.values():
        folded = p.sub(" ", folded)
    return folded


def refers_back(folded: str) -> bool:
    """Whether a follow-up points back at what the previous answer was about ("NQ đó", "việc này")."""
    return bool(_DEICTIC.search(folded))


_DOC_DEICTIC = re.compile(r"\b(van ban|vb|nq|kh|cv|qd|ct|ctr|nghi quyet|ke hoach|cong van|chi thi|quyet dinh|chuong trinh)"
                          r" (?:nay|do|tren|ay)\b")
_TYPE_OF = {"vb": "", "van ban": "", "nq": "nghi quyet", "kh": "ke hoach", "cv": "cong van", "qd": "quyet dinh",
            "ct": "chi thi", "ctr": "chuong trinh"}


def names_document(folded: str, document_type: str) -> bool:
    """Whether a follow-up points back at the previous answer's document itself ("kế hoạch đó" after an answer from a
    kế hoạch, "văn bản này"), not at a document that answer cited ("NQ đó" after a kế hoạch citing a nghị quyết)."""
    m = _DOC_DEICTIC.search(folded)
    if m is None:
        return False
    kind = _TYPE_OF.get(m.group(1), m.group(1))
    return not kind or kind == fold(document_type)


OWN_WORDS = 3  # a follow-up with this many content words of its own asks about a new thing in the same place
_CONTRAST = re.compile(r"^(?:the con|vay con|con)\b")  # "còn X thì sao", "thế còn X": X takes the previous topic's place

# Words that only say where a question's answer is written ("theo chỉ thị nào của UBND tỉnh"): a question holding
# nothing else names no topic of its own and asks about the previous answer.
_FRAME = frozenset("theo can cu dua tren vao cua do ubnd uy ban nhan dan tinh van ban vb chi thi ct ke hoach kh nghi quyet "
                   "nq quyet dinh qd cong van cv chuong trinh ctr thong tu nghi dinh so ngay nam thang ban hanh la".split())


# Who a rule is about: a follow-up naming only these asks the previous question of another actor ("còn cá nhân cán bộ
# thì sao?" after "cơ quan có bao nhiêu % hồ sơ trễ hạn thì không được xếp hạng tốt").
_ACTORS = re.compile(r"\b(?:(?:cac |moi |tung )?(?:ca nhan|can bo|cong chuc|vien chuc|nguoi dung dau|co quan|don vi|"
                     r"doanh nghiep|nguoi dan|to chuc|lanh dao|thu truong|nguoi lao dong))\b")


# Where a rank or a figure is counted, not what it is about ("xếp thứ mấy cả nước").
_SCOPE = re.compile(r"\b(?:trong |tren )?(?:ca nuoc|toan quoc)\b")


def _without_asking(folded: str) -> str:
    """A (folded) question without the words that only say what it asks ("thời hạn … là khi nào", "xếp thứ mấy")."""
    for a, b in reversed(asking_spans(folded)):
        folded = folded[:a] + " " + folded[b:]
    return folded


def leans_on(intent: Intent) -> bool:
    """Whether a question leans on the previous turn: it says so ("còn cấp xã thì sao?"), or it names no place, no
    document number and at most one word of its own beyond what it asks and a document's frame ("theo chỉ thị nào
    của ubnd tỉnh", "thời hạn trình là khi nào", "xếp thứ mấy cả nước")."""
    if intent.leans_on_previous:
        return True
    if intent.provinces or doc_numbers(intent.text) or intent.wants_documents:
        return False
    text = intent.text.strip(" ?.")
    own = [w for w in _ASKED.sub(" ", text).split()
           if w not in QUESTION_WORDS and w not in _FILLER and w not in _FRAME]
    if not own:
        return True
    asked = bool(asking_spans(text))
    rest = [w for w in _ASKED.sub(" ", _SCOPE.sub(" ", _without_asking(text))).split()
            if w not in QUESTION_WORDS and w not in _FILLER and w not in _FRAME]
    return asked and len(rest) <= 1


def complete(question: str, intent: Intent, previous: Turn, document_type: str = "", province: str = "") -> str:
    """The question a follow-up stands for: the previous question, without what it asked, with what the follow-up
    changes; a follow-up about a new thing ("còn giao chỉ tiêu hồ sơ trực tuyến thì bao giờ?") keeps only the
    previous question's places and documents. `province` is the previous answer's: a follow-up naming no place of its
    own stays there even when the previous question named none ("tỉnh nào …" then "ai chủ trì việc này")."""
    prev = _ASKED.sub(" ", fold(previous.question))
    if province and not provinces_in(prev) and not intent.provinces:
        prev = f"{prev} {fold(province)}"
    contrast = bool(_CONTRAST.match(intent.text.strip(" ?.")))
    now = _TAIL.sub("", _LEAD.sub("", intent.text.strip(" ?.")))
    if intent.meta:
        return now
    bare = _SCOPE.sub(" ", _without_asking(now))  # "hạn chót ngày nào" asks, it names nothing of its own
    own = [w for w in _ASKED.sub(" ", bare).split() if w not in QUESTION_WORDS and w not in _FILLER]
    about_document = names_document(now, document_type)
    # two words of its own are a new thing only after "còn" ("thế còn tuyên truyền thì sở nào"); without it they go
    # on with the previous question ("nộp mấy bộ" after "hồ sơ đề nghị khen thưởng gồm những gì")
    framed = any(w not in _FRAME for w in own)  # "theo chỉ thị nào của ubnd tỉnh": where the previous answer stands
    actors = bool(own) and not _ACTORS.sub(" ", " ".join(own)).split()  # "còn cá nhân cán bộ thì sao?"
    if framed and not actors and len(own) >= (OWN_WORDS - 1 if asking_phrase(now) and contrast else OWN_WORDS) and (about_document or not _DEICTIC.search(now)) \
            and not intent.levels \
            and not intent.provinces:
        # a new thing in the same place (or the same document): the place, and what was asked when it asks nothing
        anchors = [fold(p) for p in provinces_in(prev)] + [fold(n) for n in doc_numbers(previous.question)]
        asked = "" if asking_phrase(now) else asking_phrase(fold(previous.question))
        if about_document:  # the document is pinned: its type word would only match "Kế hoạch này" in its text
            now = _DOC_DEICTIC.sub(" ", now)
        return " ".join(f"{now} {' '.join(anchors)} {asked}".split())
    if actors:  # the same rule of someone else: the previous question with its own actor replaced
        prev = _ACTORS.sub(" ", prev)
    if intent.levels:
        prev = _without_levels(prev)
    if intent.provinces:
        for name in provinces_in(prev):
            for key in province_keys(name):
                prev = re.sub(rf"\b{re.escape(key)}\b", " ", prev)
    prev = _replaced(prev, now)
    asked = "" if asking_phrase(now) else asking_phrase(fold(previous.question))  # "còn kh đồng tháp?" after "… ai ký"
    if intent.levels:  # "… của các sở ban hành chậm nhất ngày nào" asks with the level the follow-up replaces
        asked = _without_levels(asked)
    return " ".join(f"{now} {prev} {asked}".split())
