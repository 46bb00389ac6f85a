"""CLI of the knowledge base: `kb add|list|show|remove|deadlines` and `ask` (the JSON contract other tools use)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.app import build_app
from bot.core.config import Settings
from knowledge.ocr import progress_text, scan_report
from knowledge.status import CHOICES, LABELS, effective, parse
from scheduler.extract import document_deadlines


def register(sub: Any) -> None:
    kb = sub.add_parser("kb", help="knowledge base: add, list, show, remove documents")
    ksub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    add = ksub.add_parser("add", help="add .txt, .md, .docx, .pdf, .doc, .odt, .png or .jpg files (scans read by OCR)")
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.set_defaults(handler=cmd_add)
    ksub.add_parser("list", help="list the documents").set_defaults(handler=cmd_list)
    show = ksub.add_parser("show", help="show a document's details and sections")
    show.add_argument("id", type=int)
    show.set_defaults(handler=cmd_show)
    remove = ksub.add_parser("remove", help="remove a document, or with --bundled the bundled launch directives")
    remove.add_argument("id", type=int, nargs="?")
    remove.add_argument("--bundled", action="store_true", help="remove the directives bundled with the bot")
    remove.set_defaults(handler=cmd_remove)
    set_ = ksub.add_parser("set", help="set a document's status: du-thao (draft), hieu-luc (in-force), thay-the")
    set_.add_argument("id", type=int)
    set_.add_argument("--status", required=True, help="du-thao | hieu-luc | thay-the (or draft | in-force | replaced)")
    set_.set_defaults(handler=cmd_set)
    deadlines = ksub.add_parser("deadlines", help="report deadlines found in a document")
    deadlines.add_argument("doc_id", type=int, metavar="DOC_ID")
    deadlines.add_argument("--json", action="store_true", help="print JSON (the only format)")
    deadlines.set_defaults(handler=cmd_deadlines)

    ask = sub.add_parser("ask", help="ask a question (without QUESTION and with --json: one question per stdin line)")
    ask.add_argument("question", nargs="?", default=None)
    ask.add_argument("--json", action="store_true", help="print the JSON object of the answer")
    ask.add_argument("--top", type=int, default=3, help="at most this many sources (default 3)")
    ask.set_defaults(handler=cmd_ask)


def _kb(settings: Settings):  # type: ignore[no-untyped-def]
    return build_app(settings).knowledge  # the one wiring: same migrations as `python -m bot run`


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.actors import CONSOLE
    from knowledge.errors import IngestError
    from knowledge.usecases import add_document, same_directive_warning

    app = build_app(settings)
    kb = app.knowledge
    kb.ensure_ready()
    failed = 0
    total = len(args.paths)
    for i, path in enumerate(args.paths, 1):
        prefix = f"[{i}/{total}] " if total > 1 else ""

        def progress(done: int, pages: int, prefix: str = prefix) -> None:
            print(f"{prefix}{progress_text(done, pages)}", file=sys.stderr, flush=True)

        try:
            data = _read(Path(path), settings)
            with app.db.session() as s:
                r = add_document(s, app.clock.now(), CONSOLE, settings, Path(path).name, data, progress)
                copy = same_directive_warning(s, r.document_id) if r.created else ""
        except IngestError as e:
            failed += 1
            print(f"{prefix}✗ {e}", file=sys.stderr, flush=True)
            continue
        state = f"đã thêm (#{r.document_id}, {r.passages} đoạn)" if r.created else f"đã có sẵn (#{r.document_id})"
        print(f"{prefix}✓ {path}: {r.title} — {state}", flush=True)
        if r.scanned:
            print(f"{prefix}{scan_report(r.pages, r.low_confidence_pages)}", flush=True)
        if copy:
            print(f"{prefix}{copy}", flush=True)
    kb.ensure_ready()
    return 1 if failed else 0


def _read(path: Path, settings: Settings) -> bytes:
    """The file's bytes, refused (IngestError) when it is missing or over MAX_UPLOAD_MB."""
    from knowledge.errors import IngestError
    from knowledge.limits import too_big

    try:
        size = path.stat().st_size
    except OSError:
        raise IngestError(f"Không đọc được tệp «{path}».") from None
    if size > settings.max_upload_bytes:
        raise too_big(path.name, size, settings.max_upload_bytes)
    return path.read_bytes()


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.usecases import list_documents

    app = build_app(settings)
    app.knowledge.ensure_ready()
    with app.db.session() as s:
        docs = list_documents(s)
    for d in docs:
        print(f"#{d.id}  {d.label}  ({d.passages} đoạn, tệp {d.file_name})")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    kb = _kb(settings)
    doc = kb.get_document(args.id)
    if doc is None:
        print(f"Không có văn bản #{args.id}.", file=sys.stderr)
        return 1
    fields = [("Loại", doc.doc_type), ("Số", doc.number), ("Trích yếu", doc.title), ("Cơ quan ban hành", doc.issuer),
              ("Tỉnh", doc.province), ("Ngày", doc.issued_on.isoformat() if doc.issued_on else doc.date_text),
              ("Người ký", f"{doc.signer_title} {doc.signer}".strip()),
              ("Trạng thái", LABELS.get(effective(doc.status, doc.draft), "")),
              ("Nguồn chữ", "bản scan (OCR)" if doc.scanned else ""), ("Tệp", doc.file_name)]
    print(f"#{doc.id}")
    for name, value in fields:
        print(f"{name}: {value or '—'}")
    print(f"Các đoạn ({len(doc.passages)}):")
    for p in doc.passages:
        words = " ".join(p.text.split())
        print(f"  [{p.id}] {p.section or '-'}: {words[:100]}{'…' if len(words) > 100 else ''}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.actors import CONSOLE
    from bot.core.errors import NotFound
    from knowledge.usecases import remove_bundled, remove_document

    app = build_app(settings)
    if args.bundled:
        with app.db.session() as s:
            removed = remove_bundled(s, app.clock.now(), CONSOLE)
        listed = ", ".join(f"#{i}" for i in removed)
        print(f"Đã xóa {len(removed)} văn bản có sẵn của bot{': ' + listed if removed else ''}.")
        if args.id is None:
            return 0
    if args.id is None:
        print("Cần mã văn bản (python -m bot kb remove 12) hoặc --bundled.", file=sys.stderr)
        return 2
    try:
        with app.db.session() as s:
            remove_document(s, app.clock.now(), CONSOLE, args.id)
    except NotFound:
        print(f"Không có văn bản #{args.id}.", file=sys.stderr)
        return 1
    print(f"Đã xóa văn bản #{args.id}.")
    return 0


def cmd_set(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.actors import CONSOLE
    from bot.core.errors import NotFound
    from knowledge.usecases import set_status

    status = parse(args.status)
    if status is None:
        print(f"Trạng thái «{args.status}» không hợp lệ; dùng: {CHOICES}.", file=sys.stderr)
        return 2
    app = build_app(settings)
    try:
        with app.db.session() as s:
            set_status(s, app.clock.now(), CONSOLE, args.id, status)
    except NotFound:
        print(f"Không có văn bản #{args.id}.", file=sys.stderr)
        return 1
    print(f"Văn bản #{args.id}: {LABELS[status]}.")
    return 0


def cmd_deadlines(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    kb = _kb(settings)
    kb.ensure_ready()
    doc = kb.get_document(args.doc_id)
    if doc is None:
        print(json.dumps({"error": f"Không có văn bản #{args.doc_id}."}, ensure_ascii=False))
        return 1
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    out = {"document": {"id": doc.id, "number": doc.number, "type": doc.doc_type, "title": doc.title,
                        "issuer": doc.issuer, "date": doc.issued_on.isoformat() if doc.issued_on else None},
           "deadlines": document_deadlines(doc.text, today)}
    print(json.dumps(out, ensure_ascii=False, default=str))
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    kb = _kb(settings)
    top = max(1, args.top)
    if args.question is None:
        if not args.json:
            print("Cần câu hỏi, ví dụ: python -m bot ask \"Kế hoạch CCHC năm ban hành chậm nhất ngày nào?\" "
                  "(hoặc --json để đọc câu hỏi từ stdin).", file=sys.stderr)
            return 2
        for line in sys.stdin:
            question = line.strip()
            if not question:
                continue
            print(json.dumps(kb.answer(question, top=top).to_json(), ensure_ascii=False), flush=True)
        return 0
    answer = kb.answer(args.question, top=top)
    print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else answer.text)
    return 0
