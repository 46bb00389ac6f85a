"""Document use cases: add a file to the knowledge base, remove documents, set a document's status, list them.

Chat (a file sent in private), the CLI (`kb add|remove|set|list`) and the dashboard (Văn bản) call them with the
session, `now` and the `Actor`: one role check, the write and its audit entry in that transaction. Reading a
file (OCR of a scan may take minutes) touches no database. The search index follows by itself: every process
rebuilds it when the documents' version changes (`KnowledgeBase.refresh`, called by the caller after commit).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.audit import Action, record, require
from bot.core.config import Settings
from bot.core.errors import Invalid, NotFound
from bot.core.roles import Role
from bot.core.vietnamese import fold
from knowledge import repo
from knowledge import status as doc_status
from knowledge.ingest import parse_bytes
from knowledge.limits import Limits
from knowledge.readers import Progress
from knowledge.service import IngestResult, bundled_hashes, document_label, store_parsed

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
ADD_DOCUMENT = Action("document", Role.ADMIN)
REMOVE_DOCUMENT = Action("kb remove", Role.ADMIN)
SET_STATUS = Action("kb set", Role.ADMIN)


@dataclass(frozen=True)
class DocumentView:
    id: int
    label: str  # type, number, issuer, date, as citations name it
    title: str
    number: str
    issuer: str
    file_name: str
    passages: int
    status: str  # knowledge.status: draft, in force, replaced ("" when unknown)
    scanned: bool


def _missing(doc_id: int) -> NotFound:
    return NotFound("document", str(doc_id), f"Không có văn bản mã {doc_id}.")


def add_document(session: Session, now: datetime, actor: Actor, settings: Settings, file_name: str, data: bytes,
                 progress: Progress | None = None) -> IngestResult:
    """Read a file within the settings' limits and store it (the same content twice is stored once).

    Raises knowledge.errors.IngestError, with the Vietnamese reason, when the file cannot be read.
    """
    require(session, now, actor, ADD_DOCUMENT, file_name)
    parsed = parse_bytes(file_name, data, Limits.from_settings(settings), progress)
    result = store_parsed(session, parsed, now)
    record(session, now, actor, ADD_DOCUMENT.name, f"{file_name} -> {result.document_id}")
    return result


def same_directive(session: Session, document_id: int) -> list[DocumentView]:
    """The other documents with this one's number and issuer: the same directive added again in another form (its
    .pdf after its .docx), which answers would cite twice. Chat, `kb add` and the dashboard warn with them."""
    docs = list_documents(session)
    new = next((d for d in docs if d.id == document_id), None)
    if new is None or not new.number.strip():
        return []
    return [d for d in docs if d.id != document_id and fold(d.number) == fold(new.number)
            and fold(d.issuer) == fold(new.issuer)]


def same_directive_warning(session: Session, document_id: int) -> str:
    """'⚠️ Kho đã có văn bản cùng số … (mã 6) …' naming the copies already stored, '' when there are none."""
    same = same_directive(session, document_id)
    if not same:
        return ""
    first = same[0]
    named = "; ".join(f"«{d.label}» (mã {d.id}, tệp {d.file_name})" for d in same)
    return (f"⚠️ Kho đã có văn bản cùng số {first.number} của {first.issuer}: {named}. Nếu là cùng một văn bản, hãy "
            f"xóa bản thừa (trang Văn bản của trang quản trị, hoặc python -m bot kb remove {document_id}); các hạn "
            "đã cài từ văn bản đó không bị thêm lại.")


def remove_document(session: Session, now: datetime, actor: Actor, doc_id: int) -> None:
    """Take a document and its passages out of the knowledge base."""
    require(session, now, actor, REMOVE_DOCUMENT, str(doc_id))
    if not repo.remove_document(session, doc_id):
        raise _missing(doc_id)
    record(session, now, actor, REMOVE_DOCUMENT.name, str(doc_id))


def remove_bundled(session: Session, now: datetime, actor: Actor) -> list[int]:
    """Take out the directives shipped with the bot (matched by content); the ids removed."""
    require(session, now, actor, REMOVE_DOCUMENT, "bundled")
    removed = [doc.id for doc in (repo.find_by_hash(session, h) for h in bundled_hashes())
               if doc is not None and repo.remove_document(session, doc.id)]
    record(session, now, actor, REMOVE_DOCUMENT.name, "bundled " + " ".join(map(str, removed)))
    return removed


def set_status(session: Session, now: datetime, actor: Actor, doc_id: int, status: str) -> None:
    """Mark a document draft, in force or replaced: what citations in answers say of it."""
    if status not in doc_status.LABELS:
        raise Invalid(f"Trạng thái «{status[:20]}» không hợp lệ; dùng: {doc_status.CHOICES}.")
    require(session, now, actor, SET_STATUS, f"{doc_id} {status}")
    if not repo.set_status(session, doc_id, status, draft=status == doc_status.DRAFT):
        raise _missing(doc_id)
    record(session, now, actor, SET_STATUS.name, f"{doc_id} {status}")


def list_documents(session: Session) -> list[DocumentView]:
    """Every document, oldest first."""
    return [DocumentView(d.id, document_label(d), d.title, d.number, d.issuer, d.file_name, n,
                         doc_status.effective(d.status, d.draft), bool(d.scanned))
            for d, n in repo.list_documents(session)]
