"""Every reminder-side admin command × roles (with real arguments), and bad input for every command."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.core.models import Admin, AuditEntry
from bot.core.admins import grant_admin
from scheduler.models import Acknowledgement, Chat, Deadline, FocalPoint, PendingAction, Unit
from tests.builders import msg
from tests.scheduler.test_engine import seed

ADMIN_COMMANDS = [
    ("themhan", "/themhan Báo cáo X | ngày 10 tháng cuối quý | sở | 7,1"),
    ("suahan", "/suahan cchc nhactruoc=3"),
    ("xoahan", "/xoahan cchc"),
    ("tinhhinh", "/tinhhinh cchc"),
    ("nhacngay", "/nhacngay cchc"),
    ("caidat", "/caidat cchc"),
    ("xacnhan", "/xacnhan abcd1234"),
    ("huy", "/huy abcd1234"),
    ("quyen", "/quyen them fake:u9"),
]
SUPER_ONLY = {"quyen"}
AUDITED_AS = {"themhan": "add_deadline", "suahan": "edit_deadline", "xoahan": "remove_deadline",
              "caidat": "install_preset", "quyen": "quyen them"}  # a refusal is audited under the use case's action


@pytest.fixture
def roles_app(app, clock):  # type: ignore[no-untyped-def]
    seed(app)
    with app.db.session() as s:
        grant_admin(s, "fake", "granted", by="test", at=clock.now())
    return app


@pytest.mark.parametrize("name,text", ADMIN_COMMANDS, ids=[c[0] for c in ADMIN_COMMANDS])
@pytest.mark.parametrize("who", ["user", "granted", "boss"])
async def test_admin_commands_by_role(roles_app, name, text, who):
    allowed = who == "boss" or (who == "granted" and name not in SUPER_ONLY)
    replies = await roles_app.handle(msg(text, user=who, chat=f"{who}-p"))
    refused = any("chỉ dành cho" in r.text for r in replies)
    assert refused == (not allowed), [r.text for r in replies]
    with roles_app.db.session() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
        deadline = s.scalar(select(Deadline).where(Deadline.code == "cchc"))
    assert [(d.action, d.user_id) for d in denied] == ([] if allowed else [(AUDITED_AS.get(name, name), who)])
    if not allowed:
        assert deadline.leads == [7, 3, 1, 0] and deadline.active


async def test_buttons_check_the_role_at_confirmation(roles_app):
    [ask] = await roles_app.handle(msg("/xoahan cchc", user="granted", chat="gp"))
    with roles_app.db.session() as s:
        s.execute(Admin.__table__.delete())  # the admin right is revoked before they press the button
    [r] = await roles_app.handle(msg(callback=ask.buttons[0].data, user="granted", chat="gp"))
    assert "không còn quyền" in r.text
    with roles_app.db.session() as s:
        assert s.scalar(select(Deadline)).active


def snapshot(app) -> tuple:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(m)) for m in
                       (Deadline, Unit, FocalPoint, PendingAction, Acknowledgement, Admin))
        links = tuple(s.execute(select(Chat.chat_id, Chat.unit_id).where(Chat.unit_id.is_not(None)).order_by(Chat.id)))
        d = s.scalar(select(Deadline).where(Deadline.code == "cchc"))
        return counts, links, (d.rule, tuple(d.leads), d.remind_at, d.title, d.active)


BAD_INPUT = [
    ("/themhan", "Cú pháp"),
    ("/themhan Chỉ có tên", "Cú pháp"),
    ("/themhan A | | sở", "Cú pháp"),
    ("/themhan A | thường xuyên | sở", "không có ngày hạn"),
    ("/themhan A | 31/02/2027 | sở", "không có thật"),
    ("/themhan A | ngày 10 tháng cuối quý | huyện", "Cấp huyện không còn"),
    ("/themhan A | ngày 10 tháng cuối quý | Sở Không Tồn Tại", "Không có đơn vị"),
    ("/themhan A | ngày 10 tháng cuối quý | sở | bảy", "không hợp lệ"),
    ("/themhan A | ngày 10 tháng cuối quý | sở | -3", "từ 0 đến 366"),
    ("/themhan A | ngày 10 tháng cuối quý | sở | 7 | x | y", "Cú pháp"),
    ("/themhan " + "A" * 400 + " | ngày 10 tháng cuối quý | sở", "quá dài"),
    ("/suahan", "Cú pháp"),
    ("/suahan cchc", "Cú pháp"),
    ("/suahan khongco ten=X", "Không có hạn"),
    ("/suahan cchc mau=do", "Không có trường"),
    ("/suahan cchc quytac=hôm nào đó", "Không hiểu"),
    ("/suahan cchc gio=25h", "Giờ nhắc không hợp lệ"),
    ("/suahan cchc nhactruoc=", "từ 0 đến 366"),
    ("/xoahan", "Cú pháp"),
    ("/xoahan khongco", "Không có hạn"),
    ("/tinhhinh khongco", "Không có hạn"),
    ("/nhacngay", "Cú pháp"),
    ("/nhacngay khongco", "Không có hạn"),
    ("/caidat abc", "Không có bộ hạn"),
    ("/caidat cchc 25", "từ 1 đến 19"),
    ("/caidat cchc muoi", "từ 1 đến 19"),
    ("/caidat 7946 10", "Không có bộ hạn"),
    ("/xacnhan", "Cú pháp"),
    ("/xacnhan zzzz", "Không tìm thấy"),
    ("/huy", "Cú pháp"),
    ("/huy zzzz", "Không tìm thấy"),
    ("/danop khongco", "/dangky"),  # this private chat speaks for no unit
    ("/dangky", "Cú pháp"),
    ("/dangky <script>alert(1)</script>", "Không tìm thấy"),
    ("/dangky '; DROP TABLE units; --", "Không tìm thấy"),
    ("/donvi xyz", "Cú pháp"),
    ("/donvi them", "Cú pháp"),
    ("/quyen abc", "Cú pháp"),
]


@pytest.mark.parametrize("text,expected", BAD_INPUT, ids=[b[0][:40] for b in BAD_INPUT])
async def test_bad_input_gets_a_clear_message_and_changes_nothing(app, text, expected):
    seed(app)
    before = snapshot(app)
    replies = await app.handle(msg(text, user="boss", chat="boss-p"))
    assert replies and expected.lower() in replies[-1].text.lower(), [r.text for r in replies]
    assert "lỗi khi xử lý" not in replies[-1].text
    assert snapshot(app) == before  # nothing stored, no pending confirmation either


async def test_danop_in_a_chat_without_a_unit(app):
    seed(app)
    [r] = await app.handle(msg("/danop", chat="nowhere"))
    assert "/dangky" in r.text
    [r] = await app.handle(msg("/danop khongco", chat="g1", kind="group"))
    assert "Không có hạn mã «khongco»" in r.text
