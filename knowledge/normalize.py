"""Vietnamese text normalisation: NFC, diacritics folding, đ→d."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """'Đã nộp' -> 'Da nop' (case kept)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def fold(text: str) -> str:
    """Lower-case, diacritics removed, whitespace collapsed: the key for loose comparisons."""
    return _WS.sub(" ", strip_diacritics(nfc(text)).lower()).strip()
