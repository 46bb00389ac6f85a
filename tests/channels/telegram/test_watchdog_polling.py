"""The update watchdog in Telegram polling mode, and the update loop surviving what used to stop it."""
from __future__ import annotations

import logging

from bot.channels.telegram import TelegramChannel
from tests.channels.telegram import updates as u
from tests.channels.telegram.fake_api import FakeBotAPI
from tests.channels.watchdog_steps import StuckDispatch, not_ready_then_exit, recovers, until


async def test_polled_updates_that_are_not_processed_make_it_not_ready_then_exit(tg: TelegramChannel,
                                                                                 fake: FakeBotAPI, app, clock):
    assert tg.webhook is None and tg.webhook_route() is None  # long polling
    with StuckDispatch(app) as stuck:
        fake.push_update(u.text_update("/start", chat_id=700, user_id=700))
        fake.push_update(u.text_update("/help", chat_id=701, user_id=701))
        await not_ready_then_exit(app, clock, pending=2)
        await recovers(app, stuck)
    await fake.wait_for("sendMessage", 2)


async def test_an_exception_in_handling_is_logged_and_polling_goes_on(tg: TelegramChannel, fake: FakeBotAPI, app,
                                                                      caplog):
    real, calls = app.submit, []

    def failing_once(*a, **kw):  # type: ignore[no-untyped-def]
        calls.append(a)
        if len(calls) == 1:
            raise RuntimeError("handler bug")
        return real(*a, **kw)

    app.submit = failing_once
    fake.push_update(u.text_update("/start", chat_id=702, user_id=702))
    fake.push_update(u.text_update("/help", chat_id=703, user_id=703))
    await fake.wait_for("sendMessage")
    await until(lambda: app.health.pending_updates == 0, "both updates processed")
    assert fake.sent(703) and not fake.sent(702)
    assert any("update handling failed" in r.getMessage() and "handler bug" in r.getMessage() for r in caplog.records)


async def test_a_deeply_nested_update_at_debug_level_does_not_stop_the_update_loop(tg: TelegramChannel,
                                                                                   fake: FakeBotAPI, app, caplog):
    """PTB logs every update at DEBUG; the repr of a deeply nested one raised RecursionError inside its loop."""
    inner = u.message("x", chat_id=704, user_id=704)
    nested = inner
    for _ in range(300):  # Telegram itself nests one level; this one parses, but its repr recurses too deep
        deeper = u.message("y", chat_id=704, user_id=704)
        nested["reply_to_message"] = deeper
        nested = deeper
    caplog.set_level(logging.DEBUG, logger="telegram.ext.Application")
    fake.push_update(u.update(message=inner))
    fake.push_update(u.text_update("/help", chat_id=705, user_id=705))
    await fake.wait_for("sendMessage")
    assert fake.sent(705)
    assert any("arguments not shown: RecursionError" in r.getMessage() for r in caplog.records)
