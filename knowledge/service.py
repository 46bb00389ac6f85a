"""The knowledge base service: ingest files, keep the search index in step with the database, answer questions."""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.db import Database
from knowledge import repo
from knowledge.answer import (Answer, DocInfo, PassageInfo, Source, Turn, asked_name, asked_owner, compose, compose_items,
                              decline, documents_answer, drafts_answer, due_after, fact_answer, matched_headings, query_weights, sentences_of,
                              tidy, unit_share)
from knowledge.followup import complete, leans_on, names_document, refers_back
from knowledge.search import Query
from knowledge.index import NUMBER_PREFIX
from knowledge.understand import (_LEVELS as _LEVEL_PATTERNS, Intent, asking_phrase, asking_spans, fact_phrase, level_of, province_keys,
                                  provinces_in, understand, without_chatter)
from bot.core.vietnamese import DOC_NUMBER, doc_numbers, fold, number_key, syllables
from knowledge.errors import IngestError
from knowledge.ingest import INFO_HEADING, ParsedDocument, parse_bytes
from knowledge.limits import Limits
from knowledge.readers import Progress
from knowledge.kinds import bonus, holds, holds_amount
from knowledge.lexicon import ABBREVIATIONS, OTHER_FIELDS, QUESTION_WORDS
from knowledge.models import Document, Passage
from knowledge.outline import asks_outline, headings, outline_for, outline_text, sentence_case, words_of

log = logging.getLogger(__name__)

# Share of the question's content a passage must hold to be an answer: between the highest of ~35 off-topic probes
# (0.45: "cách làm bánh chưng") and the lowest answerable dev question (0.52); see bench/README.md.
MIN_COVERAGE = 0.48
FURTHER_SHARE = 0.6  # a further source scores at least this share of the best one
CANDIDATES = 20
SOURCE_FLOOR_SHARE = 0.5  # share of the decline floor that the further candidates of an answered question must reach


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
    documents: list[DocInfo] | None = None
    doc_of: dict[int, int] | None = None
    number_heads: set[str] | None = None
    folded_numbers: dict[str, str] | None = None  # folded document number -> as stored ('1814/qd-ubnd' -> '1814/QĐ-UBND')


def doc_info(d: Document) -> DocInfo:
    return DocInfo(d.id, d.doc_type, d.number, d.title, d.issuer, d.issued_on, d.date_text, d.draft,
                   d.status or "", bool(d.scanned), d.province, d.signer, d.signer_title)


def passage_info(p: Passage, d: Document) -> PassageInfo:
    return PassageInfo(p.id, doc_info(d), p.section, p.heading, p.text)


def context_text(heading: str, *document: str) -> str:
    """What the context field of a passage holds: its headings and its document's type, number, title, issuer..."""
    return " ".join(x for x in (heading if heading != INFO_HEADING else "", *document) if x)


def article_of(section: str | None, heading: str) -> tuple[str, str]:
    """The article of a law a passage belongs to ('Điều 5' of section 'Điều 5.2') and that article's own heading
    ('Điều 5. Các hành vi bị nghiêm cấm'); ('', '') outside articles."""
    m = _ARTICLE_OF.match(section or "")
    if not m:
        return "", ""
    head = next((part for part in heading.split(" › ") if _ARTICLE_OF.match(part)), m.group(0))
    return m.group(0), head


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
        self._refresh_lock = threading.Lock()
        self._local = threading.local()

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
        """Bootstrap, then load or rebuild the search index if the store changed: meant for a worker thread, so
        that the event loop never waits for an index build (after an upload, before a question)."""
        with self._refresh_lock:
            if not self._bootstrapped:
                self.ensure_ready()
            else:
                self._refresh()

    def _stamp(self) -> str:
        with self._session() as s:
            return repo.stamp(s)

    def _current(self) -> _Loaded:
        """The loaded index when the store has not changed (one small query), else reloaded under the lock."""
        loaded, stamp = self._loaded, self._stamp()
        if loaded is not None and loaded.stamp == stamp:
            return loaded
        with self._refresh_lock:
            return self._refresh()

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

        def docs(rows: Iterator[tuple[int, str, str, str | None, int, str, str, str, str, str]]) -> Iterator[IndexDoc]:
            for passage_id, text, heading, section, doc_id, *document in rows:
                ids.append(passage_id)
                group, head = article_of(section, heading)
                yield IndexDoc(text, context_text(heading, *document), own_title(heading),
                               f"{doc_id}/{group}" if group else "", context_text(head, *document) if group else "")

        with self.db.session() as s:
            index = SearchIndex.build(docs(repo.index_rows(s)))
        return index, ids

    # --- documents ---------------------------------------------------------------------------
    def add_bytes(self, file_name: str, data: bytes, progress: Progress | None = None) -> IngestResult:
        """Parse and store a file within the limits of the settings; nothing is stored when it is refused
        (not audited: admins add documents through knowledge.usecases.add_document)."""
        parsed = parse_bytes(file_name, data, Limits.from_settings(self.settings), progress)
        with self.db.session() as s:
            return store_parsed(s, parsed, datetime.now(timezone.utc))

    def list_documents(self) -> list[tuple[Document, int]]:
        with self.db.session() as s:
            return repo.list_documents(s)

    def get_document(self, doc_id: int) -> Document | None:
        with self.db.session() as s:
            return repo.get_document(s, doc_id)

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
        with self._session() as s:
            return [doc_info(d) for d, _ in repo.list_documents(s)]

    # --- questions ---------------------------------------------------------------------------
    def _documents(self, loaded: "_Loaded") -> list[DocInfo]:
        if loaded.documents is None:
            loaded.documents = self.documents_info()
        return loaded.documents

    def _doc_of(self, loaded: "_Loaded") -> dict[int, int]:
        """Document id of each index position."""
        if loaded.doc_of is None:
            with self._session() as s:
                by_passage = dict(repo.passage_documents(s))
            loaded.doc_of = {i: by_passage.get(pid, -1) for i, pid in enumerate(loaded.passage_ids)}
        return loaded.doc_of

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """The session of the answer under way on this thread, else a new one: an answer's reads share one."""
        current = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        with self.db.session() as s:
            self._local.session = s
            try:
                yield s
            finally:
                self._local.session = None

    def answer(self, question: str, top: int = 3, previous: Turn | None = None, forced: Turn | None = None) -> Answer:
        """The answer to a question, or a short decline; `previous` is the chat's last turn, for follow-ups
        (`forced`: complete the question from that turn even when it does not say it leans on it)."""
        if not self._bootstrapped:
            self.refresh()
        with self._session():  # the stamp, the passages and their sections read over one connection
            return self._answer(question, top, previous, forced)

    def _answer(self, question: str, top: int, previous: Turn | None, forced: Turn | None) -> Answer:
        loaded = self._current()
        asked = self._stored_numbers(without_chatter(question), loaded)
        intent = understand(asked)
        docs = self._documents(loaded)
        if intent.wants_documents:
            return documents_answer(question, docs)
        if intent.wants_drafts and not intent.provinces and not doc_numbers(asked):
            return drafts_answer(question, docs)
        understood, pinned = asked, None
        pinned_passage: int | None = None  # "NQ đó", "việc này": the passage that answered the previous turn
        unsaid = False  # it leans on the previous turn without saying so ("thời hạn trình là khi nào")
        if forced is not None or (previous is not None and (leans_on(intent) or (
                intent.meta and not intent.provinces and not doc_numbers(asked)))):
            unsaid = forced is None and not intent.leans_on_previous and not refers_back(intent.text)
            turn = forced or previous
            assert turn is not None
            before = next((d for d in docs if d.id == turn.doc_id), None)
            understood = complete(asked, intent, turn, before.doc_type if before else "", before.province if before else "")
            kind = before.doc_type if before else ""
            pinned = turn.doc_id
            if refers_back(intent.text) and not names_document(intent.text, kind):
                pinned_passage = turn.passage_id
            meta = intent.meta
            asks_own = bool(asking_phrase(intent.text))
            intent = understand(understood)
            if meta or asks_own:  # "còn kh cchc đồng tháp?" after "… ai ký": asking nothing, it asks the same
                intent.meta = meta
        reason = self._missing(intent, docs, loaded, understood)
        if reason:
            return decline(question, docs, reason)
        parts = split_parts(understood, intent, docs)
        if intent.meta and len(parts) < 2 and pinned_passage is None:
            # "QĐ đó ban hành ngày nào" after a kế hoạch citing it: the date is in the passage citing it, not a fact of
            # the kế hoạch
            fact = self._fact(question, understood, intent, docs, loaded, pinned)
            if fact is not None:
                return fact
        if len(parts) >= 2:
            items = []
            for name, sub, where in parts:
                sub_intent = understand(sub)
                if where is None and sub_intent.provinces and _has_provinces(docs):
                    where = {d.id for d in docs if _in_province(d, sub_intent.provinces)} or None
                here = [d for d in docs if where is None or d.id in where]
                a = self._fact(question, sub, sub_intent, here, loaded, None) if sub_intent.meta else None
                if a is None:
                    a = self._answer_one(question, sub, 1, sub_intent, loaded, where, None)
                if a.answered:
                    items.append((name or _place(a), a))
            if items:
                return compose_items(question, items, understood)
            return decline(question, docs)
        if intent.wants_list and asks_outline(intent.text):
            outline = self._outline(question, understood, intent, docs, pinned)
            if outline is not None:
                return outline
        where = {d.id for d in docs if _in_province(d, intent.provinces)} or None \
            if intent.provinces and _has_provinces(docs) else None
        named = _named_by_number(understood, docs) if where is None else None
        a = self._answer_one(question, understood, top, intent, loaded, {named.id} if named else where, pinned,
                             pinned_passage)
        if named is not None and not a.answered:  # what it asks may be in another document citing it
            a = self._answer_one(question, understood, top, intent, loaded, where, pinned, pinned_passage)
        if not a.answered and previous is not None and understood == asked:
            # a question that finds nothing alone may still lean on the previous one without saying so
            return self.answer(question, top, None, forced=previous) if forced is None else decline(question, docs, a.text)
        if not a.answered and unsaid:  # ... and one read as leaning without saying so may be a question of its own
            alone = self._answer(question, top, None, None)
            if alone.answered:
                return alone
        if not a.answered:
            return decline(question, docs, a.text)
        return a

    def _missing(self, intent: Intent, docs: list[DocInfo], loaded: "_Loaded", text: str) -> str:
        """Why the store cannot answer a question that names a province or document it lacks; empty if it can.
        Only for questions about the documents of a place: a law mentioning Hải Phòng is still about the law."""
        if intent.provinces and _has_provinces(docs) and self._about_places(loaded, text, docs):
            lacking = [p for p in intent.provinces if not any(_in_province(d, [p]) for d in docs)]
            if lacking:
                have = sorted({d.province for d in docs if d.province})
                return (f"Chưa có văn bản của tỉnh {', '.join(lacking)}; hiện có: {', '.join(have[:8])}"
                        f"{'…' if len(have) > 8 else ''}.")
        field = self._other_field(fold(text), loaded)
        if field:
            return f"Các văn bản đang có không nói về {field}; tôi chỉ trả lời theo các văn bản trong kho."
        if _RANK_ASKED.search(fold(text)) and not self._states_rank(intent, docs):
            place = f" của tỉnh {', '.join(intent.provinces)}" if intent.provinces else ""
            return f"Các văn bản đang có{place} không nêu thứ hạng được hỏi."
        numbers = doc_numbers(text)
        # a document asked about by its number ("QĐ 2222/QĐ-UBND quy định về vấn đề gì?"), not one cited in passing
        about_it = intent.meta is not None or len(text.split()) <= NUMBER_QUESTION_WORDS or \
            any(n in doc_numbers(" ".join(text.split()[:NUMBER_LEAD_WORDS])) for n in numbers)
        if numbers and about_it and not any(loaded.index.vocab.code(NUMBER_PREFIX + n) >= 0 for n in numbers):
            return f"Chưa có văn bản số {numbers[0]} trong kho, và không văn bản nào đang có nhắc đến nó."
        # a number written short, with its year and no symbol ("theo NĐ 29/2023 …"): known when a stored or cited
        # number starts with it
        short = [m.group(1) for m in _SHORT_NUMBER.finditer(fold(text))]
        if short and (about_it or _BY_DOCUMENT.search(fold(text))):
            known = self._number_heads(loaded)
            lacking = [n for n in short if n not in known]
            if lacking and len(lacking) == len(short):
                return f"Chưa có văn bản số {lacking[0]} trong kho, và không văn bản nào đang có nhắc đến nó."
        return ""

    def _states_rank(self, intent: Intent, docs: list[DocInfo]) -> bool:
        """Whether a document of the province asked (or any, when none is named) states a rank ("xếp thứ 8/63")."""
        scope = [d for d in docs if _in_province(d, intent.provinces)] if intent.provinces else docs
        for d in scope:
            full = self.get_document(d.id)
            if full is not None and _RANK_STATED.search(fold(full.text)):
                return True
        return False

    def _other_field(self, folded: str, loaded: "_Loaded") -> str:
        """The field a question names ("thuế thu nhập cá nhân", "ly hôn") when no passage of the store holds it."""
        words = " " + " ".join(syllables(folded)) + " "
        for phrase, shown in OTHER_FIELDS.items():
            if f" {phrase} " in words and not self._holds_phrase(phrase.split(), loaded):
                return shown
        # "luật cán bộ công chức sửa đổi": a law no passage (nor its title) names, its name being words the store
        # knows together ("cán bộ"), so no typo ("luật tố tnụg hành chính" is not declined for "tnụg")
        law = _LAW_NAMED.search(words)
        if law and self._holds_phrase(law.group(1).split(), loaded) and \
                not self._holds_phrase(["luat", *law.group(1).split()], loaded):
            return "luật được hỏi"  # the question is folded here: its own spelling is not at hand
        return ""

    def _holds_phrase(self, words: list[str], loaded: "_Loaded") -> bool:
        """Whether some passage holds these words one after another (or the one word, or its abbreviation)."""
        index = loaded.index
        if len(words) == 1:
            return index.vocab.code(words[0]) >= 0 and index.df(index.vocab.code(words[0])) > 0
        docs: np.ndarray | None = None
        for a, b in zip(words, words[1:]):
            code = index.vocab.code(f"{a}_{b}")
            if code < 0:
                return False
            held = index.terms.postings(code)[0]  # one posting list for body and context
            docs = held if docs is None else np.intersect1d(docs, held, assume_unique=True)
            if not len(docs):
                return False
        return True

    def _stored_numbers(self, text: str, loaded: "_Loaded") -> str:
        """The question with each document number written as the store writes it: typed without diacritics
        ('1814/qd-ubnd') it is the stored '1814/QĐ-UBND' when exactly one stored number folds to it."""
        if loaded.folded_numbers is None:
            by_fold: dict[str, set[str]] = {}
            for w in loaded.index.vocab.words:
                if w.startswith(NUMBER_PREFIX):
                    by_fold.setdefault(fold(w[len(NUMBER_PREFIX):]), set()).add(w[len(NUMBER_PREFIX):])
            loaded.folded_numbers = {k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1}

        def stored(m: re.Match[str]) -> str:
            key = number_key(m.group(0))
            if loaded.index.vocab.code(NUMBER_PREFIX + key) >= 0:
                return m.group(0)
            return loaded.folded_numbers.get(fold(key), m.group(0))  # type: ignore[union-attr]
        return DOC_NUMBER.sub(stored, text)

    def _number_heads(self, loaded: "_Loaded") -> set[str]:
        """'29/2023' for every document number the index knows ('29/2023/NĐ-CP'), computed once per index."""
        if loaded.number_heads is None:
            loaded.number_heads = {"/".join(w[len(NUMBER_PREFIX):].split("/")[:2]) for w in loaded.index.vocab.words
                                   if w.startswith(NUMBER_PREFIX)}
        return loaded.number_heads

    def _about_places(self, loaded: "_Loaded", text: str, docs: list[DocInfo]) -> bool:
        """Whether the passages that best match a question belong to documents of a province (directives)."""
        if not _has_provinces(docs):
            return False
        _, hits = loaded.searcher.search(text, 3)
        if not hits:
            return True
        doc_of = self._doc_of(loaded)
        placed = {d.id for d in docs if d.province and fold(d.province) in fold(d.issuer)}  # issued by a province
        return doc_of.get(hits[0].doc) in placed

    def _fact(self, question: str, understood: str, intent: Intent, docs: list[DocInfo], loaded: "_Loaded",
              pinned: int | None) -> Answer | None:
        """Who signed a document, when, its number or issuer: from the document's own facts."""
        doc = _named_document(understood, intent, docs, pinned)
        if doc is None or (intent.meta == "number" and _other_type(intent.text, doc)):
            return None  # "được phê duyệt bằng QĐ số mấy" of a công văn: the number of a decision its text cites
        if intent.years and not any(str(y) in f"{doc.date} {doc.date_text} {doc.title} {doc.number}" for y in intent.years):
            return None  # "kế hoạch cchc năm 2019 của hà tĩnh ai ký": not this document (the text decides)
        full = self.get_document(doc.id)
        if full is None:
            return None
        first = next((p for p in full.passages if p.heading == INFO_HEADING), full.passages[0] if full.passages else None)
        source = Source(passage_info(first, full), 1.0) if first is not None else None
        if intent.meta == "signer" and doc.signer:
            return fact_answer(question, doc, "Người ký", f"{doc.signer_title} {doc.signer}".strip(), source)
        if intent.meta == "issued":
            written = _written_date(full.text)
            if written or doc.date_text:
                return fact_answer(question, doc, "Ngày ban hành", written or doc.date_text, source)
            if doc.id == pinned:  # "văn bản đó ban hành tháng mấy" of an undated document: not another one's date
                return fact_answer(question, doc, "Ngày ban hành", "bản trong kho không ghi ngày ban hành", source)
        if intent.meta == "number" and doc.number:
            return fact_answer(question, doc, "Số văn bản", doc.number, source)
        if intent.meta == "subject" and doc.title:
            return fact_answer(question, doc, "Trích yếu", f"“{doc.title}”", source)
        if intent.meta == "recipients":
            block = _RECIPIENTS.search(full.text[:3000])
            if block:
                items = [ln.strip(" -;.") for ln in block.group(1).split("\n") if ln.strip(" -;.")]
                return fact_answer(question, doc, "Kính gửi", "; ".join(items), source)
        if intent.meta == "issuer" and doc.issuer:
            return fact_answer(question, doc, "Cơ quan ban hành", doc.issuer, source)
        return None

    def _outline(self, question: str, understood: str, intent: Intent, docs: list[DocInfo],
                 pinned: int | None) -> Answer | None:
        """A question asking for a document's groups of tasks ("những nhóm nhiệm vụ lớn nào"): the titles of the
        sibling sections that answer it, with the document's citation; None when it asks about one section."""
        doc = _named_document(understood, intent, docs, pinned)
        if doc is None:
            return None
        with self._session() as s:
            found = headings(repo.document_sections(s, doc.id))
        names = {w for p in intent.provinces for k in province_keys(p) for w in k.split()}
        doc_words = words_of(f"{doc.doc_type} {doc.number} {doc.title} {doc.issuer} {doc.province}") | names
        group = outline_for(understood, doc_words, found)
        if not group:
            return None
        first = group[0]
        lead = (sentence_case(first.parent_title).rstrip(":") if first.parent_title else
                f"Các nội dung chính của {doc.name()}") + ":"
        with self._session() as s:
            rows = repo.passages_by_id(s, [h.passage_id for h in group[:3]])
        sources = [Source(passage_info(*rows[h.passage_id]), 1.0) for h in group[:3] if h.passage_id in rows]
        part = f", mục {'.'.join(first.parent)}" if first.parent else ""
        text = outline_text(group, lead) + f"\n\n📄 Nguồn: {doc.label()}{part}."
        return Answer(question, True, text, sources, None, kind="outline", understood=understood)

    def _answer_one(self, question: str, text: str, top: int, intent: Intent, loaded: "_Loaded",
                    where: set[int] | None, pinned: int | None, pinned_passage: int | None = None) -> Answer:
        """The best passage's answering unit, with its citation; a decline (answered False) when none is good."""
        wanted = max(CANDIDATES, 2 * top)
        query, hits = loaded.searcher.search(text, wanted if where is None else wanted * 4)
        floor = min_coverage(query)
        # the floor decides whether the question is answered; once some passage reaches it, the articles of a law need
        # only a share of it (an article holding part of a long question may be where the answer is)
        if any(h.coverage >= floor for h in hits):
            grouped = loaded.index.group_of
            hits = [h for h in hits if h.coverage >= (SOURCE_FLOOR_SHARE * floor if grouped[h.doc] >= 0 else floor)]
        else:
            hits = []
        doc_of = self._doc_of(loaded) if where is not None or pinned is not None else {}
        if where is not None:
            hits = [h for h in hits if doc_of.get(h.doc) in where]
        if not hits:
            return Answer(question, False, "", kind="declined")
        hits = sorted(hits, key=lambda h: -h.score)
        with self._session() as s:
            rows = repo.passages_by_id(s, [loaded.passage_ids[h.doc] for h in hits])
        kinds = intent.kinds
        ranked = [Source(passage_info(*rows[loaded.passage_ids[h.doc]]), h.score) for h in hits
                  if loaded.passage_ids[h.doc] in rows]
        if intent.years:
            codes = [loaded.index.vocab.code(str(y)) for y in intent.years]
            pos = {loaded.passage_ids[h.doc]: h.doc for h in hits}  # index position of each candidate
            dated = [src for src in ranked if all(c >= 0 and loaded.index.holds(c, pos[src.passage.id]) for c in codes)]
            # a year asked about ("PAR Index năm 2023"), not one naming a law ("Luật Cư trú năm 2020")
            asked = [y for y in intent.years if not re.search(rf"\b(?:luat|bo luat|hien phap|nghi dinh|thong tu|phap lenh)\b[^,.;?]{{0,50}}\b{y}\b",
                                                                   intent.text)]
            top_doc = ranked[0].passage.doc if ranked else None
            dated_doc = top_doc is not None and (top_doc.date is not None or bool(_YEAR4.search(
                f"{top_doc.date_text} {top_doc.title}")))
            unknown = [y for y in intent.years if codes[intent.years.index(y)] < 0
                       or loaded.index.df(codes[intent.years.index(y)]) == 0]
            if unknown:  # no passage of the store writes that year at all (not even a law's name)
                return Answer(question, False, f"Chưa có nội dung về năm {', '.join(map(str, unknown))} "
                                               f"trong các văn bản đang có.", kind="declined")
            # a year asked alone ("thi đua năm 2025", not in a period or a date of the question) is stated as a year
            # or in a date, not only as the end of a period cited ("giai đoạn 2021-2025")
            alone = [y for y in asked if not _in_range(y).search(intent.text) and not re.search(rf"\d/{y}\b", intent.text)]
            stated = [src for src in dated if not alone or any(states_year(src.passage.text, y) for y in alone)]
            if asked and not stated and (_OTHER_YEAR.search(fold(ranked[0].passage.text)) or dated_doc):
                # the passages that match speak of other years: the year asked about is not covered
                return Answer(question, False, f"Chưa có nội dung về năm {', '.join(map(str, intent.years))} "
                                               f"trong các văn bản đang có.", kind="declined")
            for src in dated:
                src.score *= YEAR_BONUS
        articles = set(_ARTICLE_REF.findall(intent.text))
        unit = asked_unit(intent.text)
        if unit in SOFT_UNITS:
            for src in ranked:
                if holds_amount(src.passage.text, unit):
                    src.score *= AMOUNT_BONUS
        elif unit:
            ranked = [src for src in ranked if holds_amount(src.passage.text, unit)]
        named = [n for n in INDEX_NAMES if re.search(rf"\b{n}\b", intent.text)]
        if named:  # an index asked about by name (PAPI, PCI, SIPAS…): the passage speaks of that index
            ranked = [src for src in ranked if all(_names_index(f"{src.passage.heading} {src.passage.text}", n)
                                                   for n in named)]
            if not ranked:
                return Answer(question, False, f"Chưa có nội dung về chỉ số {', '.join(n.upper() for n in named)} "
                                               f"trong các văn bản đang có phù hợp với câu hỏi.", kind="declined")
        if not ranked:
            return Answer(question, False, "", kind="declined")
        for src in ranked:
            src.score *= 1 + bonus(src.passage.text, kinds)
            if intent.levels and level_of(f"{own_title(src.passage.heading)} {src.passage.text}") & intent.levels:
                src.score *= LEVEL_BONUS
            if pinned is not None and src.passage.doc.id == pinned:
                src.score *= PREVIOUS_DOC_BONUS
            if pinned_passage is not None and src.passage.id == pinned_passage and holds(src.passage.text, kinds):
                src.score *= PREVIOUS_PASSAGE_BONUS
            if articles and _ARTICLE_OF.match(src.passage.section or "") and \
                    _ARTICLE_OF.match(src.passage.section or "").group(1) in articles:
                src.score *= ARTICLE_BONUS
        ranked = by_article(ranked)
        ranked = self._by_unit(ranked, query, loaded, kinds, frozenset(intent.levels), unit)
        for src in ranked[:top]:
            src.title = matched_headings(src.passage, query, loaded.index)
        best = ranked[0].score
        first = ranked[0].passage
        further: list[Source] = []
        for src in sorted(ranked[1:], key=lambda x: -x.score):
            p = src.passage
            if src.score < FURTHER_SHARE * best or len(further) == 2:
                break
            if (p.doc.id, p.section) != (first.doc.id, first.section) and \
                    all((p.doc.id, p.section) != (f.passage.doc.id, f.passage.section) for f in further):
                further.append(src)
        levels = frozenset(intent.levels)
        if (intent.wants_list is False or _PLACES_LISTED.search(intent.text)) and _asks_which(intent.text) \
                and where is None:
            per_doc = _best_per_document(ranked, best, doc_numbers(text))
            if len(per_doc) >= 2:
                items = [(_place_of(src.passage.doc), compose(question, query, [src], loaded.index, 1, [], kinds, levels))
                         for src in per_doc]
                return compose_items(question, items, text)
        first = ranked[0].passage
        answer = compose(question, query, ranked, loaded.index, top, further, kinds, levels, intent.wants_list, text,
                         unit)
        if intent.wants_list or _ASKS_WHAT.search(intent.text):
            for src in [s for s in ranked[:TITLED_PASSAGES] if s.score >= RERANK_SHARE * ranked[0].score]:
                listed = self._section_items(answer, src.passage, query, intent.wants_list)
                if listed is not None:
                    listed.sources = [src] + [s for s in listed.sources if s is not src]
                    return listed
        if answer.text.split("\n\n📄", 1)[0].rstrip().endswith(":"):
            answer = self._with_items(answer, first)
        elif set(kinds) & {"time", "deadline"}:
            answer = self._with_due(answer, first, levels)
        if "who" in kinds:
            answer = self._with_agent(answer, first)
        return answer

    def _with_agent(self, answer: Answer, passage: PassageInfo) -> Answer:
        """A task with no subject ("Chủ trì lập kế hoạch …") answering "who": the body its item assigns it to, from
        the item's opening ("c) Giao Thanh tra tỉnh chủ trì, …"), before the task."""
        body, sep, rest = answer.text.partition("\n\n📄")
        opening_words = " ".join(body.split()[:SUBJECT_WORDS])
        if not passage.section or holds(opening_words, ["who"]) or holds(passage.section_label(), ["who"]):
            return answer
        with self._session() as s:
            found = repo.passages_by_id(s, [passage.id]).get(passage.id)
            opening = next(iter(repo.section_passages(s, found[0])), None) if found else None
        if opening is None or opening.id == passage.id:
            return answer
        m = _AGENT.match(sentences_of(opening.text.split("\n", 1)[0])[0])
        if m and holds(m.group(1), ["who"]):
            answer.text = f"{m.group(1).strip(' ,')}: {body}" + sep + rest
        return answer

    def _section_items(self, answer: Answer, passage: PassageInfo, query: Query, wants_list: bool) -> Answer | None:
        """A list question about a section by its title ("cải cách chế độ công vụ có những gì?", "Sở Nội vụ được giao
        những nhiệm vụ gì?"): the section's title with its items, each cut to its first words; None when the question
        is not about a titled section made of items."""
        title = own_title(passage.heading)
        words = re.findall(r"[a-z]+", fold(title))
        asked = set(query.tokens)
        shared = sum(w in asked for w in words)
        # or one phrase of a title naming several things ("mục đích" of "MỤC ĐÍCH, YÊU CẦU")
        phrases = [p.split() for p in re.split(r",|;|\bva\b", fold(title)) if len(p.split()) >= 2]
        named = any(all(w in asked for w in p) for p in phrases) and len(phrases) >= 2
        if not words or shared < 2 or (shared < (TITLE_SHARE if wants_list else 1.0) * len(words) and not named):
            return None
        with self._session() as s:
            found = repo.passages_by_id(s, [passage.id]).get(passage.id)
            texts = [p.text for p in repo.section_tree(s, found[0])] if found else []
        lines = [ln.strip() for t in texts for ln in t.split("\n") if ln.strip()]
        items = [ln for ln in lines if _TOP_ITEM.match(ln)] or [ln for ln in lines if _ITEM_START.match(ln)]
        if len(items) < 2:
            return None
        shown = [_compact(_ITEM_START.sub("", x, count=1)) for x in items[:SECTION_ITEMS]]
        lead = sentence_case(title.strip()).rstrip(":") + ":"
        if passage.id != answer.sources[0].passage.id if answer.sources else False:
            answer.text = answer.text.replace(f"📄 Nguồn: {answer.sources[0].passage.citation()}.",
                                              f"📄 Nguồn: {passage.citation()}.")
        more = [f"… và {len(items) - len(shown)} mục khác."] if len(items) > len(shown) else []
        _, sep, rest = answer.text.partition("\n\n📄")
        answer.text = "\n".join([lead, *("• " + tidy(t).rstrip(".;") for t in shown), *more]) + sep + rest
        return answer

    def _with_due(self, answer: Answer, passage: PassageInfo, levels: frozenset[str]) -> Answer:
        """A task whose deadline is not in its passage but further down its item ("Thời hạn trình UBND tỉnh: trong quý
        III/2017." in the next paragraph, before the next '-' item): the deadline joins the answer."""
        body, sep, rest = answer.text.partition("\n\n📄")
        if holds(body, ["due"]) or due_after(passage.text, body):
            return answer
        with self._session() as s:
            found = repo.passages_by_id(s, [passage.id]).get(passage.id)
            following = [p.text for p in repo.items_after(s, found[0], DUE_PASSAGES)] if found else []
        for text in following:
            if _ITEM_START.match(text):
                break  # another item of the list: its dates are its own
            due = next((x for line in text.split("\n") for x in sentences_of(line) if holds(x, ["due"])
                        and (not levels or not level_of(x) or level_of(x) & levels)), None)
            if due:
                answer.text = body + "\n… " + tidy(due) + sep + rest
                break
        return answer

    def _by_unit(self, ranked: list[Source], query: Query, loaded: "_Loaded", kinds: list[str],
                 levels: frozenset[str], unit: str = "") -> list[Source]:
        """The first passages re-ordered by how well their best sentence answers (a long passage can outscore the one
        whose sentence is the answer); the rest keep their order."""
        if len(ranked) < 2 or _ARTICLE_OF.match(ranked[0].passage.section or ""):
            return ranked  # the articles of a law are ranked as wholes (ALQAC: MRR@10 lower with one sentence's fit)
        best = ranked[0].score
        head = [src for src in ranked[:RERANK_PASSAGES] if src.score >= RERANK_SHARE * best]
        weights = query_weights(query, loaded.index)
        owner = asked_owner(query.tokens)
        name = asked_name(query.tokens)
        fit = {id(src): unit_share(src.passage.text, weights, loaded.index, kinds, levels, unit, owner, name)
               for src in head}
        head.sort(key=lambda src: -(src.score / best) * (UNIT_FLOOR + fit[id(src)]))
        return head + ranked[len(head):]

    def _with_items(self, answer: Answer, passage: PassageInfo) -> Answer:
        """A lead-in ending in ':' whose items are the passages that follow it in its section: shown with them."""
        with self._session() as s:
            found = repo.passages_by_id(s, [passage.id]).get(passage.id)
            following = [p.text for p in repo.items_after(s, found[0], ITEMS_SHOWN)] if found else []
        if not following:
            return answer
        items = [_compact(_ITEM_START.sub("", t, count=1)) for t in following[:ITEMS_SHOWN]]
        lead, _, rest = answer.text.partition("\n\n📄")
        answer.text = "\n".join([lead, *("• " + t for t in items)]) + "\n\n📄" + rest
        return answer


def _compact(item: str) -> str:
    """An item of a list as shown: its first clauses, cut after a ';' or '.' once it has ITEM_CLAUSE_WORDS words, and at
    ITEM_WORDS words at most."""
    words = item.split()
    for i, w in enumerate(words[:ITEM_WORDS]):
        if i + 1 >= ITEM_CLAUSE_WORDS and w.endswith((";", ".")) and i + 1 < len(words):
            return " ".join(words[:i + 1]).rstrip(";.") + " …"
    return " ".join(words) if len(words) <= ITEM_WORDS else " ".join(words[:ITEM_WORDS]) + " …"


def min_coverage(query: "Query") -> float:
    """The share of the question a passage must hold. A question whose word pairs are mostly phrases of the documents
    is about them (off-topic questions share words, rarely phrases), so less of it needs to be in one passage; with
    typos corrected, less again (a correction counts only as much as it is trusted). Between few and many phrases the
    floor falls in proportion: a step put questions one pair apart on either side of it (a six-word chat question
    with two phrases in five pairs needed 0.48, with three 0.25)."""
    share = query.phrase_share
    if share >= CORRECTED_SHARE and query.corrected:
        return TYPO_COVERAGE
    if share >= RICH_SHARE:
        return RICH_COVERAGE
    if share >= PHRASE_SHARE:
        return PHRASE_COVERAGE
    if share <= FEW_PHRASES:
        return MIN_COVERAGE
    return MIN_COVERAGE + (PHRASE_COVERAGE - MIN_COVERAGE) * (share - FEW_PHRASES) / (PHRASE_SHARE - FEW_PHRASES)


FEW_PHRASES = 0.34  # a third of the pairs or fewer phrases: the full floor (off-topic probes: mostly 0-0.33)
PHRASE_SHARE = 0.5  # from this share of phrases on, the floor of a question about the documents
CORRECTED_SHARE = 0.45  # ... and from this one on, with a typo corrected, the floor of a corrected question
PHRASE_COVERAGE = 0.25
RICH_SHARE = 0.7  # nearly all of the question's word pairs are phrases of the documents
RICH_COVERAGE = 0.2
TYPO_COVERAGE = 0.15
RERANK_PASSAGES = 8  # passages whose best sentence is weighed before choosing the one that answers
RERANK_SHARE = 0.6  # ... when they score at least this share of the best
UNIT_FLOOR = 0.5  # the passage's score counts as (UNIT_FLOOR + best sentence's share of the question)
INDEX_NAMES = ("papi", "pci", "sipas", "par", "dti", "pobi")  # indices a province is ranked by
YEAR_BONUS = 1.2  # a passage holding the year asked about
ARTICLE_EVIDENCE = 0.1  # share of an article's second best clause added to its best one
ARTICLE_BONUS = 2.0  # a passage of the article the question names ("theo Điều 15 …")
_ARTICLE_REF = re.compile(r"\bdieu (\d+[a-z]?)\b")
_ARTICLE_OF = re.compile(r"^Điều\s+(\d+[a-z]?)\b")
_SHORT_NUMBER = re.compile(r"\b(?:nd|nghi dinh|qd|quyet dinh|tt|thong tu|nq|nghi quyet|ct|chi thi|kh|ke hoach|cv|"
                           r"cong van|vb|van ban)\s*(?:so\s*)?(\d{1,5}/(?:19|20)\d\d)\b(?!/)")
_BY_DOCUMENT = re.compile(r"\b(?:theo|cua|tai)\s+(?:nd|nghi dinh|qd|quyet dinh|tt|thong tu|nq|nghi quyet|ct|chi thi|kh|"
                          r"ke hoach|cv|cong van|vb|van ban)\s*(?:so\s*)?\d")
NUMBER_QUESTION_WORDS = 10
NUMBER_LEAD_WORDS = 5  # or one whose number comes first ("Nghị định 61/2018/NĐ-CP … quy định những gì?")  # a question this short that cites a document number is about that document
# the body an item is assigned to: "Giao Thanh tra tỉnh chủ trì, …", "Sở Nội vụ chủ trì, …"
_AGENT = re.compile(r"^[-–•+]?\s*((?:Giao\s+)?[^,;:.]{3,80}?)\s+(?:chủ trì|tham mưu|phối hợp|thực hiện|có trách nhiệm|"
                    r"làm đầu mối|theo dõi|xây dựng|triển khai|chịu trách nhiệm)\b")
TITLE_SHARE = 0.6  # a list question names a section when it holds this share of the words of its title
SECTION_ITEMS = 10  # items of a section listed
_TOP_ITEM = re.compile(r"^\s*[-–•]\s*")
_ASKS_WHAT = re.compile(r"\b(?:la gi|gom|bao gom)\b")
SUBJECT_WORDS = 6  # a task whose first words name no body has its subject in its item's opening
DUE_PASSAGES = 2  # passages after a task's own looked at for its deadline
_ITEM_START = re.compile(r"^\s*(?:[-–•+]\s*|[a-zđ]\)\s*|\d{1,2}[.)]\s+)")
ITEMS_SHOWN = 10  # items of a list shown after its lead-in
ITEM_WORDS = 45  # words of each at most
ITEM_CLAUSE_WORDS = 25  # ... cut at the end of a clause past this many
TITLED_PASSAGES = 3  # a list question may be about the titled section of one of the first passages
LEVEL_BONUS = 1.15  # a passage naming the level asked about (cấp xã, sở, huyện)
PREVIOUS_DOC_BONUS = 1.2  # a follow-up leans on the document that answered the previous question
PREVIOUS_PASSAGE_BONUS = 1.3  # ... and on its passage, when it points back ("NQ đó") and that passage holds what is asked
WHICH_SHARE = 0.75  # in a "tỉnh nào …" answer, another document's best passage scores at least this share
_PLACES_LISTED = re.compile(r"\b(?:nhung|cac) (?:tinh|dia phuong) nao\b")  # a list of provinces is asked, not of items
_WHICH = re.compile(r"\b(?:tinh nao|van ban nao|nhung van ban|dia phuong nao|nhung tinh|cac tinh nao)\b")
_CITED_NUMBER = re.compile(r"\b(?:qd|nq|nd|tt|quyet dinh|nghi quyet|nghi dinh|thong tu)\s*(?:so\s*)?\d{2,}")
_COMPARE = re.compile(r"\b(?:khac nhau|khac gi|so sanh|giong nhau|chenh lech|lan luot)(?: (?:nhu the nao|the nao|ra sao|o dau|"
                      r"gi|ntn))?\b")
LEVEL_NAMES = {"tinh": "Cấp tỉnh", "so": "Sở, ban, ngành", "huyen": "Cấp huyện", "xa": "Cấp xã"}
_PARTS = re.compile(r"\s*(?:,\s*con\s+|;\s+|,\s*(?=tinh nao\b|van ban nao\b))")
_WRITTEN_DATE = re.compile(r"^[^,\d\n]{2,40},\s*(ngày\s*(?:\d{1,2}\s*)?tháng\s*\d{1,2}\s*năm\s*\d{4})", re.M | re.I)


_RECIPIENTS = re.compile(r"^Kính gửi\s*:?\s*\n+((?:\s*[-–•+]?[^\n]+\n?)+?)(?:\n\s*\n|$)", re.M)
_YEAR4 = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")


def _in_range(year: int) -> re.Pattern[str]:
    """A year written as one end of a period in a (folded) question: '2021-2025', '2021 den 2025', '2021 2025'."""
    other = r"(?:19[5-9]\d|20\d\d)"
    return re.compile(rf"{other}\s*(?:[-–]|den|toi)?\s*{year}\b|\b{year}\s*(?:[-–]|den|toi)?\s*{other}")


def states_year(text: str, year: int) -> bool:
    """Whether a text states a year as a year ("năm 2025", "đến 2025", "30/12/2025"), not only as an end of a period
    ("giai đoạn 2021-2025")."""
    return bool(re.search(rf"(?<![\d.,])(?<!\d[-–])(?<!\d [-–] ){year}(?!\d)(?!\s*[-–]\s*\d)", text))
_OTHER_YEAR = re.compile(r"\bnam (?:19[5-9]\d|20\d\d)\b")
_UNITS = ("tien", "diem", "lan", "bac", "nguoi", "don vi", "ho so", "van ban", "noi dung", "cau", "chi so", "huyen", "xa",
          "tinh", "nhiem vu", "ty", "trieu", "dong", "%")
# Units of time asked as an amount ("mấy năm", "bao nhiêu ngày"): the sentence stating one is preferred, but a passage
# without one is not ruled out (a period may be written "2021 - 2025").
SOFT_UNITS = ("nam", "thang", "ngay", "quy", "tuan")
_ASKED_UNIT = re.compile(r"\b(?:bao nhieu|may)\s+(phan tram|%|" + "|".join(u for u in (*_UNITS, *SOFT_UNITS) if u != "%")
                         + r")(?!\w)")
AMOUNT_BONUS = 1.2  # a passage stating an amount of the unit of time asked for


def by_article(ranked: list[Source]) -> list[Source]:
    """One source per article of a law ('Điều 12', whose clauses are passages): its best clause, ranked by that clause's
    score plus a share of its second best (evidence spread over an article); passages outside articles as they are."""
    groups: dict[tuple[int, str], list[Source]] = {}
    for src in sorted(ranked, key=lambda x: -x.score):
        m = _ARTICLE_OF.match(src.passage.section or "")
        key = (src.passage.doc.id, m.group(0)) if m else (src.passage.doc.id, f"#{src.passage.id}")
        groups.setdefault(key, []).append(src)
    if len(groups) == len(ranked):
        return sorted(ranked, key=lambda x: -x.score)
    weight = {k: g[0].score + ARTICLE_EVIDENCE * (g[1].score if len(g) > 1 else 0.0) for k, g in groups.items()}
    return [groups[k][0] for k in sorted(groups, key=lambda k: -weight[k])]


def _names_index(text: str, name: str) -> bool:
    f = fold(text)
    full = ABBREVIATIONS.get(name, name).removeprefix("chi so ")  # "năng lực cạnh tranh cấp tỉnh" names the PCI
    return bool(re.search(rf"\b{name}\b", f)) or full in f


def asked_unit(folded: str) -> str:
    """The unit of an amount asked for ("bao nhiêu điểm" -> "diem", "bao nhiêu %" -> "%"), or ""."""
    m = _ASKED_UNIT.search(folded.replace("%", " % "))
    return "" if m is None else ("%" if m.group(1) in ("phan tram", "%") else m.group(1))


def _asks_which(folded: str) -> bool:
    return bool(_WHICH.search(folded))


def _best_per_document(ranked: list[Source], best: float, numbers: list[str] = ()) -> list[Source]:  # type: ignore[assignment]
    """The best passage of each document scoring near the best one; with a document number asked ("tỉnh nào căn cứ
    NQ 76/NQ-CP"), any passage citing it counts, whatever its score."""
    out: list[Source] = []
    for src in ranked:
        if len(out) == 4:
            break
        cites = bool(numbers) and any(n in doc_numbers(src.passage.text) for n in numbers)
        if src.score < WHICH_SHARE * best and not cites:
            if not numbers:
                break
            continue
        if all(o.passage.doc.id != src.passage.doc.id for o in out):
            out.append(src)
    return out


def _place_of(doc: DocInfo) -> str:
    return doc.province or doc.name()


def _place(a: Answer) -> str:
    return _place_of(a.sources[0].passage.doc) if a.sources else ""


def _has_provinces(docs: list[DocInfo]) -> bool:
    return any(d.province for d in docs)


def _in_province(doc: DocInfo, provinces: list[str]) -> bool:
    where = fold(f"{doc.province} {doc.issuer}")
    return any(fold(p) in where for p in provinces)


def split_parts(text: str, intent: Intent, docs: list[DocInfo]) -> list[tuple[str, str, set[int] | None]]:
    """The parts of a question spanning documents: (name, sub-question, documents to search), or [] for one part."""
    folded = intent.text
    places = [p for p in intent.provinces if any(_in_province(d, [p]) for d in docs)]
    numbered = _numbered_places(folded, docs)
    named = list(dict.fromkeys(places + list(numbered)))[:4]
    own = _place_clauses(folded, named, numbered) if len(named) >= 2 else None
    if own is not None:  # each province's own clauses, after the topic written before them ("hồ sơ TTHC: …, còn brvt …")
        return [(p, own[p], {d.id for d in docs if _in_province(d, [p])}) for p in named]
    pieces = [p.strip(" ,?") for p in _PARTS.split(folded) if len(p.split()) >= 3]
    if len(pieces) >= 2:
        return [("", p, None) for p in pieces[:4]]
    if len(intent.levels) >= 2 and _COMPARE.search(folded):
        # "cấp tỉnh và cấp xã … khác nhau thế nào": one answer per level, each with its own citation
        named = sorted(intent.levels, key=lambda lv: _LEVEL_PATTERNS[lv].search(folded).start())
        out = []
        for lv in named[:4]:
            sub = folded
            for other in named:
                if other != lv:
                    sub = _LEVEL_PATTERNS[other].sub(" ", sub)
            out.append((LEVEL_NAMES[lv], " ".join(_COMPARE.sub(" ", sub).split()), None))
        return out
    if len(named) >= 2:
        out = []
        for p in places[:4]:
            sub = folded
            for other in places:
                if other != p:
                    sub = _without_place(sub, other)
            out.append((p, " ".join(sub.split()), {d.id for d in docs if _in_province(d, [p])}))
        return out
    return []


# A rank asked ("xếp thứ mấy") and a rank stated ("xếp thứ 8/63"): a province's documents stating none cannot answer.
_RANK_ASKED = re.compile(r"\b(?:xep (?:hang )?thu (?:may|bao nhieu|nao)|dung thu (?:may|bao nhieu|nao)|"
                         r"xep hang (?:bao nhieu|may|nao))\b")
_RANK_STATED = re.compile(r"\b(?:xep (?:hang )?thu|dung thu|xep hang)\s*(?:thu\s*)?\d")
_LAW_NAMED = re.compile(r"(?<!phap )(?<!bo )(?<!ky )(?<!dao )\bluat ((?!nay\b|so\b|moi\b|nao\b|gi\b|quy\b)[a-z]+ [a-z]+)\b")
_JOINER = r"(?:\s*(?:,|\bva\b|\bvoi\b|\bhay\b|\bhoac\b|\blan\b)\s*)*"


def _without_place(folded: str, place: str) -> str:
    """A question without one of the provinces it names and the "và" / "," joining it to the others ("bắc kạn và
    đồng tháp yêu cầu …" -> "bắc kạn yêu cầu …"): a stray "và" is one more word to match."""
    for key in sorted(province_keys(place), key=len, reverse=True):
        folded = re.sub(rf"{_JOINER}\b{re.escape(key)}\b{_JOINER}", " ", folded)
    return folded


_CLAUSE = re.compile(r"\s*(?:[,;:]\s*(?:con\s+)?|\s+(?:va|con|voi|so voi)\s+)\s*")
CLAUSE_WORDS = 2  # content words a province's own clauses must hold to be asked apart


def _numbered_places(folded: str, docs: list[DocInfo]) -> dict[str, str]:
    """The provinces of the stored documents a question names by number ("cv 7946" -> Bắc Kạn), with the number."""
    out: dict[str, str] = {}
    for d in docs:
        head = fold(d.number.split("/")[0]) if d.number else ""
        if d.province and len(re.sub(r"\D", "", head)) >= 3 and re.search(rf"\b{re.escape(head)}\b", folded):
            out.setdefault(d.province, head)
    return out


def _place_clauses(folded: str, places: list[str], numbered: dict[str, str] | None = None) -> dict[str, str] | None:
    """Each province's own part of a question naming several ("ai ký cv 7946 bắc kạn và ai ký kh cchc 2022 đồng
    tháp"): the clauses naming it and those after them, after the clauses before any province (a shared topic), with
    what the whole question asks when its own clauses do not say it ("… hà tĩnh và kh thi đua brvt do ai ký"). None
    when a clause names two provinces or a province's clauses hold no content of their own (then the question is
    one question asked of each)."""
    clauses = [c for c in _CLAUSE.split(folded.strip(" ?.")) if c.strip()]
    shared: list[str] = []
    groups: dict[str, list[str]] = {}
    current = None
    numbered = numbered or {}
    for c in clauses:
        named = [p for p in places if p in provinces_in(c) or (p in numbered and re.search(rf"\b{numbered[p]}\b", c))]
        if len(named) > 1:
            return None
        if named:
            current = named[0]
        if current is None:
            shared.append(c)
        else:
            groups.setdefault(current, []).append(c)
    if set(groups) != set(places):
        return None
    asked = asking_phrase(folded)
    out: dict[str, str] = {}
    for p, own in groups.items():
        text = " ".join(own)
        if len(_content_words(text, p)) < CLAUSE_WORDS:
            return None
        for other in provinces_in(text):
            if other != p:
                return None
        sub = " ".join([*shared, text])
        if not asking_phrase(sub) and asked:
            sub += " " + asked
        elif fact_phrase(folded) and not fact_phrase(sub) and _asks_within(sub, fact_phrase(folded)):
            sub += " " + fact_phrase(folded)  # "người ký … hà tĩnh và cv 7946 là ai"
        out[p] = " ".join(sub.split())
    return out


def _asks_within(clause: str, fact: str) -> bool:
    """Whether what a clause asks is what a fact phrase asks, said shorter ("là ai" of "người ký", "tháng mấy" of
    "tháng mấy ban hành"), not a question of its own ("hạn chót là ngày nào" is no "số mấy")."""
    words = set(fact.split()) | QUESTION_WORDS
    return all(w in words for w in asking_phrase(clause).split())


_PLACE_WORDS = frozenset("tinh cua o tai thi con".split())


def _content_words(clause: str, place: str) -> list[str]:
    """The words of a clause that say what it is about: not the province, not what or how it asks, not a comparison."""
    bare = f" {_COMPARE.sub(' ', clause)} "
    for key in province_keys(place):
        bare = bare.replace(f" {key} ", " ")
    for a, b in reversed(asking_spans(bare)):
        bare = bare[:a] + " " + bare[b:]
    return [w for w in re.sub(r"[^a-z0-9%/ -]", " ", bare).split() if w not in QUESTION_WORDS and w not in _PLACE_WORDS]


_TYPE_NAMES = {"qd": "quyet dinh", "nq": "nghi quyet", "kh": "ke hoach", "cv": "cong van", "ct": "chi thi",
               "ctr": "chuong trinh", "tb": "thong bao", "hd": "huong dan", "nd": "nghi dinh", "tt": "thong tu"}
_NUMBER_OF = re.compile(r"\b(qd|nq|kh|cv|ct|ctr|tb|hd|nd|tt|quyet dinh|nghi quyet|ke hoach|cong van|chi thi|chuong trinh|"
                        r"thong bao|huong dan|nghi dinh|thong tu)\s+(?:so\s+)?(?:may|bao nhieu|gi|nao)\b")


def _other_type(folded: str, doc: DocInfo) -> bool:
    """Whether a question asks the number of a document of another type than the one it names ("chương trình … phê
    duyệt bằng QĐ số mấy" of a công văn): that number is in the text, not a fact of the document."""
    m = _NUMBER_OF.search(folded)
    return m is not None and _TYPE_NAMES.get(m.group(1), m.group(1)) != fold(doc.doc_type)


def _named_by_number(text: str, docs: list[DocInfo]) -> DocInfo | None:
    """The stored document a question names by its number, written in full or short after its type ("cv 7946",
    "theo công văn 7946"): the question is about that document's text."""
    folded = fold(text)
    numbers = {fold(n) for n in doc_numbers(text)}
    for d in docs:
        head = fold(d.number.split("/")[0]) if d.number else ""
        if not head or len(re.sub(r"\D", "", head)) < 3:
            continue
        if fold(d.number) in numbers or re.search(rf"\b(?:{_TYPE_WORDS})\s*(?:so\s*)?{re.escape(head)}\b", folded):
            return d
    return None


_TYPE_WORDS = ("cv|cong van|kh|ke hoach|qd|quyet dinh|ct|chi thi|ctr|chuong trinh|nq|nghi quyet|tb|thong bao|hd|huong dan|"
               "vb|van ban")


def _named_document(text: str, intent: Intent, docs: list[DocInfo], pinned: int | None) -> DocInfo | None:
    """The stored document a question is about: by its number, its province, or the previous answer's."""
    folded = fold(text)
    numbers = set(doc_numbers(text))
    for d in docs:
        if d.number and (d.number in numbers or re.search(rf"\b{re.escape(d.number.split('/')[0])}\b", folded)):
            return d
    if numbers or _CITED_NUMBER.search(folded):
        return None  # a cited document that is not stored ("qđ 3504"): its date is in the text that cites it
    if intent.provinces:
        mine = [d for d in docs if _in_province(d, intent.provinces)]
        if len(mine) == 1:
            return mine[0]
    titled = _titled(folded, docs)
    if titled is not None:  # "kh phát động thi đua nâng cao trách nhiệm người đứng đầu năm 2023 ai ký"
        return titled
    if pinned is not None:
        return next((d for d in docs if d.id == pinned), None)
    typed = [d for d in docs if d.doc_type and re.search(rf"\b{re.escape(fold(d.doc_type))}\b", intent.text)]
    if len(typed) == 1:  # "chỉ thị … ai ký" when the store holds one chỉ thị
        return typed[0]
    return None


TITLE_WORDS = 6  # a question holding this many distinct syllables of a document's title, and half of them, names it
_TITLE_STOP = frozenset("cua va cac trong tren dia ban tinh nam ve viec thuc hien nhung theo".split())


def _titled(folded: str, docs: list[DocInfo]) -> DocInfo | None:
    """The one stored document whose title a question writes out (most of its words), or None."""
    asked = set(re.findall(r"\w+", folded))
    shares = []
    for d in docs:
        title = set(re.findall(r"\w+", fold(d.title))) - _TITLE_STOP
        held = len(title & asked)
        if held >= TITLE_WORDS and held >= len(title) / 2:
            shares.append((held / len(title), d))
    shares.sort(key=lambda x: -x[0])
    if shares and (len(shares) == 1 or shares[1][0] < 0.6 * shares[0][0]):
        return shares[0][1]
    return None


def _written_date(text: str) -> str:
    """The date line of a document's header as written: 'ngày 25 tháng 11 năm 2021' ('tháng 7 năm 2022')."""
    m = _WRITTEN_DATE.search(text[:1500])
    if not m:
        return ""
    value = " ".join(m.group(1).split())
    return re.sub(r"^ngày\s+(?=tháng)", "", value)


def bundled_corpus() -> list[tuple[str, bytes]]:
    """The launch documents shipped inside the package."""
    folder = resources.files("knowledge") / "corpus"
    return sorted((f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".txt"))


def store_parsed(session: Session, parsed: ParsedDocument, now: datetime) -> IngestResult:
    """Store a parsed file in the caller's transaction, or find the same content stored before. It must be the
    transaction's first write: when another process stored the same content meanwhile, the unique hash refuses
    the row, the transaction is rolled back and the other's row is the result."""
    extra = {"scanned": parsed.scanned, "pages": parsed.pages,
             "low_confidence_pages": tuple(parsed.low_confidence_pages)}
    existing = repo.find_by_hash(session, parsed.content_hash)
    if existing is None:
        try:
            doc = repo.store(session, parsed, now)
            return IngestResult(doc.id, True, document_label(doc), len(parsed.segments), parsed.file_name, **extra)
        except IntegrityError:  # another process stored the same content meanwhile
            session.rollback()
            existing = repo.find_by_hash(session, parsed.content_hash)
            if existing is None:
                raise
    return IngestResult(existing.id, False, document_label(existing), len(existing.passages), parsed.file_name,
                        **extra)


def bundled_hashes() -> list[str]:
    """The content hashes of the directives shipped with the bot."""
    from knowledge.ingest import parse_text

    return [parse_text(name, data.decode("utf-8")).content_hash for name, data in bundled_corpus()]
