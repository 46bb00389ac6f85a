"""Telegram updates read as channel-neutral messages: chat kind, sender, mentions, buttons, membership changes."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from telegram import CallbackQuery, Chat, ChatMember, ChatMemberUpdated, Message, MessageEntity, User

from bot.core.messages import ChatKind, ChatRef, IncomingMessage, Sender

CHANNEL = "telegram"
_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@([A-Za-z0-9_]+))?(?:\s|$)")


def chat_kind(chat: Chat) -> ChatKind | None:
    """private / group (groups and supergroups); None for channels, where the bot does not talk."""
    if chat.type == Chat.PRIVATE:
        return "private"
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return "group"
    return None


def chat_ref(chat: Chat, message: Message | None = None) -> ChatRef:
    """The chat, with the forum topic the message was written in (none for "General" and ordinary groups)."""
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    return ChatRef(CHANNEL, str(chat.id), str(thread) if thread else None)


def sender_of(user: User) -> Sender:
    return Sender(str(user.id), user.full_name)


def for_another_bot(message: Message, username: str) -> bool:
    """A command written `/cmd@otherbot`: meant for another bot in the same group."""
    m = _COMMAND.match(message.text or "")
    return bool(m and m.group(1) and m.group(1).lower() != username.lower())


def is_command(message: Message) -> bool:
    return bool(_COMMAND.match(message.text or ""))


def _addressed_command(message: Message, bot: User) -> bool:
    """`/cmd@thisbot`: a command addressed to this bot by name (the certain path in groups with privacy mode)."""
    m = _COMMAND.match(message.text or "")
    return bool(m and m.group(1) and bot.username and m.group(1).lower() == bot.username.lower())


def _media(message: Message) -> str:
    """What a message without text carries, in the core's words ("" when it has text or a document)."""
    if message.photo:
        return "image"
    if message.sticker is not None:
        return "sticker"
    if message.voice is not None or message.audio is not None:
        return "voice"
    if message.video is not None or message.video_note is not None or message.animation is not None:
        return "unsupported"
    return ""


def _mentions_bot(message: Message, bot: User) -> bool:
    for entity, value in (message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]) or {}).items():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
        if entity.type == MessageEntity.MENTION and bot.username and value.lower() == f"@{bot.username.lower()}":
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"\s*@{re.escape(username)}\b\s*", " ", text, flags=re.I).strip()


def incoming(message: Message, bot: User) -> IncomingMessage | None:
    """The message for the core, or None when it is nothing the bot answers (service messages, channels, bots)."""
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    text = message.text or message.caption or ""
    media = "" if text or message.document is not None else _media(message)
    if not text and message.document is None and not (media and kind == "private"):
        return None
    if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
        # an anonymous group admin writes as the group itself
        sender = Sender(str(message.chat.id), message.chat.title or "Quản trị nhóm", is_chat_admin=True)
    elif message.from_user is None or message.from_user.is_bot:
        return None
    else:
        sender = sender_of(message.from_user)
    mentioned = kind == "group" and (_mentions_bot(message, bot) or _addressed_command(message, bot))
    if mentioned:
        text = _without_mention(text, bot.username)
    replied = message.reply_to_message
    reply_to = str(replied.message_id) if replied and replied.from_user and replied.from_user.id == bot.id else None
    return IncomingMessage(chat_ref(message.chat, message), sender, text=text, chat_kind=kind,
                           chat_title=message.chat.title or "", message_id=str(message.message_id),
                           mentioned=mentioned, media=media, reply_to=reply_to)


def button_press(query: CallbackQuery) -> IncomingMessage | None:
    """A pressed inline button, pointing at the message that carries it."""
    message = query.message
    if message is None or not query.data:
        return None
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    topic = message if isinstance(message, Message) else None
    return IncomingMessage(chat_ref(message.chat, topic), sender_of(query.from_user), chat_kind=kind,
                           chat_title=message.chat.title or "", message_id=str(message.message_id),
                           callback=query.data)


def as_chat_admin(msg: IncomingMessage) -> IncomingMessage:
    return replace(msg, sender=replace(msg.sender, is_chat_admin=True))


def membership_change(update: ChatMemberUpdated) -> Literal["added", "removed"] | None:
    """Whether the bot itself joined or left the chat (promotion and demotion are neither)."""

    def present(member: ChatMember) -> bool:
        return member.status in _PRESENT or (member.status == ChatMember.RESTRICTED
                                             and bool(getattr(member, "is_member", False)))

    was, now = present(update.old_chat_member), present(update.new_chat_member)
    if now and not was:
        return "added"
    if was and not now:
        return "removed"
    return None
