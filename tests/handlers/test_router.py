"""The router: commands, unknown commands, roles, groups, bare commands and failures."""
from __future__ import annotations

from sqlalchemy import select

from bot.core.ports import Capabilities
from bot.core.models import AuditEntry
from handlers.registry import REGISTRY, Role
from handlers.router import load_commands, parse
from bot.core.admins import grant_admin, resolve_role
from tests.builders import admin_msg, msg


async def test_help_lists_user_commands_only_for_users(app):
    [reply] = await app.handle(msg("/help"))
    assert "Trợ lý CCHC" in reply.text
    assert "Lệnh quản trị" not in reply.text


async def test_help_shows_admin_commands_to_admins(app):
    load_commands()
    if not any(c.role >= Role.ADMIN for c in REGISTRY.unique()):
        return  # no admin commands registered in this build
    [reply] = await app.handle(admin_msg("/help"))
    assert "Lệnh quản trị" in reply.text


async def test_unknown_command_gets_short_help(app):
    [reply] = await app.handle(msg("/khongco"))
    assert "/help" in reply.text


async def test_group_chatter_is_ignored(app):
    assert await app.handle(msg("chào cả nhà", kind="group")) == []


async def test_command_with_bot_name_suffix(app):
    [reply] = await app.handle(msg("/help@cchc_bot", kind="group"))
    assert "Các lệnh" in reply.text


def test_bare_commands_only_where_the_channel_allows():
    load_commands()
    assert parse(msg("help"), bare_commands=False) is None
    assert parse(msg("help"), bare_commands=True) == ("help", "")
    assert parse(msg("Trợ giúp"), bare_commands=False) is None


async def test_roles(app, clock):
    with app.db.session() as s:
        assert resolve_role(app.settings, s, "console", "anyone") == Role.SUPERADMIN
        assert resolve_role(app.settings, s, "fake", "boss") == Role.SUPERADMIN
        assert resolve_role(app.settings, s, "fake", "u2") == Role.USER
        assert grant_admin(s, "fake", "u2", by="boss", at=clock.now())
        assert not grant_admin(s, "fake", "u2", by="boss", at=clock.now())
    with app.db.session() as s:
        assert resolve_role(app.settings, s, "fake", "u2") == Role.ADMIN


async def test_admin_command_refused_and_logged(app):
    load_commands()
    admin_cmds = [c for c in REGISTRY.unique() if c.role >= Role.ADMIN]
    if not admin_cmds:
        return
    cmd = admin_cmds[0]
    [reply] = await app.handle(msg(f"/{cmd.name}"))
    assert "chỉ dành cho" in reply.text
    with app.db.session() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert entry.outcome == "denied" and entry.action == cmd.action_for("")[0].name  # the use case's action


def test_capabilities_default():
    assert Capabilities().max_length == 4096


async def test_first_reply_to_a_new_chat_discloses_automation_where_required(app, channel):
    channel.capabilities = Capabilities(bare_commands=True, disclose_automation=True)
    [first] = await app.handle(msg("/help", chat="z1"))
    [second] = await app.handle(msg("/help", chat="z1"))
    assert "trợ lý tự động" in first.text.split("\n")[0]
    assert not second.text.startswith("ℹ️")


async def test_first_question_on_a_fresh_database_does_not_lock_it(app):
    """The knowledge base ingests its bundled corpus on first use, while the router holds a session."""
    [reply] = await app.handle(msg("ke hoach cchc nam cua cac so ban hanh cham nhat ngay nao", chat="new-chat"))
    assert "30/01" in reply.text


async def test_a_huge_message_is_refused_at_once_and_changes_nothing(app):
    [reply] = await app.handle(msg("/hoi " + "thủ tục hành chính " * 300_000))
    assert "quá dài" in reply.text and "5.700.005 ký tự" in reply.text
    assert await app.handle(msg("x" * 5000, kind="group")) == []  # group chatter stays ignored
