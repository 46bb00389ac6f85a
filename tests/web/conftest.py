"""A dashboard over the test app, an HTTP client on it, and a signed-in admin."""
from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from bot.app import App
from bot.core.login_links import issue_link
from bot.web.app import create_app

ADMIN = ("telegram", "1001")  # a super-admin in the settings fixture's ADMIN_IDS


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
