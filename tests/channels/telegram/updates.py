"""Builders of Bot API update JSON, shared by the fast tests and the wire tests."""
from __future__ import annotations

import itertools
import re
from typing import Any

_ids = itertools.count(1)
DATE = 1795572000  # seconds, as Telegram sends them: 25/11/2026 09:00 in Vietnam, the tests' clock


def user(user_id: int, name: str = "") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name or f"Người {user_id}"}


def chat(chat_id: int, title: str = "") -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": title or f"Người {chat_id}"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": title or f"Nhóm {chat_id}"}


def message(text: str, *, chat_id: int, user_id: int, title: str = "", message_id: int | None = None,
            **extra: Any) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity, as Telegram adds it."""
    m: dict[str, Any] = {"message_id": message_id or next(_ids), "date": DATE, "chat": chat(chat_id, title),
                         "from": user(user_id), "text": text}
    entities = []
    command = re.match(r"^/\S+", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": len(command.group(0))})
    for found in re.finditer(r"@[A-Za-z0-9_]{5,}", text):
        entities.append({"type": "mention", "offset": _utf16_offset(text, found.start()),
                         "length": len(found.group(0))})
    if entities:
        m["entities"] = entities
    m.update(extra)
    return m


def _utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def update(**payload: Any) -> dict[str, Any]:
    return {"update_id": next(_ids), **payload}


def text_update(text: str, *, chat_id: int, user_id: int, title: str = "", **extra: Any) -> dict[str, Any]:
    return update(message=message(text, chat_id=chat_id, user_id=user_id, title=title, **extra))


def button_update(data: str, *, origin: dict[str, Any], user_id: int) -> dict[str, Any]:
    """A press on a button of `origin` (the bot's message, as Telegram returned it)."""
    return update(callback_query={"id": str(next(_ids)), "from": user(user_id), "chat_instance": "ci-1",
                                  "message": origin, "data": data})


def membership_update(*, chat_id: int, bot_id: int, old: str, new: str, by: int = 1, title: str = "") -> dict[str, Any]:
    bot_user = {"id": bot_id, "is_bot": True, "first_name": "Trợ lý CCHC", "username": "cchc_test_bot"}

    def member(status: str) -> dict[str, Any]:
        m: dict[str, Any] = {"status": status, "user": bot_user}
        if status == "kicked":
            m["until_date"] = 0
        if status == "administrator":
            m.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                     can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                     can_change_info=True, can_invite_users=True, can_post_stories=False,
                     can_edit_stories=False, can_delete_stories=False)
        return m

    return update(my_chat_member={"chat": chat(chat_id, title), "from": user(by), "date": DATE,
                                  "old_chat_member": member(old), "new_chat_member": member(new)})


def migrate_update(*, chat_id: int, new_chat_id: int, user_id: int = 1, title: str = "") -> dict[str, Any]:
    """The service message Telegram posts in a group that became a supergroup."""
    m = {"message_id": next(_ids), "date": DATE, "chat": chat(chat_id, title), "from": user(user_id),
         "migrate_to_chat_id": new_chat_id}
    return update(message=m)


def document_update(*, chat_id: int, user_id: int, file_id: str, file_name: str, size: int,
                    mime_type: str = "text/plain", caption: str = "") -> dict[str, Any]:
    m: dict[str, Any] = {"message_id": next(_ids), "date": DATE, "chat": chat(chat_id), "from": user(user_id),
                         "document": {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": file_name,
                                      "mime_type": mime_type, "file_size": size}}
    if caption:
        m["caption"] = caption
    return update(message=m)


def photo_update(*, chat_id: int, user_id: int, file_id: str, size: int) -> dict[str, Any]:
    """A photo sent in chat: Telegram keeps several sizes, the largest last."""
    sizes = [{"file_id": f"{file_id}-s", "file_unique_id": f"u-{file_id}-s", "width": 90, "height": 128,
              "file_size": 2000},
             {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280, "height": 1810, "file_size": size}]
    return update(message={"message_id": next(_ids), "date": DATE, "chat": chat(chat_id), "from": user(user_id),
                           "photo": sizes})
