"""Small builders for incoming messages, and a unit with its group and a yearly deadline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.clock import VN_TZ
from bot.core.messages import ChatKind, ChatRef, IncomingMessage, Sender
from scheduler.models import Acknowledgement, Chat
from scheduler.repo import create_deadline
from scheduler.units import add_unit


def msg(
    text: str = "",
    *,
    chat: str = "c1",
    user: str = "u1",
    channel: str = "fake",
    kind: ChatKind = "private",
    title: str = "",
    mentioned: bool = False,
    callback: str | None = None,
    chat_admin: bool = False,
    message_id: str | None = None,
    reply_to: str | None = None,
) -> IncomingMessage:
    return IncomingMessage(ChatRef(channel, chat), Sender(user, f"Người {user}", chat_admin), text=text,
                           chat_kind=kind, chat_title=title, mentioned=mentioned, callback=callback,
                           message_id=message_id, reply_to=reply_to)


def admin_msg(text: str = "", **kw) -> IncomingMessage:  # type: ignore[no-untyped-def]
    """A message from the fake channel's super-admin (ADMIN_IDS fake:boss in the settings fixture)."""
    kw.setdefault("user", "boss")
    return msg(text, **kw)


def seed_unit_with_deadline(app, channel: str, group: str) -> None:
    """Sở Tư pháp (alias STP) with its group on `channel`, and «bcn», due 10/12 each year, created 1/11/2026."""
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        s.add(Chat(channel=channel, chat_id=group, kind="group", title="Nhóm STP", active=True, unit_id=unit.id))
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]),
                        at=datetime(2026, 11, 1, tzinfo=VN_TZ), by="test")


def acks(app) -> list[tuple[str, str, str]]:
    """(channel, user, note) of every acknowledgement stored."""
    with app.db.session() as s:
        return [(a.by_channel, a.by_user, a.note) for a in s.scalars(select(Acknowledgement))]


def seed_two_deadlines_one_day(app, channel: str, group: str, *, kind: str = "group") -> int:
    """Sở Tư pháp with its chat on `channel` and two deadlines due Thursday 10/12/2026, so that their reminders
    fall on the same days (3, 7, 9 and 10 December at 08:00): «bcn» (Báo cáo năm) and «cchc» (the CCHC report).
    Returns the unit id."""
    with app.db.session() as s:
        unit = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        s.add(Chat(channel=channel, chat_id=group, kind=kind, title="Nhóm STP", active=True, unit_id=unit.id))
        created = datetime(2026, 11, 1, tzinfo=VN_TZ)
        create_deadline(s, dict(code="bcn", title="Báo cáo năm", rule="chậm nhất ngày 10/12 hằng năm",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=created, by="test")
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC định kỳ", what="Báo cáo kết quả CCHC",
                                rule="ngày 10 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm",
                                submit_to="Sở Nội vụ", source="Công văn 581/BNV-CCHC", audience_types=["so"],
                                leads=[7, 3, 1, 0]), at=created, by="test")
        return unit.id


def occurrence_ids(app) -> dict[str, int]:
    """Deadline code -> id of its occurrence due 10/12/2026."""
    from datetime import date

    from scheduler.models import Deadline, Occurrence

    with app.db.session() as s:
        rows = s.execute(select(Deadline.code, Occurrence.id).join(Occurrence, Occurrence.deadline_id == Deadline.id)
                         .where(Occurrence.due == date(2026, 12, 10))).all()
        return {code: occ for code, occ in rows}


def cli_environment(monkeypatch, tmp_path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """`python -m bot …` as an operator runs it on `db_url`: no .env from the working directory, no tokens or admins
    from this machine's environment, the data directory in `tmp_path`."""
    monkeypatch.chdir(tmp_path)
    for var in ("ENV_FILE", "ADMIN_IDS", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
