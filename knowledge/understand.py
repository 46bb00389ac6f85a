"""Question words resolved before search: chat spellings, abbreviations read in context, numbers, question phrases."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.core.vietnamese import fold, syllables, telex_candidates
from knowledge.lexicon import (ABBREVIATIONS, AMBIGUOUS, CHAT_SPELLINGS, CHATTER_CLOSINGS, CHATTER_KEPT_AFTER,
                               CHATTER_OPENINGS, QUESTION_PHRASES, QUESTION_WORDS)

_JOINED = re.compile(r"\b(kh|s\s?kh)\s*(?:&|-|và|va|\+)\s*(dt)\b")  # "KH&ĐT", "kh-dt", "KH và ĐT"
_LONGEST_PHRASE = max(len(p.split()) for p in (*QUESTION_PHRASES, *CHAT_SPELLINGS))


def without_chatter(text: str) -> str:
    """The question without the chat around it ("cho mình hỏi", "ad ơi", "… vậy ạ"), as written otherwise (diacritics
    and document numbers kept); the text itself when nothing else would be left."""
    words = text.split()
    keys = [re.sub(r"[^a-z0-9]+", "", fold(w)) for w in words]
    start, end = 0, len(words)
    changed = True
    while changed:
        changed = False
        for phrase in CHATTER_OPENINGS:
            n = len(phrase.split())
            if end - start > n and " ".join(keys[start:start + n]) == phrase and not _joined_after(words, start + n - 1):
                start += n
                changed = True
                break
        for phrase in CHATTER_CLOSINGS:
            n = len(phrase.split())
            if end - start > n and " ".join(keys[end - n:end]) == phrase and keys[end - n - 1] not in CHATTER_KEPT_AFTER:
                end -= n
                changed = True
                break
    if (start, end) == (0, len(words)) or end - start < 2:
        return text
    core = " ".join(words[start:end]).lstrip(",.:;!- ").rstrip(",;:- ")
    return core + ("?" if text.rstrip().endswith("?") and not core.endswith("?") else "")


def _joined_after(words: list[str], i: int) -> bool:
    """Whether words[i] runs on into a document number or a name ('ad' of 'AD-…'): then it is no chat word."""
    return bool(re.search(r"[/\-]\w", words[i]))


def tokens(text: str) -> list[str]:
    """Folded syllables with numbers written one way ('01' and '1' are the same number)."""
    return [t.lstrip("0") or "0" if t.isdigit() else t for t in syllables(text)]


@dataclass
class Tok:
    word: str
    question: bool = False  # part of a question phrase ("bao giờ", "khi nào"): what is asked, not what about
    group: int = 0  # the written word it comes from; an abbreviation's expansion shares one group
    abbreviation: str = ""  # the abbreviation this word expands, on the expansion's first word
    confidence: float = 1.0  # below 1 for a guessed correction of a typo
    unsupported: bool = False  # a correction that forms no phrase of the documents with its neighbours


def read_question(text: str, has_bigram: Callable[[str, str], bool]) -> list[Tok]:
    """The question's words with chat spellings replaced, abbreviations expanded and question phrases marked."""
    folded = _JOINED.sub(lambda m: m.group(1).replace(" ", "") + "dt", fold(text))
    words = _respell(tokens(folded))
    out: list[Tok] = []
    for g, w in enumerate(words):
        if w in AMBIGUOUS:
            prev = out[-1].word if out else None
            nxt = words[g + 1] if g + 1 < len(words) else None
            exp = _reading(AMBIGUOUS[w], prev, nxt, has_bigram).split()
        elif w in ABBREVIATIONS:
            exp = ABBREVIATIONS[w].split()
        else:
            out.append(Tok(w, group=g))
            continue
        out += [Tok(e, group=g, abbreviation=w if j == 0 else "") for j, e in enumerate(exp)]
    _mark_questions(out)
    return out


def _respell(words: list[str]) -> list[str]:
    return spelled_numbers(_chat(words))


def _chat(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            key = " ".join(words[i:i + n])
            if n <= len(words) - i and key in CHAT_SPELLINGS:
                out += CHAT_SPELLINGS[key].split()
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


# Spelled-out numbers (folded): read as digits only before a counted noun ("ba nhiệm vụ", "mười lăm ngày",
# "năm phần trăm"), since most of these words have other meanings ("hài lòng", "sau đó", "năm 2021").
_UNITS_OF_NUMBER = {1: "mot", 2: "hai", 3: "ba", 4: "bon", 5: "nam", 6: "sau", 7: "bay", 8: "tam", 9: "chin"}
_DIGIT_WORDS = {w: n for n, w in _UNITS_OF_NUMBER.items()} | {"tu": 4, "lam": 5, "nhat": 1, "mo": 1}
COUNTED = frozenset(
    w.replace("_", " ") for w in "ngay thang nam quy tuan lan nguoi don_vi noi_dung nhiem_vu chi_so chi_tieu phan_tram "
    "bac diem huyen xa tinh linh_vuc cap muc dot van_ban ho_so tieu_chi giai_doan co_quan khau buoc cau dieu khoan "
    "thu_tuc giai_phap nhom mat".split())


def _number_at(words: list[str], i: int) -> tuple[int, int] | None:
    """The value of a spelled-out number starting at words[i] and how many words it takes, or None."""
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if w == "muoi":  # mười, mười lăm
        unit = _DIGIT_WORDS.get(nxt) if nxt != "nam" or _counted_at(words, i + 2) else None
        return (10 + unit, 2) if unit and nxt != "mot" else (10, 1)
    if w == "tram":  # "trăm phần trăm"
        return 100, 1
    if w in ("nghin", "ngan"):
        return None
    if w in _UNITS_OF_NUMBER.values():
        value = _DIGIT_WORDS[w]
        if nxt in ("muoi", "chuc"):
            tail = words[i + 2] if i + 2 < len(words) else ""
            unit = _DIGIT_WORDS.get(tail) if tail not in ("muoi", "chuc") else None
            if unit and _counted_at(words, i + 3):
                return value * 10 + unit, 3
            return value * 10, 2
        if nxt == "tram":
            return value * 100, 2
        return value, 1
    return None


def _counted_at(words: list[str], j: int) -> bool:
    return j < len(words) and (words[j] in COUNTED or " ".join(words[j:j + 2]) in COUNTED)


def spelled_numbers(words: list[str]) -> list[str]:
    """'ba nhiem vu' -> '3 nhiem vu', 'muoi lam ngay' -> '15 ngay', 'nam phan tram' -> '5 phan tram'; a number word
    not followed by a counted noun (or followed by one that a digit follows: 'sau thang 6') stays a word."""
    out: list[str] = []
    i = 0
    while i < len(words):
        found = _number_at(words, i)
        if found is not None:
            value, n = found
            after2 = words[i + n + 1] if i + n + 1 < len(words) else ""
            if _counted_at(words, i + n) and not after2.isdigit():
                out.append(str(value))
                i += n
                continue
        out.append(words[i])
        i += 1
    return out


def _reading(readings: tuple[str, ...], prev: str | None, nxt: str | None, has_bigram: Callable[[str, str], bool]) -> str:
    def fits(r: str) -> int:
        w = r.split()
        return int(prev is not None and has_bigram(prev, w[0])) + int(nxt is not None and has_bigram(w[-1], nxt))

    return max(readings, key=lambda r: (fits(r), -readings.index(r)))


def _mark_questions(toks: list[Tok]) -> None:
    words = [t.word for t in toks]
    for i in range(len(words)):
        for n in range(min(_LONGEST_PHRASE, len(words) - i), 1, -1):
            if " ".join(words[i:i + n]) in QUESTION_PHRASES:
                for t in toks[i:i + n]:
                    t.question = True
                break
        if words[i] in QUESTION_WORDS:
            toks[i].question = True


# --- intent and constraints ------------------------------------------------------------------------
_LEVELS: dict[str, re.Pattern[str]] = {
    "xa": re.compile(r"\b(?:cap xa|ubnd (?:cac )?xa|xa, phuong|xa phuong|cac xa|cong chuc xa|chinh quyen co so|thi tran|"
                     r"(?:cac|o|tai|cua|cho) phuong(?! an| thuc| huong| phap| cham)|"
                     r"(?:cua|o|tai|cho|voi|doi voi) xa(?! hoi)|^(?:cac )?xa(?! hoi))\b"),
    "huyen": re.compile(r"\b(?:cap huyen|ubnd (?:cac )?huyen|huyen, (?:thi xa, )?thanh pho|cac huyen|phong noi vu|"
                        r"(?:cua|o|tai|doi voi) (?:cac )?huyen(?=\s*(?:va|thi|la|phai|o|tai|\?|$)))\b"),
    "so": re.compile(r"\b(?:so, ban, nganh|so ban nganh|so, nganh|so nganh|cac so|co quan chuyen mon|"
                     r"(?:cua|o|tai|doi voi) (?:cac )?so(?=\s*(?:va|thi|la|phai|o|tai|\?|$)))\b"),
    "tinh": re.compile(r"\b(?:cap tinh)\b"),
}
# A level named in a question without its usual companion word ("còn xã thì sao?").
_BARE_LEVEL = re.compile(r"^(?:con |the con |vay con |con o )?(?:cap )?(xa|huyen|so|tinh)"
                         r"(?=\s*$|\s*[?,.!]|\s+(?:thi|the|nhi|sao|ra|nhu|vay|a|co|phai|dat|la|can|duoc|ban hanh|gui|nop|"
                         r"chi tieu|han|khi|bao|may|ai|gi)\b)")
_PROVINCE_ALIASES = {"brvt": "Bà Rịa - Vũng Tàu", "vung tau": "Bà Rịa - Vũng Tàu", "ba ria": "Bà Rịa - Vũng Tàu",
                     "tphcm": "Thành phố Hồ Chí Minh", "hcm": "Thành phố Hồ Chí Minh", "sai gon": "Thành phố Hồ Chí Minh",
                     "ho chi minh": "Thành phố Hồ Chí Minh", "hue": "Thừa Thiên Huế", "dak lak": "Đắk Lắk",
                     "daklak": "Đắk Lắk", "dak nong": "Đắk Nông", "bac can": "Bắc Kạn", "thanh hoa": "Thanh Hóa",
                     "khanh hoa": "Khánh Hòa", "hoa binh": "Hòa Bình"}
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_META = {
    "signer": re.compile(r"\b(?:ai ky|nguoi ky|do ai|ky boi|ky ten|chuc vu gi|chuc vu nao|voi chuc vu|"
                         r"(?:nguoi|lanh dao|co quan|don vi|ong|ba) nao ky|ky la ai|ai la nguoi ky|nguoi ky la ai)\b"),
    "issued": re.compile(r"\b(?:(?:ban hanh|ky|ra|lap|soan) (?:vao )?(?:ngay|thang|nam|khi|luc) (?:nao|may)|ngay ban hanh|"
                         r"ngay ky|ngay thang nam nao|(?:lap|ban hanh|ky|ra) (?:vao )?(?:thang may|nam nao|bao gio)|"
                         r"thoi gian ban hanh|ban hanh tu khi nao)\b"),
    "number": re.compile(r"\b(?:so hieu|so ky hieu|(?:van ban|cong van|ke hoach|chi thi|quyet dinh) so (?:may|bao nhieu|gi)|"
                         r"so may)\b"),
    "subject": re.compile(r"\b(?:ve viec gi|ve van de gi|trich yeu|noi dung chinh (?:la )?gi|ten (?:day du|van ban) la gi)\b"),
    "recipients": re.compile(r"\b(?:kinh gui|gui (?:cho )?(?:nhung |cac )?(?:ai|doi tuong nao|co quan nao|don vi nao))\b"),
    "issuer": re.compile(r"\b(?:co quan (?:nao )?ban hanh|ai ban hanh|don vi (?:nao )?ban hanh|do (?:co quan )?nao ban hanh)\b"),
}
_ISSUED_APART = re.compile(r"\b(?:ban hanh|ky|ra)\b.{0,40}\b(?:ngay nao|hom nao|thang may|nam nao|ngay bao nhieu)\b")
_ISSUED_BEFORE = re.compile(r"\b(?:ngay|thang|nam) (?:nao|may) (?:duoc )?(?:ban hanh|ky)\b")
_DOCUMENT_NAMED = re.compile(r"\b(?:cv|kh|qd|ct|ctr|nq|cong van|ke hoach|chi thi|quyet dinh|chuong trinh|nghi quyet|"
                             r"van ban|vb|du thao)\b")
_CITED = re.compile(r"\b(?:cv|kh|qd|ct|ctr|nq|tb|cong van|ke hoach|chi thi|quyet dinh|chuong trinh|nghi quyet|"
                    r"thong bao|van ban|so)\s*(?:so\s*)?\d{2,}")
_DEADLINE_WORDS = re.compile(r"\b(?:cham nhat|muon nhat|truoc ngay|han|thoi han|phai)\b")
_LIST = re.compile(r"\b(?:gom nhung|gom nhung gi|bao gom|nhung (?:gi|noi dung|nhiem vu|linh vuc|chi so|co quan|don vi|doi tuong)|"
                   r"nhung .{1,30} nao|cac .{1,30} nao|liet ke|ke ten|gom cac|gom gi)\b")
_DOCUMENTS = re.compile(r"\b(?:(?:ban|bot) (?:biet|co|tra cuu duoc) (?:nhung|cac)? ?van ban|(?:co|kho co) nhung van ban|"
                        r"danh sach van ban|nhung van ban nao (?:dang )?co|van ban nao dang co|cac van ban dang co|"
                        r"co (?:nhung|bao nhieu) van ban)\b")
_DRAFTS = re.compile(r"\b(?:van ban|ke hoach|tai lieu) nao\b.{0,30}\b(?:du thao|chua (?:duoc )?(?:chinh thuc|ban hanh))\b|"
                     r"\b(?:du thao|chua (?:duoc )?ban hanh chinh thuc)\b.{0,20}\b(?:van ban|ke hoach|tai lieu) nao\b|"
                     r"\bnhung (?:van ban|ke hoach) (?:nao )?(?:la|con la) du thao\b")
_FOLLOW = re.compile(r"^(?:con|the con|vay con|con ve|con o|vay|the|van ban (?:do|nay|tren)|no|cai do|ke hoach do)\b|"
                     r"\b(?:thi sao|the nao|ra sao|nhu vay|van ban (?:do|nay|tren)|ke hoach (?:do|nay|tren)|"
                     r"o do|cua no|(?:viec|noi dung|nhiem vu|van ban|vb|nq|kh|cv|qd|ct|ctr|nghi quyet|ke hoach|cong van|"
                     r"chi thi|quyet dinh|chuong trinh|tinh|so|co quan|don vi) (?:nay|do|tren|ay))\b")


@dataclass
class Intent:
    """What a question asks for and under which constraints."""

    text: str  # the question with chat spellings replaced (folded)
    kinds: list[str]  # time, quantity, who, signer, template (see knowledge.kinds)
    levels: set[str]  # xa, huyen, so, tinh
    provinces: list[str]  # as written in the province list, in order of mention
    years: list[int]
    meta: str | None  # signer, issued, number, issuer: a fact of a document rather than of its text
    wants_list: bool
    wants_documents: bool  # "bạn biết những văn bản nào?"
    leans_on_previous: bool  # "còn cấp xã thì sao?", "văn bản đó ai ký?"
    wants_drafts: bool = False  # "văn bản nào còn là dự thảo?"


# Words that say what is asked; a Telex leftover on one of them ("ai kys", "ngayf naof") is read as the word.
INTENT_WORDS = frozenset("ky ai nao gi bao nhieu han ngay thang nam nop khi gio lau may dau sao nguoi so ban hanh "
                         "chi tieu gom nhung".split())


def _untelex(word: str) -> str:
    if word in INTENT_WORDS or not word.isalpha():
        return word
    return next((c for c in telex_candidates(word) if c in INTENT_WORDS), word)


def respelled(text: str) -> str:
    """The folded question with chat spellings replaced ('bn' -> 'bao nhieu'), punctuation kept."""
    words = fold(text).split()
    out = []
    for w in words:
        core = w.strip(".,;:?!")
        rep = CHAT_SPELLINGS.get(core) or (_untelex(core) if _untelex(core) != core else None)
        out.append(w.replace(core, rep) if rep and core else w)
    return " ".join(out)


@lru_cache(maxsize=1)
def _province_names() -> tuple[tuple[str, str], ...]:
    """(folded key as whole words, province) for every province name and alias."""
    from knowledge.lexicon import PROVINCES

    names = {fold(p): p for p in PROVINCES}
    names.update(_PROVINCE_ALIASES)
    names["ba ria vung tau"] = "Bà Rịa - Vũng Tàu"
    return tuple((" ".join(re.sub(r"[^a-z0-9]+", " ", k).split()), n) for k, n in names.items())


@lru_cache(maxsize=1)
def _by_first_syllable() -> dict[str, list[tuple[list[str], str]]]:
    """The names long enough to be found mistyped, by their first syllable."""
    out: dict[str, list[tuple[list[str], str]]] = {}
    for key, name in _province_names():
        parts = key.split()
        if len(parts) >= 2 and len(key.replace(" ", "")) >= PROVINCE_TYPO_CHARS:
            out.setdefault(parts[0], []).append((parts, name))
    return out


def provinces_in(folded: str) -> list[str]:
    """Provinces named in a folded text, in order of mention."""
    found: list[tuple[int, str]] = []
    text = " " + re.sub(r"[^a-z0-9]+", " ", folded) + " "
    for key, name in _province_names():
        pos = text.find(f" {key} ")
        if pos >= 0 and name not in [n for _, n in found]:
            found.append((pos, name))
    for pos, name in _mistyped_provinces(text):
        if name not in [n for _, n in found]:
            found.append((pos, name))
    return [n for _, n in sorted(found)]


PROVINCE_TYPO_CHARS = 7  # a province name this long (letters) may be found with one letter wrong ("lam donng")


def _mistyped_provinces(text: str) -> list[tuple[int, str]]:
    """Provinces written with one letter wrong, missing, added or swapped in a syllable after the first ("lam donng",
    "dong thapp"): the first syllable as written, the wrong one no Vietnamese syllable, not another province's name."""
    from rapidfuzz.distance import OSA

    words = text.split()
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    known = {k for k, _ in _province_names()}
    candidates = _by_first_syllable()
    out: list[tuple[int, str]] = []
    for i, w in enumerate(words):
        for parts, name in candidates.get(w, ()):
            window = words[i:i + len(parts)]
            if len(window) < len(parts) or " ".join(window) in known:
                continue
            if OSA.distance(" ".join(window), " ".join(parts)) == 1 and \
                    any(x != k and not _SYLLABLE.match(x) for x, k in zip(window, parts)):
                out.append((starts[i], name))
    return out


# A folded Vietnamese syllable: onset, vowels, coda. A mistyped word that is still one ("lam dung": lạm dụng) is a word.
_SYLLABLE = re.compile(r"^(?:ngh|gh|ng|nh|ch|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnptiyou])?$")


def understand(question: str) -> Intent:
    from knowledge.kinds import expected_kinds

    text = respelled(question)
    if _COMPARING.search(text):
        text = _level_list(text)
    levels = {name for name, p in _LEVELS.items() if p.search(_for_levels(text))}
    bare = _BARE_LEVEL.match(text)
    if bare and len(text.split()) <= 6:
        levels.add({"so": "so"}.get(bare.group(1), bare.group(1)))
    meta = next((name for name, p in _META.items() if p.search(text)), None)
    if meta is None and _ISSUED_APART.search(text) and _CITED.search(text):
        meta = "issued"  # "bắc kạn ra cv 7946 ngày nào": the verb and the date asked apart, a document named
    if meta is None and not levels and _ISSUED_BEFORE.search(text) and _DOCUMENT_NAMED.search(text):
        meta = "issued"  # "kh cchc 2022 của đồng tháp tháng mấy ban hành": the date asked before the verb
    if meta == "issued" and _DEADLINE_WORDS.search(text) and not re.search(r"\bban hanh ngay nao\b", text):
        meta = None
    return Intent(text=text, kinds=expected_kinds(text), levels=levels, provinces=provinces_in(text),
                  years=[int(y) for y in _YEAR.findall(text)], meta=meta, wants_list=bool(_LIST.search(text)),
                  wants_documents=bool(_DOCUMENTS.search(text)), wants_drafts=bool(_DRAFTS.search(text)),
                  leans_on_previous=bool(_FOLLOW.search(text)) or len(text.split()) <= 4)


_COMPARING = re.compile(r"\b(?:khac nhau|khac gi|so sanh|giong nhau|chenh lech|lan luot)\b")
_LEVEL_WORD = r"(?:cap )?(?:tinh|huyen|xa(?! hoi))"
_LEVEL_LIST = re.compile(rf"\b{_LEVEL_WORD}(?:(?:\s*(?:,|-|/)\s*|\s+(?:va|voi|hay|hoac|lan)\s+|\s+){_LEVEL_WORD})+\b")


def _level_list(folded: str) -> str:
    """Levels listed bare ("giữa tỉnh, huyện, xã", "huyện với xã") written as levels ("cấp tỉnh, cấp huyện, cấp xã")."""
    def levels(m: re.Match[str]) -> str:
        found = re.findall(r"(?:cap )?(tinh|huyen|xa)\b", m.group(0))
        if len(set(found)) < 2:
            return m.group(0)
        names = [f"cap {lv}" for lv in dict.fromkeys(found)]
        return ", ".join(names[:-1]) + " va " + names[-1]
    return _LEVEL_LIST.sub(levels, folded)


def level_of(text: str) -> set[str]:
    """The levels a passage's sentence speaks of."""
    f = _for_levels(fold(text))
    return {name for name, p in _LEVELS.items() if p.search(f)}


def _for_levels(folded: str) -> str:
    """'ủy ban nhân dân xã' read as 'ubnd xã': the level patterns name the body by its abbreviation."""
    return folded.replace("uy ban nhan dan", "ubnd") if "uy ban nhan dan" in folded else folded


_ASKING = re.compile(r"\b(?:la gi|nhu the nao|the nao|ra sao|la bao nhieu|bao nhieu|la ai|la ngay nao|ngay nao|"
                     r"khi nao|bao gio|nhung gi|gom nhung gi|gi|xep (?:hang )?(?:thu )?(?:may|bao nhieu)|dung (?:hang |thu )(?:thu )?(?:may|bao nhieu))\b")


def asking_spans(folded: str) -> list[tuple[int, int]]:
    """Where a (folded) question says what it asks (a date, an amount, a body, a signer, a list: "do ai ky", "cham
    nhat ngay nao"), overlapping spans merged, in order."""
    from knowledge.kinds import asking_patterns

    spans: list[tuple[int, int]] = []
    for p in (*_META.values(), *asking_patterns(), _LIST, _ASKING):
        spans += [m.span() for m in p.finditer(folded) if m.end() > m.start()]
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def asking_phrase(folded: str) -> str:
    """What a (folded) question asks, in its own words ("do ai ky"); empty when it does not say."""
    return " ".join(folded[a:b] for a, b in asking_spans(folded))


def fact_phrase(folded: str) -> str:
    """The words that ask a document's fact ("nguoi ky", "ban hanh ngay nao"), or ""."""
    return " ".join(m.group(0) for p in (*_META.values(), _ISSUED_BEFORE) for m in p.finditer(folded))


def province_keys(name: str) -> list[str]:
    """The folded ways a province is written ("ba ria - vung tau", "brvt", "vung tau")."""
    return [fold(name), *(k for k, v in _PROVINCE_ALIASES.items() if v == name)]
