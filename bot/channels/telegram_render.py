"""Replies as Telegram sees them: HTML-escaped pieces within 4096 characters, mentions, inline keyboards."""
from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.split import split_text
from bot.core.messages import Button, Reply

MAX_LENGTH = 4096  # characters of visible text per message
MAX_CALLBACK_BYTES = 64
DEFAULT_MENTION_LABEL = "đầu mối"
_ROW_LABEL_BUDGET = 32  # buttons share one row while their labels stay this short together


def mention_label(reply: Reply, user_id: str, number: int) -> str:
    """The visible name of a mentioned user: `reply.meta["name:<id>"]` when the core gave one."""
    fallback = DEFAULT_MENTION_LABEL if len(reply.mentions) == 1 else f"{DEFAULT_MENTION_LABEL} {number}"
    return reply.meta.get(f"name:{user_id}") or fallback


def _mentions(reply: Reply) -> tuple[str, int]:
    """(HTML of the mention line, its visible length); empty when the reply mentions nobody."""
    if not reply.mentions:
        return "", 0
    labels = [(uid, mention_label(reply, uid, i)) for i, uid in enumerate(reply.mentions, 1)]
    markup = ", ".join(f'<a href="tg://user?id={html.escape(uid)}">{html.escape(label, quote=False)}</a>'
                       for uid, label in labels)
    visible = len(", ".join(label for _, label in labels))
    return markup, visible


def render_pieces(reply: Reply, limit: int = MAX_LENGTH) -> list[str]:
    """The HTML texts to send for `reply`, in order; mentions go on their own line in the last piece."""
    mention_html, mention_len = _mentions(reply)
    budget = limit - (mention_len + 2 if mention_html else 0)  # split_text counts UTF-16 units, as Telegram does
    pieces = [html.escape(p, quote=False) for p in split_text(reply.text, budget)]
    if mention_html:
        pieces = pieces or [""]
        pieces[-1] = f"{pieces[-1]}\n\n{mention_html}".lstrip("\n")
    return pieces


def render_single(reply: Reply, limit: int = MAX_LENGTH) -> str:
    """One HTML text for an edit (an edit cannot be split): the first piece, shortened with an ellipsis."""
    pieces = render_pieces(reply, limit - 1)
    if not pieces:
        return ""
    return pieces[0] + ("…" if len(pieces) > 1 else "")


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """An inline keyboard: short buttons side by side, long ones one per row; None without buttons."""
    if not buttons:
        return None
    for b in buttons:
        if len(b.data.encode()) > MAX_CALLBACK_BYTES:  # Button checks too; this guards hand-made ones
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {b.data!r}")
    row = [InlineKeyboardButton(b.label, callback_data=b.data) for b in buttons]
    if sum(len(b.label) for b in buttons) <= _ROW_LABEL_BUDGET:
        return InlineKeyboardMarkup([row])
    return InlineKeyboardMarkup([[button] for button in row])
