"""Files sent by an admin: added to the knowledge base, deadlines found offered as candidates to confirm."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.core.messages import Attachment, ChatRef, IncomingMessage, Sender
from scheduler.models import Deadline

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


def upload(name: str, data: bytes, *, user: str = "boss", kind: str = "private") -> IncomingMessage:
    return IncomingMessage(ChatRef("fake", f"{user}-{kind}"), Sender(user, "Quản trị"), chat_kind=kind,  # type: ignore[arg-type]
                           document=Attachment(name, data))


def directive_7946() -> bytes:
    return next(p for p in sorted(CORPUS.glob("*.txt")) if "7946" in p.read_text(encoding="utf-8")[:200]).read_bytes()


async def test_admin_upload_offers_the_deadlines_found(app):
    replies = await app.handle(upload("cv7946.txt", directive_7946()))
    assert "Đã thêm văn bản" in replies[0].text and "Tìm thấy" in replies[0].text
    candidates = [r for r in replies[1:] if r.buttons]
    texts = "\n".join(r.text for r in candidates)
    assert "30/01" in texts and "28/02" in texts
    by_date = {("30/01" if "30/01" in r.text else "28/02" if "28/02" in r.text else "?"): r for r in candidates}
    assert "sở/ban/ngành" in by_date["30/01"].text and "UBND cấp xã" in by_date["28/02"].text
    with app.db.session() as s:
        assert s.scalar(select(Deadline)) is None  # nothing saved before confirmation
    done = await app.handle(IncomingMessage(ChatRef("fake", "boss-private"), Sender("boss"),
                                            callback=by_date["28/02"].buttons[0].data))
    assert "Đã lưu hạn" in done[0].text
    with app.db.session() as s:
        d = s.scalar(select(Deadline))
        assert d.audience_types == ["xa"] and "28/02" in d.rule and "7946" in d.source


async def test_same_document_twice(app):
    await app.handle(upload("a.txt", directive_7946()))
    [again] = await app.handle(upload("b.txt", directive_7946()))
    assert "đã có trong kho" in again.text


async def test_non_admin_and_group_uploads_are_refused(app):
    [r] = await app.handle(upload("cv.txt", directive_7946(), user="u1"))
    assert "Chỉ quản trị viên" in r.text
    [r] = await app.handle(upload("cv.txt", directive_7946(), kind="group"))
    assert "tin nhắn riêng" in r.text


async def test_bad_file_gets_the_ingest_message(app):
    [r] = await app.handle(upload("empty.txt", b""))
    assert "rỗng" in r.text
