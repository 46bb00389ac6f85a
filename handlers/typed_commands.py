"""Whether plain words that start like an admin command ("tình hình", "cài đặt cchc") were meant as the command,
or are a question that happens to begin with its words ("tình hình thực hiện CCHC năm nay thế nào")."""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.core.vietnamese import fold
from handlers.registry import Command
from scheduler.repo import list_deadlines

_QUESTION_WORDS = re.compile(r"\b(?:chua|khong|ko|sao|nao|gi|bao gio|the nao|ai|dau|bao nhieu|may|khi nao)\b")
_VALUE = re.compile(r"^[0-9][0-9/.\-]*$")  # a number or a date: "15", "24/12/2026"


def usage_words(cmd: Command) -> set[str]:
    """The literal words of a command's usage ('/caidat [cchc [ngày]|7946]' -> cchc, ngay, 7946), not its <slots>."""
    literal = re.sub(r"<[^>]*>", " ", cmd.usage)
    return {w for w in re.findall(r"[a-z0-9]+", fold(literal)) if w != cmd.name}


def meant_as_command(session: Session, cmd: Command, text: str, args: str) -> bool:
    """True when `args` are what the command takes: nothing, its usage's own words, deadline codes, numbers or
    dates, or its form syntax ('|', '='); a question mark or a question word makes it a question."""
    folded = fold(text)
    if "?" in text or _QUESTION_WORDS.search(folded):
        return False
    if not args.strip() or "|" in args or "=" in args:
        return True
    known = usage_words(cmd) | {fold(d.code) for d in list_deadlines(session)}
    return all(w in known or _VALUE.match(w) for w in fold(args).split())
