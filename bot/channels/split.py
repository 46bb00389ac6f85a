"""Splitting long texts into messages a channel accepts, at paragraph or sentence boundaries."""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, then a sentence, then a word."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    for unit in _units(text, limit):
        sep = "\n\n" if unit.startswith("\x00") else " "
        unit = unit.lstrip("\x00")
        if not current:
            current = unit
        elif len(current) + len(sep) + len(unit) <= limit:
            current += sep + unit
        else:
            pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, limit: int) -> list[str]:
    """Sentences (a leading NUL marks the first sentence of a paragraph), none longer than `limit`."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        first = True
        for sentence in _SENTENCE_END.split(para.strip()):
            for chunk in _hard_wrap(sentence, limit):
                out.append(("\x00" if first else "") + chunk)
                first = False
    return out


def _hard_wrap(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    chunks: list[str] = []
    line = ""
    for word in sentence.split(" "):
        while len(word) > limit:
            if line:
                chunks.append(line)
                line = ""
            chunks.append(word[:limit])
            word = word[limit:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= limit:
            line += " " + word
        else:
            chunks.append(line)
            line = word
    if line:
        chunks.append(line)
    return chunks
