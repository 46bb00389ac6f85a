"""Files sent by admins in a private chat: added to the knowledge base, with the deadlines found offered to confirm."""
from __future__ import annotations

import asyncio
import re

from bot.core.messages import Reply
from bot.core.errors import Forbidden
from handlers import confirm
from handlers.context import Context
from handlers.registry import document_handler
from knowledge.errors import IngestError
from knowledge.ocr import progress_text, scan_report
from knowledge.service import IngestResult
from knowledge.usecases import add_document, same_directive_warning
from bot.core.vietnamese import fold
from scheduler.daysoff import calendar_for
from scheduler.deadline_form import describe
from scheduler.extract import FoundDeadline, find_deadlines, report_name, responsible_body
from scheduler.repo import same_deadline
from scheduler.timeutil import as_vn
from scheduler.units import match_unit

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


def audience_of(ctx: Context, found: FoundDeadline) -> tuple[list[str], list[int], str]:
    """Whom to remind of a found deadline: the one unit its sentence gives the task to when registered; when that
    body is not a registered unit, its kind (sở or xã) and a line saying so; else the words before the phrase."""
    body = responsible_body(found)
    if body is None:
        return guess_audience(found), [], ""
    unit = match_unit(ctx.session, body).unit
    if unit is not None:
        return [], [unit.id], f"Văn bản giao cho {body}: chỉ nhắc đơn vị này.\n"
    kind = "xa" if re.search(r"\b(xa|phuong|dac khu)\b", fold(body)) else "so"
    return ([kind], [], f"Văn bản giao cho {body}, đơn vị này chưa có trong danh sách đơn vị: bot sẽ nhắc mọi "
                        f"{'UBND cấp xã' if kind == 'xa' else 'sở, ban, ngành'}; thêm đơn vị (/donvi them …) rồi sửa "
                        "đối tượng (/suahan) nếu chỉ cần nhắc đơn vị đó.\n")


def _line(text: str) -> str:
    return f"\n{text}" if text else ""


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
                     + _line(same_directive_warning(ctx.session, result.document_id)))]
    today = as_vn(ctx.now()).date()
    found = [f for f in find_deadlines(ctx.app.knowledge.document_text(result.document_id), today)
             if f.rule is not None and not f.past]
    twins = [same_deadline(ctx.session, f.rule or "", f.sentence) for f in found]
    already = sorted({t.code for t in twins if t is not None})
    found = [f for f, t in zip(found, twins) if t is None]
    if already:  # the same directive sent again (another format, a copy): its deadlines are not offered twice
        replies[0] = Reply(replies[0].text + f"\n{len(already)} hạn trong văn bản đã có trong bot (mã "
                           f"{', '.join(already)}), không hỏi lại.")
    if not found:
        return replies
    replies[0] = Reply(replies[0].text + f"\nTìm thấy {len(found)} hạn trong văn bản; xác nhận từng hạn muốn bot nhắc:")
    cal = calendar_for(ctx.session)
    for f in found[:MAX_CANDIDATES]:
        where = f"{result.title}" + (f", mục {f.section}" if f.section else "")
        types, unit_ids, whom = audience_of(ctx, f)
        fields = {"title": report_name(f), "rule": f.rule, "audience_types": types, "audience_units": unit_ids,
                  "leads": list(ctx.app.settings.default_leads), "remind_at": ctx.app.settings.reminder_time,
                  "source": where, "what": f.sentence[:1000], "found": True}
        sentence = f.sentence[:300] + ("…" if len(f.sentence) > 300 else "")
        summary = (f"Hạn tìm thấy: «{f.phrase}» trong câu: «{sentence}»\n{whom}"
                   + describe(ctx.session, fields, cal, today, count=2))
        replies.append(confirm.ask(ctx, "add_deadline", fields, summary,
                                   question="Thêm hạn này để bot nhắc? (sửa sau bằng /suahan)"))
    if len(found) > MAX_CANDIDATES:
        replies.append(Reply(f"Còn {len(found) - MAX_CANDIDATES} hạn khác; xem hết: python -m bot kb deadlines "
                             f"{result.document_id}."))
    return replies
