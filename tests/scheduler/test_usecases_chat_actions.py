"""Acknowledgement, registration and remind-now use cases called directly, with a fixed clock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.actors import CONSOLE, Actor
from bot.core.errors import Forbidden, NotFound
from bot.core.messages import ChatRef, IncomingMessage, Sender
from bot.core.models import AuditEntry
from bot.core.roles import Role
from scheduler.changes import current as plan_version
from scheduler.chats import touch_chat
from scheduler.models import Unit
from scheduler.usecases import acknowledgements as acks
from scheduler.usecases import registrations as reg
from scheduler.usecases.reminders import remind_now
from tests.builders import seed_unit_with_deadline

ADMIN = Actor("fake", "boss", "cli", "Chị Hoa", Role.ADMIN)
MEMBER = Actor("fake", "u1", "g1", "Anh Nam", Role.USER)  # in the unit's group
STRANGER = Actor("fake", "u9", "p9", "Chị Lan", Role.USER)  # in a private chat with the bot


def audit(app, action: str) -> list[tuple[str, str, str, str]]:
    with app.db.session() as s:
        return [(e.user_id, e.chat_id, e.detail, e.outcome) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def test_an_admin_confirms_for_a_named_unit_with_the_report_number_then_undoes_it(app, clock):
    seed_unit_with_deadline(app, "fake", "g1")
    with app.db.session() as s:
        before = plan_version(s)
        done = acks.confirm(s, clock.now(), ADMIN, app.settings, text="bcn Sở Tư pháp số 12/BC-STP")
        assert plan_version(s) > before
    assert done.status == "done" and done.code == "bcn"
    [c] = done.confirmed
    assert (c.unit, c.by, c.note, c.new) == ("Sở Tư pháp", "Chị Hoa", "12/BC-STP", True)
    with app.db.session() as s:
        again = acks.confirm(s, clock.now(), MEMBER, app.settings, text="")
    assert again.status == "done" and [x.new for x in again.confirmed] == [False]
    [(user, chat, detail, outcome)] = audit(app, "danop")
    assert (user, chat, outcome) == ("boss", "cli", "ok") and detail.startswith("bcn ") and "số 12/BC-STP" in detail
    with app.db.session() as s:
        before = plan_version(s)
        undone = acks.undo(s, clock.now(), ADMIN, app.settings, text="bcn Sở Tư pháp")
        assert plan_version(s) > before
    assert (undone.status, undone.unit, undone.code) == ("done", "Sở Tư pháp", "bcn")
    assert [(u, o) for u, _, _, o in audit(app, "huynop")] == [("boss", "ok")]


def test_undo_is_refused_to_someone_else_and_closed_after_the_period(app, clock):
    seed_unit_with_deadline(app, "fake", "g1")
    with app.db.session() as s:
        assert acks.confirm(s, clock.now(), MEMBER, app.settings, text="").status == "done"
        other = Actor("fake", "u2", "g1", "Chị Mai", Role.USER)
        assert acks.undo(s, clock.now(), other, app.settings).status == "not_allowed"
        late = clock.now() + timedelta(days=40)
        assert acks.undo(s, late, MEMBER, app.settings).status == "closed"
    assert [o for *_, o in audit(app, "huynop")] == ["denied"]


def test_under_the_focal_policy_a_group_member_is_refused_and_audited(app, clock):
    from dataclasses import replace

    seed_unit_with_deadline(app, "fake", "g1")
    strict = replace(app.settings, confirm_policy="focal")
    with app.db.session() as s:
        refused = acks.confirm(s, clock.now(), MEMBER, strict, text="", in_group=True)
        assert acks.confirm(s, clock.now(), STRANGER, strict, text="").status == "no_unit"
    assert refused.status == "not_allowed" and refused.units == ("Sở Tư pháp",)
    assert [(u, o) for u, _, _, o in audit(app, "danop")] == [("u1", "denied")]


def test_a_focal_point_request_waits_for_an_admin_who_alone_decides(app, clock):
    seed_unit_with_deadline(app, "fake", "g1")
    with app.db.session() as s:
        unit = s.scalar(select(Unit))
        req = reg.request_focal(s, clock.now(), STRANGER, unit)
        assert reg.request_focal(s, clock.now(), STRANGER, unit).status == "waiting"
    assert (req.status, req.unit, req.name) == ("pending", "Sở Tư pháp", "Chị Lan")
    with app.db.session() as s, pytest.raises(Forbidden):
        reg.decide(s, clock.now(), STRANGER, req.code, approve=True)
    with app.db.session() as s:
        before = plan_version(s)
        d = reg.decide(s, clock.now(), ADMIN, req.code, approve=True)
        assert plan_version(s) > before
        assert reg.decide(s, clock.now(), ADMIN, req.code, approve=False).status == "already"
        assert reg.decide(s, clock.now(), ADMIN, "dk999", approve=True).status == "not_found"
    assert (d.status, d.private_chat_id, d.channel) == ("approved", "p9", "fake")
    assert [(u, o) for u, _, _, o in audit(app, "duyet")] == [("u9", "denied"), ("boss", "ok")]


def test_a_group_is_registered_by_its_admins_only(app, clock):
    seed_unit_with_deadline(app, "fake", "g1")
    group = IncomingMessage(ChatRef("fake", "g2"), Sender("u3", "Anh Ba"), text="/dangky", chat_kind="group")
    member = Actor("fake", "u3", "g2", "Anh Ba", Role.USER)
    with app.db.session() as s:
        touch_chat(s, group, clock.now())
    with app.db.session() as s:
        named = reg.units_named(s, ["STP"])
        with pytest.raises(Forbidden):
            reg.register_group(s, clock.now(), member, named.units, chat_admin=False)
        with pytest.raises(NotFound):
            reg.units_named(s, ["Sở Không Có"])
    with app.db.session() as s:
        done = reg.register_group(s, clock.now(), member, reg.units_named(s, ["STP"]).units, chat_admin=True)
    assert (done.served, done.moved_from, done.in_topic) == (("Sở Tư pháp",), None, False)
    assert [(u, d, o) for u, _, d, o in audit(app, "dangky")] == [("u3", "Sở Tư pháp", "denied"),
                                                                  ("u3", "group -> Sở Tư pháp", "ok")]


def test_remind_now_queues_one_reminder_per_chat_owing_and_is_for_admins(app, clock):
    seed_unit_with_deadline(app, "fake", "g1")
    with app.db.session() as s:
        with pytest.raises(Forbidden):
            remind_now(s, clock.now(), MEMBER, "bcn")
        with pytest.raises(NotFound):
            remind_now(s, clock.now(), CONSOLE, "khong-co")
        queued = remind_now(s, clock.now(), CONSOLE, "bcn")
    assert queued.code == "bcn" and len(queued.delivery_ids) == 1
    with app.db.session() as s:
        acks.confirm(s, clock.now(), MEMBER, app.settings)
        assert remind_now(s, clock.now(), CONSOLE, "bcn").delivery_ids == ()  # confirmed: the queued one is set aside
    assert [(u, d, o) for u, _, d, o in audit(app, "nhacngay")] == [
        ("u1", "bcn", "denied"), (CONSOLE.user_id, "bcn", "ok"), (CONSOLE.user_id, "bcn", "ok")]
