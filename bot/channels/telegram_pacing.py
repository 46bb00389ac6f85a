"""Telegram's send limits kept through the shared send budget (bot.core.budget), as PTB's rate limiter.

Limits (Bot FAQ; not contractual): about 30 messages a second in all, about one a second in one chat (short
bursts allowed), at most 20 a minute in one group. Every request that names a chat waits for its chat's slot,
then for a bot-wide one; with PostgreSQL or Redis the slots are shared by every replica of the bot.
A 429 pauses its chat in every replica (the budget records it); only requests to that chat wait (at most
`max_wait` seconds per 429, `max_retries` times), and a longer wait is handed back as FloodWaitTooLong.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.channels.telegram_errors import FloodWaitTooLong, UnexpectedAnswer, retry_seconds
from bot.core.budget import Rate, Slot
from bot.core.budget.memory import MemoryBudget
from bot.core.budget.pacer import SendPacer, WaitTooLong

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramLimits:
    """The rates of one bot token. `bot`: all chats together; `private`/`group`: one chat of that kind.

    Each keeps Telegram's figure over any window (`most_in_window`): the bot 28 a second against Telegram's 30
    in any second (30 slots take 1.07 s, so each message may reach Telegram up to 71 ms after its slot: the pacer
    takes up to one interval, 36 ms, before it gives a late slot up, the rest is the HTTP client's and the
    network's — tests/bot/test_send_budget.py simulates it; at 29 a second the margin was 34 ms, all of it
    the pacer's, and a busy machine's stalls after the turn showed Telegram 31), a group 20 in any minute (5 at once, then one per 3.75 s; PTB's
    limiter let 20 go at once and then one per 3 s, up to 39 in the first minute), a private chat 3 at once,
    then one a second.
    """

    bot: Rate = field(default_factory=lambda: Rate.per_second(28))
    private: Rate = field(default_factory=lambda: Rate(1.0, burst=3))
    group: Rate = field(default_factory=lambda: Rate.per_minute(16, burst=5))

    @classmethod
    def for_rate(cls, per_second: float) -> "TelegramLimits":
        return cls(bot=Rate.per_second(per_second))


def is_group(chat_id: object) -> bool:
    """Negative ids are groups, supergroups and channels; an @name is a channel or supergroup."""
    text = str(chat_id)
    return not text.lstrip("-").isdigit() or text.startswith("-")


class BudgetRateLimiter(BaseRateLimiter[int]):
    """Each request with a `chat_id` waits for its turn in the send budget; 429s pause the chat everywhere."""

    def __init__(self, *, bot_id: str, limits: TelegramLimits, max_wait: float, max_retries: int) -> None:
        self.prefix = f"telegram:{bot_id}:"
        self.limits = limits
        self.max_wait = max_wait
        self.flood_retries = max_retries
        self.pacer = SendPacer(MemoryBudget())  # until the channel starts and is given the application's budget

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def chain(self, chat_id: object) -> list[Slot]:
        rate = self.limits.group if is_group(chat_id) else self.limits.private
        return [Slot(f"{self.prefix}chat:{chat_id}", rate), self.bot_slot()]

    def bot_slot(self) -> Slot:
        return Slot(f"{self.prefix}bot", self.limits.bot)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        chain = self.chain(chat_id) if chat_id is not None else []
        for attempt in range(self.flood_retries + 1):
            if chain:
                try:
                    await self.pacer.turn(chain, self.max_wait)
                except WaitTooLong as e:
                    raise FloodWaitTooLong(e.wait) from None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as e:
                wait = retry_seconds(e)
                log.info("telegram: 429 on %s for chat %s: paused %g s in every replica", endpoint, chat_id, wait)
                await self.pacer.pause(chain[0] if chain else self.bot_slot(), wait)
                if wait > self.max_wait or attempt == self.flood_retries:
                    raise FloodWaitTooLong(wait) from e
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
