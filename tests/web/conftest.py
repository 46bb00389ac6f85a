"""A dashboard over the test app, an HTTP client on it, and a signed-in admin; no web code may open a database
session on an event loop other than a database worker's (checked around every test here)."""
from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.app import App
from bot.core.login_links import issue_link
from bot.web.app import create_app

ADMIN = ("telegram", "1001")  # a super-admin in the settings fixture's ADMIN_IDS


def _on_a_serving_loop(db: object) -> bool:
    """Whether the caller runs on an event loop that is not a database worker's own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False  # a plain thread (a worker's job, asyncio.to_thread, a sync test body)
    return not db.workers.here()  # type: ignore[attr-defined]


def _web_frame() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        if "/bot/web/" in frame.f_code.co_filename.replace("\\", "/"):
            return f"{frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def no_session_on_the_loop(app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records every database session that web code opens on a serving event loop; the test fails if there is one."""
    found: list[str] = []
    opened = app.db.session

    @contextlib.contextmanager
    def session():  # type: ignore[no-untyped-def]
        if _on_a_serving_loop(app.db) and (where := _web_frame()) is not None:
            found.append(where)
        with opened() as s:
            yield s

    monkeypatch.setattr(app.db, "session", session)
    yield found
    assert found == [], f"database sessions opened on the event loop by web code: {found}"


@pytest.fixture
def client(app: App) -> TestClient:
    return TestClient(create_app(app), base_url="http://testserver", follow_redirects=False)


def link_token(app: App, channel: str = ADMIN[0], user: str = ADMIN[1], name: str = "Chị Hoa") -> str:
    with app.db.session() as s:
        return issue_link(s, app.clock.now(), channel, user, name)


def sign_in(client: TestClient, token: str):  # type: ignore[no-untyped-def]
    return client.post("/dang-nhap", data={"t": token})


@pytest.fixture
def admin(app: App, client: TestClient) -> TestClient:
    """The client, signed in as the telegram super-admin."""
    r = sign_in(client, link_token(app))
    assert r.status_code == 303 and r.headers["location"] == "/tong-quan"
    return client


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)
