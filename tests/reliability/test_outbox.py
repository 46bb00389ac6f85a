"""The outbox: a focal-point request decided from the CLI (a process with no channel) reaches the requester through
the serving replica's next tick, once; two replicas send it once; chat, CLI and web approvals tell the same text."""
from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

import bot.app
from bot.app import App, build_app
from bot.channels.recording import RecordingChannel
from bot.cli import build_parser
from bot.core.actors import Actor
from bot.core.db import Database
from bot.core.messages import ChatRef, Reply
from bot.core.ports import ChatUnreachable, TransientSendError
from scheduler import outbox
from scheduler.models import Unit
from scheduler.service import ReminderService
from scheduler.texts import focal_decision_text
from scheduler.units import add_unit
from scheduler.usecases import registrations
from tests.builders import admin_msg
from tests.test_admin_parity import _by_web

APPROVED = focal_decision_text("Sở Tư pháp", True)


def request(app: App) -> str:
    """fake:p9, who wrote to the bot in private chat p9, asks to be Sở Tư pháp's focal point; the request's code."""
    with app.db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "Sở Tư pháp")) or add_unit(s, "Sở Tư pháp", "so")
        return registrations.request_focal(s, app.clock.now(), Actor("fake", "p9", "p9", "Chị Lan"), unit).code


def approve_from_cli(app: App, code: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`python -m bot focal approve CODE`: its own App (no channel to send with) on the same database."""
    monkeypatch.setattr(bot.app, "build_app", partial(build_app, clock=app.clock, db=app.db, channels={}))
    args = build_parser().parse_args(["focal", "approve", code])
    assert args.handler(args, app.settings) == 0


def notices(app: App) -> list[tuple[str, str, int]]:
    with app.db.session() as s:
        return [(n.chat_id, n.status, n.attempts) for n in s.scalars(select(outbox.Notice).order_by(outbox.Notice.id))]


async def test_a_cli_approval_is_told_by_the_serving_replicas_next_tick_once(app: App, channel, monkeypatch,
                                                                             capsys) -> None:  # type: ignore[no-untyped-def]
    code = request(app)
    service = ReminderService(app)
    approve_from_cli(app, code, monkeypatch)
    assert "nhịp nhắc tiếp theo" in capsys.readouterr().out
    assert channel.texts("p9") == [] and notices(app) == [("p9", outbox.PENDING, 0)]
    await service.run_tick()
    assert channel.texts("p9") == [APPROVED]
    app.clock.advance(timedelta(minutes=20))  # past the lease: a sent notice is never taken again
    await service.run_tick()
    assert channel.texts("p9") == [APPROVED] and notices(app) == [("p9", outbox.SENT, 1)]


def test_two_replicas_on_one_database_send_it_once(app: App, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code = request(app)
    approve_from_cli(app, code, monkeypatch)
    replicas = []
    for n in range(2):
        db = Database.from_url(db_url)
        ch = RecordingChannel("fake")
        replicas.append((build_app(app.settings, clock=app.clock, channels={"fake": ch}, db=db), ch, db))
    start = threading.Barrier(len(replicas))
    errors: list[BaseException] = []

    def tick(a: App, n: int) -> None:
        try:
            start.wait()
            asyncio.run(ReminderService(a, instance_id=f"replica-{n}").run_tick())
        except BaseException as e:  # reported in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=tick, args=(a, n)) for n, (a, _, _) in enumerate(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(t for _, ch, _ in replicas for t in ch.texts("p9")) == [APPROVED]
    assert notices(app) == [("p9", outbox.SENT, 1)]
    for _, _, db in replicas:
        db.dispose()


@pytest.mark.parametrize("entry", ["chat", "button", "cli", "web"])
async def test_every_entry_point_tells_the_requester_the_same_once(app: App, channel, entry: str,
                                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code = request(app)
    service = ReminderService(app)
    if entry == "chat":
        await app.handle(admin_msg(f"/duyet {code}"))
    elif entry == "button":
        await app.handle(admin_msg(callback=f"dk:ok:{code}"))
    elif entry == "cli":
        approve_from_cli(app, code, monkeypatch)
    else:
        from tests.test_admin_parity import CASES

        _by_web(app, CASES["duyet"], code)
    await service.run_tick()
    await service.run_tick()
    assert channel.texts("p9") == [APPROVED]
    assert notices(app) == [("p9", outbox.SENT, 1)]


class Flaky(RecordingChannel):
    """Fails the first sends as told, then sends."""

    def __init__(self, *errors: Exception) -> None:
        super().__init__("fake")
        self.errors = list(errors)

    async def send(self, chat_id: str, reply: Reply):  # type: ignore[no-untyped-def]
        if self.errors:
            raise self.errors.pop(0)
        return await super().send(chat_id, reply)


async def test_a_failed_send_is_retried_after_its_backoff_and_an_unreachable_chat_gives_up(
        settings, clock, db) -> None:  # type: ignore[no-untyped-def]
    flaky = Flaky(TransientSendError("429", retry_after=90))
    app = build_app(settings, clock=clock, channels={"fake": flaky}, db=db)
    service = ReminderService(app)
    with app.db.session() as s:
        outbox.enqueue(s, clock.now(), ChatRef("fake", "p9"), outbox.FOCAL_DECISION,
                       {"unit": "Sở Tư pháp", "approved": True})
    await service.run_tick()
    assert flaky.texts("p9") == [] and notices(app) == [("p9", outbox.PENDING, 1)]
    clock.advance(timedelta(seconds=60))  # the channel's retry-after (90 s) is longer than the first backoff
    await service.run_tick()
    assert flaky.texts("p9") == []
    clock.advance(timedelta(seconds=31))
    await service.run_tick()
    assert flaky.texts("p9") == [APPROVED] and notices(app) == [("p9", outbox.SENT, 2)]

    flaky.errors.append(ChatUnreachable("blocked"))
    with app.db.session() as s:
        outbox.enqueue(s, clock.now(), ChatRef("fake", "p8"), outbox.FOCAL_DECISION,
                       {"unit": "Sở Tư pháp", "approved": False})
    await service.run_tick()
    clock.advance(timedelta(hours=2))
    await service.run_tick()
    assert flaky.texts("p8") == [] and notices(app)[1] == ("p8", outbox.FAILED, 1)


def test_an_unknown_kind_is_refused_before_anything_is_written(app: App) -> None:
    with app.db.session() as s, pytest.raises(ValueError):
        outbox.enqueue(s, app.clock.now(), ChatRef("fake", "p9"), "nonsense", {})
    assert notices(app) == []
