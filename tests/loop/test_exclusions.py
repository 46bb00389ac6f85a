"""Req 7: units left out of an audience (tru= in /themhan and /suahan, --exclude on the CLI, Sở Nội vụ in the CCHC
preset): audited, re-planned, never reminded, not counted in status."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.clock import VN_TZ
from bot.core.models import AuditEntry
from scheduler.changes import current as current_version
from scheduler.models import Chat, Deadline, Unit
from scheduler.service import ReminderService
from scheduler.units import add_unit
from scheduler.usecases.status import deadline_status
from tests.builders import admin_msg
from tests.desk.conftest import cli  # noqa: F401  (fixture)


def seed(app) -> None:
    with app.db.session() as s:
        for name, alias, group in (("Sở Tư pháp", "STP", "g1"), ("SỞ NỘI VỤ tỉnh Bắc Kạn", "", "g2"),
                                   ("Sở Y tế", "SYT", "g3")):
            u = add_unit(s, name, "so", [alias] if alias else [])
            s.add(Chat(channel="fake", chat_id=group, kind="group", title=name, active=True, unit_id=u.id))


async def confirmed(app, text: str) -> str:  # type: ignore[no-untyped-def]
    [ask] = await app.handle(admin_msg(text))
    assert ask.buttons, ask.text
    [done] = await app.handle(admin_msg(callback=ask.buttons[0].data))
    return ask.text + "\n" + done.text


def deadline(app, code: str) -> Deadline:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        d = s.scalar(select(Deadline).where(Deadline.code == code))
        s.expunge(d)
        return d


def names(app, ids) -> list[str]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return [s.get(Unit, i).name for i in ids]


async def test_the_cchc_preset_leaves_out_the_home_affairs_department_found_by_its_folded_name(app, channel):
    seed(app)
    text = await confirmed(app, "/caidat cchc")
    assert "• Trừ (không nhắc, không tính): SỞ NỘI VỤ tỉnh Bắc Kạn" in text
    with app.db.session() as s:
        assert s.scalar(select(Unit).where(Unit.name == "Sở Nội vụ")) is None  # no duplicate made
    assert names(app, deadline(app, "cchc-donvi").audience_exclude) == ["SỞ NỘI VỤ tỉnh Bắc Kạn"]
    assert names(app, deadline(app, "cchc-tinh").audience_units) == ["SỞ NỘI VỤ tỉnh Bắc Kạn"]
    with app.db.session() as s:
        r = deadline_status(s, app.clock.now(), "cchc-donvi")
    assert [u.name for u in r.units] == ["Sở Tư pháp", "Sở Y tế"]
    app.clock.set(datetime(2026, 12, 8, 8, tzinfo=VN_TZ))  # a lead day of the annual report (due 15/12)
    await ReminderService(app).tick()
    reminded = {m.chat_id for m in channel.sent if "cchc-donvi" in m.reply.text or "của đơn vị" in m.reply.text}
    assert "g2" not in reminded and {"g1", "g3"} <= reminded


async def test_the_cchc_preset_adds_the_department_when_there_is_none(app):
    text = await confirmed(app, "/caidat cchc")
    assert "• Trừ (không nhắc, không tính): Sở Nội vụ" in text
    assert names(app, deadline(app, "cchc-donvi").audience_exclude) == ["Sở Nội vụ"]


async def test_tru_in_themhan_and_suahan_is_audited_and_replanned(app, channel):
    seed(app)
    before = None
    with app.db.session() as s:
        before = current_version(s)
    text = await confirmed(app, "/themhan Báo cáo quý | ngày 10 tháng cuối quý | sở | 7,3,1,0 | tru=STP, Sở Y tế | ma=bcq")
    assert "• Trừ (không nhắc, không tính): Sở Tư pháp, Sở Y tế" in text and "mã bcq" in text
    assert names(app, deadline(app, "bcq").audience_exclude) == ["Sở Tư pháp", "Sở Y tế"]
    with app.db.session() as s:
        assert current_version(s) > before
        assert [u.name for u in deadline_status(s, app.clock.now(), "bcq").units] == ["SỞ NỘI VỤ tỉnh Bắc Kạn"]
    app.clock.set(datetime(2026, 12, 3, 8, tzinfo=VN_TZ))
    await ReminderService(app).tick()
    assert {m.chat_id for m in channel.sent if "Báo cáo quý" in m.reply.text} == {"g2"}
    text = await confirmed(app, "/suahan bcq tru=không")
    assert "Đã sửa hạn bcq" in text and deadline(app, "bcq").audience_exclude == []
    text = await confirmed(app, "/suahan bcq tru=SYT")
    assert names(app, deadline(app, "bcq").audience_exclude) == ["Sở Y tế"]
    [bad] = await app.handle(admin_msg("/suahan bcq tru=Sở Không Có"))
    assert "Không có đơn vị «Sở Không Có» để loại trừ" in bad.text
    with app.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("edit_deadline") == 2 and "add_deadline" in actions


def test_the_cli_sets_and_clears_exclusions(cli):  # noqa: F811
    import json

    from bot.app import build_app

    app = build_app(cli.settings)
    seed(app)
    code, out, err = cli("deadlines", "add", "--title", "Báo cáo quý", "--rule", "ngày 10 tháng cuối quý",
                         "--audience", "sở", "--code", "bcq", "--exclude", "SNV", "--json")
    assert code == 0, err
    assert json.loads(out)["exclude"] == ["SỞ NỘI VỤ tỉnh Bắc Kạn"]
    assert "SỞ NỘI VỤ tỉnh Bắc Kạn" not in json.loads(out)["units"]
    code, out, err = cli("deadlines", "edit", "bcq", "--exclude", "")
    assert code == 0, err
    code, out, _ = cli("deadlines", "list", "--json")
    assert json.loads(out)[0]["exclude"] == [] and len(json.loads(out)[0]["units"]) == 3
    code, _, err = cli("deadlines", "edit", "bcq", "--exclude", "Sở Không Có")
    assert code == 2 and "Không có đơn vị «Sở Không Có» để loại trừ" in err
