"""Shared pieces of the fault and load scripts: scratch PostgreSQL databases, seeding, bot processes, the fake API."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fake_bot_api import FakeBotApi  # noqa: E402
from bot.app import App, build_app  # noqa: E402
from bot.core.clock import VN_TZ, SystemClock  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.core.db import Database  # noqa: E402
from bot.schema import head, upgrade  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TOKEN = "123456:fake-bench-token-not-a-secret"
CHAT_BASE = -1001000000000  # Telegram supergroup ids: CHAT_BASE - i


# Per run: a bot left over from an earlier run (e.g. an interrupted script) reconnects to a database of the
# same name and competes for the claims; with this suffix it finds its database gone instead.
RUN_SUFFIX = f"_{os.getpid()}"


def fresh_database(name: str) -> str:
    """Drop and create the PostgreSQL database `name` (made unique to this run); its URL, schema in place."""
    name += RUN_SUFFIX
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    db = Database.from_url(url)
    if head() is None:  # no migration written yet
        db.create_all()
    else:
        upgrade(db)
    db.engine.dispose()
    return url


def drop_database(name: str) -> None:
    name += RUN_SUFFIX
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_app(db_url: str, data_dir: Path) -> App:
    return build_app(Settings(data_dir=data_dir, database_url=db_url), clock=SystemClock(),
                     db=Database.from_url(db_url))


def seed_groups(app: App, groups: int, *, channel: str = "telegram") -> list[str]:
    """`groups` commune units, each with one registered group on `channel`; returns the chat ids."""
    from scheduler.models import Chat
    from scheduler.units import add_unit

    ids = []
    long_ago = datetime.now(VN_TZ) - timedelta(days=2)  # registered before the reminder's time: it is missed, not new
    with app.db.session() as s:
        for i in range(groups):
            u = add_unit(s, f"UBND xã Thử nghiệm {i:04d}", "xa")
            chat_id = str(CHAT_BASE - i)
            s.add(Chat(channel=channel, chat_id=chat_id, kind="group", title=f"Nhóm xã {i:04d}", active=True,
                       unit_id=u.id, first_seen=long_ago, registered_at=long_ago))
            ids.append(chat_id)
    return ids


def plan_reminder_due_now(app: App) -> int:
    """A deadline (added two days ago) three days ahead whose 3-day reminder time has passed, planned into `deliveries`.

    The running bots pick the rows up on their next tick, as after a replica's re-plan.
    Returns the number of deliveries planned.
    """
    from scheduler.models import Delivery
    from scheduler.repo import create_deadline
    from scheduler.service import ReminderService

    now = datetime.now(VN_TZ)
    due = (now + timedelta(days=3)).date()
    with app.db.session() as s:
        create_deadline(s, dict(code="bench", title="Báo cáo thử tải", what="Báo cáo thử", rule=due.strftime("%d/%m/%Y"),
                                submit_to="Sở Nội vụ", source="bench", audience_types=["xa"], leads=[3],
                                remind_at="00:00"), at=now - timedelta(days=2), by="bench")
    ReminderService(app, instance_id="bench-planner").replan()
    with app.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "pending")) or 0)


def delivery_states(app: App) -> dict[str, int]:
    """Deliveries per status, of those due by now (the plan also holds later ones, e.g. the due date's reminder)."""
    from datetime import timezone

    from scheduler.models import Delivery

    with app.db.session() as s:
        rows = s.execute(select(Delivery.status, func.count())
                         .where(Delivery.scheduled_for <= datetime.now(timezone.utc))
                         .group_by(Delivery.status)).all()
    return {status: int(n) for status, n in rows}


class CountingApi(FakeBotApi):
    """The fake Bot API, also counting every method and the sends answered late (client timeouts)."""

    def __init__(self, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kw)
        self.methods: dict[str, int] = {}
        self.slow = 0

    def answer(self, method: str, params: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
        with self.lock:
            self.methods[method] = self.methods.get(method, 0) + 1
        started = time.monotonic()
        result = super().answer(method, params)
        if method == "sendMessage" and self.delay and time.monotonic() - started >= self.delay * 0.9:
            with self.lock:
                self.slow += 1
        return result

    def total_sent(self) -> int:
        with self.lock:
            return sum(self.per_chat.values())


class BotProcess:
    """`python -m bot run` (through bench/_run_bot.py, which only shortens the engine's timers)."""

    def __init__(self, name: str, *, db_url: str, api_url: str, workdir: Path, tick: float, lease: float,
                 extra_env: dict[str, str] | None = None, data_dir: Path | None = None,
                 heartbeat: float | None = None, stale: float | None = None) -> None:
        """`data_dir`: this bot's own (two replicas on one host need their own for distinct default ids);
        `heartbeat`/`stale`: the replica heartbeat's period and staleness (production: 10 s and 60 s)."""
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api_url,
                    "DATABASE_URL": db_url, "DATA_DIR": str(data_dir or workdir / "data"), "LOG_LEVEL": "INFO",
                    "ADMIN_IDS": "", "BENCH_TICK_SECONDS": str(tick), "BENCH_LEASE_SECONDS": str(lease),
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("INSTANCE_ID", None)  # only what the scenario sets (extra_env)
        if heartbeat is not None:
            self.env["BENCH_HEARTBEAT_SECONDS"] = str(heartbeat)
        if stale is not None:
            self.env["BENCH_STALE_SECONDS"] = str(stale)
        self.env.update(extra_env or {})
        for var in ("ZALO_BOT_TOKEN", "ZALO_OA_APP_ID", "TELEGRAM_WEBHOOK_URL"):
            self.env.pop(var, None)
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n===== start #{self.starts} =====\n".encode())
        log.flush()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "_run_bot.py")], cwd=ROOT, env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()

    def wait_ready(self, timeout: float = 90) -> None:
        """Until this start's log says the reminder scheduler runs (the channel is up and the first tick done)."""
        self.wait_log("bench: reminder service started", timeout)

    def wait_log(self, needle: str, timeout: float = 90) -> None:
        """Until this start's log has `needle` (e.g. "instance id:", once the replica registered)."""
        deadline = time.monotonic() + timeout
        marker = f"===== start #{self.starts} ====="
        while time.monotonic() < deadline:
            log = self.log_path.read_text(errors="replace")
            current = log[log.rfind(marker):]
            if needle in current:
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start within {timeout:.0f} s; see {self.log_path}")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill9()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_count(self, needle: str) -> int:
        return self.log_path.read_text(errors="replace").count(needle) if self.log_path.exists() else 0


def wait_until(cond: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def lost_and_duplicated(expected: list[str], per_chat: dict[str, int]) -> tuple[int, int]:
    lost = sum(1 for c in expected if per_chat.get(c, 0) == 0)
    duplicated = sum(max(0, per_chat.get(c, 0) - 1) for c in expected)
    return lost, duplicated


def print_table(header: list[str], rows: list[list[object]]) -> None:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    for n, r in enumerate(cells):
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))
        if n == 0:
            print(line)
