"""Plan a year of reminders for one province (150 units) and for a national deployment (4,000 units); print time
and peak memory of each.

    python bench/plan_year.py [--sizes 150,4000] [--db sqlite|URL]

Each size runs in a child process of its own (so that its peak memory is its own), on a fresh database, through
the real engine (ReminderService.replan) with the planning horizon set to 365 days (the service plans 45 days
ahead in production): one group per unit, the CCHC reporting deadline (quarter I, 6 months, quarter III, year)
and the annual-plan deadline, leads 7,3,1,0, escalation 3 working days (the defaults). 150 units are a province
(22 provincial agencies, 128 communes); 4,000 the whole country (700 agencies, 3,300 communes).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SPLIT = {150: (22, 128), 4000: (700, 3300)}  # units -> (agencies, communes)


def split(units: int) -> tuple[int, int]:
    """(agencies, communes) of a deployment of `units` units (the two measured sizes, else about 1 in 6 agencies)."""
    if units in SPLIT:
        return SPLIT[units]
    agencies = max(1, round(units * 0.175))
    return agencies, units - agencies


def measure(units: int, db_arg: str) -> dict[str, float | int | str]:
    """Seed, plan a year, re-plan with nothing changed; the figures of this process."""
    from sqlalchemy import func, select

    import scheduler.service as service_module
    from bot.app import build_app
    from bot.channels.recording import RecordingChannel
    from bot.core.clock import VN_TZ, FixedClock
    from bot.core.config import Settings
    from bot.core.db import Database
    from scheduler.models import Chat, Delivery
    from scheduler.repo import create_deadline
    from scheduler.service import ReminderService
    from scheduler.units import add_unit

    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/plan.db" if db_arg == "sqlite" else db_arg
    if db_arg != "sqlite":
        from sqlalchemy import text

        from bot.core.db import make_engine
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    db = Database.from_url(url)
    db.create_all()
    clock = FixedClock(datetime(2027, 1, 1, 0, 5, tzinfo=VN_TZ))
    app = build_app(Settings(data_dir=Path(tmp)), clock=clock, channels={"fake": RecordingChannel("fake")}, db=db)
    agencies, communes = split(units)
    t0 = time.perf_counter()
    with db.session() as s:
        for kind, n in (("xa", communes), ("so", agencies)):
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
        rows = int(s.scalar(select(func.count()).select_from(Delivery)) or 0)
    db.engine.dispose()
    return dict(units=units, agencies=agencies, communes=communes, database=db.dialect, seeding_s=seeded,
                first_plan_s=first, replan_s=again, pending=planned, rows=rows,
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="150,4000", help="numbers of units, comma-separated")
    ap.add_argument("--db", default="sqlite", help="sqlite (a temporary file) or a database URL (emptied first)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process measuring one size
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.db)))
        return 0
    for units in (int(x) for x in args.sizes.split(",") if x.strip()):
        out = subprocess.run([sys.executable, __file__, "--one", str(units), "--db", args.db],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['units']} units ({r['agencies']} agencies, {r['communes']} communes), one group each, "
              f"database {r['database']}:")
        print(f"  seeding: {r['seeding_s']:.1f} s")
        print(f"  first plan of a year: {r['first_plan_s']:.2f} s, {r['pending']} reminders pending, "
              f"{r['rows']} delivery rows")
        print(f"  re-plan with nothing changed: {r['replan_s']:.2f} s")
        print(f"  peak memory (max RSS of its process): {r['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
