"""Over the wire: command menus in Vietnamese for private chats and groups, the bot's descriptions with the
automated-assistant and personal-data notices, and an admin's menu following /quyen without a restart."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.channels.telegram import TelegramChannel

SUPER = 1001
NEW_ADMIN = 4242


async def bot_api(emulator, method: str, **params):  # type: ignore[no-untyped-def]
    body = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    r = await emulator.client.post(f"/bot{emulator.token}/{method}", data=body)
    r.raise_for_status()
    return r.json()["result"]


async def commands(emulator, scope: dict, language: str = "vi") -> list[str]:  # type: ignore[no-untyped-def]
    return [c["command"] for c in await bot_api(emulator, "getMyCommands", scope=scope, language_code=language)]


@pytest.fixture
async def quick(app, emulator, settings):  # type: ignore[no-untyped-def]
    """The adapter checking for admin changes every 50 ms instead of every minute."""
    from tests.channels.telegram_e2e.conftest import TOKEN

    channel = TelegramChannel(replace(settings, telegram_token=TOKEN, telegram_api_base_url=emulator.api_base_url),
                              poll_timeout=1, retry_delay=0, menu_refresh_seconds=0.05)
    app.channels["telegram"] = channel
    await channel.start(app)
    yield channel
    await channel.stop()


async def test_menus_in_vietnamese_for_private_chats_and_groups(live, emulator):
    private = await commands(emulator, {"type": "all_private_chats"})
    groups = await commands(emulator, {"type": "all_group_chats"})
    assert {"help", "hoi", "han", "danop", "dangky"} <= set(groups) < set(private)
    assert "themhan" not in private and "quyen" not in private
    assert await commands(emulator, {"type": "default"}) == private
    assert "quyen" in await commands(emulator, {"type": "chat", "chat_id": SUPER})


async def test_descriptions_say_automated_and_cite_the_personal_data_decree(live, emulator):
    for language in ("vi", ""):
        long = (await bot_api(emulator, "getMyDescription", language_code=language))["description"]
        short = (await bot_api(emulator, "getMyShortDescription", language_code=language))["short_description"]
        assert "trợ lý tự động" in long and "Nghị định 13/2023/NĐ-CP" in long and len(long) <= 512
        assert "tự động" in short and "13/2023" in short and len(short) <= 120


async def test_an_admin_granted_by_quyen_gets_the_admin_menu_without_a_restart(quick, emulator):
    assert await commands(emulator, {"type": "chat", "chat_id": NEW_ADMIN}) == []
    await emulator.say(f"/quyen them telegram:{NEW_ADMIN} Chị Mai", chat_id=SUPER, user_id=SUPER)
    await emulator.wait_messages(SUPER)

    async def admin_menu() -> list[str]:
        return await commands(emulator, {"type": "chat", "chat_id": NEW_ADMIN})

    menu = await emulator.wait_for(admin_menu)
    assert "themhan" in menu and "quyen" not in menu
    await emulator.say(f"/quyen xoa telegram:{NEW_ADMIN}", chat_id=SUPER, user_id=SUPER)
    await emulator.wait_messages(SUPER, 2)

    async def removed() -> bool:
        return await commands(emulator, {"type": "chat", "chat_id": NEW_ADMIN}) == []

    assert await emulator.wait_for(removed)
