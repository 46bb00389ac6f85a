"""/nhatky shows admin actions and refusals to admins only."""
from __future__ import annotations

from tests.builders import admin_msg, msg, cli_environment


async def test_refusal_shows_in_the_journal(app):
    [refused] = await app.handle(msg("/nhatky"))
    assert "chỉ dành cho" in refused.text
    [journal] = await app.handle(admin_msg("/nhatky"))
    assert "/nhatky" in journal.text and "bị từ chối" in journal.text


async def test_bad_argument(app):
    [reply] = await app.handle(admin_msg("/nhatky abc"))
    assert "Cú pháp" in reply.text


async def test_entries_read_in_vietnamese(app):
    """QA: /nhatky showed «/add_deadline {'title': …}» and «focal point request dk1 -> … pending»."""
    await app.handle(admin_msg("/donvi them Sở Tư pháp | sở"))
    await app.handle(admin_msg("/themhan Báo cáo năm | chậm nhất ngày 10/12 hằng năm | sở | 7,3,1,0"))
    await app.handle(admin_msg("đồng ý"))
    await app.handle(msg("/dangky Sở Tư pháp", chat="u7", user="u7"))
    [journal] = await app.handle(admin_msg("/nhatky"))
    text = journal.text
    assert "— thêm hạn: tên: Báo cáo năm; quy tắc: chậm nhất ngày 10/12 hằng năm; đối tượng: sở/ban/ngành" in text
    assert "— đăng ký: yêu cầu làm đầu mối dk1 → Sở Tư pháp ⏳ chờ duyệt" in text
    assert "— thêm đơn vị: Sở Tư pháp (sở/ban/ngành) ✓" in text
    assert "{'" not in text and "add_deadline" not in text and "focal point" not in text


def test_the_cli_prints_the_same(tmp_path, monkeypatch, capsys, db_url):  # type: ignore[no-untyped-def]
    from datetime import datetime

    from bot import schema
    from bot.cli import main
    from bot.core.actors import CONSOLE
    from bot.core.audit import record
    from bot.core.clock import VN_TZ
    from bot.core.db import Database

    database = Database.from_url(db_url)
    schema.upgrade(database)
    with database.session() as s:
        record(s, datetime(2026, 12, 1, 9, tzinfo=VN_TZ), CONSOLE, "remove_deadline", str({"code": "bcn"}))
    database.engine.dispose()
    cli_environment(monkeypatch, tmp_path, db_url)
    assert main(["audit"]) == 0
    assert "— xóa hạn: mã: bcn ✓" in capsys.readouterr().out
