"""Every admin command × every role × every channel: refused (and audited) or allowed, per the table."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.ports import Capabilities
from bot.channels.recording import RecordingChannel
from bot.core.models import AuditEntry
from handlers.registry import REGISTRY, Role
from bot.core.admins import grant_admin
from handlers.router import load_commands
from tests.builders import msg

load_commands()
PROTECTED = [c for c in REGISTRY.unique() if c.role >= Role.ADMIN]
CHANNELS = {
    "telegram": Capabilities(buttons=True, mentions=True, edits=True),
    "zalo": Capabilities(max_length=2000, bare_commands=True, disclose_automation=True),
}
# (who, chat kind, is the group's own admin, the role the bot must give them)
CALLERS = [
    ("stranger", "private", False, Role.USER),
    ("stranger", "group", True, Role.USER),  # a group's own admin is not a bot admin
    ("granted", "private", False, Role.ADMIN),
    ("super", "private", False, Role.SUPERADMIN),
    ("1001", "private", False, None),  # telegram super-admin id; on other channels just a user
]


@pytest.fixture
def matrix_app(app, clock):
    for name, caps in CHANNELS.items():
        app.channels[name] = RecordingChannel(name, caps)
    app.settings.admin_ids.update({"telegram": frozenset({"1001", "super"}), "zalo": frozenset({"super"})})
    with app.db.session() as s:
        for name in CHANNELS:
            grant_admin(s, name, "granted", by="test", at=clock.now())
    return app


def test_there_are_protected_commands():
    assert PROTECTED, "no admin command is registered"


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("who,kind,chat_admin,role", CALLERS)
@pytest.mark.parametrize("cmd", PROTECTED, ids=lambda c: c.name)
async def test_admin_paths(matrix_app, cmd, channel, who, kind, chat_admin, role):
    if role is None:
        role = Role.SUPERADMIN if channel == "telegram" else Role.USER
    m = msg(f"/{cmd.name}", channel=channel, user=who, kind=kind, chat=f"{who}-{kind}", chat_admin=chat_admin)
    replies = await matrix_app.handle(m)
    refused = any("chỉ dành cho" in r.text for r in replies)
    assert refused == (role < cmd.role), [r.text for r in replies]
    with matrix_app.db.session() as s:
        denials = s.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    assert bool(denials) == refused
    if refused:
        assert denials[0].action == cmd.action_for("")[0].name and denials[0].user_id == who and denials[0].channel == channel
