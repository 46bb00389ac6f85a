"""A real browser (Debian's Chromium driven by Playwright) on the dashboard served by uvicorn on 127.0.0.1.

Log in by link, see the overview, import units from an .xlsx, add a deadline watching the preview, confirm a unit
from the chat side and see the overview change, download the export; a screenshot of every page is saved.
"""
from __future__ import annotations

import asyncio
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import build_app
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.login_links import issue_link
from tests.builders import msg
from tests.desk.test_unit_import import GOOD, xlsx

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PAGES = ("tong-quan", "han-nop", "don-vi", "van-ban", "ngay-nghi", "nhat-ky", "hoi-thu")

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip package playwright is not installed")
if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"{CHROMIUM} not found: `make test` installs Debian's chromium as root (apt-get install chromium)",
                allow_module_level=True)


class Served:
    """uvicorn in a thread of its own, on a free port of 127.0.0.1."""

    def __init__(self, asgi) -> None:  # type: ignore[no-untyped-def]
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=0, log_config=None,
                                                    access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    """Where the screenshots go: $SCREENSHOT_DIR when set (e.g. bench/out/screens), else the test's tmp dir."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_admin_works_the_dashboard_in_chromium(tmp_path: Path, screens: Path) -> None:
    from openpyxl import load_workbook

    from bot.web.app import create_app

    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, admin_ids={"telegram": frozenset({"1001"})})
    db = Database.from_url(db_url)
    import bot.schema  # noqa: F401  (every table)

    db.create_all()
    app = build_app(settings, clock=FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)), db=db)
    sheet = tmp_path / "don-vi.xlsx"
    sheet.write_bytes(xlsx(GOOD))
    with app.db.session() as s:
        token = issue_link(s, app.clock.now(), "telegram", "1001", "Chị Hoa")

    expect = playwright_api.expect
    with Served(create_app(app)) as base, playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 412, "height": 915}, accept_downloads=True,
                                       locale="vi-VN").new_page()
            # 1. The link from /web: a page with a button (link previews cannot use it up), then the overview.
            page.goto(f"{base}/dang-nhap?t={token}")
            page.screenshot(path=str(screens / "dang-nhap.png"), full_page=True)
            page.click("#login")
            page.wait_for_url(f"{base}/tong-quan")
            assert "Không có kỳ báo cáo nào đang mở" in page.inner_text("main")

            # 2. Units from an .xlsx: checked first, stored on the second press.
            page.goto(f"{base}/don-vi")
            page.set_input_files("#import-file", str(sheet))
            page.click("#import-check-button")
            assert "3 dòng hợp lệ: thêm mới 3" in page.inner_text("#import-check")
            page.screenshot(path=str(screens / "don-vi-kiem-tra.png"), full_page=True)
            page.click("#import-commit")
            assert "Đã lưu: 3 dòng hợp lệ" in page.inner_text(".flash")
            assert "Nguyễn Văn An (telegram)" in page.inner_text("table.units")

            # 3. A deadline, watching the live preview as the rule is typed.
            page.goto(f"{base}/han-nop")
            form = page.locator("#add-deadline")
            form.locator("[name=title]").fill("Báo cáo CCHC quý")
            form.locator("[name=audience]").fill("sở, xã")
            form.locator("[name=rule]").fill("ngày 31/02/2027")
            expect(page.locator("#preview.bad")).to_contain_text("không có thật")
            form.locator("[name=rule]").fill("ngày 10 tháng cuối quý")
            expect(page.locator("#preview")).to_contain_text("10/12/2026")
            form.locator("[name=exclude]").fill("Tân Lập")  # an excluded unit is neither reminded nor counted
            expect(page.locator("#preview")).to_contain_text("Trừ (không nhắc, không tính): UBND xã Tân Lập")
            expect(page.locator("#preview")).not_to_have_class("bad")
            page.screenshot(path=str(screens / "han-nop-xem-truoc.png"), full_page=True)
            form.locator("button[type=submit]").click()
            assert "Đã lưu hạn «Báo cáo CCHC quý»" in page.inner_text(".flash")

            # 4. The overview, then a focal point confirms in chat, and the overview counts it.
            page.goto(f"{base}/tong-quan")
            assert page.inner_text(".done-count") == "0/2"
            with ThreadPoolExecutor(1) as chat_side:  # Playwright's sync API owns this thread's event loop
                [said] = chat_side.submit(asyncio.run, app.handle(msg("/danop", channel="telegram", chat="123456",
                                                                      user="123456"))).result()
            assert "Sở Tư pháp" in said.text
            with page.expect_response(lambda r: r.url.endswith("/bieu-do.png")) as chart:
                page.reload()
            assert page.inner_text(".done-count") == "1/2"
            assert chart.value.status == 200 and chart.value.headers["content-type"] == "image/png"

            # 5. The export downloads and opens.
            with page.expect_download() as got:
                page.click("#export")
            saved = tmp_path / got.value.suggested_filename
            got.value.save_as(saved)
            wb = load_workbook(io.BytesIO(saved.read_bytes()))
            ws = wb[wb.sheetnames[1]]
            assert wb.sheetnames[0] == "Tổng hợp" and ws["A2"].value == "Sở Tư pháp" and ws["C2"].value == "Đã nộp"

            # 6. Every page, as a phone shows it.
            for slug in PAGES:
                page.goto(f"{base}/{slug}")
                assert page.locator("h1").count() == 1
                page.screenshot(path=str(screens / f"{slug}.png"), full_page=True)
        finally:
            browser.close()
    shots = sorted(p.name for p in screens.glob("*.png"))
    assert len(shots) == len(PAGES) + 3, shots
    print(f"screenshots: {screens}")
