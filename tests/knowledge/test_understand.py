"""Question understanding: chat spellings, abbreviations in context, numbers, intents and constraints."""
from __future__ import annotations

import pytest

from knowledge.understand import read_question, tokens, understand, without_chatter


def _words(q: str, phrases: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    return [t.word for t in read_question(q, lambda a, b: f"{a}_{b}" in phrases)]


def test_chat_spellings_and_abbreviations_are_read_out():
    assert _words("bn vb dc ban hanh dung han ko") == ["bao", "nhieu", "van", "ban", "duoc", "ban", "hanh", "dung",
                                                        "han", "khong"]
    words = _words("STTTT va SNV brvt bn phan tram")
    assert words[:6] == ["so", "thong", "tin", "va", "truyen", "thong"]
    assert "noi" in words and ["ba", "ria", "vung", "tau"] == words[words.index("ba"):words.index("ba") + 4]
    assert words[-4:] == ["bao", "nhieu", "phan", "tram"]
    assert _words("QĐ 4047 VBQPPL NĐ")[:2] == ["quyet", "dinh"]
    assert "quy" in _words("vbqppl") and "kh" not in _words("kh&dt") and "dau" in _words("so KH&ĐT")


def test_an_ambiguous_abbreviation_is_read_by_its_neighbours():
    phrases = {"tinh_khanh", "hoach_cai"}
    assert _words("tinh kh", phrases)[-2:] == ["khanh", "hoa"]
    assert _words("kh cchc", phrases)[:2] == ["ke", "hoach"]


def test_numbers_are_written_one_way():
    assert tokens("01 lần, 08 bậc, năm 2021") == ["1", "lan", "8", "bac", "nam", "2021"]


def test_question_phrases_are_marked():
    toks = read_question("bao gio phai nop nhu the nao", lambda a, b: False)
    assert [t.word for t in toks if t.question] == ["bao", "gio", "phai", "nhu", "the", "nao"]
    assert [t.word for t in toks if not t.question] == ["nop"]


@pytest.mark.parametrize(("question", "field", "expected"), [
    ("UBND cấp xã ban hành kế hoạch CCHC chậm nhất ngày nào?", "levels", {"xa"}),
    ("ke hoach cua cac so ban nganh", "levels", {"so"}),
    ("chi tieu cap huyen", "levels", {"huyen"}),
    ("kh thi dua brvt ai ky", "meta", "signer"),
    ("cv 7946 ban hanh ngay nao", "meta", "issued"),
    ("ke hoach cchc nam ban hanh cham nhat ngay nao", "meta", None),  # a deadline, not the document's date
    ("co quan nao ban hanh chi thi", "meta", "issuer"),
    ("par index lao cai 2021 dc bn diem", "provinces", ["Lào Cai"]),
    ("Hà Tĩnh và Bắc Kạn căn cứ nghị quyết nào", "provinces", ["Hà Tĩnh", "Bắc Kạn"]),
    ("chi so par index nam 2023", "years", [2023]),
    ("noi dung tuyen truyen gom nhung gi", "wants_list", True),
    ("bạn biết những văn bản nào?", "wants_documents", True),
    ("còn cấp xã thì sao?", "leans_on_previous", True),
    ("han nop bao cao quy", "kinds", ["time", "deadline"]),
    ("kh thi dua brvt ai kys", "meta", "signer"),  # a Telex leftover on the intent word
    ("ke hoach ban hanhf ngayf naof", "meta", "issued"),
    ("ty le ho so dung han bn %", "kinds", ["quantity"]),
])
def test_intent_and_constraints(question, field, expected):
    assert getattr(understand(question), field) == expected


@pytest.mark.parametrize(("question", "words"), [
    ("ba nhiem vu trong tam", "3 nhiem vu trong tam"),
    ("muoi lam ngay lam viec", "15 ngay lam viec"),
    ("dat nam phan tram", "dat 5 phan tram"),
    ("bon muoi lam phan tram", "45 phan tram"),
    ("chi so hai long", "chi so hai long"),  # "hài lòng", not two
    ("sau thang 6 nop bao cao", "sau thang 6 nop bao cao"),  # "after June", not six months
    ("bay gio nop duoc khong", "bay gio nop duoc khong"),
    ("ke hoach nam 2021", "ke hoach nam 2021"),
])
def test_spelled_out_numbers_are_read_before_a_counted_noun(question, words):
    assert " ".join(_words(question)) == words


@pytest.mark.parametrize(("question", "kind"), [
    ("huong dan ho tro tthc bat dau tu thang may", "time"),
    ("chuong trinh tong the giai doan nao", "time"),
    ("phai hoan thanh trong nam nao", "time"),
    ("ap dung tu nam nao", "time"),
])
def test_more_ways_of_asking_when(question, kind):
    assert kind in understand(question).kinds


def test_the_issue_date_asked_apart_from_the_verb_names_a_document():
    assert understand("bac kan ra cv 7946 ngay nao").meta == "issued"
    assert understand("UBND cấp xã ban hành kế hoạch CCHC khi nào?").meta is None  # a deadline, no document named


@pytest.mark.parametrize(("question", "core"), [
    ("cho minh hoi xep thu may ha ad", "xep thu may"),
    ("ad oi han chot ngay nao vay", "han chot ngay nao"),
    ("Cho mình hỏi: Kế hoạch 66/KH-UBND ký ngày nào ạ?", "Kế hoạch 66/KH-UBND ký ngày nào?"),
    ("em hoi chut khi nao thi xay dung de an vi tri viec lam theo cv 7946 nhi",
     "khi nao thi xay dung de an vi tri viec lam theo cv 7946"),
    ("ket qua nhu vay", "ket qua nhu vay"),  # "như vậy" is no chat word
    ("con cap xa thi sao", "con cap xa thi sao"),
    ("ban hanh ngay nao vay ban oi", "ban hanh ngay nao"),
])
def test_chat_around_a_question_is_dropped(question, core):
    assert without_chatter(question) == core


def test_levels_written_out_or_listed_bare_when_compared():
    assert understand("uy ban nhan dan xa gui ke hoach qua phong nao").levels == {"xa"}
    assert understand("chi tieu dvc truc tuyen giua tinh huyen xa khac nhau ntn").levels == {"tinh", "huyen", "xa"}
    assert understand("dvc truc tuyen huyen voi xa khac gi").levels == {"huyen", "xa"}
    assert understand("bo tieu chi cho so, huyen, xa theo qd nao").levels == set()  # a list, not a comparison
    assert understand("xa hoi hoa dich vu cong").levels == set() and understand("so luong khen thuong").levels == set()
    assert understand("con xa thi sao").levels == {"xa"}


@pytest.mark.parametrize("question", ["kh cchc 2022 dong thap nguoi nao ky", "kh thi dua brvt ky la ai",
                                      "lanh dao nao ky cv 7946"])
def test_who_signed_asked_other_ways(question):
    assert understand(question).meta == "signer"


def test_what_a_question_asks_is_found_in_its_own_words():
    from knowledge.understand import asking_phrase

    assert asking_phrase("kh thi dua brvt do ai ky") == "do ai ky"
    assert "cham nhat ngay nao" in asking_phrase("xa ban hanh ke hoach cham nhat ngay nao")
    assert asking_phrase("de an dinh luong hoa cong viec") == ""


def test_a_level_named_first_or_by_its_owner_is_a_level():
    assert understand("xa o bac kan gui ke hoach ve dau").levels == {"xa"}
    assert understand("han cua so va cua xa").levels == {"so", "xa"}
    assert understand("so noi vu bac kan lam gi").levels == set()


def test_a_province_with_one_letter_wrong_is_the_province_a_real_word_is_not():
    from knowledge.understand import provinces_in

    assert provinces_in("tinh lam donng xep thu may") == ["Lâm Đồng"]
    assert provinces_in("kh cchc dong thapp") == ["Đồng Tháp"]
    assert provinces_in("lam dung chuc vu") == [] and provinces_in("quan tri he thong") == []


def test_a_district_named_by_its_owner_is_a_level():
    assert understand("han cua xa va cua huyen o bac kan").levels == {"xa", "huyen"}


def test_a_rank_asked_needs_its_rank_word_after_dung() -> None:
    """"đứng thứ mấy" asks a rank; "sử dụng bao nhiêu" asks an amount of a task whose verb is "dụng"."""
    from knowledge.understand import asking_spans

    rank = "ha tinh dung thu may ca nuoc"
    assert any(rank[a:b].startswith("dung thu may") for a, b in asking_spans(rank))
    amount = "su dung bao nhieu kinh phi"
    assert all(not amount[a:b].startswith("dung") for a, b in asking_spans(amount))
