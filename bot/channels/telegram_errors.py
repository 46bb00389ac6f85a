"""Telegram errors mapped to the channel port's (the rate limiter is in telegram_pacing)."""
from __future__ import annotations

import logging
import warnings
from datetime import timedelta

import httpx
from telegram.error import (
    BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
    TelegramError, TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.core.ports import ChatMoved, ChatUnreachable, SendError, TransientSendError
from bot.core.logs import redact

# Failures raised before the request left this machine: repeating them cannot duplicate a message.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Bad Request descriptions that mean the bot cannot post in the chat at all.
_UNREACHABLE = ("chat not found", "bot was kicked", "bot is not a member", "have no rights to send",
                "not enough rights to send", "user is deactivated", "group chat was deactivated")
NOT_MODIFIED = "message is not modified"
log = logging.getLogger(__name__)


class FloodWaitTooLong(TelegramError):
    """Telegram asked for a pause longer than the adapter waits by itself."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Flood control exceeded. Retry in {retry_after:g} seconds")
        self.retry_after = retry_after


class UnexpectedAnswer(NetworkError):
    """A 2xx answer that is not the Bot API's `{ok, result}` JSON (HTML, a bare `true`, no `result`).

    Raised from the parsing error, so `never_sent` is False: the request may have taken effect."""


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def never_sent(exc: TelegramError) -> bool:
    """True when the request certainly did not reach Telegram, or Telegram answered it with an error status."""
    if isinstance(exc, (RetryAfter, FloodWaitTooLong)):
        return True
    cause = exc.__cause__
    if isinstance(cause, _NEVER_SENT):
        return True
    # NetworkError without a transport cause: Telegram answered with a 5xx status (see BaseRequest).
    return (isinstance(exc, NetworkError) and not isinstance(exc, (TimedOut, BadRequest))
            and cause is None)


def to_send_error(exc: TelegramError, secrets: list[str]) -> SendError:
    """The channel port's error for a Telegram error (messages redacted, never holding a token)."""
    text = redact(exc.message, secrets)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(str(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        return ChatUnreachable(f"Telegram từ chối gửi tin: {text}")
    if isinstance(exc, BadRequest):  # a NetworkError subclass in PTB, yet permanent
        if any(s in text.lower() for s in _UNREACHABLE):
            return ChatUnreachable(f"Telegram từ chối gửi tin: {text}")
        return SendError(f"Telegram: {text}")
    if isinstance(exc, FloodWaitTooLong):
        return TransientSendError(f"Telegram giới hạn tốc độ: {text}", retry_after=exc.retry_after)
    if isinstance(exc, RetryAfter):
        return TransientSendError(f"Telegram giới hạn tốc độ: {text}", retry_after=retry_seconds(exc))
    if isinstance(exc, NetworkError):  # includes TimedOut
        return TransientSendError(f"lỗi mạng hoặc máy chủ Telegram: {type(exc).__name__}: {text}",
                                  maybe_delivered=not never_sent(exc))
    if isinstance(exc, InvalidToken):
        return SendError("Telegram không nhận token của bot (kiểm tra TELEGRAM_BOT_TOKEN)")
    return SendError(f"Telegram: {text}")
