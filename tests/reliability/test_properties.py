"""Bad input, property-based: every command fed arbitrary arguments, as a user and as an admin.

No crash (never the generic error reply), always a message, and nothing stored unless the bot says the
input was accepted; changes that need confirmation store nothing but the pending request.
"""
from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.core.db import Base
from bot.core.messages import IncomingMessage
from handlers.registry import REGISTRY
from handlers.router import ERROR_TEXT, load_commands, parse
from scheduler.models import Chat
from scheduler.repo import create_deadline
from scheduler.units import add_unit
from tests.builders import msg

load_commands()
COMMANDS = sorted({c.name for c in REGISTRY.unique()})
CONFIRMED = {"themhan", "suahan", "xoahan", "caidat"}  # admin changes that only ask for confirmation
# Requests, the journal, the chat seen on first contact, and the plan derived from deadlines (/han computes it).
NOT_COUNTED = {"pending_actions", "audit_log", "chats", "handled_updates", "occurrences", "plan_version",
               # the conversation memory of questions and a one-time /web login link: bookkeeping, not changes
               "kb_chat_turns", "web_logins"}
SUCCESS = ("✅", "🗑")
FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

WORDS = ["cchc", "them", "xoa", "bo", "bidanh", "Sở Tư pháp", "UBND xã Tân Lập", "|", "xã", "sở", "7,3,1", "ngày",
         "30/01", "31/02/2027", "hằng năm", "quytac=", "nhactruoc=", "telegram:1", "fake:u9", "-1", "0", "99999999999",
         "<b>x</b>", "'; DROP TABLE units;--", "\n", "\x00", "🙂", "../../etc/passwd", "%s%s", "{}", "null"]
args_text = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=8).map(" ".join),
)


def accepted(text: str) -> bool:
    """The bot says it stored something."""
    return text.startswith(SUCCESS) or text.startswith("Đã ")


def counts(app: App) -> dict[str, int]:
    with app.db.session() as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables if t.name not in NOT_COUNTED}


@pytest.fixture
def seeded(app: App) -> App:
    """A unit with its group and the CCHC deadline, so that arguments may name real things."""
    with app.db.session() as s:
        u = add_unit(s, "Sở Tư pháp", "so")
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="Nhóm STP", active=True, unit_id=u.id))
        create_deadline(s, dict(code="cchc", title="Báo cáo CCHC", rule="ngày 10 tháng cuối quý",
                                audience_types=["so"], leads=[7, 3, 1, 0]), at=app.clock.now(), by="test")
    app.knowledge.ensure_ready()  # the bundled documents are loaded now, not by the first question
    return app


def check(app: App, message: IncomingMessage, command: str, *, admin: bool) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(app.handle(msg("/start", user=message.sender.user_id)))
        before = counts(app)
        replies = loop.run_until_complete(app.handle(message))
    finally:
        loop.close()
    assert replies, f"/{command} gave no answer"
    assert all(r.text.strip() for r in replies)
    assert not any(ERROR_TEXT in r.text for r in replies), f"/{command} {message.text!r} crashed"
    changed = {k: (v, counts(app)[k]) for k, v in before.items() if counts(app)[k] != v}
    if not changed:
        return
    assert admin or command in ("dangky", "danop", "nhacngay"), f"a user's /{command} stored {changed}"
    assert command not in CONFIRMED, f"/{command} stored {changed} without confirmation"
    assert any(accepted(r.text) for r in replies), \
        f"/{command} {message.text!r} stored {changed} yet answered {replies[0].text[:200]!r}"


@FAST
@given(command=st.sampled_from(COMMANDS), args=args_text)
def test_any_arguments_as_a_user(seeded: App, command: str, args: str) -> None:
    check(seeded, msg(f"/{command} {args}"), command, admin=False)


@FAST
@given(command=st.sampled_from(COMMANDS), args=args_text)
def test_any_arguments_as_an_admin(seeded: App, command: str, args: str) -> None:
    check(seeded, msg(f"/{command} {args}", user="boss"), command, admin=True)


@FAST
@given(command=st.sampled_from(COMMANDS), args=args_text)
def test_any_arguments_in_a_group(seeded: App, command: str, args: str) -> None:
    check(seeded, msg(f"/{command} {args}", user="boss", chat="g1", kind="group", title="Nhóm STP"), command,
          admin=True)


@FAST
@given(prefix=st.sampled_from(["ok", "no", "ack", "more", "zzz", ""]), rest=st.text(max_size=40))
def test_any_button_payload(seeded: App, prefix: str, rest: str) -> None:
    check(seeded, msg(callback=f"{prefix}:{rest}", user="boss"), f"button {prefix}", admin=True)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(max_size=200), bare=st.booleans())
def test_router_parse(text: str, bare: bool) -> None:
    parsed = parse(msg(text), bare)
    if parsed is None:
        return
    name, args = parsed
    assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
    assert args == args.strip()


@pytest.mark.parametrize("text,user", [
    ("/hoi " + "thủ tục hành chính " * 5_300, "u1"),  # a 100k-character question
    ("Kế hoạch CCHC? " * 7_000, "u1"),  # the same as plain text in a private chat
    ("/themhan " + "Báo cáo " * 12_500 + "| ngày 10 tháng cuối quý | xã", "boss"),
    ("/donvi them " + "Ủy ban nhân dân xã " * 20 + "| xã", "boss"),  # longer than the 200-character column
    ("/dangky " + "x" * 100_000, "u1"),
    ("/ngaynghi them 1/1/2027 " + "ghi chú " * 10_000, "boss"),
])
async def test_oversize_messages_get_a_clear_answer(app: App, text: str, user: str) -> None:
    app.knowledge.ensure_ready()
    before = counts(app)
    replies = await app.handle(msg(text, user=user))
    assert replies and not any(ERROR_TEXT in r.text for r in replies)
    assert all(0 < len(r.text) < 20_000 for r in replies), [r.text[:300] for r in replies]
    if counts(app) != before:
        assert accepted(replies[0].text), replies[0].text[:300]


async def test_html_and_sql_looking_names_round_trip_verbatim(app: App) -> None:
    name = "<b>x</b>'; DROP TABLE units;--"
    [added] = await app.handle(msg(f"/donvi them {name} | xã", user="boss"))
    assert added.text.startswith("✅") and name in added.text
    [listing] = await app.handle(msg("/donvi"))
    assert f"• {name} —" in listing.text
    [again] = await app.handle(msg(f"/donvi them {name} | xã", user="boss"))
    assert not again.text.startswith("✅")  # the same name twice is refused, not a second row
