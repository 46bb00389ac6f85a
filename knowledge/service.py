"""The knowledge base service: ingest files, keep the search index in step with the database, answer questions."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from bot.core.config import Settings
from bot.core.db import Database
from knowledge import repo
from knowledge.answer import Answer, DocInfo, PassageInfo, Source, compose, decline, matched_headings
from knowledge.errors import IngestError
from knowledge import status as doc_status
from knowledge.ingest import INFO_HEADING, parse_bytes
from knowledge.limits import Limits, too_big
from knowledge.readers import Progress
from knowledge.kinds import bonus, expected_kinds
from knowledge.models import Document, Passage

log = logging.getLogger(__name__)

# Share of the question's content a passage must hold to be an answer: between the highest of ~35 off-topic probes
# (0.45: "cách làm bánh chưng") and the lowest answerable dev question (0.52); see bench/README.md.
MIN_COVERAGE = 0.48
FURTHER_SHARE = 0.6  # a further source scores at least this share of the best one
CANDIDATES = 20


@dataclass(frozen=True)
class IngestResult:
    document_id: int
    created: bool  # False when the same content was already there
    title: str
    passages: int
    file_name: str = ""
    scanned: bool = False  # read by OCR
    pages: int = 0
    low_confidence_pages: tuple[int, ...] = ()  # pages whose OCR is doubtful, to check by hand


@dataclass
class _Loaded:
    stamp: str
    index: "SearchIndex"
    searcher: "Searcher"
    passage_ids: list[int]


def doc_info(d: Document) -> DocInfo:
    return DocInfo(d.id, d.doc_type, d.number, d.title, d.issuer, d.issued_on, d.date_text, d.draft,
                   d.status or "", bool(d.scanned))


def passage_info(p: Passage, d: Document) -> PassageInfo:
    return PassageInfo(p.id, doc_info(d), p.section, p.heading, p.text)


def context_text(heading: str, *document: str) -> str:
    """What the context field of a passage holds: its headings and its document's type, number, title, issuer..."""
    return " ".join(x for x in (heading if heading != INFO_HEADING else "", *document) if x)


def own_title(heading: str) -> str:
    """The innermost heading's title, when the passage has one."""
    last = heading.rsplit(" › ", 1)[-1].split(". ", 1) if heading and heading != INFO_HEADING else []
    return last[1] if len(last) == 2 else ""


def document_label(d: Document) -> str:
    return doc_info(d).label()


class KnowledgeBase:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._loaded: _Loaded | None = None
        self._bootstrapped = False

    # --- index lifecycle -------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        key = hashlib.sha1(self.db.engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:10]
        return self.settings.data_dir / "kb_index" / key

    def ensure_ready(self) -> None:
        """Ingest the bundled corpus into an empty knowledge base, then load or build the index."""
        if not self._bootstrapped:
            with self.db.session() as s:
                empty = repo.count_documents(s) == 0 and repo.version(s) == "0"
            if empty and self.settings.kb_bundled:
                for name, data in bundled_corpus():
                    try:
                        self.add_bytes(name, data)
                    except IngestError as e:  # pragma: no cover - the bundled files are known good
                        log.error("bundled document %s rejected: %s", name, e)
            self._bootstrapped = True
        self._refresh()

    def refresh(self) -> None:
        """Load or rebuild the search index now (in a worker thread after an upload, not on the next question)."""
        self._refresh()

    def _stamp(self) -> str:
        with self.db.session() as s:
            return repo.version(s) + ":" + str(repo.count_documents(s))

    def _refresh(self) -> _Loaded:
        stamp = self._stamp()
        if self._loaded is not None and self._loaded.stamp == stamp:
            return self._loaded
        from knowledge.index import SearchIndex
        from knowledge.search import Searcher

        saved = SearchIndex.load(self.index_dir)
        if saved is not None and saved[1].split("|", 1)[0] == stamp:
            index, full_stamp = saved
            ids = [int(x) for x in full_stamp.split("|", 1)[1].split(",") if x]
        else:
            index, ids = self._build()
            try:
                index.save(self.index_dir, stamp + "|" + ",".join(map(str, ids)))
            except OSError as e:
                log.warning("could not save the search index: %s", e)
        self._loaded = _Loaded(stamp, index, Searcher(index), ids)
        return self._loaded

    def _build(self) -> tuple["SearchIndex", list[int]]:
        from knowledge.index import IndexDoc, SearchIndex

        ids: list[int] = []

        def docs(rows: Iterator[tuple[int, str, str, str, str, str, str, str]]) -> Iterator[IndexDoc]:
            for passage_id, text, heading, *document in rows:
                ids.append(passage_id)
                yield IndexDoc(text, context_text(heading, *document), own_title(heading))

        with self.db.session() as s:
            index = SearchIndex.build(docs(repo.index_rows(s)))
        return index, ids

    # --- documents ---------------------------------------------------------------------------
    def add_file(self, path: str | Path, progress: Progress | None = None) -> IngestResult:
        p = Path(path)
        try:
            size = p.stat().st_size
        except OSError:
            raise IngestError(f"Không đọc được tệp «{p}».") from None
        if size > self.settings.max_upload_bytes:
            raise too_big(p.name, size, self.settings.max_upload_bytes)
        return self.add_bytes(p.name, p.read_bytes(), progress)

    def add_bytes(self, file_name: str, data: bytes, progress: Progress | None = None) -> IngestResult:
        """Parse and store a file within the limits of the settings; nothing is stored when it is refused."""
        parsed = parse_bytes(file_name, data, Limits.from_settings(self.settings), progress)
        extra = {"scanned": parsed.scanned, "pages": parsed.pages,
                 "low_confidence_pages": tuple(parsed.low_confidence_pages)}
        with self.db.session() as s:
            existing = repo.find_by_hash(s, parsed.content_hash)
            if existing is not None:
                return IngestResult(existing.id, False, document_label(existing), len(existing.passages), file_name,
                                    **extra)
        try:
            with self.db.session() as s:
                doc = repo.store(s, parsed, datetime.now(timezone.utc))
                result = IngestResult(doc.id, True, document_label(doc), len(parsed.segments), file_name, **extra)
        except IntegrityError:  # another process stored the same content meanwhile
            with self.db.session() as s:
                existing = repo.find_by_hash(s, parsed.content_hash)
                if existing is None:
                    raise
                return IngestResult(existing.id, False, document_label(existing), len(existing.passages), file_name,
                                    **extra)
        return result

    def set_status(self, doc_id: int, status: str) -> bool:
        """Mark a document draft, in force or replaced (knowledge.status); False when there is no such document."""
        with self.db.session() as s:
            return repo.set_status(s, doc_id, status, draft=status == doc_status.DRAFT)

    def remove_bundled(self) -> list[int]:
        """Remove the bundled launch documents (matched by content); the ids removed."""
        from knowledge.ingest import parse_text

        hashes = [parse_text(name, data.decode("utf-8")).content_hash for name, data in bundled_corpus()]
        removed: list[int] = []
        with self.db.session() as s:
            for h in hashes:
                doc = repo.find_by_hash(s, h)
                if doc is not None and repo.remove_document(s, doc.id):
                    removed.append(doc.id)
        return removed

    def list_documents(self) -> list[tuple[Document, int]]:
        with self.db.session() as s:
            return repo.list_documents(s)

    def get_document(self, doc_id: int) -> Document | None:
        with self.db.session() as s:
            return repo.get_document(s, doc_id)

    def remove_document(self, doc_id: int) -> bool:
        with self.db.session() as s:
            return repo.remove_document(s, doc_id)

    def document_text(self, doc_id: int) -> str:
        with self.db.session() as s:
            doc = repo.get_document(s, doc_id)
            return doc.text if doc is not None else ""

    def get_passage(self, passage_id: int) -> PassageInfo | None:
        with self.db.session() as s:
            found = repo.passages_by_id(s, [passage_id]).get(passage_id)
            return passage_info(*found) if found else None

    def section_text(self, passage_id: int) -> tuple[PassageInfo, str] | None:
        """A passage and the full text of its section."""
        with self.db.session() as s:
            found = repo.passages_by_id(s, [passage_id]).get(passage_id)
            if found is None:
                return None
            p, d = found
            texts = [x.text for x in repo.section_passages(s, p)] if p.section else [p.text]
            return passage_info(p, d), "\n".join(texts)

    def documents_info(self) -> list[DocInfo]:
        with self.db.session() as s:
            return [doc_info(d) for d, _ in repo.list_documents(s)]

    # --- questions ---------------------------------------------------------------------------
    def answer(self, question: str, top: int = 3) -> Answer:
        if not self._bootstrapped:
            self.ensure_ready()
        loaded = self._refresh()
        query, hits = loaded.searcher.search(question, CANDIDATES)
        hits = [h for h in hits if h.coverage >= MIN_COVERAGE]
        if not hits:
            return decline(question, self.documents_info())
        best = max(h.score for h in hits)
        hits = sorted(hits, key=lambda h: -h.score)
        with self.db.session() as s:
            rows = repo.passages_by_id(s, [loaded.passage_ids[h.doc] for h in hits])
        kinds = expected_kinds(question)
        ranked = [Source(passage_info(*rows[loaded.passage_ids[h.doc]]), h.score) for h in hits
                  if loaded.passage_ids[h.doc] in rows]
        for src in ranked:
            src.score *= 1 + bonus(src.passage.text, kinds)
        ranked.sort(key=lambda src: -src.score)
        for src in ranked[:top]:
            src.title = matched_headings(src.passage, query, loaded.index)
        best = ranked[0].score if ranked else best
        if not ranked:
            return decline(question, self.documents_info())
        first = ranked[0].passage
        further: list[Source] = []
        for src in ranked[1:]:
            p = src.passage
            if src.score < FURTHER_SHARE * best or len(further) == 2:
                break
            if (p.doc.id, p.section) != (first.doc.id, first.section) and \
                    all((p.doc.id, p.section) != (f.passage.doc.id, f.passage.section) for f in further):
                further.append(src)
        return compose(question, query, ranked, loaded.index, top, further, kinds)


def bundled_corpus() -> list[tuple[str, bytes]]:
    """The launch documents shipped inside the package."""
    folder = resources.files("knowledge") / "corpus"
    return sorted((f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".txt"))
