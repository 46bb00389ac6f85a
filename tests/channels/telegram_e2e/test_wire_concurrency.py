"""Over the wire: a group waiting out a flood limit holds no other chat, one chat's answers keep their order,
and a group's admin check is asked of Telegram once per few minutes."""
from __future__ import annotations

GROUP = -1001234500001


async def test_a_private_chat_is_answered_while_a_group_waits_out_a_429(live, emulator):
    await emulator.fail_next("sendMessage", 429, "Too Many Requests: retry after 4", retry_after=4)
    await emulator.say("/khongco@cchc_test_bot", chat_id=GROUP, user_id=51)

    async def refused() -> bool:
        return bool(await emulator.calls("sendMessage"))

    await emulator.wait_for(refused)  # the group's answer met the 429 and now waits 4 s
    await emulator.say("/help", chat_id=591, user_id=591)
    await emulator.wait_messages(591)
    assert await emulator.messages(GROUP) == []  # still waiting: the private answer did not queue behind it
    [late] = await emulator.wait_messages(GROUP)
    assert "Không có lệnh" in late["text"]


async def test_one_chats_answers_keep_their_order(live, emulator):
    for i in range(6):
        await emulator.say(f"/lenh{i}@cchc_test_bot", chat_id=GROUP, user_id=52)
    answers = await emulator.wait_messages(GROUP, 6)
    assert [a["text"].split()[3] for a in answers] == [f"/lenh{i}." for i in range(6)]


async def test_group_admin_checks_are_cached(live, emulator, app):
    from scheduler.units import add_unit

    with app.db.session() as s:
        add_unit(s, "Sở Tư pháp", "so")
    await emulator.set_member(GROUP, 53, "administrator")
    await emulator.say("/dangky Sở Tư pháp", chat_id=GROUP, user_id=53)
    await emulator.wait_messages(GROUP, 1)
    await emulator.say("/dangky Sở Tư pháp", chat_id=GROUP, user_id=53)
    await emulator.wait_messages(GROUP, 2)
    assert len(await emulator.calls("getChatMember")) == 1
