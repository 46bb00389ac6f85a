"""Files on Zalo over real HTTP: pictures by URL from the published folder (Zalo fetches them), documents as a
link there, a plain note where no public address is configured; the console writes them under the data folder."""
from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, StaticFileHandler

import httpx

from bot.channels.console import ConsoleChannel
from bot.core.config import Settings
from bot.core.messages import OutgoingFile, Reply
from tests.channels.zalo.conftest import make_channel
from tests.channels.zalo.fake_zalo import FakeZalo

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAfbLI3wAAAABJRU5ErkJggg==")
ICS = OutgoingFile("han-cchc.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")


@pytest.fixture
async def web(zalo_settings: Settings) -> AsyncIterator[str]:
    """The province's web server publishing DATA_DIR/public (as a reverse proxy would), on 127.0.0.1."""
    folder = zalo_settings.data_dir / "public"
    folder.mkdir(parents=True, exist_ok=True)
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(Application([(r"/files/(.*)", StaticFileHandler, {"path": str(folder)})]))
    server.add_sockets(sockets)
    yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/files"
    server.stop()


async def test_pictures_go_by_url_and_documents_as_links(zalo_settings: Settings, web: str, fake: FakeZalo):
    channel = make_channel(dataclasses.replace(zalo_settings, public_files_url=web))
    try:
        await channel.send("u1", Reply("Biểu đồ tình hình nộp", files=(
            OutgoingFile("bieu-do.png", PNG, "image/png", picture=True), ICS)))
        [(chat, url, fetched)] = fake.photos
        assert chat == "u1" and url.startswith(web + "/") and fetched == PNG
        [text] = fake.sent("u1")
        assert text.startswith("Biểu đồ tình hình nộp") and "han-cchc.ics" in text
        link = text.split("han-cchc.ics»: ")[1].split()[0]
        async with httpx.AsyncClient() as http:
            assert (await http.get(link)).content == ICS.data
    finally:
        await channel.stop()


async def test_without_a_public_address_files_are_named_in_the_text(zalo: object, fake: FakeZalo):
    await zalo.send("u1", Reply("Lịch hạn nộp", files=(ICS,)))  # type: ignore[attr-defined]
    [text] = fake.sent("u1")
    assert "han-cchc.ics" in text and "không gửi được qua Zalo" in text
    assert fake.photos == [] and "sendPhoto" not in fake.methods()


async def test_the_console_writes_files_under_the_data_folder_and_prints_the_path(tmp_path: Path):
    out = io.StringIO()
    console = ConsoleChannel(out=out, files_dir=tmp_path / "console-files")
    await console.send("local", Reply("Lịch hạn nộp", files=(ICS,)))
    printed = out.getvalue()
    path = Path(printed.split("đã lưu tại: ")[1].split()[0])
    assert path.parent == tmp_path / "console-files" and path.read_bytes() == ICS.data


async def test_lich_typed_on_zalo_names_the_calendar_file(zapp, zalo, fake: FakeZalo):  # type: ignore[no-untyped-def]
    await zalo.start(zapp)
    fake.push(fake.update("lịch", chat="boss", user="boss"))
    [text] = await fake.wait_sent(1)
    assert "Lịch hạn nộp báo cáo 12 tháng tới" in text and "han-cchc-tat-ca-don-vi.ics" in text
