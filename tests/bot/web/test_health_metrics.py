"""/healthz, /readyz and /metrics over real HTTP on 127.0.0.1: readiness states and metrics moving with reminders."""
from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta

import httpx
import pytest

from bot.app import build_app
from bot.core.clock import VN_TZ
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.logs import setup_logging
from bot.core.ports import ChatUnreachable, TransientSendError
from bot.web.app import create_app
from bot.web.server import WebServer
from scheduler.models import Chat
from scheduler.repo import create_deadline
from scheduler.service import ReminderService
from scheduler.units import add_unit

TOKEN = "987654321:AAHk-secretSECRETsecret_0123456789"


@pytest.fixture
async def web(app):  # type: ignore[no-untyped-def]
    server = WebServer(create_app(app), "127.0.0.1:0")
    await server.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield client
    await server.stop()


def seed(app, groups=("g1", "g2")) -> None:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        for i, group in enumerate(groups):
            u = add_unit(s, f"UBND xã Số {i + 1}", "xa")
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=u.name, active=True, unit_id=u.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC", what="Báo cáo", rule="ngày 10 tháng cuối quý",
                                submit_to="Sở Nội vụ", source="581/BNV-CCHC", audience_types=["xa"], leads=[7, 0]),
                        at=app.clock.now(), by="test")


def sample(app, name: str, **labels: str) -> float:
    return app.metrics.registry.get_sample_value(name, labels or None) or 0.0


async def test_healthz_answers_and_readyz_is_ready_with_a_database_and_nothing_else_expected(web):
    assert (await web.get("/healthz")).text == "ok\n"
    r = await web.get("/readyz")
    assert r.status_code == 200 and r.json() == {"ready": True, "problems": []}


async def test_readyz_wants_a_recent_tick_and_started_channels(web, app, clock):
    app.health.scheduler_started(timedelta(seconds=30))
    r = await web.get("/readyz")
    assert r.status_code == 503 and r.json()["problems"] == ["bộ lập lịch nhắc hạn chưa chạy lượt nào"]
    app.health.ticked(clock.now())
    clock.advance(timedelta(seconds=60))
    assert (await web.get("/readyz")).status_code == 200  # within two intervals
    clock.advance(timedelta(seconds=1))
    r = await web.get("/readyz")
    assert r.status_code == 503 and "không chạy từ 61 s (chu kỳ 30 s)" in r.json()["problems"][0]
    app.health.ticked(clock.now())
    app.health.channel_waiting("telegram", "không kết nối được (ConnectError: …)")
    r = await web.get("/readyz")
    assert r.status_code == 503 and r.json()["problems"] == ["kênh telegram chưa chạy: không kết nối được (ConnectError: …)"]
    app.health.channel_started("telegram")
    assert (await web.get("/readyz")).status_code == 200


async def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path, clock):
    db = Database.from_url("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    app = build_app(Settings(data_dir=tmp_path), clock=clock, db=_no_schema(db))
    server = WebServer(create_app(app), "127.0.0.1:0")
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            r = await client.get("/readyz")
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await server.stop()
    assert r.status_code == 503
    assert r.json()["problems"][0].startswith("không kết nối được cơ sở dữ liệu: OperationalError")


def _no_schema(db: Database) -> Database:
    db.create_all = lambda: None  # type: ignore[method-assign]  # nothing to create on a database that is not there
    return db


async def test_metrics_move_when_reminders_are_sent_fail_and_questions_are_asked(web, app, clock, channel):
    seed(app, groups=("g1", "g2", "g3"))
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    # g1 is gone; the admins' notice about it meets a 429; g2 and g3 get their reminders
    channel.failures_in = {"g1": [ChatUnreachable("bot bị xoá khỏi nhóm")],
                           "boss": [TransientSendError("429", retry_after=5)]}
    await service.run_tick()
    assert sample(app, "cchc_reminders_sent_total", channel="fake") == 2
    assert sample(app, "cchc_reminders_failed_total", channel="fake") == 1
    assert sample(app, "cchc_channel_send_errors_total", channel="fake", kind="unreachable") == 1
    assert sample(app, "cchc_channel_send_errors_total", channel="fake", kind="rate_limited") == 1
    assert sample(app, "cchc_scheduler_tick_seconds_count") == 1
    assert sample(app, "cchc_scheduler_last_tick_timestamp_seconds") == clock.now().timestamp()
    assert sample(app, "cchc_reminders_planned") >= 1
    app.knowledge.ensure_ready()
    await app.handle(_msg("/hoi kế hoạch cải cách hành chính ban hành chậm nhất ngày nào"))
    await app.handle(_msg("/hoi giá vàng hôm nay bao nhiêu"))
    text = (await web.get("/metrics")).text
    assert 'cchc_reminders_sent_total{channel="fake"} 2.0' in text
    assert "cchc_question_seconds_count 2.0" in text
    answered = sample(app, "cchc_questions_total", outcome="answered")
    declined = sample(app, "cchc_questions_total", outcome="declined")
    assert answered + declined == 2  # which of the two depends on the knowledge base, not on the metrics


async def test_a_confirmation_is_counted(app, clock, channel):
    seed(app, groups=("g1",))
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    await service.tick()
    await app.handle(_msg("/danop cchc", chat="g1", kind="group"))
    assert sample(app, "cchc_confirmations_total", channel="fake") == 1


def test_each_app_has_its_own_registry(app, settings, clock, db):
    other = build_app(settings, clock=clock, db=db)
    app.metrics.reminder_sent("fake", late=True)
    assert sample(app, "cchc_reminders_late_total", channel="fake") == 1
    assert sample(other, "cchc_reminders_late_total", channel="fake") == 0


async def test_json_logs_carry_the_delivery_fields_and_no_token(app, clock, channel):
    seed(app, groups=("g1",))
    service = ReminderService(app)
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    channel.failures = [TransientSendError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage: 502")]
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "apscheduler", "alembic",
                                                               "telegram.ext.Updater")}
    stream = io.StringIO()
    try:
        setup_logging("INFO", [TOKEN], fmt="json")
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        await service.tick()
        logging.getLogger("test").warning("token in a field", extra={"chat": f"bot{TOKEN}"})
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert TOKEN not in stream.getvalue() and "AAHk" not in stream.getvalue()
    failed = next(r for r in lines if "retrying in" in r["message"])
    assert failed["level"] == "WARNING" and failed["logger"] == "scheduler.service" and "time" in failed
    assert {k: failed[k] for k in ("channel", "chat", "deadline")} == {"channel": "fake", "chat": "g1", "deadline": "cchc"}
    assert isinstance(failed["occurrence"], int) and isinstance(failed["delivery"], int)
    assert lines[-1]["chat"] == "bot***"


def _msg(text: str, *, chat: str = "u1", kind: str = "private"):  # type: ignore[no-untyped-def]
    from bot.core.messages import ChatRef, IncomingMessage, Sender

    return IncomingMessage(chat=ChatRef("fake", chat), sender=Sender("u1", "Nguyễn Văn A"), text=text, chat_kind=kind)
