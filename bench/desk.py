"""The admin's desk at a province's size: import N units from .xlsx, export and chart the status, the overview page.

python bench/desk.py [--units 150] [--deadlines 4]  — prints seconds and sizes (SQLite in a temp folder).
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from openpyxl import Workbook
    from starlette.testclient import TestClient

    import bot.schema  # noqa: F401  (every table)
    from bot.app import build_app
    from bot.core.clock import VN_TZ, FixedClock
    from bot.core.config import Settings
    from bot.core.db import Database
    from bot.core.login_links import issue_link
    from bot.web.app import create_app
    from bot.core.actors import CONSOLE
    from scheduler.usecases.units import import_units
    from scheduler.usecases.status import status_reports
    from scheduler.repo import acknowledge, create_deadline
    from scheduler.status_chart import status_chart_png
    from scheduler.status_xlsx import status_workbook
    from scheduler.unit_import import HEADERS

    p = argparse.ArgumentParser()
    p.add_argument("--units", type=int, default=150)
    p.add_argument("--deadlines", type=int, default=4)
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'desk.db'}"
    db = Database.from_url(url)
    db.create_all()
    clock = FixedClock(datetime(2026, 11, 25, 9, tzinfo=VN_TZ))
    app = build_app(Settings(data_dir=tmp, database_url=url, admin_ids={"telegram": frozenset({"1"})}), clock=clock, db=db)

    wb = Workbook()
    wb.active.append(list(HEADERS))
    for i in range(a.units):
        so = i < a.units // 4
        wb.active.append([f"Sở số {i}" if so else f"UBND xã số {i}", "sở" if so else "xã", f"DV{i}",
                          f"Người {i} (telegram:{10_000 + i})"])
    data = io.BytesIO()
    wb.save(data)
    t = time.perf_counter()
    with db.session() as s:
        check = import_units(s, clock.now(), CONSOLE, data.getvalue(), "dv.xlsx", dry_run=False)
    print(f"import {a.units} units (.xlsx {len(data.getvalue()):,} B): {time.perf_counter() - t:.2f} s, "
          f"{check.count('add')} added")
    t = time.perf_counter()
    with db.session() as s:
        again = import_units(s, clock.now(), CONSOLE, data.getvalue(), "dv.xlsx", dry_run=False)
    print(f"re-import (all unchanged: {again.count('unchanged')}): {time.perf_counter() - t:.2f} s")

    with db.session() as s:
        for k in range(a.deadlines):
            d = create_deadline(s, dict(code=f"bc-{k}", title=f"Báo cáo số {k}", rule="ngày 10 tháng cuối quý",
                                        audience_types=["so", "xa"], leads=[7, 3, 1, 0]), at=clock.now(), by="bench")
            from scheduler.daysoff import calendar_for
            from scheduler.occurrences import materialise

            rows = materialise(s, d, calendar_for(s), clock.now().date())
            occ = next(r for r, _ in rows if r.period == "2026-Q4")
            for uid in range(1, a.units // 2):
                acknowledge(s, occ.id, uid, channel="telegram", user_id="1", name="x", at=clock.now())
    t = time.perf_counter()
    with db.session() as s:
        reports = status_reports(s, clock.now())
    print(f"status reports ({len(reports)} deadlines × {a.units} units): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    xlsx = status_workbook(reports, clock.now().date())
    print(f"export .xlsx: {time.perf_counter() - t:.2f} s, {len(xlsx):,} B")
    t = time.perf_counter()
    png = status_chart_png(reports, clock.now().date())
    print(f"chart .png: {time.perf_counter() - t:.2f} s, {len(png):,} B")
    client = TestClient(create_app(app))
    with db.session() as s:
        token = issue_link(s, clock.now(), "telegram", "1")
    client.post("/dang-nhap", data={"t": token}, follow_redirects=False)
    for path in ("/tong-quan", "/don-vi", "/han-nop"):
        t = time.perf_counter()
        r = client.get(path)
        print(f"GET {path}: {time.perf_counter() - t:.2f} s, {len(r.content):,} B, HTTP {r.status_code}")


if __name__ == "__main__":
    main()
