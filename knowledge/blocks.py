"""Marks a reader puts before a paragraph that is not running text: a table row, a table caption, a header line."""
from __future__ import annotations

ROW = "\ue000"  # one row of a content table, already "Header: value — Header: value"
CAPTION = "\ue001"  # a table's caption (the short line before it)
HEADER = "\ue002"  # a line of the header block (issuer, motto, number, place and date): metadata, never a passage
SIGNATURE = "\ue003"  # a line of the signature or recipients block: metadata, never a passage
MARKS = ROW + CAPTION + HEADER + SIGNATURE


def mark(kind: str, text: str) -> str:
    """A paragraph carrying `kind`, every line of it marked."""
    return "\n".join(kind + line for line in text.split("\n") if line.strip())


def kind_of(paragraph: str) -> str:
    """The mark a paragraph starts with, or ''."""
    return paragraph[0] if paragraph and paragraph[0] in MARKS else ""


def unmark(text: str) -> str:
    """The text without marks."""
    return text.translate({ord(m): None for m in MARKS})
