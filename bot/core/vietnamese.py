"""Vietnamese text normalisation: NFC, diacritics folding, đ→d."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Stripped(dict[int, str]):
    """Code point -> the character without its marks ('ộ' -> 'o', 'đ' -> 'd', a lone combining mark -> ''), cached."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        out = unicodedata.normalize("NFC", out).replace("đ", "d").replace("Đ", "D")
        self[code] = out
        return out


_STRIPPED = _Stripped({c: chr(c) for c in range(128)})


def strip_diacritics(text: str) -> str:
    """'Đã nộp' -> 'Da nop' (case kept)."""
    return text.translate(_STRIPPED)


def fold(text: str) -> str:
    """Lower-case, diacritics removed, whitespace collapsed: the key for loose comparisons."""
    return _WS.sub(" ", strip_diacritics(nfc(text)).lower()).strip()


_SYLLABLE = re.compile(r"[a-z0-9]+")
# Document numbers: 76/NQ-CP, 7946/UBND-NCPC, 4047/QĐ-UBND, 12-CTr/TU, 19-2017/NQ-CP, 1389/QĐ-UBND-HC.
DOC_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}(?:-\d{4})?(?:/\d{4})?/[A-ZĐa-zđ][\wĐđ]*(?:[-/][A-ZĐa-zđ][\wĐđ]*)*|\d{1,5}-[A-ZĐa-zđ]{1,5}/[A-ZĐa-zđ]{1,5})")


def syllables(text: str) -> list[str]:
    """Folded syllables (and numbers) of `text`: 'Thủ tục hành chính' -> ['thu', 'tuc', 'hanh', 'chinh']."""
    return _SYLLABLE.findall(fold(text))


def bigrams(tokens: list[str]) -> list[str]:
    """Adjacent-syllable pairs, 'thu_tuc'."""
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


def number_key(number: str) -> str:
    """The exact-match key of a document number: NFC, upper-case, Đ kept (NĐ ≠ ND)."""
    return nfc(number).upper().replace("Đ", "Đ").strip(" .,;:")


def doc_numbers(text: str) -> list[str]:
    """Document numbers cited in `text`, as exact-match keys, in order of appearance."""
    return [number_key(m) for m in DOC_NUMBER.findall(nfc(text).replace("*", ""))]


_TELEX_VOWELS = (("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("dd", "d"))
_TONE_KEYS = set("sfrxj")


def telex_candidates(word: str) -> list[str]:
    """Folded readings of a word typed with Telex leftovers: 'chinhs' -> ['chinh'], 'nooij' -> ['noi']."""
    out: list[str] = []
    w = word
    for a, b in _TELEX_VOWELS:
        w = w.replace(a, b)
    if w.endswith("w"):
        w = w[:-1]
    for cand in (w, w[:-1] if w and w[-1] in _TONE_KEYS else w):
        if cand and cand != word and cand not in out:
            out.append(cand)
    # a tone key typed mid-word: 'chisnh' -> 'chinh'
    for i, ch in enumerate(w[1:-1], 1):
        if ch in _TONE_KEYS:
            cand = w[:i] + w[i + 1:]
            if cand not in out:
                out.append(cand)
    return out
