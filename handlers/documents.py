"""Files sent by admins in a private chat: added to the knowledge base, with the deadlines found offered to confirm."""
from __future__ import annotations

import asyncio

from bot.core.messages import Reply
from bot.core.errors import Forbidden
from handlers import confirm
from handlers.context import Context
from handlers.registry import document_handler
from knowledge.errors import IngestError
from knowledge.ocr import progress_text, scan_report
from knowledge.service import IngestResult
from knowledge.usecases import add_document
from bot.core.vietnamese import fold
from scheduler.daysoff import calendar_for
from scheduler.deadline_form import describe
from scheduler.extract import FoundDeadline, find_deadlines
from scheduler.repo import list_deadlines
from scheduler.timeutil import as_vn

MAX_CANDIDATES = 5
PROGRESS_EVERY = 5  # pages of a scan between two progress messages
_XA = ("cap xa", "ubnd xa", "cac xa", "xa, phuong")
_SO = ("so, ban", "cac so", "so ban nganh", "co quan chuyen mon")


def guess_audience(found: FoundDeadline) -> list[str]:
    """Whom a phrase addresses, from the words just before it in its sentence: sở/ban/ngành, UBND cấp xã, or both."""
    sentence = fold(found.sentence)
    at = sentence.find(fold(found.phrase))
    before = sentence[:at] if at >= 0 else sentence
    xa = max(before.rfind(k) for k in _XA)
    so = max(before.rfind(k) for k in _SO)
    if xa < 0 and so < 0:
        return ["so", "xa"]
    return ["xa"] if xa > so else ["so"]


async def ingest(ctx: Context, file_name: str, data: bytes) -> IngestResult:
    """The add-document use case in a worker thread, so that other chats keep being answered meanwhile (the pages
    of a scan are reported to the admin as they are read); committed, then the index is rebuilt there too."""
    loop = asyncio.get_running_loop()

    def progress(done: int, total: int) -> None:  # called from the worker thread
        if total > 1 and (done == 1 or done == total or done % PROGRESS_EVERY == 0):
            asyncio.run_coroutine_threadsafe(ctx.app.deliver(ctx.msg, [Reply(progress_text(done, total))]), loop)

    ctx.session.commit()  # nothing of this message's transaction is held while the file is read
    result = await asyncio.to_thread(add_document, ctx.session, ctx.now(), ctx.actor, ctx.app.settings, file_name,
                                     data, progress)
    ctx.session.commit()
    await asyncio.to_thread(ctx.app.knowledge.refresh)
    return result


def same_number_warning(ctx: Context, document_id: int) -> str:
    """A line when the store already holds another document with this one's number and issuer (the same directive
    sent again as a .pdf after its .docx, say): answers would cite it twice."""
    docs = ctx.app.knowledge.list_documents()
    new = next((d for d, _ in docs if d.id == document_id), None)
    if new is None or not new.number:
        return ""
    same = [d.id for d, _ in docs if d.id != document_id and fold(d.number) == fold(new.number)
            and fold(d.issuer) == fold(new.issuer)]
    if not same:
        return ""
    return (f"\n⚠️ Kho đã có văn bản cùng số {new.number} của {new.issuer} (mã {', '.join(map(str, same))}). Nếu là "
            f"cùng một văn bản, hãy xóa bản thừa (trang Văn bản của trang quản trị, hoặc python -m bot kb remove "
            f"{document_id}).")


@document_handler
async def document(ctx: Context) -> list[Reply] | str:
    if ctx.msg.chat_kind != "private":
        return "Gửi văn bản cho bot trong tin nhắn riêng."
    att = ctx.msg.document
    assert att is not None
    try:
        result = await ingest(ctx, att.file_name, att.data)
    except Forbidden:
        return "Chỉ quản trị viên (Sở Nội vụ) thêm được văn bản vào kho tri thức. Yêu cầu đã được ghi lại."
    except IngestError as e:
        return str(e)
    if not result.created:
        return f"Văn bản này đã có trong kho: {result.title} (mã {result.document_id})."
    replies = [Reply(f"✅ Đã thêm văn bản «{result.title}» (mã {result.document_id}, {result.passages} đoạn) vào kho "
                     "tri thức; có thể hỏi về văn bản ngay."
                     + (f"\n{scan_report(result.pages, result.low_confidence_pages)}" if result.scanned else "")
                     + same_number_warning(ctx, result.document_id))]
    today = as_vn(ctx.now()).date()
    found = [f for f in find_deadlines(ctx.app.knowledge.document_text(result.document_id), today)
             if f.rule is not None and not f.past]
    known = {(fold(d.rule), fold(d.what)): d.code for d in list_deadlines(ctx.session)}
    already = sorted({known[(fold(f.rule or ""), fold(f.sentence[:1000]))] for f in found
                      if (fold(f.rule or ""), fold(f.sentence[:1000])) in known})
    found = [f for f in found if (fold(f.rule or ""), fold(f.sentence[:1000])) not in known]
    if already:  # the same directive sent again (another format, a copy): its deadlines are not offered twice
        replies[0] = Reply(replies[0].text + f"\n{len(already)} hạn trong văn bản đã có trong bot (mã "
                           f"{', '.join(already)}), không hỏi lại.")
    if not found:
        return replies
    replies[0] = Reply(replies[0].text + f"\nTìm thấy {len(found)} hạn trong văn bản; xác nhận từng hạn muốn bot nhắc:")
    cal = calendar_for(ctx.session)
    for f in found[:MAX_CANDIDATES]:
        where = f"{result.title}" + (f", mục {f.section}" if f.section else "")
        fields = {"title": f.sentence[:120].rstrip(" ,;:") + ("…" if len(f.sentence) > 120 else ""), "rule": f.rule,
                  "audience_types": guess_audience(f), "audience_units": [],
                  "leads": list(ctx.app.settings.default_leads), "remind_at": ctx.app.settings.reminder_time,
                  "source": where, "what": f.sentence[:1000]}
        summary = f"Hạn tìm thấy: «{f.phrase}»\n" + describe(ctx.session, fields, cal, today, count=2)
        replies.append(confirm.ask(ctx, "add_deadline", fields, summary,
                                   question="Thêm hạn này để bot nhắc? (sửa sau bằng /suahan)"))
    if len(found) > MAX_CANDIDATES:
        replies.append(Reply(f"Còn {len(found) - MAX_CANDIDATES} hạn khác; xem hết: python -m bot kb deadlines "
                             f"{result.document_id}."))
    return replies
