"""Văn bản (upload, list, passages, remove, status), Ngày nghỉ, Nhật ký (filters) and Hỏi thử."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.core.clock import VN_TZ
from bot.core.models import AuditEntry
from bot.web.dashboard.auth import Admin, action_page, admin_page, bot_app, form_text
from bot.web.dashboard.render import page
from bot.core.errors import Forbidden, NotFound
from scheduler.usecases import daysoff as day_cases
from knowledge import status as doc_status
from knowledge.errors import IngestError
from knowledge.models import Passage
from knowledge.ocr import scan_report
from knowledge import usecases as doc_cases
from knowledge.service import IngestResult
from knowledge.usecases import add_document, list_documents
from scheduler.daysoff import list_overrides
from scheduler.timeutil import as_vn
from scheduler.vi_dates import format_date_vi

JOURNAL_ROWS = 200


# ------------------------------------------------------------------ Văn bản

def _documents(request: Request, *, status: int = 200, **extra) -> Response:  # type: ignore[no-untyped-def]
    with bot_app(request).db.session() as s:
        docs = list_documents(s)
    return page(request, "documents.html", {"title": "Văn bản", "docs": docs, "labels": doc_status.LABELS,
                                            "passages": sum(d.passages for d in docs), **extra}, status=status)


@admin_page
async def documents(request: Request, admin: Admin) -> Response:
    return _documents(request)


@action_page
async def upload(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _documents(request, error="Chưa chọn tệp.", status=422)
    data = await upload.read(app.settings.max_upload_bytes + 1)
    if len(data) > app.settings.max_upload_bytes:
        return _documents(request, error=f"Tệp quá lớn (tối đa {app.settings.max_upload_bytes // 2**20} MB).", status=422)
    try:
        result = await asyncio.to_thread(_add, app, admin, upload.filename, data)  # off the event loop
    except IngestError as e:
        return _documents(request, error=str(e), status=422)
    if not result.created:
        return _documents(request, flash=f"Văn bản này đã có trong kho: {result.title} (mã {result.document_id}).")
    scan = f" {scan_report(result.pages, result.low_confidence_pages)}" if result.scanned else ""
    with app.db.session() as s:
        copy = doc_cases.same_directive_warning(s, result.document_id)
    flash = f"✅ Đã thêm «{result.title}» (mã {result.document_id}, {result.passages} đoạn).{scan}"
    return _documents(request, flash=flash + (f" {copy}" if copy else ""))


def _add(app, admin: Admin, file_name: str, data: bytes) -> IngestResult:  # type: ignore[no-untyped-def]
    """The add-document use case, then the index rebuilt: in a worker thread, so other requests and chats go on."""
    with app.db.session() as s:
        result = add_document(s, app.clock.now(), admin.actor, app.settings, file_name, data)
    app.knowledge.refresh()
    return result


@admin_page
async def document(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    doc_id = request.path_params["doc_id"]
    doc = app.knowledge.get_document(doc_id)
    if doc is None:
        return page(request, "message.html", {"title": "Văn bản", "text": f"Không có văn bản mã {doc_id}."}, status=404)
    with app.db.session() as s:
        passages = list(s.scalars(select(Passage).where(Passage.document_id == doc_id).order_by(Passage.position)))
    return page(request, "document.html", {"title": doc.title or doc.file_name, "doc": doc, "passages": passages})


@action_page
async def remove_document(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    doc_id = request.path_params["doc_id"]
    try:
        with app.db.session() as s:
            doc_cases.remove_document(s, app.clock.now(), admin.actor, doc_id)
    except NotFound as e:
        return _documents(request, error=str(e), status=404)
    return _documents(request, flash=f"🗑 Đã xóa văn bản mã {doc_id} khỏi kho tri thức.")


@action_page
async def set_status(request: Request, admin: Admin) -> Response:
    """Draft, in force or replaced: what citations in answers say of the document."""
    app = bot_app(request)
    doc_id = request.path_params["doc_id"]
    form = await request.form()
    status = doc_status.parse(form_text(form, "status", 20))
    if status is None:
        return _documents(request, error=f"Trạng thái không hợp lệ; chọn: {doc_status.CHOICES}.", status=422)
    try:
        with app.db.session() as s:
            doc_cases.set_status(s, app.clock.now(), admin.actor, doc_id, status)
    except NotFound as e:
        return _documents(request, error=str(e), status=404)
    return _documents(request, flash=f"Văn bản mã {doc_id}: {doc_status.LABELS[status]}.")


# ------------------------------------------------------------------ Ngày nghỉ

def _days_off(request: Request, *, status: int = 200, **extra) -> Response:  # type: ignore[no-untyped-def]
    app = bot_app(request)
    today = as_vn(app.clock.now()).date()
    with app.db.session() as s:
        from scheduler.daysoff import calendar_for

        cal = calendar_for(s)
        rows = [{"day": o.day, "label": format_date_vi(o.day), "off": o.day_off, "note": o.note, "by": o.set_by}
                for o in list_overrides(s, today - timedelta(days=31))]
        coming = [(d, cal.holiday_name(d)) for d in (today + timedelta(days=i) for i in range(120))
                  if cal.is_day_off(d) and d.weekday() < 5]
    return page(request, "daysoff.html", {"title": "Ngày nghỉ", "rows": rows,
                                          "coming": [(format_date_vi(d), n) for d, n in coming], **extra}, status=status)


@admin_page
async def days_off(request: Request, admin: Admin) -> Response:
    return _days_off(request)


@action_page
async def change_day(request: Request, admin: Admin) -> Response:
    """Add a day off, or drop an admin's adjustment: the use cases /ngaynghi calls (same audit, re-planning)."""
    app = bot_app(request)
    form = await request.form()
    try:
        day = date.fromisoformat(form_text(form, "day", 10))
    except ValueError:
        return _days_off(request, error="Ngày phải có dạng YYYY-MM-DD.", status=422)
    note = form_text(form, "note", 200)
    try:
        with app.db.session() as s:
            if form.get("verb") == "them":
                added = day_cases.add_day_off(s, app.clock.now(), admin.actor, day, note)
                text = (f"Đã thêm ngày nghỉ {format_date_vi(day)}" + (f" ({added.note})" if added.note else "")
                        + ". Lịch nhắc sẽ được tính lại: không nhắc vào ngày này.")
            else:
                removed = day_cases.remove_adjustment(s, app.clock.now(), admin.actor, day, note)
                text = (f"{format_date_vi(day)} không có điều chỉnh nào của quản trị viên." if removed.removed is None
                        else f"Đã bỏ điều chỉnh ngày {format_date_vi(day)}; ngày này trở lại như lịch. "
                             "Lịch nhắc sẽ được tính lại.")
    except Forbidden:
        return _days_off(request, error="Bạn không có quyền làm việc này. Yêu cầu đã được ghi lại.", status=403)
    return _days_off(request, flash=text)


# ------------------------------------------------------------------ Nhật ký

@admin_page
async def journal(request: Request, admin: Admin) -> Response:
    app = bot_app(request)
    q = request.query_params
    who, action, day_text = q.get("nguoi", "")[:80].strip(), q.get("thaotac", "")[:50].strip(), q.get("ngay", "")[:10]
    query = select(AuditEntry)
    if who:
        channel, _, user = who.rpartition(":")
        query = query.where(AuditEntry.user_id == user, *([AuditEntry.channel == channel] if channel else []))
    if action:
        query = query.where(AuditEntry.action.like(f"{action.replace('%', '')}%"))
    error = ""
    if day_text:
        try:
            day = date.fromisoformat(day_text)
            start = datetime.combine(day, time(), VN_TZ)
            query = query.where(AuditEntry.at >= start, AuditEntry.at < start + timedelta(days=1))
        except ValueError:
            error = "Ngày phải có dạng YYYY-MM-DD."
    with app.db.session() as s:
        entries = list(s.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(JOURNAL_ROWS)))
        actions = sorted(set(s.scalars(select(AuditEntry.action).distinct())))
    return page(request, "journal.html", {"title": "Nhật ký", "entries": entries, "actions": actions, "who": who,
                                          "action": action, "day": day_text, "error": error})


# ------------------------------------------------------------------ Hỏi thử

@admin_page
async def ask(request: Request, admin: Admin) -> Response:
    question, answer = "", None
    if request.method == "POST":
        form = await request.form()
        question = form_text(form, "q", 1000)
        if question:
            answer = bot_app(request).knowledge.answer(question)
    return page(request, "ask.html", {"title": "Hỏi thử", "question": question, "answer": answer})
