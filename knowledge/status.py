"""A document's standing: draft, in force or replaced, as an admin names it and as a citation shows it."""
from __future__ import annotations

from bot.core.vietnamese import fold

DRAFT, IN_FORCE, REPLACED = "draft", "in_force", "replaced"
LABELS = {DRAFT: "dự thảo", IN_FORCE: "đang có hiệu lực", REPLACED: "đã được thay thế"}
_NAMES = {
    DRAFT: ("draft", "du-thao", "du thao", "duthao"),
    IN_FORCE: ("in-force", "in_force", "hieu-luc", "hieu luc", "con-hieu-luc", "con hieu luc", "hieuluc"),
    REPLACED: ("replaced", "thay-the", "thay the", "da-thay-the", "bi-thay-the", "het-hieu-luc", "thaythe"),
}
CHOICES = "du-thao (dự thảo), hieu-luc (còn hiệu lực), thay-the (đã được thay thế)"


def parse(raw: str) -> str | None:
    """The status an admin typed ("thay-the", "đã thay thế", "replaced"), or None."""
    key = fold(raw).strip().replace("_", "-")
    for status, names in _NAMES.items():
        if key in names or key.replace(" ", "-") in names:
            return status
    return None


def effective(status: str, draft: bool) -> str:
    """The status set by an admin, else draft for a document marked "DỰ THẢO", else '' (not stated)."""
    return status or (DRAFT if draft else "")
