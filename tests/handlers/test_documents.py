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


async def test_a_file_is_read_in_a_worker_thread_while_other_chats_are_answered(app, channel, monkeypatch):
    import asyncio
    import threading

    import knowledge.usecases

    started, release = threading.Event(), threading.Event()
    real = knowledge.usecases.parse_bytes

    def slow_scan(name, data, limits, progress=None):  # type: ignore[no-untyped-def]
        started.set()
        for page in (1, 2, 3):
            progress(page, 3)  # a three-page scan being read
        assert release.wait(10)
        return real(name, data, limits, progress)

    monkeypatch.setattr(knowledge.usecases, "parse_bytes", slow_scan)
    uploading = asyncio.create_task(app.handle(upload("cv7946.txt", directive_7946())))
    assert await asyncio.to_thread(started.wait, 10)
    other = await app.handle(IncomingMessage(ChatRef("fake", "u2-private"), Sender("u2", "Cán bộ"), text="/start",
                                             chat_kind="private"))
    assert other and other[0].text and not uploading.done()  # answered while the file is still being read
    release.set()
    replies = await uploading
    assert "Đã thêm văn bản" in replies[0].text
    for _ in range(50):  # progress lines are posted to the loop from the worker thread
        if len([t for t in channel.texts("boss-private") if "trang" in t]) >= 2:
            break
        await asyncio.sleep(0)
    progress = [t for t in channel.texts("boss-private") if "Đang nhận dạng chữ" in t]
    assert progress == ["⏳ Đang nhận dạng chữ bản scan: trang 1/3…", "⏳ Đang nhận dạng chữ bản scan: trang 3/3…"]


async def test_a_scanned_upload_says_it_was_read_by_ocr(app, monkeypatch):
    from knowledge import ocr

    monkeypatch.setattr(ocr, "missing", lambda: "")
    monkeypatch.setattr(ocr, "read_image", lambda image: ocr.OcrPage(
        "THÔNG BÁO\nLịch họp giao ban\n\n1. Họp giao ban vào sáng thứ hai hằng tuần tại phòng họp số 2.", 52.0))
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (300, 300), 255).save(buf, format="PNG")
    replies = await app.handle(upload("anh.png", buf.getvalue()))
    assert "Đã thêm văn bản" in replies[0].text and "OCR" in replies[0].text
    assert "Trang 1 nhận dạng kém tin cậy" in replies[0].text


async def test_the_same_directive_sent_again_in_another_form_is_flagged_and_its_deadlines_not_offered_twice(app):
    """QA round 2: the .pdf of a directive after its .docx is another content hash; the admin is told the store
    has a document with that number, and the deadlines already saved are not offered again (double reminders)."""
    replies = await app.handle(upload("cv7946.txt", directive_7946()))
    for r in replies[1:]:
        if r.buttons:
            await app.handle(IncomingMessage(ChatRef("fake", "boss-private"), Sender("boss"), callback=r.buttons[0].data))
    with app.db.session() as s:
        saved = sorted(s.scalars(select(Deadline.code)))
    assert len(saved) == 2
    copy = directive_7946().decode("utf-8").replace("\n", "\n\n", 3).encode("utf-8") + "\nBản gửi lại.".encode()
    again = await app.handle(upload("cv7946-ban-2.txt", copy))
    assert "Đã thêm văn bản" in again[0].text and "⚠️ Kho đã có văn bản cùng số 7946/UBND-NCPC" in again[0].text
    assert f"2 hạn trong văn bản đã có trong bot (mã {', '.join(saved)}), không hỏi lại." in again[0].text
    assert [r for r in again if r.buttons] == []


PLAN = ("ỦY BAN NHÂN DÂN TỈNH A\nSố: 31/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2027\n\n"
        "1. Các sở, ban, ngành gửi báo cáo kết quả thực hiện công tác CCHC quý về Sở Nội vụ trước ngày 15 của "
        "tháng cuối quý.\n\n"
        "2. Sở Tư pháp chủ trì tổ chức Hội thi tìm hiểu CCHC, hoàn thành trước ngày 30/9/2027.\n\n"
        "3. Sở Văn hóa, Thể thao và Du lịch xây dựng kế hoạch tuyên truyền CCHC, gửi Sở Nội vụ trước ngày "
        "31/3/2027.\n")


async def test_found_deadlines_get_short_titles_and_the_unit_the_sentence_names(app):
    """QA #33/#34: the report's name as title (the sentence stays as the source), a readable code from its kind and
    period, and a task given to one named sở offered to that unit (registered) or said to be unregistered."""
    from scheduler.units import add_unit

    with app.db.session() as s:
        tp = add_unit(s, "Sở Tư pháp", "so", ["STP"]).id
    replies = await app.handle(upload("kh31.txt", PLAN.encode()))
    candidates = [r for r in replies[1:] if r.buttons]
    assert len(candidates) == 3
    report, contest, media = candidates
    assert "• Tên: Báo cáo kết quả thực hiện công tác CCHC quý\n" in report.text
    assert "trong câu: «Các sở, ban, ngành gửi báo cáo kết quả" in report.text and "sở/ban/ngành" in report.text
    assert "• Tên: Tổ chức Hội thi tìm hiểu CCHC\n" in contest.text
    assert "Văn bản giao cho Sở Tư pháp: chỉ nhắc đơn vị này." in contest.text and "UBND cấp xã" not in contest.text
    assert "• Tên: Kế hoạch tuyên truyền CCHC\n" in media.text
    assert "Văn bản giao cho Sở Văn hóa, Thể thao và Du lịch, đơn vị này chưa có trong danh sách đơn vị" in media.text
    for r in candidates:
        await app.handle(IncomingMessage(ChatRef("fake", "boss-private"), Sender("boss"), callback=r.buttons[0].data))
    with app.db.session() as s:
        saved = {d.code: d for d in s.scalars(select(Deadline))}
    assert set(saved) == {"bc-cchc-quy", "tch-cchc", "kh-cchc"}
    assert saved["tch-cchc"].audience_units == [tp] and saved["tch-cchc"].audience_types == []
    assert saved["kh-cchc"].audience_types == ["so"] and saved["kh-cchc"].audience_units == []
    assert saved["bc-cchc-quy"].what.startswith("Các sở, ban, ngành gửi báo cáo kết quả")  # the sentence kept


async def test_a_deadline_offered_twice_is_saved_once(app):
    """QA #31: the same directive sent twice before either offer was confirmed: the second confirmation is refused."""
    first = [r for r in (await app.handle(upload("kh31.txt", PLAN.encode())))[1:] if r.buttons]
    second = [r for r in (await app.handle(upload("kh31-ban-2.txt", (PLAN + "\nBản gửi lại.").encode())))[1:]
              if r.buttons]
    assert len(first) == len(second) == 3  # nothing saved yet, so both offer them
    [ok] = await app.handle(IncomingMessage(ChatRef("fake", "boss-private"), Sender("boss"),
                                            callback=first[0].buttons[0].data))
    [twice] = await app.handle(IncomingMessage(ChatRef("fake", "boss-private"), Sender("boss"),
                                               callback=second[0].buttons[0].data))
    assert "Đã lưu hạn" in ok.text and "Hạn này đã có trong bot (mã bc-cchc-quy" in twice.text
    with app.db.session() as s:
        assert len(list(s.scalars(select(Deadline)))) == 1
