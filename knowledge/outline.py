"""A document's outline as an answer: the titles of its sections when a question asks for its groups of tasks ("kế hoạch
CCHC 2022 Đồng Tháp gồm những nhiệm vụ cải cách nào", "cv 7946 yêu cầu những nhóm nhiệm vụ lớn nào")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.vietnamese import fold, syllables
from knowledge.lexicon import ABBREVIATIONS, QUESTION_WORDS

# "những nhóm nhiệm vụ lớn nào", "các nội dung chính gì", "gồm những nhiệm vụ cải cách nào"
_ASKS_OUTLINE = re.compile(r"\b(?:nhung|cac|may|bao nhieu)\s+(?:nhom|mang|linh vuc|noi dung|nhiem vu|phan|giai phap|"
                           r"dau viec)\b(?:\s+[a-z0-9]+){0,4}?\s+(?:nao|gi)\b")
# Words that say how a document sets its tasks, not which tasks: they leave the question about the whole outline.
_GENERIC = tuple(p.replace("_", " ") for p in (
    "cua va la thi duoc co cac nhung mot trong theo voi cho tai ve hay hoac gom bao_gom yeu_cau thuc_hien trien_khai "
    "de_ra dat_ra giao neu quy_dinh dua_ra lon chinh trong_tam nhom mang linh_vuc noi_dung nhiem_vu phan giai_phap "
    "dau_viec tinh ubnd uy_ban_nhan_dan van_ban nam").split())
LEFT_WORDS = 1  # question words outside the document's name and its outline: more, and it asks about one section
MIN_TITLES = 3  # a group of sections with fewer titles is no outline


@dataclass(frozen=True)
class Heading:
    """A section of a document: its label ('II.3'), its title ('Cải cách thủ tục hành chính'), its first passage."""

    passage_id: int
    label: str
    title: str
    parent: tuple[str, ...]  # the labels of the sections it is inside
    parent_title: str


def asks_outline(folded: str) -> bool:
    return bool(_ASKS_OUTLINE.search(folded))


def words_of(text: str) -> set[str]:
    """Folded syllables with abbreviations written out ('cchc' -> 'cai cach hanh chinh')."""
    out: set[str] = set()
    for w in syllables(fold(text)):
        out.update(ABBREVIATIONS.get(w, w).split())
    return out


def headings(sections: list[tuple[int, str, str]]) -> list[Heading]:
    """The titled sections of a document from its (first passage, label, heading path) rows, each once."""
    out: list[Heading] = []
    seen: set[tuple[str, ...]] = set()
    for pid, _, heading in sections:
        parts = [h.strip() for h in heading.split(" › ")]
        path: list[str] = []
        titles: list[str] = []
        for part in parts:
            label, _, title = part.partition(". ")
            path.append(label.strip())
            titles.append(title.strip())
            key = tuple(path)
            if key not in seen and title.strip():
                seen.add(key)
                out.append(Heading(pid, ".".join(path), title.strip(), key[:-1], titles[-2] if len(titles) > 1 else ""))
    return out


def choose_group(found: list[Heading], asked: set[str]) -> list[Heading]:
    """The sibling sections that best answer the question's words: their parent's title and their own titles share
    the most of them; at least MIN_TITLES titles; shallower first on a tie."""
    groups: dict[tuple[str, ...], list[Heading]] = {}
    for h in found:
        groups.setdefault(h.parent, []).append(h)

    def score(key: tuple[str, ...]) -> tuple[float, int]:
        group = groups[key]
        parent = len(words_of(group[0].parent_title) & asked)
        shared = sum(bool(words_of(h.title) & asked) for h in group) / len(group)
        return 2 * parent + shared, -len(key)

    usable = [k for k, g in groups.items() if len(g) >= MIN_TITLES]
    return groups[max(usable, key=score)] if usable else []


def outline_for(question: str, document_words: set[str], found: list[Heading]) -> list[Heading]:
    """The sections listed in answer to an outline question, or [] when the question asks about something more
    particular than the document's groups of tasks."""
    question_words = words_of(question)
    bare = f" {' '.join(syllables(fold(question)))} "
    for phrase in sorted(_GENERIC, key=lambda p: -len(p)):
        bare = bare.replace(f" {phrase} ", " ")
    asked = {w for w in words_of(bare) if w not in QUESTION_WORDS and not w.isdigit()}
    group = choose_group(found, asked)
    if not group:
        return []
    for h in found:  # the question names one section by its whole title ("những nội dung thi đua nào"): that one
        title = words_of(h.title)
        if len(title) >= 2 and title <= question_words and h.parent + (h.label.rsplit(".", 1)[-1],) != group[0].parent:
            return []
    covered = document_words | words_of(group[0].parent_title) | {w for h in group for w in words_of(h.title)}
    left = asked - covered
    return group if len(left) <= LEFT_WORDS else []


def outline_text(group: list[Heading], lead: str) -> str:
    """'Nhiệm vụ cải cách hành chính:' and one line per section ('• 2. Cải cách thể chế')."""
    lines = [lead]
    for h in group:
        lines.append(f"• {h.label.rsplit('.', 1)[-1]}. {sentence_case(h.title).rstrip(':;.')}")
    return "\n".join(lines)


def sentence_case(title: str) -> str:
    """A title written in capitals ('NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH') as a sentence ('Nhiệm vụ cải cách hành chính')."""
    if title.upper() == title:
        low = title.lower()
        return low[:1].upper() + low[1:]
    return title
