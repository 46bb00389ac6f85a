"""Splitting long texts into messages a channel accepts: whole lines kept, paragraphs preferred, lengths in UTF-16 units."""
from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
PREFER_PARAGRAPH = 0.6  # cut at a blank line when the piece is at least this full, else at the last whole line


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (and, conservatively, Zalo): characters outside the BMP take two units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_text(text: str, limit: int, size: Callable[[str], int] = utf16_len) -> list[str]:
    """Pieces of at most `limit` (measured by `size`), cut between paragraphs, then lines; a line only when it alone is too long."""
    text = text.strip()
    if size(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    current: list[tuple[str, str]] = []  # (separator before, fragment)

    def joined(parts: list[tuple[str, str]]) -> str:
        return "".join((sep if i else "") + frag for i, (sep, frag) in enumerate(parts))

    for sep, frag in _fragments(text, limit, size):
        if current and size(joined(current + [(sep, frag)])) > limit:
            cut = len(current)
            for j in range(len(current) - 1, 0, -1):
                if current[j][0].startswith("\n\n"):
                    if size(joined(current[:j])) >= PREFER_PARAGRAPH * limit:
                        cut = j
                    break
            pieces.append(joined(current[:cut]))
            current = current[cut:]
            if current and size(joined(current + [(sep, frag)])) > limit:
                pieces.append(joined(current))
                current = []
        current.append((sep, frag))
    if current:
        pieces.append(joined(current))
    return [p.strip("\n") for p in pieces if p.strip()]


def _fragments(text: str, limit: int, size: Callable[[str], int]) -> list[tuple[str, str]]:
    """Lines with the separator that preceded them; a line longer than `limit` comes as sentences or words joined by ' '."""
    out: list[tuple[str, str]] = []
    for p, para in enumerate(_PARAGRAPH.split(text)):
        for n, line in enumerate(para.split("\n")):
            line = line.rstrip()
            sep = "\n\n" if p and not n else "\n"
            if size(line) <= limit:
                out.append((sep, line))
                continue
            for k, chunk in enumerate(_wrap_line(line, limit, size)):
                out.append((sep if not k else " ", chunk))
    return out


def _wrap_line(line: str, limit: int, size: Callable[[str], int]) -> list[str]:
    """An overlong line cut at sentence ends, then between words, then anywhere."""
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(line):
        for word in sentence.split(" ") if size(sentence) > limit else [sentence]:
            while size(word) > limit:
                if current:
                    chunks.append(current)
                    current = ""
                head = _prefix(word, limit, size)
                chunks.append(head)
                word = word[len(head):]
            if not current:
                current = word
            elif size(current) + 1 + size(word) <= limit:
                current += " " + word
            else:
                chunks.append(current)
                current = word
    if current:
        chunks.append(current)
    return chunks


def _prefix(word: str, limit: int, size: Callable[[str], int]) -> str:
    """The longest start of `word` within `limit` (never splitting a surrogate pair's character)."""
    end = min(len(word), limit)
    while end > 1 and size(word[:end]) > limit:
        end -= 1
    return word[:end]
