"""Small talk and typing slips: greetings, thanks, "what can you do", and "Có phải bạn muốn: /tinhhinh?"."""
from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core.vietnamese import fold
from handlers.registry import Registry

_GREETING = re.compile(r"^(?:xin chao|chao|hello|hi|alo|helo|hey)(?: (?:ban|bot|anh|chi|em|ad|admin|moi nguoi|ca nha|"
                       r"tro ly|buoi sang|buoi chieu))*(?: (?:a|nhe|nha|oi))?$")
_THANKS = re.compile(r"^(?:cam on|cam on nhieu|cam on ban|cam on bot|thank|thanks|thank you|tks|thanks bot|ok cam on|"
                     r"ok thanks|cam on nhe|cam on nha|cam on a|da cam on|camon|c\.on)(?: (?:ban|bot|nhieu|nhe|nha|a))*$")
_ABILITIES = re.compile(r"\b(?:ban (?:lam|giup) duoc (?:gi|nhung gi|viec gi)|bot (?:lam|giup) duoc (?:gi|nhung gi)|"
                        r"ban la ai|bot la ai|ban co the lam gi|huong dan su dung|dung the nao|su dung (?:the nao|nhu the nao)|"
                        r"ban biet lam gi|lam duoc gi)\b")
_BYE = re.compile(r"^(?:tam biet|bye|bai|hen gap lai|chao nhe)(?: (?:ban|bot|nhe|nha))*$")

GREETING = ("Xin chào! Tôi là trợ lý CCHC: trả lời câu hỏi về các văn bản cải cách hành chính (có trích nguồn) và "
            "nhắc hạn nộp báo cáo. Cứ gõ câu hỏi, ví dụ “hạn nộp kế hoạch CCHC năm của xã là ngày nào?”. "
            "Gõ /help để xem các lệnh.")
THANKS = "Rất vui được giúp bạn! Cần gì cứ hỏi tiếp nhé. Gõ /help để xem các lệnh."
ABILITIES = ("Tôi có thể:\n• trả lời câu hỏi về các văn bản CCHC đang có, kèm nguồn (gõ thẳng câu hỏi hoặc /hoi …);\n"
             "• cho biết hạn nộp sắp tới của đơn vị (/han) và nhận xác nhận đã nộp (/danop);\n"
             "• liệt kê văn bản đang có (“bạn biết những văn bản nào?”).\nGõ /help để xem đủ các lệnh.")
BYE = "Tạm biệt! Khi cần tra cứu văn bản hay hạn nộp, cứ nhắn cho tôi. Gõ /help để xem các lệnh."


def small_talk(text: str) -> str | None:
    """A short friendly reply to a greeting, thanks, goodbye or "what can you do"; None for anything else."""
    f = re.sub(r"[^\w\s.]", " ", fold(text)).strip(" .")
    f = " ".join(f.split())
    if not f or len(f.split()) > 8:
        return None
    if _ABILITIES.search(f):
        return ABILITIES
    if _THANKS.match(f):
        return THANKS
    if _GREETING.match(f):
        return GREETING
    if _BYE.match(f):
        return BYE
    return None


_SLASH_WORD = re.compile(r"^/(\S+)")


def ascii_command(text: str) -> str:
    """'/hạn abc' -> '/han abc': a command typed with diacritics is the command (Telegram names are a-z0-9_)."""
    m = _SLASH_WORD.match(text.strip())
    if not m or m.group(1).isascii():
        return text
    word = m.group(1)
    return "/" + fold(word).replace(" ", "") + text.strip()[len(word) + 1:]


SUGGEST_CUTOFF = 0.6


def suggestion(name: str, registry: Registry) -> str | None:
    """The command a mistyped one was most likely meant to be ('tinhinh' -> 'tinhhinh'), or None."""
    names = sorted(registry.commands)
    found = process.extractOne(fold(name), names, scorer=Levenshtein.normalized_similarity, score_cutoff=SUGGEST_CUTOFF)
    if found is None:
        return None
    cmd = registry.find(found[0])
    return cmd.name if cmd is not None else None
