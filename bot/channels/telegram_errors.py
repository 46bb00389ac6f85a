"""Telegram errors mapped to the channel port's, and a rate limiter that hands long flood waits back."""
from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import (
    BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
    TelegramError, TimedOut,
)
from telegram.ext import AIORateLimiter
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


class FloodWaitLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (30/s overall, 20/min per group) with 429s handled per chat.

    PTB's own retry pauses *every* request of the bot while one chat waits out its 429; here only
    requests to that chat wait (at most `max_wait` seconds per 429, `max_retries` times), and a longer
    wait is handed back as FloodWaitTooLong for the caller to reschedule.
    """

    def __init__(self, *, max_wait: float, max_retries: int) -> None:
        super().__init__(max_retries=0)
        self.max_wait = max_wait
        self.flood_retries = max_retries
        self._paused: dict[str, float] = {}  # chat id -> loop time when Telegram lets us write there again

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        key = str(data.get("chat_id", ""))
        loop = asyncio.get_running_loop()

        async def guarded(*a: Any, **kw: Any) -> Any:
            for attempt in range(self.flood_retries + 1):
                pause = self._paused.get(key, 0.0) - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                try:
                    return await callback(*a, **kw)
                except RetryAfter as e:
                    wait = retry_seconds(e)
                    if wait > self.max_wait or attempt == self.flood_retries:
                        raise FloodWaitTooLong(wait) from e
                    self._paused[key] = max(self._paused.get(key, 0.0), loop.time() + wait + 0.1)
                except (TypeError, KeyError, AttributeError) as e:  # PTB reads body["result"] unchecked
                    log.warning("telegram: %s gave an answer that is not the Bot API's JSON (%s)", endpoint,
                                type(e).__name__)
                    raise UnexpectedAnswer(f"unexpected answer to {endpoint}") from e
                except TelegramError as e:
                    if type(e) is not TelegramError or "invalid server response" not in e.message.lower():
                        raise
                    log.warning("telegram: %s answered with a body that is not JSON", endpoint)
                    raise UnexpectedAnswer(f"unexpected answer to {endpoint}") from e
            raise AssertionError("unreachable")

        try:
            return await super().process_request(guarded, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            if self._paused.get(key, 0.0) <= loop.time():
                self._paused.pop(key, None)


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
