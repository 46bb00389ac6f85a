"""Updates handled concurrently: a waiting chat holds no slot, one chat's updates keep their order; TTL cache."""
from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram_concurrency import PerChatUpdateProcessor, TtlCache
from tests.channels.telegram import updates as u


def upd(chat_id: int, text: str) -> Update:
    return Update.de_json(u.text_update(text, chat_id=chat_id, user_id=abs(chat_id)), None)


async def test_a_blocked_chat_holds_no_slot_and_keeps_its_order() -> None:
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()
    done: list[str] = []

    async def work(name: str, block: bool = False) -> None:
        if block:
            await release.wait()
        done.append(name)

    group = [asyncio.create_task(processor.process_update(upd(-100, f"g{i}"), work(f"g{i}", block=i == 0)))
             for i in range(5)]
    private = asyncio.create_task(processor.process_update(upd(7, "p"), work("p")))
    other = asyncio.create_task(processor.process_update(upd(8, "q"), work("q")))
    await asyncio.wait_for(asyncio.gather(private, other), 5)
    assert done == ["p", "q"]  # answered while the group waits, although only 2 slots exist
    release.set()
    await asyncio.wait_for(asyncio.gather(*group), 5)
    assert done[2:] == ["g0", "g1", "g2", "g3", "g4"]
    assert processor._turns == {}  # nothing kept for chats with nothing queued


def test_ttl_cache_forgets_after_its_time() -> None:
    now = [0.0]
    cache = TtlCache(300, size=2, now=lambda: now[0])
    cache.put(("c", "u"), True)
    assert cache.get(("c", "u")) is True
    now[0] = 299
    assert cache.get(("c", "u")) is True
    now[0] = 301
    assert cache.get(("c", "u")) is None
    cache.put(1, False)
    cache.put(2, False)
    cache.put(3, True)
    assert cache.get(3) is True and cache.get(1) is None and cache.get(2) is False
