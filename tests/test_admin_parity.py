"""Every admin action, from chat, from the CLI and from the dashboard where it has a page: the same use case, so
the same audit entry (action, detail, outcome; the actor's chat, `cli` or `web`) and the same plan-version bump."""
from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from starlette.testclient import TestClient

import bot.app
import bot.cli.deadlines
import bot.cli.knowledge
from bot.app import App, build_app
from bot.cli import build_parser
from bot.core.actors import CONSOLE, Actor
from bot.core.admins import grant_admin
from bot.core.messages import Attachment, ChatRef, IncomingMessage, Sender
from bot.core.models import AuditEntry
from bot.web.app import create_app
from knowledge.models import Document
from scheduler.changes import current as plan_version
from scheduler.models import Unit
from scheduler.unit_import import HEADERS
from scheduler.usecases import acknowledgements, daysoff, registrations
from scheduler.usecases.deadlines import check_deadline
from tests.builders import admin_msg, seed_unit_with_deadline
from tests.web.conftest import csrf_of, link_token, sign_in

DOC = ("KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2027\n\n1. Nội dung\n\n"
       "Sở Văn hóa tổ chức cuộc thi tìm hiểu về cải cách hành chính cho công chức cấp xã.").encode()
RAW = {"title": "Báo cáo A", "rule": "ngày 10 tháng cuối quý", "audience": "sở", "leads": "3,1"}
CONFIRM = "<press ✅>"  # in a chat script: press the confirmation button of the last reply


def _xlsx() -> str:
    wb = Workbook()
    wb.active.append(list(HEADERS))
    wb.active.append(["Sở Y tế", "sở/ban/ngành", "SYT", ""])
    out = io.BytesIO()
    wb.save(out)
    return base64.b64encode(out.getvalue()).decode()


def _request(app: App) -> str:
    """A pending focal-point request of fake:u9 for Sở Tư pháp; its code."""
    with app.db.session() as s:
        unit = s.scalar(select(Unit))
        req = registrations.request_focal(s, app.clock.now(), Actor("fake", "u9", "p9", "Người u9"), unit)
    return req.code


def _document(app: App) -> str:
    return str(app.knowledge.add_bytes("kh.txt", DOC).document_id)


def _invite_code(app: App) -> str:
    from scheduler.models import Invite

    with app.db.session() as s:
        return str(s.scalar(select(Invite.code)))


def _doc_id(app: App) -> str:
    with app.db.session() as s:
        return str(s.scalar(select(Document.id).where(Document.file_name == "kh.txt")))


@dataclass(frozen=True)
class Case:
    action: str
    detail: str | Callable[[App], str]  # the audit entry's detail (a callable: read from the database after)
    bumps: bool  # the plan version moves (actions on documents and admins leave the reminder plan alone)
    chat: tuple[str | IncomingMessage, ...] = ()  # messages of the fake channel's super-admin, "{x}": setup's value
    cli: tuple[str, ...] = ()  # `python -m bot` arguments
    web: tuple[str, dict[str, str]] | None = None  # path and form of the dashboard
    setup: Callable[[App], str] = field(default=lambda app: "")


CASES = {
    "add_deadline": Case(
        "add_deadline", lambda app: str(_checked(app, RAW)), True,
        chat=("/themhan Báo cáo A | ngày 10 tháng cuối quý | sở | 3,1", CONFIRM),
        cli=("deadlines", "add", "--title", "Báo cáo A", "--rule", "ngày 10 tháng cuối quý", "--audience", "sở",
             "--leads", "3,1"),
        web=("/han-nop/them", RAW)),
    "edit_deadline": Case(
        "edit_deadline", lambda app: str({"code": "bcn", "fields": _checked(app, {"leads": "5,1"}, partial=True)}),
        True,
        chat=("/suahan bcn nhactruoc=5,1", CONFIRM), cli=("deadlines", "edit", "bcn", "--leads", "5,1"),
        web=("/han-nop/bcn/sua", {"leads": "5,1"})),
    "remove_deadline": Case(
        "remove_deadline", "{{'code': 'bcn'}}", True, chat=("/xoahan bcn", CONFIRM), cli=("deadlines", "remove", "bcn"),
        web=("/han-nop/bcn/xoa", {})),
    "install_preset": Case(
        "install_preset", "{{'key': '7946', 'day': None}}", True, chat=("/caidat 7946", CONFIRM),
        cli=("deadlines", "presets", "install", "--name", "7946"), web=("/han-nop/cai-san", {"key": "7946"})),
    "donvi them": Case(
        "donvi them", "Sở Y tế (so)", True, chat=("/donvi them Sở Y tế | sở",),
        cli=("units", "add", "Sở Y tế", "--type", "so"), web=("/don-vi/them", {"name": "Sở Y tế", "type": "sở"})),
    "donvi bidanh": Case(
        "donvi bidanh", "Sở Tư pháp += TP", False,  # a name to find the unit by: reminders unchanged
        chat=("/donvi bidanh Sở Tư pháp | TP",),
        cli=("units", "alias", "Sở Tư pháp", "TP"), web=("/don-vi/ten-khac", {"name": "Sở Tư pháp", "alias": "TP"})),
    "donvi xoa": Case(
        "donvi xoa", "Sở Tư pháp", True, chat=("/donvi xoa Sở Tư pháp", CONFIRM), cli=("units", "remove", "Sở Tư pháp"),
        web=("/don-vi/xoa", {"name": "Sở Tư pháp"})),
    "donvi nhap": Case(
        "donvi nhap", "dv.xlsx: thêm 1, cập nhật 0, không đổi 0", True, cli=("units", "import", "{tmp}/dv.xlsx"),
        web=("/don-vi/nhap", {"commit": "1", "name": "dv.xlsx", "data": _xlsx()})),
    "ngaynghi them": Case(
        "ngaynghi", "them 2026-12-24 Nghỉ bù", True, chat=("/ngaynghi them 24/12/2026 Nghỉ bù",),
        cli=("daysoff", "add", "2026-12-24", "--note", "Nghỉ bù"),
        web=("/ngay-nghi", {"verb": "them", "day": "2026-12-24", "note": "Nghỉ bù"})),
    "ngaynghi lamviec": Case(
        "ngaynghi", "lamviec 2026-11-28 Làm bù", True, chat=("/ngaynghi lamviec 28/11/2026 Làm bù",),
        cli=("daysoff", "work", "2026-11-28", "--note", "Làm bù")),
    "ngaynghi bo": Case(
        "ngaynghi", "bo 2026-12-24", True, chat=("/ngaynghi bo 24/12/2026",), cli=("daysoff", "remove", "2026-12-24"),
        web=("/ngay-nghi", {"verb": "bo", "day": "2026-12-24"}),
        setup=lambda app: _day_off(app)),
    "quyen them": Case(
        "quyen them", "telegram:555 Chị Mai", False, chat=("/quyen them telegram:555 Chị Mai",),
        cli=("admins", "grant", "telegram:555", "--name", "Chị Mai")),
    "quyen xoa": Case(
        "quyen xoa", "telegram:555", False, chat=("/quyen xoa telegram:555",), cli=("admins", "revoke", "telegram:555"),
        setup=lambda app: _admin(app)),
    "duyet": Case(
        "duyet", "dk1 Người u9 -> Sở Tư pháp", True, chat=("/duyet {x}",), cli=("focal", "approve", "{x}"),
        web=("/don-vi/yeu-cau", {"code": "{x}", "verb": "duyet"}), setup=_request),
    "tuchoi": Case(
        "tuchoi", "dk1 Người u9 -> Sở Tư pháp", True, chat=("/tuchoi {x}",), cli=("focal", "refuse", "{x}"),
        web=("/don-vi/yeu-cau", {"code": "{x}", "verb": "tuchoi"}), setup=_request),
    "moi": Case(
        "moi", lambda app: f"Sở Tư pháp {_invite_code(app)}", False, chat=("/moi Sở Tư pháp",),
        cli=("units", "invite", "Sở Tư pháp")),
    "nhacngay": Case("nhacngay", "bcn", False, chat=("/nhacngay bcn",), cli=("reminders", "now", "bcn")),
    "danop": Case(
        "danop", "bcn 2026 Sở Tư pháp số 12/BC", True, chat=("/danop bcn Sở Tư pháp số 12/BC",),
        cli=("acks", "confirm", "bcn", "Sở Tư pháp", "--number", "12/BC")),
    "huynop": Case(
        "huynop", "bcn 2026 Sở Tư pháp", True, chat=("/huynop bcn Sở Tư pháp",),
        cli=("acks", "undo", "bcn", "Sở Tư pháp"), setup=lambda app: _ack(app)),
    "document": Case(
        "document", lambda app: f"kh.txt -> {_doc_id(app)}", False,
        chat=(IncomingMessage(ChatRef("fake", "c1"), Sender("boss", "Người boss"), document=Attachment("kh.txt", DOC)),),
        cli=("kb", "add", "{tmp}/kh.txt"), web=("/van-ban/tai-len", {})),
    "kb remove": Case(
        "kb remove", "{x}", False, cli=("kb", "remove", "{x}"), web=("/van-ban/{x}/xoa", {}), setup=_document),
    "kb set": Case(
        "kb set", "{x} replaced", False, cli=("kb", "set", "{x}", "--status", "thay-the"),
        web=("/van-ban/{x}/trang-thai", {"status": "replaced"}), setup=_document),
}


def _checked(app: App, raw: dict[str, str], *, partial: bool = False) -> dict:  # type: ignore[type-arg]
    with app.db.session() as s:
        return check_deadline(s, raw, app.settings, partial=partial)


def _day_off(app: App) -> str:
    with app.db.session() as s:
        daysoff.add_day_off(s, app.clock.now(), CONSOLE, __import__("datetime").date(2026, 12, 24), "Nghỉ bù")
    return ""


def _admin(app: App) -> str:
    with app.db.session() as s:
        grant_admin(s, "telegram", "555", by="test", at=app.clock.now(), name="Chị Mai")
    return ""


def _ack(app: App) -> str:
    with app.db.session() as s:
        result = acknowledgements.confirm(s, app.clock.now(), Actor("fake", "u1", "g1", "Anh Nam"), app.settings)
    assert result.status == "done"
    return ""


ENTRIES = [(name, entry) for name, case in CASES.items()
           for entry, has in (("chat", case.chat), ("cli", case.cli), ("web", case.web)) if has]


async def _by_chat(app: App, case: Case, x: str) -> None:
    replies = []
    for step in case.chat:
        if step == CONFIRM:
            [data] = [b.data for r in replies for b in r.buttons if b.data.startswith("ok:")]
            replies = await app.handle(admin_msg(callback=data))
        elif isinstance(step, IncomingMessage):
            replies = await app.handle(step)
        else:
            replies = await app.handle(admin_msg(step.format(x=x)))
    assert replies, case.chat


def _by_cli(app: App, case: Case, x: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kh.txt").write_bytes(DOC)
    (tmp_path / "dv.xlsx").write_bytes(base64.b64decode(_xlsx()))
    same = partial(build_app, clock=app.clock, db=app.db)
    for module in (bot.app, bot.cli.deadlines, bot.cli.knowledge):
        monkeypatch.setattr(module, "build_app", same)
    args = build_parser().parse_args([a.format(x=x, tmp=tmp_path) for a in case.cli])
    assert args.handler(args, app.settings) == 0


def _by_web(app: App, case: Case, x: str) -> None:
    assert case.web is not None
    path, form = case.web
    client = TestClient(create_app(app), base_url="http://testserver", follow_redirects=False)
    assert sign_in(client, link_token(app)).status_code == 303
    csrf = csrf_of(client.get("/han-nop").text)
    data = {"csrf": csrf, **{k: v.format(x=x) for k, v in form.items()}}
    files = {"file": ("kh.txt", DOC, "text/plain")} if path == "/van-ban/tai-len" else None
    r = client.post(path.format(x=x), data=data, files=files)
    assert r.status_code == 200, r.text[-600:]


WHO = {"chat": ("fake", "boss", "c1"), "cli": (CONSOLE.channel, CONSOLE.user_id, "cli"), "web": ("telegram", "1001", "web")}


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[f"{n}-{e}" for n, e in ENTRIES])
async def test_an_admin_action_is_audited_and_signalled_the_same_from_every_entry_point(
        app: App, name: str, entry: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case = CASES[name]
    seed_unit_with_deadline(app, "fake", "g1")
    x = case.setup(app)
    if entry == "chat":
        await app.handle(admin_msg("/help"))  # the chat is recorded (a first contact moves the plan version too)
    with app.db.session() as s:
        before = plan_version(s)
        last = s.scalar(select(func.max(AuditEntry.id))) or 0
    if entry == "chat":
        await _by_chat(app, case, x)
    elif entry == "cli":
        _by_cli(app, case, x, tmp_path, monkeypatch)
    else:
        _by_web(app, case, x)
    with app.db.session() as s:
        after = plan_version(s)
        entries = [(e.action, e.detail, e.outcome, (e.channel, e.user_id, e.chat_id)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.id > last, AuditEntry.action == case.action).order_by(AuditEntry.id))]
    detail = case.detail(app) if callable(case.detail) else case.detail.format(x=x)
    assert entries == [(case.action, detail, "ok", WHO[entry])]
    assert (after > before) == case.bumps, (before, after)


# ------------------------------------------------------------------ refusals

@dataclass(frozen=True)
class Refusal:
    """A forbidden action: its audit entry's action and detail, and how a non-admin asks for it from each entry point.

    The CLI has no such caller: `python -m bot` acts as the operator (CONSOLE, a super-admin), since whoever runs it
    already holds the database and the settings. The detail is the request as the entry point received it, so these
    cases are the ones whose chat arguments and form fields say the same thing (`/xoahan bcn` is audited "bcn" from
    chat but "{'code': 'bcn'}" from the form: same action, actor and outcome)."""

    action: str
    detail: str  # "{x}": setup's value
    chat: str = ""  # typed by a non-admin
    button: str = ""  # a button's payload, pressed by a non-admin
    web: tuple[str, dict[str, str]] | None = None  # posted by a session whose user is no longer an admin
    setup: Callable[[App], str] = field(default=lambda app: "")


REFUSALS = {
    "donvi xoa": Refusal("donvi xoa", "Sở Tư pháp", chat="/donvi xoa Sở Tư pháp",
                         web=("/don-vi/xoa", {"name": "Sở Tư pháp"})),
    "donvi bidanh": Refusal("donvi bidanh", "Sở Tư pháp | TP", chat="/donvi bidanh Sở Tư pháp | TP"),
    "duyet": Refusal("duyet", "{x}", chat="/duyet {x}", button="dk:ok:{x}",
                     web=("/don-vi/yeu-cau", {"code": "{x}", "verb": "duyet"}), setup=_request),
    "tuchoi": Refusal("tuchoi", "{x}", chat="/tuchoi {x}", button="dk:no:{x}",
                      web=("/don-vi/yeu-cau", {"code": "{x}", "verb": "tuchoi"}), setup=_request),
    "nhacngay": Refusal("nhacngay", "bcn", chat="/nhacngay bcn"),
    "moi": Refusal("moi", "Sở Tư pháp", chat="/moi Sở Tư pháp"),
    "kb remove": Refusal("kb remove", "{x}", web=("/van-ban/{x}/xoa", {}), setup=_document),
    "quyen xoa": Refusal("quyen xoa", "telegram:555", chat="/quyen xoa telegram:555", setup=lambda app: _admin(app)),
}
REFUSED = [(name, entry) for name, r in REFUSALS.items()
           for entry, has in (("chat", r.chat), ("button", r.button), ("web", r.web)) if has]
REFUSED_WHO = {"chat": ("fake", "u5", "c5"), "button": ("fake", "u5", "c5"), "web": ("zalo", "z9", "web")}


def _web_session_of_a_revoked_admin(app: App) -> tuple[TestClient, str]:
    """A dashboard session of zalo:z9, whose admin right is taken away after signing in; its CSRF token."""
    from bot.core.admins import revoke_admin

    with app.db.session() as s:
        grant_admin(s, "zalo", "z9", by="test", at=app.clock.now())
    client = TestClient(create_app(app), base_url="http://testserver", follow_redirects=False)
    assert sign_in(client, link_token(app, "zalo", "z9")).status_code == 303
    csrf = csrf_of(client.get("/han-nop").text)
    with app.db.session() as s:
        revoke_admin(s, "zalo", "z9")
    return client, csrf


def _snapshot(app: App) -> tuple:  # type: ignore[type-arg]
    from scheduler.models import FocalPoint

    with app.db.session() as s:
        return (plan_version(s), [(u.name, u.active, tuple(u.aliases)) for u in s.scalars(select(Unit))],
                [fp.status for fp in s.scalars(select(FocalPoint))], s.scalar(select(func.count(Document.id))))


@pytest.mark.parametrize(("name", "entry"), REFUSED, ids=[f"{n}-{e}" for n, e in REFUSED])
async def test_a_forbidden_action_is_refused_and_audited_the_same_from_every_entry_point(
        app: App, name: str, entry: str) -> None:
    case = REFUSALS[name]
    seed_unit_with_deadline(app, "fake", "g1")
    x = case.setup(app)
    if entry == "web":
        client, csrf = _web_session_of_a_revoked_admin(app)
    else:
        await app.handle(admin_msg("/help", user="u5", chat="c5"))  # the chat is recorded first
    before = _snapshot(app)
    with app.db.session() as s:
        last = s.scalar(select(func.max(AuditEntry.id))) or 0
    if entry == "web":
        assert case.web is not None
        path, form = case.web
        r = client.post(path.format(x=x), data={"csrf": csrf, **{k: v.format(x=x) for k, v in form.items()}})
        assert r.status_code in (403, 422) and "quyền" in r.text
    else:
        m = admin_msg(case.chat.format(x=x), user="u5", chat="c5") if entry == "chat" else \
            admin_msg(callback=case.button.format(x=x), user="u5", chat="c5")
        replies = await app.handle(m)
        assert any("dành cho" in r.text or "quản trị viên" in r.text for r in replies), [r.text for r in replies]
    with app.db.session() as s:
        entries = [(e.action, e.detail, e.outcome, (e.channel, e.user_id, e.chat_id))
                   for e in s.scalars(select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id))]
    assert entries == [(case.action, case.detail.format(x=x), "denied", REFUSED_WHO[entry])]
    assert _snapshot(app) == before  # nothing changed, the plan version included
