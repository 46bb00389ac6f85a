"""/hoi and plain-text questions, the how-to-ask hint and the "Xem thêm" button."""
from __future__ import annotations

from tests.builders import msg


async def test_empty_hoi_explains_how_to_ask(app):
    [reply] = await app.handle(msg("/hoi"))
    assert "/hoi" in reply.text and "không dấu" in reply.text and not reply.buttons


async def test_plain_text_is_a_question_with_more_button(app):
    [reply] = await app.handle(msg("ke hoach cchc nam cua cac so ban nganh ban hanh cham nhat ngay nao"))
    assert "30/01" in reply.text and "📄 Nguồn:" in reply.text
    [button] = reply.buttons
    assert button.label == "Xem thêm" and button.data.startswith("more:") and len(button.data.encode()) <= 64
    [more] = await app.handle(msg(callback=button.data))
    assert "30/01" in more.text and "Phụ lục" in more.text and "mục 1.b" in more.text


async def test_group_mention_and_out_of_scope(app):
    [reply] = await app.handle(msg("/hoi@cchc_bot Cách nấu phở bò ngon", kind="group"))
    assert "chưa tìm thấy" in reply.text and not reply.buttons


async def test_stale_more_button(app):
    [reply] = await app.handle(msg(callback="more:999999"))
    assert "không còn" in reply.text
    [reply] = await app.handle(msg(callback="more:abc"))
    assert "không còn" in reply.text


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _knowledge_ready(app):  # type: ignore[no-untyped-def]
    """As at start-up (bot/runner.py): the bundled corpus is ingested before messages arrive."""
    app.knowledge.ensure_ready()
