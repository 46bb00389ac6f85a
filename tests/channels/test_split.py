"""Splitting long replies: pieces within the limit in UTF-16 units, whole lines kept, lists keep their line breaks."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.channels.split import split_text, utf16_len


def test_an_80_line_list_keeps_every_line_break() -> None:
    lines = [f"{i}. Sở số {i}: chưa nộp báo cáo quý IV." for i in range(1, 81)]
    text = "Các đơn vị chưa nộp:\n" + "\n".join(lines)
    pieces = split_text(text, 1000)
    assert len(pieces) > 1
    assert all(len(p) <= 1000 for p in pieces)
    got = [line for p in pieces for line in p.split("\n")]
    assert got == ["Các đơn vị chưa nộp:", *lines]  # no line cut, no line joined to another


def test_a_blank_line_near_the_end_is_preferred_to_a_line_break() -> None:
    first = "\n".join(f"- mục {i} của phần một" for i in range(30))
    second = "\n".join(f"- mục {i} của phần hai" for i in range(10))
    pieces = split_text(first + "\n\n" + second, len(first) + 60)
    assert pieces[0] == first and pieces[1] == second


def test_emoji_count_twice() -> None:
    text = "📌" * 1500  # 3000 UTF-16 units
    pieces = split_text(text, 2000)
    assert all(utf16_len(p) <= 2000 for p in pieces)
    assert "".join(pieces) == text


def test_a_line_longer_than_the_limit_is_cut_at_sentences() -> None:
    line = " ".join(f"Câu số {i} nói về hạn nộp." for i in range(40))
    pieces = split_text(line, 200)
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == line


lines = st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=60), min_size=1,
                 max_size=60)


@settings(max_examples=200, deadline=None)
@given(lines, st.integers(min_value=61 * 2, max_value=400))
def test_pieces_fit_and_lines_that_fit_are_never_cut(parts: list[str], limit: int) -> None:
    text = "\n".join(parts)
    pieces = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in pieces)
    kept = [line.strip() for p in pieces for line in p.split("\n") if line.strip()]
    assert kept == [line.strip() for line in text.strip().split("\n") if line.strip()]
