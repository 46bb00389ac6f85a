"""The dashboard's locks: no page without a session, links used once and for 10 minutes, CSRF, the admin role."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.admins import grant_admin, revoke_admin
from bot.core.models import AuditEntry
from bot.web.dashboard.auth import COOKIE
from scheduler.models import Unit
from tests.web.conftest import csrf_of, link_token, sign_in

PAGES = ["/tong-quan", "/han-nop", "/don-vi", "/van-ban", "/ngay-nghi", "/nhat-ky", "/hoi-thu", "/tinh-hinh.xlsx",
         "/bieu-do.png", "/don-vi/mau.xlsx"]
POSTS = ["/han-nop/them", "/han-nop/xem-truoc", "/don-vi/them", "/don-vi/nhap", "/ngay-nghi", "/van-ban/tai-len",
         "/dang-xuat", "/hoi-thu", "/han-nop/cchc/xoa"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_without_a_session(client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(path)
    assert r.status_code == 303 and r.headers["location"] == "/dang-nhap"


@pytest.mark.parametrize("path", POSTS)
def test_no_action_without_a_session(client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post(path, data={"csrf": "x", "name": "Sở Mới", "type": "sở"})
    assert r.status_code == 401 and "/web" in r.text


def test_login_page_explains_and_a_link_posts_once(app: App, client) -> None:  # type: ignore[no-untyped-def]
    assert "/web" in client.get("/dang-nhap").text
    token = link_token(app)
    shown = client.get(f"/dang-nhap?t={token}")
    assert shown.status_code == 200 and 'id="login"' in shown.text
    # A GET (as a chat app's link preview does) must not use the link up:
    assert client.get(f"/dang-nhap?t={token}").status_code == 200
    r = sign_in(client, token)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=28800" in cookie
    assert client.get("/tong-quan").status_code == 200
    client.cookies.clear()
    again = sign_in(client, token)
    assert again.status_code == 400 and "đã được dùng" in again.text and COOKIE not in again.headers.get("set-cookie", "")
    assert client.get("/tong-quan").status_code == 303


def test_link_expires_after_ten_minutes_and_session_after_eight_hours(app: App, client, clock) -> None:  # type: ignore[no-untyped-def]
    old = link_token(app)
    clock.advance(timedelta(minutes=10, seconds=1))
    assert sign_in(client, old).status_code == 400
    assert sign_in(client, link_token(app)).status_code == 303
    clock.advance(timedelta(hours=7, minutes=59))
    assert client.get("/tong-quan").status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/tong-quan").status_code == 303


def test_tokens_are_stored_hashed(app: App, client) -> None:  # type: ignore[no-untyped-def]
    from bot.core.login_links import WebLogin

    token = link_token(app)
    sign_in(client, token)
    session_token = client.cookies[COOKIE].split(".")[0]
    with app.db.session() as s:
        stored = [row.token_hash for row in s.scalars(select(WebLogin).where(WebLogin.kind != "signing-key"))]
    assert len(stored) == 2 and token not in stored and session_token not in stored
    assert all(len(h) == 64 for h in stored)


def test_forged_or_missing_csrf_changes_nothing_and_is_audited(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    for data in ({"csrf": "forged", "name": "Sở Mới", "type": "sở"}, {"name": "Sở Mới", "type": "sở"}):
        r = admin.post("/don-vi/them", data=data)
        assert r.status_code == 403 and "CSRF" in r.text
    with app.db.session() as s:
        assert s.scalar(select(Unit)) is None
        denied = list(s.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")))
    assert len(denied) == 2 and denied[0].user_id == "1001" and denied[0].chat_id == "web"
    good = admin.post("/don-vi/them", data={"csrf": csrf_of(admin.get("/don-vi").text), "name": "Sở Mới", "type": "sở"})
    assert good.status_code == 200 and "Đã thêm Sở Mới" in good.text


def test_forged_cookie_is_no_session(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    value = admin.cookies[COOKIE]
    admin.cookies.set(COOKIE, ("y" if value[0] == "x" else "x") + value[1:])  # always a different first character
    assert admin.get("/tong-quan").status_code == 303


def test_a_non_admin_session_sees_no_page(app: App, client) -> None:  # type: ignore[no-untyped-def]
    from scheduler.timeutil import as_utc

    with app.db.session() as s:
        grant_admin(s, "zalo", "z9", by="test", at=as_utc(app.clock.now()))
    assert sign_in(client, link_token(app, "zalo", "z9")).status_code == 303
    assert client.get("/don-vi").status_code == 200
    with app.db.session() as s:
        revoke_admin(s, "zalo", "z9")
    for path in ("/tong-quan", "/don-vi", "/tinh-hinh.xlsx"):
        r = client.get(path)
        assert r.status_code == 403 and "không còn" in r.text
    assert client.post("/don-vi/them", data={"csrf": "x", "name": "A", "type": "sở"}).status_code == 403


def test_logout_ends_the_session_everywhere(app: App, admin) -> None:  # type: ignore[no-untyped-def]
    cookie = admin.cookies[COOKIE]
    r = admin.post("/dang-xuat", data={"csrf": csrf_of(admin.get("/tong-quan").text)})
    assert r.status_code == 303
    admin.cookies.set(COOKIE, cookie)  # a copy of the cookie kept elsewhere
    assert admin.get("/tong-quan").status_code == 303


def test_pages_are_not_cached_nor_framed(admin) -> None:  # type: ignore[no-untyped-def]
    r = admin.get("/tong-quan")
    assert r.headers["cache-control"] == "no-store" and r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "http" not in r.text.split("<main>")[0].replace('http-equiv', '')  # no external stylesheet or script
