"""SQL of the knowledge base, in small functions over a session."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from knowledge.ingest import ParsedDocument
from knowledge.models import Document, KbVersion, Passage


def find_by_hash(session: Session, content_hash: str) -> Document | None:
    return session.scalar(select(Document).where(Document.content_hash == content_hash))


def store(session: Session, parsed: ParsedDocument, now: datetime) -> Document:
    m = parsed.meta
    doc = Document(content_hash=parsed.content_hash, file_name=parsed.file_name[:255], doc_type=m.doc_type,
                   number=m.number, title=m.title, issuer=m.issuer, province=m.province, issued_on=m.date,
                   date_text=m.date_text, signer=m.signer, signer_title=m.signer_title, draft=m.draft,
                   status="draft" if m.draft else "", scanned=parsed.scanned, text=parsed.text, added_at=now)
    doc.passages = [Passage(position=i, section=s.section, heading=s.heading, text=s.text)
                    for i, s in enumerate(parsed.segments)]
    session.add(doc)
    session.flush()
    bump_version(session)
    return doc


def bump_version(session: Session) -> None:
    if session.execute(update(KbVersion).where(KbVersion.id == 1).values(version=KbVersion.version + 1)).rowcount == 0:
        session.add(KbVersion(id=1, version=1))
        session.flush()


def version(session: Session) -> str:
    """A stamp that changes whenever documents are added or removed."""
    v = session.scalar(select(KbVersion.version).where(KbVersion.id == 1))
    return str(v or 0)


def stamp(session: Session) -> str:
    """`version` and the number of documents as "version:count", in one statement (asked before every answer)."""
    version = select(KbVersion.version).where(KbVersion.id == 1).scalar_subquery()
    count = select(func.count(Document.id)).scalar_subquery()
    v, n = session.execute(select(version, count)).one()
    return f"{v or 0}:{int(n or 0)}"


def count_documents(session: Session) -> int:
    return int(session.scalar(select(func.count(Document.id))) or 0)


def list_documents(session: Session) -> list[tuple[Document, int]]:
    """Every document with its passage count, oldest first."""
    counts = dict(session.execute(select(Passage.document_id, func.count(Passage.id)).group_by(Passage.document_id)).all())
    docs = session.scalars(select(Document).order_by(Document.id))
    return [(d, int(counts.get(d.id, 0))) for d in docs]


def get_document(session: Session, doc_id: int) -> Document | None:
    """A document with its passages loaded (usable after the session closes)."""
    return session.scalar(select(Document).options(selectinload(Document.passages)).where(Document.id == doc_id))


def set_status(session: Session, doc_id: int, status: str, *, draft: bool) -> bool:
    """Record a document's status; the version moves so that every process shows the new citation."""
    changed = session.execute(update(Document).where(Document.id == doc_id)
                              .values(status=status, draft=draft)).rowcount
    if changed:
        bump_version(session)
    return bool(changed)


def remove_document(session: Session, doc_id: int) -> bool:
    session.execute(delete(Passage).where(Passage.document_id == doc_id))
    removed = session.execute(delete(Document).where(Document.id == doc_id)).rowcount
    if removed:
        bump_version(session)
    return bool(removed)


def all_passages(session: Session) -> list[tuple[Passage, Document]]:
    rows = session.execute(select(Passage, Document).join(Document, Passage.document_id == Document.id)
                           .order_by(Passage.id))
    return [(p, d) for p, d in rows.all()]


def index_rows(session: Session) -> Iterator[tuple[int, str, str, str | None, int, str, str, str, str, str]]:
    """What the search index needs of every passage, streamed in passage order: id, text, heading, section, document
    id, and its document's type, number, title, issuer and province."""
    q = (select(Passage.id, Passage.text, Passage.heading, Passage.section, Passage.document_id, Document.doc_type,
                Document.number, Document.title, Document.issuer, Document.province)
         .join(Document, Passage.document_id == Document.id).order_by(Passage.id)
         .execution_options(yield_per=2000))
    for row in session.execute(q):
        yield tuple(row)  # type: ignore[misc]


def passages_by_id(session: Session, ids: list[int]) -> dict[int, tuple[Passage, Document]]:
    rows = session.execute(select(Passage, Document).join(Document, Passage.document_id == Document.id)
                           .where(Passage.id.in_(ids)))
    return {p.id: (p, d) for p, d in rows.all()}


def section_passages(session: Session, passage: Passage) -> list[Passage]:
    """All passages of the same document and section, in order."""
    q = select(Passage).where(Passage.document_id == passage.document_id).order_by(Passage.position)
    q = q.where(Passage.section == passage.section) if passage.section is not None else q.where(Passage.section.is_(None))
    return list(session.scalars(q))


def passage_documents(session: Session) -> list[tuple[int, int]]:
    """(passage id, document id) of every passage, in passage order."""
    return [(int(p), int(d)) for p, d in session.execute(select(Passage.id, Passage.document_id).order_by(Passage.id))]


def items_after(session: Session, passage: Passage, limit: int) -> list[Passage]:
    """The passages after one in its document that belong to its section or to sections inside it ('3' -> '3.a')."""
    q = (select(Passage).where(Passage.document_id == passage.document_id, Passage.position > passage.position)
         .order_by(Passage.position).limit(limit * 3))
    out = []
    for p in session.scalars(q):
        inside = passage.section is not None and p.section is not None and \
            (p.section == passage.section or p.section.startswith(passage.section + "."))
        if not inside or len(out) == limit:
            break
        out.append(p)
    return out


def section_tree(session: Session, passage: Passage) -> list[Passage]:
    """The passages of a passage's section and of the sections inside it ('II.3' -> 'II.3.a'), in order."""
    if passage.section is None:
        return []
    inside = passage.section.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
    q = (select(Passage).where(Passage.document_id == passage.document_id,
                               (Passage.section == passage.section) | Passage.section.like(inside, escape="\\"))
         .order_by(Passage.position))
    return list(session.scalars(q))


def document_sections(session: Session, doc_id: int) -> list[tuple[int, str, str]]:
    """Each section of a document once, in order: (its first passage's id, section label, heading)."""
    q = (select(Passage.id, Passage.section, Passage.heading).where(Passage.document_id == doc_id,
                                                                    Passage.section.is_not(None))
         .order_by(Passage.position))
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for pid, section, heading in session.execute(q):
        if section not in seen:
            seen.add(section)
            out.append((pid, section, heading or ""))
    return out
