"""Fair handling: one chat's flood fills only its own bounded queue, is told once that the bot is busy, and
commands, confirmations and buttons go before questions. No sleeps: handling is held by events."""
from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.app import App
from bot.channels.recording import RecordingChannel
from bot.core.fairness import BUSY_TEXT, FairDispatcher, Job
from bot.core.messages import ChatRef, IncomingMessage, Reply, Sender
from bot.core.ports import Sent


def message(chat: str, text: str = "", *, callback: str | None = None, channel: str = "fake") -> IncomingMessage:
    return IncomingMessage(ChatRef(channel, chat), Sender(f"u{chat}", f"Người {chat}"), text=text,
                           chat_kind="private", callback=callback)


class Held:
    """A stand-in for the handling: records the order, and holds one chat's messages until released."""

    def __init__(self, held_chat: str) -> None:
        self.held_chat = held_chat
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.order: list[str] = []
        self.busy: list[str] = []

    async def work(self, job: Job) -> list[Reply]:
        if job.msg.chat.chat_id == self.held_chat:
            self.started.set()
            await self.release.wait()
        self.order.append(job.msg.text or job.msg.callback or "")
        return [Reply("ok")]

    async def tell_busy(self, job: Job) -> None:
        self.busy.append(job.msg.chat.chat_id)


def urgent(msg: IncomingMessage) -> bool:
    return msg.callback is not None or msg.text.startswith("/")


async def test_a_flood_fills_only_its_own_queue_and_is_told_busy_once() -> None:
    held = Held("flood")
    fair = FairDispatcher(held.work, held.tell_busy, limit=20, urgent=urgent)
    flood = [fair.submit(message("flood", f"câu hỏi {i}")) for i in range(2000)]
    await held.started.wait()
    other = fair.submit(message("other", "/start"))
    assert await other == [Reply("ok")]  # answered while the flood's first message is still being handled
    assert fair.waiting("fake", "flood") == 19  # 20 were queued; the worker has taken the first
    assert sum(1 for f in flood if f.done()) == 2000 - 20  # the excess resolved at once, with no replies
    held.release.set()
    await fair.idle()
    assert held.busy == ["flood"]  # one "busy" reply for the whole burst, not one per dropped message
    assert fair.dropped == 2000 - 20
    assert held.order == ["/start"] + [f"câu hỏi {i}" for i in range(20)]


async def test_the_busy_reply_comes_again_only_after_the_queue_drained() -> None:
    held = Held("c")
    fair = FairDispatcher(held.work, held.tell_busy, limit=2, urgent=urgent)
    for i in range(6):
        fair.submit(message("c", f"q{i}"))
    await held.started.wait()
    held.release.set()
    await fair.idle()
    assert held.busy == ["c"]
    for i in range(6):  # a second burst, after the first one was worked off
        fair.submit(message("c", f"r{i}"))
    await fair.idle()
    assert held.busy == ["c", "c"]


async def test_commands_and_buttons_go_before_questions() -> None:
    held = Held("c")
    fair = FairDispatcher(held.work, held.tell_busy, limit=10, urgent=urgent)
    fair.submit(message("c", "câu hỏi đầu"))
    await held.started.wait()
    for m in (message("c", "q1"), message("c", "/han"), message("c", "q2"), message("c", callback="ack:7")):
        fair.submit(m)
    held.release.set()
    await fair.idle()
    assert held.order == ["câu hỏi đầu", "/han", "ack:7", "q1", "q2"]


async def test_a_command_pushes_out_the_newest_question_when_the_queue_is_full() -> None:
    held = Held("c")
    fair = FairDispatcher(held.work, held.tell_busy, limit=3, urgent=urgent)
    fair.submit(message("c", "q0"))
    await held.started.wait()
    pushed_out = [fair.submit(message("c", f"q{i}")) for i in range(1, 4)]
    confirm = fair.submit(message("c", callback="ack:1"))
    assert pushed_out[-1].done() and await pushed_out[-1] == []
    held.release.set()
    await fair.idle()
    assert await confirm == [Reply("ok")]
    assert held.order == ["q0", "ack:1", "q1", "q2"]
    assert held.busy == ["c"]


class GatedChannel(RecordingChannel):
    """Sends to one chat wait for a gate (a chat whose replies are slow, e.g. a group over its rate limit)."""

    def __init__(self, slow_chat: str) -> None:
        super().__init__("fake")
        self.slow_chat = slow_chat
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        if chat_id == self.slow_chat and reply.text != BUSY_TEXT:
            self.waiting.set()
            await self.gate.wait()
        return await super().send(chat_id, reply)


async def test_through_the_app_another_chat_is_answered_during_a_flood(app: App) -> None:
    channel = GatedChannel("flood")
    app.channels["fake"] = channel
    flood = [app.submit(message("flood", "ke hoach cchc nam nop truoc ngay nao"), channel) for _ in range(200)]
    await channel.waiting.wait()  # the flood's first answer is on its way, held
    start = await app.submit(message("other", "/start"), channel)
    assert start and "Trợ lý CCHC" in start[0].text
    assert channel.texts("other") == [start[0].text]
    assert channel.texts("flood") == [BUSY_TEXT]  # told once, in Vietnamese; nothing else sent to it yet
    assert app.dispatcher.waiting("fake", "flood") == app.settings.chat_queue_limit - 1  # one is being answered
    channel.gate.set()
    await app.idle()
    assert all(f.done() for f in flood)
    answered = channel.texts("flood")
    assert answered.count(BUSY_TEXT) == 1 and len(answered) == 1 + app.settings.chat_queue_limit


async def test_through_the_app_a_confirmation_goes_before_the_questions(app: App) -> None:
    channel = GatedChannel("c")
    app.channels["fake"] = channel
    app.submit(message("c", "câu hỏi thứ nhất"), channel)
    await channel.waiting.wait()
    app.submit(message("c", "hạn nộp báo cáo quý là ngày nào"), channel)
    app.submit(message("c", "/help"), channel)
    channel.gate.set()
    await app.idle()
    [help_text] = [r.text for r in await app.handle(message("d", "/help"))]
    texts = channel.texts("c")
    assert len(texts) == 3 and texts[1] == help_text and texts[2] != help_text  # the command went first


async def test_the_urgent_messages_are_commands_buttons_and_typed_confirmations(app: App) -> None:
    assert app.urgent(message("c", "/han"))
    assert app.urgent(message("c", callback="ack:3"))
    assert app.urgent(message("c", "đồng ý"))  # the typed form of a button
    assert not app.urgent(message("c", "/hoi hạn nộp báo cáo"))  # a question, even with its command
    assert not app.urgent(message("c", "kế hoạch cchc nộp khi nào"))
    assert app.urgent(replace(message("c", "@Trợ lý CCHC /han"), chat_kind="group", mentioned=True))


async def test_dropped_messages_are_counted_in_the_metrics(app: App) -> None:
    channel = GatedChannel("flood")
    app.channels["fake"] = channel
    limit = app.settings.chat_queue_limit
    flood = [app.submit(message("flood", f"câu hỏi {i}"), channel) for i in range(limit + 30)]
    await channel.waiting.wait()  # `limit` queued before the chat's worker took the first, 30 dropped
    counted = app.metrics.registry.get_sample_value("cchc_messages_dropped_total", {"channel": "fake"})
    assert counted == 30 == app.dispatcher.dropped
    app.submit(message("other", "/start"), channel)  # another chat drops nothing
    channel.gate.set()
    await app.idle()
    assert all(f.done() for f in flood)
    exposition = app.metrics.exposition()[0].decode()
    assert 'cchc_messages_dropped_total{channel="fake"} 30.0' in exposition
