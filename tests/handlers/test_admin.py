"""/quyen: super-admins grant and revoke admins; every change is audited."""
from __future__ import annotations

from sqlalchemy import select

from bot.core.models import AuditEntry
from handlers.registry import Role
from bot.core.admins import resolve_role
from tests.builders import admin_msg, msg


async def say(app, m):  # type: ignore[no-untyped-def]
    [reply] = await app.handle(m)
    return reply.text


async def test_grant_list_and_revoke(app):
    assert "Đã cấp quyền" in await say(app, admin_msg("/quyen them fake:u2 Chị Hoa"))
    assert "đã là quản trị viên" in await say(app, admin_msg("/quyen them u2"))
    with app.db.session() as s:
        assert resolve_role(app.settings, s, "fake", "u2") == Role.ADMIN
    listing = await say(app, admin_msg("/quyen"))
    assert "fake:u2 Chị Hoa" in listing and "fake:boss" in listing
    assert "chỉ dành cho quản trị viên cấp cao" in await say(app, msg("/quyen them fake:u3", user="u2"))
    assert "Đã thu hồi" in await say(app, admin_msg("/quyen xoa fake:u2"))
    assert "không phải quản trị viên" in await say(app, admin_msg("/quyen xoa fake:u2"))
    with app.db.session() as s:
        assert resolve_role(app.settings, s, "fake", "u2") == Role.USER
        actions = [(a.action, a.outcome) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("quyen them", "ok") in actions and ("quyen xoa", "ok") in actions and ("quyen them", "denied") in actions  # the use case's action


async def test_bad_input_changes_nothing(app):
    for bad in ("/quyen cho u2", "/quyen them", "/quyen them fake:", "/quyen them :u2", "/quyen xoa a b:c d"):
        assert "Cú pháp" in await say(app, admin_msg(bad)), bad
    with app.db.session() as s:
        assert resolve_role(app.settings, s, "fake", "b") == Role.USER


async def test_super_admins_from_the_environment_cannot_be_revoked_in_chat(app):
    assert "ADMIN_IDS" in await say(app, admin_msg("/quyen xoa fake:boss"))
