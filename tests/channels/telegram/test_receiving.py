"""Updates in, replies out: commands, groups, buttons, membership changes and migrations over the fake Bot API."""
from __future__ import annotations

import re

import pytest
from telegram.warnings import PTBUserWarning
from sqlalchemy import select

from bot.core.messages import Reply
from handlers.registry import REGISTRY, Command, Role
from handlers.router import load_commands
from scheduler.models import Chat
from tests.channels.telegram import updates as u
from tests.channels.telegram.conftest import SUPER, feed
from tests.channels.telegram.fake_api import BOT_ID, BOT_USERNAME

GROUP = -500123


def chats(app) -> dict[str, Chat]:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return {c.chat_id: c for c in s.scalars(select(Chat).where(Chat.channel == "telegram"))}


async def test_start_sets_the_command_menus_and_turns_ptb_jobs_off(tg, fake):
    load_commands()
    with pytest.warns(PTBUserWarning, match="No `JobQueue`"):
        assert tg.application.job_queue is None
    menus = {(p.get("scope", {}).get("type"), str(p.get("scope", {}).get("chat_id", "")), p.get("language_code")):
             [c["command"] for c in p["commands"]] for p in fake.of("setMyCommands")}
    users = {c.name for c in REGISTRY.unique() if c.role == Role.USER}
    for language in ("vi", None):
        assert set(menus[("default", "", language)]) == users
        assert set(menus[("all_private_chats", "", language)]) == users
        assert {"hoi", "han", "danop", "dangky", "help"} <= set(menus[("all_group_chats", "", language)]) < users
        assert set(menus[("chat", str(SUPER), language)]) == {c.name for c in REGISTRY.unique()}
    entries = [c for p in fake.of("setMyCommands") for c in p["commands"]]
    assert all(re.fullmatch(r"[a-z0-9_]{1,32}", c["command"]) and 1 <= len(c["description"]) <= 256 for c in entries)
    assert "Hướng dẫn và danh sách lệnh" in [c["description"] for c in entries]


async def test_start_in_a_private_chat(tg, fake):
    await feed(tg, u.text_update("/start", chat_id=555, user_id=555))
    [sent] = fake.sent(555)
    assert "Trợ lý CCHC" in sent["text"] and sent["parse_mode"] == "HTML"


async def test_help_in_a_group_only_when_addressed_to_this_bot(tg, fake):
    await feed(tg, u.text_update(f"/help@{BOT_USERNAME}", chat_id=GROUP, user_id=7, title="Nhóm Sở Tư pháp"))
    await feed(tg, u.text_update("/help@some_other_bot", chat_id=GROUP, user_id=7))
    await feed(tg, u.text_update("chào cả nhà", chat_id=GROUP, user_id=7))
    [sent] = fake.sent(GROUP)
    assert "Trong nhóm, hỏi bằng /hoi" in sent["text"]
    assert chats(tg._app)[str(GROUP)].title == "Nhóm Sở Tư pháp"


@pytest.fixture
def probe(monkeypatch):  # type: ignore[no-untyped-def]
    """A /probe command and a `probe:` button that record the message the core received."""
    load_commands()
    seen = []

    async def handler(ctx):  # type: ignore[no-untyped-def]
        seen.append(ctx.msg)
        if ctx.msg.callback is not None:
            return Reply(f"Đã bấm {ctx.args} bởi {ctx.msg.sender.display_name}", replace_origin=True)
        return Reply("ok")

    monkeypatch.setitem(REGISTRY.commands, "probe", Command("probe", handler, "thử"))
    monkeypatch.setitem(REGISTRY.callbacks, "probe", handler)
    return seen


async def test_mentions_and_replies_to_the_bot_address_it_in_groups(tg, fake, probe):
    await feed(tg, u.text_update(f"/probe @{BOT_USERNAME} xin chào", chat_id=GROUP, user_id=7))
    bot_message = {"message_id": 9, "date": u.DATE, "chat": u.chat(GROUP),
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC"}, "text": "câu trả lời"}
    await feed(tg, u.text_update("/probe hỏi tiếp", chat_id=GROUP, user_id=7, reply_to_message=bot_message))
    await feed(tg, u.text_update("/probe", chat_id=GROUP, user_id=7))
    assert [m.mentioned for m in probe] == [True, True, False]
    assert probe[0].text == "/probe xin chào"
    assert probe[0].chat_kind == "group" and probe[0].chat.chat_id == str(GROUP)


async def test_group_admins_are_recognised_for_group_commands(tg, fake, probe):
    fake.members[(GROUP, 7)] = "administrator"
    fake.members[(GROUP, 8)] = "creator"
    for user in (7, 8, 9):
        await feed(tg, u.text_update("/probe", chat_id=GROUP, user_id=user))
    assert [m.sender.is_chat_admin for m in probe] == [True, True, False]
    await feed(tg, u.text_update("/probe", chat_id=42, user_id=42))
    assert len(fake.of("getChatMember")) == 3  # never asked in private chats


async def test_a_button_press_edits_its_message_and_is_always_answered(tg, fake, probe):
    reply = Reply("Nhắc hạn", buttons=(), mentions=())
    await tg.send(str(GROUP), reply)
    origin = {"message_id": 77, "date": u.DATE, "chat": u.chat(GROUP), "text": "Nhắc hạn",
              "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC"},
              "reply_markup": {"inline_keyboard": [[{"text": "✅ Đã nộp", "callback_data": "probe:12"}]]}}
    await feed(tg, u.button_update("probe:12", origin=origin, user_id=31))
    [edit] = fake.of("editMessageText")
    assert edit["message_id"] == 77 and str(edit["chat_id"]) == str(GROUP)
    assert edit["text"].startswith("Đã bấm 12 bởi Người 31")
    assert "reply_markup" not in edit  # the button is gone
    assert probe[-1].callback == "probe:12" and probe[-1].message_id == "77"
    await feed(tg, u.button_update("gone:1", origin=origin, user_id=31))
    assert len(fake.of("answerCallbackQuery")) == 2
    assert fake.sent(GROUP)[-1]["text"] == "Nút này không còn hiệu lực."


async def test_bot_added_to_a_group_explains_registration(tg, fake):
    await feed(tg, u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="left", new="member"))
    [welcome] = fake.sent(GROUP)
    assert "/dangky &lt;tên đơn vị&gt;" in welcome["text"] and f"@{BOT_USERNAME}" in welcome["text"]
    await feed(tg, u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="member", new="administrator"))
    assert len(fake.sent(GROUP)) == 1  # a promotion is not a new arrival


async def test_bot_kicked_deactivates_the_group_and_tells_admins(tg, fake, channel):
    await feed(tg, u.text_update("/help", chat_id=GROUP, user_id=7, title="Nhóm UBND xã Tân Lập"))
    await feed(tg, u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="member", new="kicked"))
    assert chats(tg._app)[str(GROUP)].active is False
    [notice] = fake.sent(SUPER)
    assert "Nhóm UBND xã Tân Lập" in notice["text"] and "bot bị xoá khỏi nhóm" in notice["text"]
    assert any("Nhóm UBND xã Tân Lập" in t for t in channel.texts("boss"))


async def test_forbidden_on_a_reply_deactivates_the_group(tg, fake):
    await feed(tg, u.text_update("/help", chat_id=GROUP, user_id=7, title="Nhóm Sở Y tế"))
    fake.fail_with("sendMessage", 403, "Forbidden: bot was kicked from the group chat")
    await feed(tg, u.text_update("/help", chat_id=GROUP, user_id=7, title="Nhóm Sở Y tế"))
    assert chats(tg._app)[str(GROUP)].active is False
    assert "Nhóm Sở Y tế" in fake.sent(SUPER)[0]["text"]


async def test_chat_migrated_on_a_reply_moves_the_chat_and_resends(tg, fake):
    await feed(tg, u.text_update("/help", chat_id=GROUP, user_id=7))
    fake.fail_with("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                   migrate_to_chat_id=-1009998887)
    await feed(tg, u.text_update("/start", chat_id=GROUP, user_id=7))
    assert "Trợ lý CCHC" in fake.sent(-1009998887)[0]["text"]
    assert set(chats(tg._app)) == {"-1009998887"}


async def test_migrate_service_message_moves_the_chat(tg, fake):
    await feed(tg, u.text_update("/help", chat_id=GROUP, user_id=7))
    await feed(tg, u.migrate_update(chat_id=GROUP, new_chat_id=-1004445556))
    moved = chats(tg._app)
    assert set(moved) == {"-1004445556"} and moved["-1004445556"].active


async def test_channel_posts_and_other_bots_are_ignored(tg, fake):
    other_bot = u.text_update("/help", chat_id=GROUP, user_id=99)
    other_bot["message"]["from"]["is_bot"] = True
    await feed(tg, other_bot)
    post = u.update(channel_post={"message_id": 1, "date": u.DATE, "text": "/help",
                                  "chat": {"id": -100111, "type": "channel", "title": "Kênh"}})
    await feed(tg, post)
    assert fake.sent() == []


async def test_an_update_delivered_twice_is_handled_once(tg, fake):
    update = u.text_update("/start", chat_id=555, user_id=555)
    await feed(tg, update)
    await feed(tg, update)  # e.g. a webhook retry reaching another replica
    assert len(fake.sent(555)) == 1


async def test_a_private_question_is_answered_and_xem_them_sends_the_section(tg, fake, app):
    app.knowledge.ensure_ready()
    await feed(tg, u.text_update("ke hoach cchc nam ban hanh cham nhat ngay nao", chat_id=555, user_id=555))
    [answer] = fake.sent(555)
    assert "30/01" in answer["text"] and "7946/UBND-NCPC" in answer["text"]
    [[more]] = answer["reply_markup"]["inline_keyboard"]
    assert more["text"] == "Xem thêm"
    origin = {"message_id": fake._next_message_id, "date": u.DATE, "chat": u.chat(555), "text": answer["text"],
              "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý CCHC"},
              "reply_markup": answer["reply_markup"]}
    await feed(tg, u.button_update(more["callback_data"], origin=origin, user_id=555))
    _, section = fake.sent(555)
    assert "7946/UBND-NCPC" in section["text"] and fake.of("editMessageText") == []


def send_errors(app, kind: str) -> float:  # type: ignore[no-untyped-def]
    value = app.metrics.registry.get_sample_value("cchc_channel_send_errors_total",
                                                  {"channel": "telegram", "kind": kind})
    return value or 0.0


async def test_the_adapters_own_replies_count_in_the_send_error_metric_by_kind(tg, fake, app):
    fake.fail_with("sendMessage", 400, "Bad Request: not enough rights to send text messages to the chat")
    await feed(tg, u.membership_update(chat_id=GROUP, bot_id=BOT_ID, old="left", new="member"))  # the welcome
    assert send_errors(app, "unreachable") == 1
    fake.fail_with("sendMessage", 429, "Too Many Requests: retry after 120", retry_after=120)
    await feed(tg, u.membership_update(chat_id=GROUP - 1, bot_id=BOT_ID, old="left", new="member"))
    assert send_errors(app, "rate_limited") == 1
    await feed(tg, u.text_update("/help", chat_id=GROUP - 2, user_id=7))
    fake.fail_with("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                   migrate_to_chat_id=-1009998880)
    await feed(tg, u.text_update("/start", chat_id=GROUP - 2, user_id=7))  # a reply through the core
    fake.fail_with("sendMessage", 403, "Forbidden: bot was kicked from the group chat")
    await feed(tg, u.text_update("/help", chat_id=-1009998880, user_id=7))
    assert send_errors(app, "moved") == 1 and send_errors(app, "unreachable") == 2
