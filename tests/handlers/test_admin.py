"""/quyen: super-admins grant and revoke admins; every change is audited."""
from __future__ import annotations

from sqlalchemy import select

from bot.core.models import AuditEntry
from handlers.registry import Role
from bot.core.admins import resolve_role
from tests.builders import admin_msg, msg, cli_environment


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


async def test_a_made_up_user_reference_grants_nothing(app):
    """QA: "/quyen them abc" in the console stored console:abc; a name instead of a Telegram id stored it too."""
    from bot.core.models import Admin

    from bot.core.messages import ChatRef, IncomingMessage, Sender
    console = IncomingMessage(ChatRef("console", "local"), Sender("operator", "Quản trị"), text="/quyen them abc")
    answer = await say(app, console)
    assert "không phải mã người dùng" in answer and "telegram:123456" in answer and "Chưa cấp quyền" in answer
    for bad in ("/quyen them zl:zu9", "/quyen them telegram:Nguyen Văn A", "/quyen them console:abc"):
        assert "Chưa cấp quyền" in await say(app, admin_msg(bad)), bad
    tg = IncomingMessage(ChatRef("telegram", "1001"), Sender("1001", "Sếp"), text="/quyen them Nguyễn")
    assert "Mã người dùng Telegram là một dãy số" in await say(app, tg)
    with app.db.session() as s:
        assert list(s.scalars(select(Admin))) == []
    assert "Đã cấp quyền" in await say(app, admin_msg("/quyen them zalo:abc123 Chị Mai"))
    assert "Đã cấp quyền" in await say(app, IncomingMessage(ChatRef("telegram", "1001"), Sender("1001", "Sếp"),
                                                             text="/quyen them 123456"))


def test_cli_grant_checks_the_reference(tmp_path, monkeypatch, capsys, db_url):  # type: ignore[no-untyped-def]
    from bot import schema
    from bot.cli import main
    from bot.core.db import Database

    database = Database.from_url(db_url)
    schema.upgrade(database)
    database.engine.dispose()
    cli_environment(monkeypatch, tmp_path, db_url)
    for bad in ("console:abc", "telegram:abc", "zl:1"):
        assert main(["admins", "grant", bad]) == 2, bad
        err = capsys.readouterr().err
        assert ("dãy số" if bad == "telegram:abc" else "không phải mã người dùng") in err, err
    assert main(["admins", "grant", "telegram:123456"]) == 0
    out = capsys.readouterr().out
    assert "Đã cấp quyền quản trị cho telegram:123456" in out
    assert main(["admins", "list"]) == 0
    assert capsys.readouterr().out.strip() == "telegram:123456"
