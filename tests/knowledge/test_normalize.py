"""Vietnamese normalisation: NFC, tone placement, đ, syllables, document numbers, Telex leftovers."""
from __future__ import annotations

import unicodedata

from bot.core.vietnamese import bigrams, doc_numbers, fold, nfc, strip_diacritics, syllables, telex_candidates


def test_nfc_and_nfd_fold_the_same():
    word = "Thủ tục hành chính"
    nfd = unicodedata.normalize("NFD", word)
    assert nfd != word
    assert nfc(nfd) == word
    assert fold(nfd) == fold(word) == "thu tuc hanh chinh"


def test_both_tone_placements_and_d_fold_together():
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("thuỷ") == fold("thủy") == "thuy"
    assert fold("quý") == "quy"
    assert strip_diacritics("Đã nộp") == "Da nop"
    assert fold("  ĐỒNG   Tháp ") == "dong thap"


def test_syllables_and_bigrams():
    tokens = syllables("Tỷ lệ 99%, hạn 30/01!")
    assert tokens == ["ty", "le", "99", "han", "30", "01"]
    assert bigrams(["thu", "tuc", "hanh"]) == ["thu_tuc", "tuc_hanh"]


def test_document_numbers_are_exact_keys():
    text = "Nghị quyết số 76/NQ-CP ngày 15/7/2021; Số: **7946**/UBND-NCPC; 4047/QĐ-UBND; 12-CTr/TU; 19-2017/NQ-CP"
    assert doc_numbers(text) == ["76/NQ-CP", "7946/UBND-NCPC", "4047/QĐ-UBND", "12-CTR/TU", "19-2017/NQ-CP"]
    assert doc_numbers("30/NĐ-CP") != doc_numbers("30/ND-CP")  # NĐ (nghị định) is not ND
    assert doc_numbers("ngày 15/7/2021 và 30/01") == []


def test_telex_leftovers_are_read():
    assert "chinh" in telex_candidates("chinhs")
    assert "noi" in telex_candidates("nooij")
    assert "duong" in telex_candidates("dduowng")


def test_the_cached_fold_table_matches_unicode_decomposition():
    import unicodedata

    from bot.core.vietnamese import strip_diacritics

    def reference(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))

    text = "".join(chr(c) for c in list(range(0x20, 0x250)) + list(range(0x1E00, 0x1F00)))
    assert strip_diacritics(text) == reference(text)
    nfd = unicodedata.normalize("NFD", "Thủ tục hành chính Đồng Tháp")
    assert strip_diacritics(nfd) == "Thu tuc hanh chinh Dong Thap"
