"""The tick's send queue (scheduler/lanes.py): several chats at once, one chat's work in order and never twice at once."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from scheduler.lanes import ChatLanes, run_lanes


class Recorder:
    """A handler that gives the loop away a few times per item and records what ran alongside what."""

    def __init__(self, steps: int = 3) -> None:
        self.steps = steps
        self.running: Counter[str] = Counter()
        self.most_at_once = 0
        self.order: list[tuple[str, int]] = []

    async def __call__(self, key: str, item: int) -> int:
        assert self.running[key] == 0, f"two items of {key} at once"
        self.running[key] += 1
        self.most_at_once = max(self.most_at_once, sum(self.running.values()))
        for _ in range(self.steps):
            await asyncio.sleep(0)
        self.order.append((key, item))
        self.running[key] -= 1
        return 1


async def test_each_key_in_order_never_twice_at_once_and_at_most_the_limit():
    work = [(f"c{n % 5}", n) for n in range(40)]  # five chats, eight items each
    handle = Recorder()
    assert await run_lanes(ChatLanes(work), 3, handle) == 40
    assert handle.most_at_once == 3
    for key in {k for k, _ in work}:
        assert [i for k, i in handle.order if k == key] == [i for k, i in work if k == key]


async def test_work_added_while_running_waits_for_its_chat():
    lanes: ChatLanes[str, int] = ChatLanes([("a", 1), ("b", 2)])
    handle = Recorder()

    async def with_follow_up(key: str, item: int) -> int:
        if item == 1:
            lanes.add("b", 3)  # e.g. a focal point's 1:1 fallback to a chat that has work in flight
        return await handle(key, item)

    assert await run_lanes(lanes, 4, with_follow_up) == 3
    assert [i for k, i in handle.order if k == "b"] == [2, 3]


async def test_an_error_stops_new_work_lets_the_others_finish_then_is_raised():
    started: list[int] = []
    finished: list[int] = []
    release = asyncio.Event()

    async def handle(key: str, item: int) -> int:
        started.append(item)
        if item == 0:
            await asyncio.sleep(0)
            raise RuntimeError("database gone")
        await release.wait()  # in flight when the error comes
        finished.append(item)
        return 1

    task = asyncio.ensure_future(run_lanes(ChatLanes([(f"c{n}", n) for n in range(10)]), 3, handle))
    for _ in range(10):
        await asyncio.sleep(0)
    assert sorted(started) == [0, 1, 2]  # nothing more was taken after the error
    release.set()
    with pytest.raises(RuntimeError, match="database gone"):
        await task
    assert sorted(finished) == [1, 2]  # what was in flight finished


async def test_a_crash_in_one_lane_cancels_the_others():
    class Crash(BaseException):
        pass

    cancelled: list[int] = []

    async def handle(key: str, item: int) -> int:
        if item == 0:
            await asyncio.sleep(0)
            raise Crash()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(item)
            raise
        return 1

    with pytest.raises(Crash):
        await run_lanes(ChatLanes([(f"c{n}", n) for n in range(5)]), 3, handle)
    for _ in range(3):
        await asyncio.sleep(0)
    assert sorted(cancelled) == [1, 2]


async def test_nothing_to_do():
    assert await run_lanes(ChatLanes([]), 4, Recorder()) == 0
