"""Channel-neutral message types: what arrives from any chat service and what the bot replies."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChatKind = Literal["private", "group"]


@dataclass(frozen=True)
class ChatRef:
    """A chat on one channel: ("telegram", "-100123"), ("zalo", "abc"), ("console", "local")."""

    channel: str
    chat_id: str
    thread_id: str | None = field(default=None, compare=False)  # a forum topic of a Telegram group; not part of identity

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


@dataclass(frozen=True)
class Sender:
    user_id: str
    display_name: str = ""
    is_chat_admin: bool = False  # an admin of the group itself (may register the group)


@dataclass(frozen=True)
class Attachment:
    """A file sent to the bot; `data` is loaded by the adapter (already size-checked)."""

    file_name: str
    data: bytes
    mime_type: str = ""


@dataclass(frozen=True)
class OutgoingFile:
    """A file the bot sends (.xlsx, .ics, .pdf) or, with `picture`, an image shown as such (PNG)."""

    file_name: str
    data: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"
    picture: bool = False


@dataclass(frozen=True)
class IncomingMessage:
    chat: ChatRef
    sender: Sender
    text: str = ""
    chat_kind: ChatKind = "private"
    chat_title: str = ""
    message_id: str | None = None
    mentioned: bool = False  # the bot was @mentioned or replied to (groups)
    callback: str | None = None  # payload of a pressed button, when this is a button press
    document: Attachment | None = None
    media: str = ""  # what a message without text carried: "image", "sticker", "file", "voice", "unsupported"
    reply_to: str | None = None  # id of the bot's message this one replies to (e.g. a reminder)


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # at most 64 bytes UTF-8 (Telegram's callback_data limit)

    def __post_init__(self) -> None:
        if len(self.data.encode()) > 64:
            raise ValueError(f"button data over 64 bytes: {self.data!r}")


@dataclass(frozen=True)
class Reply:
    """Plain text (adapters escape it); buttons only where the channel has them; files and pictures after it.

    With files, a short text is the caption of the first file; channels that cannot send files say how to get them.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    mentions: tuple[str, ...] = ()  # user ids to mention, where the channel supports it
    replace_origin: bool = False  # edit the message whose button was pressed instead of sending
    fallback_hint: str = ""  # shown instead of the buttons on channels without buttons
    thread_id: str | None = None  # post in this topic of the chat (where the channel has topics)
    reply_to: str | None = None  # the message this answers, shown as a reply where the channel can
    files: tuple[OutgoingFile, ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    to: ChatRef | None = None  # another chat than the message's (e.g. the requester told an admin's decision)
    to_admins: bool = False  # every admin's private chat instead of the message's chat
