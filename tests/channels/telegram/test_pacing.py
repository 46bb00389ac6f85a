"""The Telegram adapter's rate limiter on the shared send budget: Telegram's figures kept, a 429 shared."""
from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram_errors import FloodWaitTooLong
from bot.channels.telegram_pacing import BudgetRateLimiter, TelegramLimits, is_group
from bot.core.budget import most_in_window
from bot.core.budget.pacer import SendPacer
from tests.bot.test_send_budget import Clock, stores  # noqa: F401  (the fixture: memory, PostgreSQL, Redis)


def test_the_default_limits_keep_telegrams_figures_in_any_window():
    limits = TelegramLimits()
    assert most_in_window(limits.bot, 1.0) == 28  # "about 30 messages per second", less a margin for late sends
    assert most_in_window(limits.group, 60.0) == 20  # "no more than 20 messages per minute to the same group"
    assert most_in_window(limits.private, 1.0) == 3 and most_in_window(limits.private, 60.0) == 62  # ~1/s
    assert TelegramLimits.for_rate(10).bot.interval == pytest.approx(0.1)


def test_groups_are_told_from_private_chats():
    assert is_group(-1001234) and is_group("@kenh_cchc") and not is_group(5551) and not is_group("5551")


def limiter(budget, clock: Clock) -> BudgetRateLimiter:  # type: ignore[no-untyped-def]
    async def sleep(seconds: float) -> None:
        clock.t += seconds

    made = BudgetRateLimiter(bot_id="123", limits=TelegramLimits(), max_wait=5.0, max_retries=3)
    made.pacer = SendPacer(budget, sleep=sleep, monotonic=clock)
    return made


async def test_a_429_in_one_replica_pauses_that_chat_in_the_other(stores):  # noqa: F811
    clock = Clock()
    first, second = limiter(stores(clock), clock), limiter(stores(clock), clock)
    sent: list[object] = []

    async def refused() -> None:
        raise RetryAfter(20)

    async def post(chat: int) -> bool:
        sent.append(chat)
        return True

    with pytest.raises(FloodWaitTooLong):
        await first.process_request(refused, (), {}, "sendMessage", {"chat_id": -1001}, None)
    with pytest.raises(FloodWaitTooLong) as e:  # Telegram is not asked again before the pause ends
        await second.process_request(post, (-1001,), {}, "sendMessage", {"chat_id": -1001}, None)
    assert e.value.retry_after == pytest.approx(20, abs=0.5) and sent == []
    assert await second.process_request(post, (-1002,), {}, "sendMessage", {"chat_id": -1002}, None)
    clock.t += 20
    assert await second.process_request(post, (-1001,), {}, "sendMessage", {"chat_id": -1001}, None)
    assert sent == [-1002, -1001]


async def test_a_short_429_is_waited_out_and_retried(stores):  # noqa: F811
    clock = Clock()
    paced = limiter(stores(clock), clock)
    answers = [RetryAfter(2), True]

    async def post() -> bool:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    started = clock.t
    assert await paced.process_request(post, (), {}, "sendMessage", {"chat_id": 777}, None)
    assert clock.t - started == pytest.approx(2, abs=0.5)


async def test_requests_without_a_chat_are_not_paced(stores):  # noqa: F811
    clock = Clock()
    paced = limiter(stores(clock), clock)

    async def get_me() -> dict[str, object]:
        return {"id": 1}

    for _ in range(50):
        await paced.process_request(get_me, (), {}, "getMe", {}, None)
    assert clock.t == 1000.0


async def test_the_channel_paces_through_the_applications_budget(tg, app):
    assert tg.limiter.pacer.budget is app.send_budget
