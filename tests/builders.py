"""Small builders for incoming messages."""
from __future__ import annotations

from bot.core.messages import ChatKind, ChatRef, IncomingMessage, Sender


def msg(
    text: str = "",
    *,
    chat: str = "c1",
    user: str = "u1",
    channel: str = "fake",
    kind: ChatKind = "private",
    title: str = "",
    mentioned: bool = False,
    callback: str | None = None,
    chat_admin: bool = False,
    message_id: str | None = None,
    reply_to: str | None = None,
) -> IncomingMessage:
    return IncomingMessage(ChatRef(channel, chat), Sender(user, f"Người {user}", chat_admin), text=text,
                           chat_kind=kind, chat_title=title, mentioned=mentioned, callback=callback,
                           message_id=message_id, reply_to=reply_to)


def admin_msg(text: str = "", **kw) -> IncomingMessage:  # type: ignore[no-untyped-def]
    """A message from the fake channel's super-admin (ADMIN_IDS fake:boss in the settings fixture)."""
    kw.setdefault("user", "boss")
    return msg(text, **kw)
