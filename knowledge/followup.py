"""Follow-up questions completed from the previous turn: "còn cấp xã thì sao?", "văn bản đó ai ký?"."""
from __future__ import annotations

import re

from knowledge.answer import Turn
from knowledge.understand import _LEVELS, Intent, provinces_in
from bot.core.vietnamese import fold

_LEAD = re.compile(r"^(?:the con|vay con|con ve|con o|con|vay|the)\s+")
_TAIL = re.compile(r"\s*(?:thi sao|the nao|ra sao|thi the nao|nhu the nao|vay|nhi|a|nhe)\s*\??$")
_BARE_LEVELS = re.compile(r"\b(?:cac so, ban, nganh|so, ban, nganh|so ban nganh|cac so|so nganh|"
                          r"ubnd (?:cac )?huyen(?:, (?:thi xa, )?thanh pho)?|cap huyen|ubnd (?:cac )?xa|cap xa|"
                          r"cap tinh|cac huyen|cac xa)\b")


def complete(question: str, intent: Intent, previous: Turn) -> str:
    """The question a follow-up stands for: the previous question with what the follow-up changes."""
    prev = fold(previous.question)
    now = _TAIL.sub("", _LEAD.sub("", intent.text.strip(" ?.")))
    if intent.meta:
        return now
    if intent.levels:
        prev = _BARE_LEVELS.sub(" ", prev)
        for p in _LEVELS.values():
            prev = p.sub(" ", prev)
    if intent.provinces:
        for name in provinces_in(prev):
            prev = prev.replace(fold(name), " ")
    return " ".join(f"{now} {prev}".split())
