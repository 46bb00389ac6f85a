"""Plan a year of reminders for a national deployment (~3,300 communes + ~700 provincial agencies) and print time and memory.

    python bench/plan_scale.py [--communes 3300] [--agencies 700] [--db sqlite|URL]

Runs the real engine (ReminderService.replan) on a fresh database with the planning horizon set to
365 days (the service plans 45 days ahead in production), one group per unit, the CCHC reporting
deadline (quarter I, 6 months, quarter III, year; leads 7,3,1,0) and the annual-plan deadline.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

import scheduler.service as service_module  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.channels.recording import RecordingChannel  # noqa: E402
from bot.core.clock import VN_TZ, FixedClock  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.core.db import Database  # noqa: E402
from scheduler.models import Chat, Delivery  # noqa: E402
from scheduler.repo import create_deadline  # noqa: E402
from scheduler.service import ReminderService  # noqa: E402
from scheduler.units import add_unit  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", type=int, default=3300)
    ap.add_argument("--agencies", type=int, default=700)
    ap.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a database URL (emptied first)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/plan.db" if args.db == "sqlite" else args.db
    db = Database.from_url(url)
    db.create_all()
    clock = FixedClock(datetime(2027, 1, 1, 0, 5, tzinfo=VN_TZ))
    app = build_app(Settings(data_dir=Path(tmp)), clock=clock, channels={"fake": RecordingChannel("fake")}, db=db)
    t0 = time.perf_counter()
    with db.session() as s:
        for kind, n in (("xa", args.communes), ("so", args.agencies)):
            for i in range(n):
                u = add_unit(s, f"{'UBND xã' if kind == 'xa' else 'Sở'} số {i + 1}", kind)
                s.add(Chat(channel="fake", chat_id=f"{kind}{i}", kind="group", title=u.name, active=True, unit_id=u.id))
        for code, rule in (("cchc", "ngày 15 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"),
                           ("khcchc", "chậm nhất ngày 30/01 hằng năm")):
            create_deadline(s, dict(code=code, title=code, what="Báo cáo", rule=rule, submit_to="Sở Nội vụ",
                                    source="bench", audience_types=["xa", "so"], leads=[7, 3, 1, 0]),
                            at=clock.now(), by="bench")
    seeded = time.perf_counter() - t0
    service_module.HORIZON = timedelta(days=365)
    service = ReminderService(app)
    t1 = time.perf_counter()
    planned = service.replan()
    first = time.perf_counter() - t1
    t2 = time.perf_counter()
    service.replan()  # a re-plan with nothing changed: what every replica does after any change
    again = time.perf_counter() - t2
    with db.session() as s:
        rows = s.scalar(select(func.count()).select_from(Delivery))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    units = args.communes + args.agencies
    print(f"database: {db.dialect}; units: {units} ({args.communes} communes, {args.agencies} agencies), one group each")
    print(f"seeding: {seeded:.1f} s")
    print(f"first plan of a year: {first:.1f} s, {planned} reminders pending, {rows} delivery rows")
    print(f"re-plan with nothing changed: {again:.1f} s")
    print(f"peak memory (max RSS of the process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
