"""Database work runs on the worker threads, chat I/O back on the serving loop; SQLite works from the threads."""
from __future__ import annotations

import asyncio
import threading

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.messages import ChatRef, IncomingMessage, Sender
from bot.core.workers import DbWorkers, on_loop


async def test_handling_runs_on_a_worker_and_sends_on_the_serving_loop(app, channel) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    send = channel.send

    async def recording_send(chat_id, reply):  # type: ignore[no-untyped-def]
        seen["send"] = threading.current_thread().name
        return await send(chat_id, reply)

    channel.send = recording_send
    msg = IncomingMessage(ChatRef("fake", "c1"), Sender("u1", "An"), text="/start", chat_kind="private")
    replies = await app.dispatch(msg)
    assert replies and channel.texts("c1") == [replies[0].text]
    assert seen["send"] == threading.current_thread().name  # the serving loop's thread, not a worker


async def test_calls_run_on_the_pool_and_inline_once_there() -> None:
    workers = DbWorkers(2)
    main = threading.current_thread().name
    try:
        assert await workers.call(lambda: threading.current_thread().name) != main

        async def nested() -> tuple[str, str, str]:
            here = threading.current_thread().name
            inner = await workers.call(lambda: threading.current_thread().name)  # no second hop, no deadlock

            async def on_home() -> str:
                return threading.current_thread().name

            return here, inner, await on_loop(on_home())

        here, inner, home = await workers.run(nested)
        assert here == inner != main and home == main
    finally:
        workers.shutdown()


async def test_a_full_pool_waiting_on_the_loop_does_not_deadlock() -> None:
    workers = DbWorkers(1)
    try:
        async def handler(i: int) -> int:
            async def send() -> int:  # the serving loop's part needs no worker
                await asyncio.sleep(0)
                return i

            return await on_loop(send())

        assert await asyncio.gather(*(workers.run(handler, i) for i in range(5))) == [0, 1, 2, 3, 4]
    finally:
        workers.shutdown()


async def test_an_in_memory_sqlite_database_is_shared_by_every_worker(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url("sqlite://", workers=3)
    db.create_all()
    channel = RecordingChannel("fake")
    app = build_app(Settings(data_dir=tmp_path / "data", database_url="sqlite://"), clock=clock,
                    channels={"fake": channel}, db=db)
    try:
        msgs = [IncomingMessage(ChatRef("fake", f"c{i}"), Sender(f"u{i}", "An"), text="/start", chat_kind="private")
                for i in range(6)]
        results = await asyncio.gather(*(app.dispatch(m) for m in msgs))
        assert all(results) and len(channel.sent) == 6
    finally:
        db.dispose()


async def test_a_pool_dropped_without_shutdown_ends_its_threads() -> None:
    import gc

    workers = DbWorkers(2, name="dropped")
    await workers.call(lambda: None)
    [thread] = [t for t in threading.enumerate() if t.name == "dropped-worker-0"]
    del workers
    gc.collect()
    thread.join(5)
    assert not thread.is_alive()
