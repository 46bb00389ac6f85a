"""QA #36: on a channel whose terms require it (Zalo), the first reply a chat ever gets says it comes from an
automated assistant, also when that first message is refused (an admin word, «đồng ý» with nothing pending, an
unknown command, a sticker); once only."""
from __future__ import annotations

import dataclasses

import pytest

from bot.app import build_app
from bot.channels.recording import RecordingChannel
from bot.core.ports import Capabilities
from handlers.router import DISCLOSURE, NOTHING_PENDING
from tests.builders import msg

ZALO = Capabilities(buttons=False, mentions=False, edits=False, bare_commands=True, disclose_automation=True)


@pytest.fixture
def zapp(settings, clock, db):  # type: ignore[no-untyped-def]
    return build_app(settings, clock=clock, channels={"zalo": RecordingChannel("zalo", ZALO)}, db=db)


@pytest.mark.parametrize("first_text,says", [("tình hình", "chỉ dành cho quản trị viên"), ("đồng ý", NOTHING_PENDING),
                                             ("/khongco", "/khongco"), ("", "")])
async def test_a_refused_first_message_still_gets_the_disclosure_once(zapp, first_text, says):
    first = dataclasses.replace(msg(first_text, chat="z9", user="z9", channel="zalo"),
                                media="" if first_text else "sticker")
    [reply] = await zapp.handle(first)
    assert reply.text.startswith(DISCLOSURE + "\n\n") and says in reply.text
    [again] = await zapp.handle(dataclasses.replace(first))
    assert DISCLOSURE not in again.text and says in again.text
    [other] = await zapp.handle(msg("trợ giúp", chat="z9", user="z9", channel="zalo"))
    assert DISCLOSURE not in other.text


async def test_a_new_chat_answered_normally_gets_it_once_and_other_channels_never(zapp, app):
    [reply] = await zapp.handle(msg("trợ giúp", chat="z8", user="z8", channel="zalo"))
    assert reply.text.startswith(DISCLOSURE)
    [refused] = await app.handle(msg("/khongco", chat="t8", user="t8"))  # the fake channel does not require it
    assert DISCLOSURE not in refused.text
