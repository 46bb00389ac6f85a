"""Fair handling of incoming messages: a bounded queue per chat, one worker per busy chat, urgent work first.

Every channel hands its messages here (through `App.submit`), so one chat's flood only ever fills its own
queue: other chats have their own workers. Over the bound the chat's excess is dropped and the chat is told
once per burst (until its queue has drained) that the bot is busy. Urgent messages (commands, confirmations,
button presses, files) are taken before questions and, when the queue is full, push out the newest question.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import IncomingMessage, Reply

log = logging.getLogger(__name__)

BUSY_TEXT = "Hệ thống đang bận, vui lòng thử lại sau."


@dataclass
class Job:
    """One message waiting for its chat's worker; `done` gets its replies ([] when dropped or skipped)."""

    msg: IncomingMessage
    channel: Any = None  # the Channel it came from (None: the one named by msg.chat.channel)
    claim: Callable[[], bool] | None = None  # run on a database worker first; False: a repeat, skipped
    urgent: bool = False
    done: asyncio.Future[list[Reply]] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def finish(self, replies: list[Reply]) -> None:
        if not self.done.done():
            self.done.set_result(replies)


@dataclass
class _ChatQueue:
    urgent: deque[Job] = field(default_factory=deque)
    normal: deque[Job] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None
    told_busy: bool = False  # the chat was told it is over its bound, in this burst

    def __len__(self) -> int:
        return len(self.urgent) + len(self.normal)

    def next(self) -> Job | None:
        if self.urgent:
            return self.urgent.popleft()
        if self.normal:
            return self.normal.popleft()
        return None


class FairDispatcher:
    """Queues per chat (`limit` waiting each) and drains each with its own worker task, on the serving loop."""

    def __init__(self, work: Callable[[Job], Awaitable[list[Reply]]],
                 busy: Callable[[Job], Awaitable[None]], *, limit: int,
                 urgent: Callable[[IncomingMessage], bool],
                 on_drop: Callable[[IncomingMessage], None] | None = None) -> None:
        self._work = work
        self._on_drop = on_drop  # told of each dropped message (the dropped-messages metric)
        self._busy = busy
        self.limit = limit
        self._urgent = urgent
        self._queues: dict[tuple[str, str], _ChatQueue] = {}
        self._busy_tasks: set[asyncio.Task[None]] = set()
        self.dropped = 0  # messages dropped over a chat's bound since start

    def submit(self, msg: IncomingMessage, channel: Any = None, *,
               claim: Callable[[], bool] | None = None) -> asyncio.Future[list[Reply]]:
        """Queue `msg` behind its chat's earlier messages (never waits); the future resolves once it is handled."""
        job = Job(msg, channel, claim, self._urgent(msg))
        key = (msg.chat.channel, msg.chat.chat_id)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = _ChatQueue()
        if len(queue) >= self.limit:
            if job.urgent and queue.normal:
                self._drop(queue, queue.normal.pop())  # the newest question makes room for a command
            else:
                self._drop(queue, job)
                return job.done
        (queue.urgent if job.urgent else queue.normal).append(job)
        if queue.worker is None:
            queue.worker = asyncio.create_task(self._drain(key, queue), name=f"chat-{key[0]}-{key[1]}")
        return job.done

    def waiting(self, channel: str, chat_id: str) -> int:
        """Messages of this chat not yet taken by its worker."""
        queue = self._queues.get((channel, chat_id))
        return len(queue) if queue is not None else 0

    @property
    def busy_chats(self) -> int:
        return len(self._queues)

    def _drop(self, queue: _ChatQueue, job: Job) -> None:
        self.dropped += 1
        job.finish([])
        if self._on_drop is not None:
            self._on_drop(job.msg)
        if queue.told_busy:
            return
        queue.told_busy = True
        log.warning("chat %s has %d messages waiting: excess dropped, the chat told once", job.msg.chat, len(queue))
        task = asyncio.create_task(self._tell_busy(job))
        self._busy_tasks.add(task)
        task.add_done_callback(self._busy_tasks.discard)

    async def _tell_busy(self, job: Job) -> None:
        try:
            await self._busy(job)
        except Exception:
            log.exception("telling %s that the bot is busy failed", job.msg.chat)

    async def _drain(self, key: tuple[str, str], queue: _ChatQueue) -> None:
        try:
            while (job := queue.next()) is not None:
                try:
                    job.finish(await self._work(job))
                except asyncio.CancelledError:
                    job.finish([])
                    raise
                except Exception:
                    log.exception("handling a message in %s failed", job.msg.chat)
                    job.finish([])
        finally:
            for job in (*queue.urgent, *queue.normal):  # only when cancelled (shutting down)
                job.finish([])
            if self._queues.get(key) is queue:
                del self._queues[key]

    async def idle(self) -> None:
        """Wait until every queued message has been handled (tests, shutdown)."""
        while self._queues or self._busy_tasks:
            tasks = [q.worker for q in self._queues.values() if q.worker is not None] + list(self._busy_tasks)
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop every worker; what was still waiting resolves to no replies."""
        tasks = [q.worker for q in self._queues.values() if q.worker is not None] + list(self._busy_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
