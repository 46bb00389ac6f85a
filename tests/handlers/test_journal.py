"""/nhatky shows admin actions and refusals to admins only."""
from __future__ import annotations

from tests.builders import admin_msg, msg


async def test_refusal_shows_in_the_journal(app):
    [refused] = await app.handle(msg("/nhatky"))
    assert "chỉ dành cho" in refused.text
    [journal] = await app.handle(admin_msg("/nhatky"))
    assert "/nhatky" in journal.text and "bị từ chối" in journal.text


async def test_bad_argument(app):
    [reply] = await app.handle(admin_msg("/nhatky abc"))
    assert "Cú pháp" in reply.text
