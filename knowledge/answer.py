"""Answers as the user reads them: the sentences that answer, the citation, further sources, or a polite decline."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.citation_notes import citation_notes
from knowledge.index import SearchIndex, doc_terms
from knowledge.lexicon import ABBREVIATIONS
from knowledge.understand import tokens as word_tokens
from knowledge.kinds import bonus, holds, holds_amount
from knowledge.understand import level_of
from bot.core.vietnamese import fold
from knowledge.search import Query

SHORT_PASSAGE_WORDS = 45  # a passage this short is shown whole
ANSWER_WORDS = 90  # at most about this many words of passage text in an answer
UNIT_KIND_WEIGHT = 2.0  # a sentence holding the kind of answer asked for: its share grows by this times the kind's bonus
LABEL_WORDS = 25  # a short sentence stating the kind of answer asked for (a deadline, a figure) joins the one before
_SENTENCE = re.compile(r"(?<=[.;!?…])\s+(?=[A-ZĐÀ-Ỹ\d\-–+“\"(])")
_BULLET = re.compile(r"^[-–•+]\s*")
# A sentence that enumerates: "… như: Vệ sinh công cộng, cấp, thoát nước, cây xanh…", "gồm: A, B và C".
_ENUMERATION = re.compile(r"(?:\b(?:như|gồm|bao gồm|là|sau)\s*:|:)\s*[^,;:]{1,60},[^,;:]{1,60},")
ENUMERATION_WEIGHT = 1.5  # a list question prefers the sentence that enumerates
AMOUNT_FIT = 1.5  # a sentence stating an amount of the unit asked for ("35% đến 40%" for "bao nhiêu %")


@dataclass(frozen=True)
class DocInfo:
    id: int
    doc_type: str = ""
    number: str = ""
    title: str = ""
    issuer: str = ""
    date: date | None = None
    date_text: str = ""
    draft: bool = False
    status: str = ""  # knowledge.status: draft, in_force, replaced, or '' when not stated
    scanned: bool = False  # the text was read by OCR
    province: str = ""
    signer: str = ""
    signer_title: str = ""

    def name(self) -> str:
        """'Công văn số 7946/UBND-NCPC', 'Dự thảo kế hoạch', 'Văn bản'."""
        kind = self.doc_type or "Văn bản"
        if self.draft:
            kind = "Dự thảo " + kind[:1].lower() + kind[1:]
        return f"{kind} số {self.number}" if self.number else kind

    def label(self) -> str:
        """The document as cited: name, issuer, date, and its subject when it has no number."""
        out = self.name()
        if not self.number and self.title:
            title = self.title.replace("“", "").replace("”", "").replace('"', "")
            title = title if len(title) <= 70 else title[:67].rsplit(" ", 1)[0] + "…"
            out += f" “{title}”"
        if self.issuer:
            out += f" của {self.issuer}"
        if self.date:
            out += f", ngày {self.date.day:02d}/{self.date.month:02d}/{self.date.year}"
        elif self.date_text:
            out += f", {self.date_text}"
        return out

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "type": self.doc_type, "title": self.title,
                "issuer": self.issuer, "date": self.date.isoformat() if self.date else None,
                "province": self.province}


@dataclass(frozen=True)
class PassageInfo:
    id: int
    doc: DocInfo
    section: str | None
    heading: str
    text: str

    def section_label(self) -> str:
        """'mục II.1 (Nhiệm vụ, giải pháp chung)'; the title only when it is a real title, not a stray sentence."""
        if not self.section:
            return ""
        out = f"mục {self.section}"
        title = self.heading.rsplit(" › ", 1)[-1].split(". ", 1)
        name = title[1].strip().rstrip(":;,.").strip() if len(title) == 2 else ""
        if name and 0 < len(name) <= 80 and name[:1].isalpha() and name[:1].isupper() and not name.endswith("…"):
            out += f" ({name})"
        return out

    def citation(self) -> str:
        label = self.section_label()
        return self.doc.label() + (f", {label}" if label else "")


@dataclass
class Source:
    passage: PassageInfo
    score: float
    title: str = ""  # the section's title, shown before the passage when the question matched it there

    def text(self) -> str:
        return f"{self.title}\n{self.passage.text}" if self.title else self.passage.text

    def to_json(self) -> dict[str, Any]:
        return {"document": self.passage.doc.to_json(), "section": self.passage.section,
                "passage": self.text(), "score": round(self.score, 4)}


@dataclass(frozen=True)
class Turn:
    """What a follow-up question may lean on: the last question (as understood) and what answered it."""

    question: str
    doc_id: int | None = None
    passage_id: int | None = None


@dataclass
class Answer:
    question: str
    answered: bool
    text: str
    sources: list[Source] = field(default_factory=list)
    more: PassageInfo | None = None  # the passage whose full section is worth a "Xem thêm" button
    kind: str = "passage"  # passage, items (one per document), fact (document metadata), outline (a document's
    # groups of tasks: its section titles), documents, declined
    understood: str = ""  # the question as answered, after completing a follow-up from the previous turn

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answered": self.answered, "answer": self.text,
                "sources": [s.to_json() for s in self.sources], "kind": self.kind,
                "understood": self.understood or self.question}

    def turn(self) -> Turn:
        first = self.sources[0].passage if self.sources else None
        return Turn(self.understood or self.question, first.doc.id if first else None, first.id if first else None)


def select_sentences(text: str, query: Query, index: SearchIndex, kinds: list[str],
                     levels: frozenset[str] = frozenset(), wants_list: bool = False, unit: str = "",
                     parent: str = "") -> str:
    """The unit of a passage that answers: its best sentence or clause (of the level asked about), with the lead-in
    of a list and its items, the heading it opens, or the deadline sentence right after its task; `parent` is the
    title of the section holding the passage, shown first when it alone dates the task ("… ngay từ quý II/2017:")."""
    words = text.split()
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if wants_list:
        block = _list_block(lines, query, index)
        if block:
            return block
    if len(words) <= SHORT_PASSAGE_WORDS and not levels:
        return _tidy(text)
    sentences: list[str] = []
    starts: set[int] = set()  # sentences that begin a line
    for line in lines:
        pieces = [c for s in _sentences(line) for c in (_clauses(s) if levels else [s])]
        starts.add(len(sentences))
        sentences += pieces
    weights = {c: w * index.idf(c) for c, w in query.terms.items()}
    owner = asked_owner(query.tokens)
    head = asked_name(query.tokens)

    def fits(s: str) -> float:
        if not levels:
            return 1.0
        lv = level_of(s)
        return 2.0 if lv & levels else (0.3 if lv else 1.0)

    def score(s: str) -> float:
        codes, _ = doc_terms(s, index.vocab, grow=False)
        found = sum(weights.get(int(c), 0.0) for c in set(codes.tolist()))
        amount = 1.5 if unit and holds_amount(s, unit) else 1.0  # "bao nhiêu nhiệm vụ" -> "03 nhiệm vụ"
        listed = ENUMERATION_WEIGHT if wants_list and _ENUMERATION.search(s) else 1.0  # "như: A, B, C…"
        return (found * (1.5 if kinds and holds(s, kinds) else 1.0) * fits(s) * amount * listed * owner_fit(s, owner)
                * name_fit(s, head))

    scores = [score(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: scores[i])
    chosen = [best]
    if best > 0 and sentences[best][:1].islower() and fits(sentences[best - 1]) >= 1.0:
        chosen.insert(0, best - 1)
    n = len(" ".join(sentences[i] for i in chosen).split())
    nxt = best + 1
    while nxt < len(sentences) and (sentences[chosen[-1]].rstrip().endswith(":") or n < 18
                                    or scores[nxt] >= 0.6 * scores[best]
                                    or (wants_list and _DETAILS.match(sentences[nxt]) is not None)):
        if n + len(sentences[nxt].split()) > ANSWER_WORDS or fits(sentences[nxt]) < 1.0:
            break
        chosen.append(nxt)
        n += len(sentences[nxt].split())
        nxt += 1
    nxt = chosen[-1] + 1
    if chosen[0] in starts and _LABEL.match(sentences[chosen[0]]):
        # a labelled item ("- Về cải cách chế độ công vụ: 100% …. Không có … kỷ luật.") is shown whole when short
        end = next((j for j in range(nxt, len(sentences)) if j in starts), len(sentences))
        rest = sum(len(sentences[j].split()) for j in range(nxt, end))
        if nxt < end and n + rest <= LABELLED_ITEM_WORDS and all(fits(sentences[j]) >= 1.0 for j in range(nxt, end)):
            chosen += list(range(nxt, end))
            n += rest
            nxt = end
    if (kinds and nxt < len(sentences) and holds(sentences[nxt], kinds) and len(sentences[nxt].split()) <= LABEL_WORDS
            and n + len(sentences[nxt].split()) <= ANSWER_WORDS + 30 and fits(sentences[nxt]) >= 1.0):
        chosen.append(nxt)  # "Thời hạn trình: trong tháng 9/2017." right after the task it dates
        n += len(sentences[nxt].split())
    wanted = ["due"] if "deadline" in kinds else kinds  # a past year ("năm 2016") is no deadline
    if kinds and not any(holds(sentences[i], wanted) for i in chosen) and parent and \
            set(kinds) & {"time", "deadline"} and holds(parent, wanted):
        return "\n".join([_tidy(parent).rstrip(":") + ":", *(_tidy(sentences[i]) for i in chosen)])
    if kinds and not any(holds(sentences[i], wanted) for i in chosen):
        later = [i for i in range(chosen[-1] + 1, len(sentences)) if holds(sentences[i], wanted) and fits(sentences[i]) >= 1.0]
        if later and later[0] - chosen[-1] <= 2 and n + len(sentences[later[0]].split()) <= ANSWER_WORDS + 30:
            chosen += list(range(chosen[-1] + 1, later[0] + 1))
        elif later and set(kinds) & {"time", "deadline"} and later[0] < _block_end(sentences, starts, chosen[-1]):
            # the task's own deadline ("Thời hạn trình UBND tỉnh: trong quý III/2017.") further down its item
            return "\n".join([*(_tidy(sentences[i]) for i in chosen), "… " + _tidy(sentences[later[0]])])
    return "\n".join(_tidy(sentences[i]) for i in chosen)


# A sentence giving the items of the one before ("… Chương trình hành động 05 năm. Trong đó chú trọng 03 nhiệm vụ …"):
# a list asked for goes on into it.
# An item opening with its label ("- Về cải cách thể chế: …", "(5) Về …:"): its sentences are one target or task.
_LABEL = re.compile(r"^\W*(?:\(?\d{1,2}[.)]\s*)?Về [^:.;]{3,60}:")
LABELLED_ITEM_WORDS = 60  # a labelled item up to this long is shown whole
_DETAILS = re.compile(r"^\W*(?:Trong đó|Cụ thể|Bao gồm|Gồm)\b")
_GOVERNMENT = re.compile(r"\bcủa (?:Chính phủ|Thủ tướng Chính phủ|Trung ương|Bộ Chính trị)\b")
_PROVINCE_OWNER = re.compile(r"\bcủa (?:tỉnh|Tỉnh|UBND tỉnh|Ủy ban nhân dân tỉnh)\b")
OWNER_CLASH = 0.5  # a sentence whose owner is not the one asked ("… của Chính phủ" for "… của tỉnh")


_PERSONS = (" can bo ", " cong chuc ", " vien chuc ", " ca nhan ")
_BODIES = (" co quan ", " don vi ")
_BODY_FIRST = re.compile(r"^\W*(?:các |mỗi |những )?(?:cơ quan|đơn vị)\b", re.I)
_PERSON_IN = re.compile(r"\b(?:cán bộ|công chức|viên chức|cá nhân)\b", re.I)


def asked_owner(tokens: list[str]) -> str:
    """Whose tasks a question asks about: "province" ("nhiệm vụ trọng tâm của tỉnh"), "government" ("… của Chính
    phủ"), or neither; with "person" when it names people ("cán bộ", "cá nhân") and no bodies ("cơ quan", "đơn vị").
    Space-separated, "" when it names none."""
    text = " " + " ".join(tokens) + " "
    province = " cua tinh " in text or " cua ubnd tinh " in text
    government = any(f" {w} " in text for w in ("chinh phu", "trung uong", "thu tuong"))
    owner = "province" if province and not government else "government" if government and " tinh " not in text else ""
    if any(w in text for w in _PERSONS) and not any(w in text for w in _BODIES):
        owner += " person"
    return owner.strip()


# Words heading the names of bodies ("Báo Hà Tĩnh", "Đài Phát thanh …", "Sở Nội vụ"): "báo nào" asks for such a name,
# whatever else the folded "bao" is ("báo cáo", "bảo đảm").
_NAME_HEADS = frozenset({"bao", "dai", "so", "phong"})
_DOC_WORDS = frozenset({"ban", "van", "hoach", "dinh", "thi", "quyet", "trinh"})  # "văn bản số nào" is a number


def asked_name(tokens: list[str]) -> str:
    """The head of a name a question asks for ("báo nào tham gia …" -> "bao"), "" when it asks none."""
    for i in range(1, len(tokens)):
        head = tokens[i - 1]
        if tokens[i] == "nao" and head in _NAME_HEADS and (i < 2 or tokens[i - 2] not in _DOC_WORDS):
            return head
    return ""


def name_fit(sentence: str, head: str) -> float:
    """NAME_FIT when a sentence holds a name with the head asked ("Báo Hà Tĩnh" for "báo nào"), else 1."""
    if not head:
        return 1.0
    for m in _NAMED.finditer(sentence):
        if fold(m.group(1)) == head:
            return NAME_FIT
    return 1.0


_NAMED = re.compile(r"(?<!\w)([A-ZĐÀ-Ỹ]\w*) [A-ZĐÀ-Ỹ]")
NAME_FIT = 1.5


def owner_fit(sentence: str, owner: str) -> float:
    """OWNER_CLASH when a sentence states tasks of another owner than the one asked (the government's for the
    province's, a body's rule naming no person for people's: "Cơ quan, đơn vị có từ 10% …" for "cán bộ"), else 1."""
    owners = owner.split()
    if "province" in owners and _GOVERNMENT.search(sentence) and not _PROVINCE_OWNER.search(sentence):
        return OWNER_CLASH
    if "government" in owners and _PROVINCE_OWNER.search(sentence) and not _GOVERNMENT.search(sentence):
        return OWNER_CLASH
    if "person" in owners and _BODY_FIRST.search(sentence) and not _PERSON_IN.search(sentence):
        return OWNER_CLASH
    return 1.0


def query_weights(query: Query, index: SearchIndex) -> dict[int, float]:
    """Each term of the question with its idf-weighted weight."""
    return {c: w * index.idf(c) for c, w in query.terms.items()}


def unit_share(text: str, weights: dict[int, float], index: SearchIndex, kinds: list[str],
               levels: frozenset[str] = frozenset(), unit: str = "", owner: str = "", head: str = "") -> float:
    """How well the passage's best sentence answers: the idf-weighted share of the question's terms it holds, more
    when it holds the kind of answer asked for (a date, a figure), the level asked about and an amount of the unit
    asked for ("bao nhiêu %")."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    ids = index.vocab.ids
    best = 0.0
    for line in text.split("\n"):
        for s in (c for x in _sentences(line) for c in (_clauses(x) if levels else [x])):
            found = sum(weights.get(c, 0.0) for c in _codes(s, ids)) / total
            found *= 1 + UNIT_KIND_WEIGHT * bonus(s, kinds)
            if levels:
                lv = level_of(s)
                found *= 1.3 if lv & levels else (0.5 if lv else 1.0)
            if unit and holds_amount(s, unit):
                found *= AMOUNT_FIT
            best = max(best, found * owner_fit(s, owner) * name_fit(s, head))
    return best


def due_after(text: str, body: str) -> bool:
    """Whether the passage states a due date after the part of it shown (the answer chose not to show it)."""
    tail = fold(text)
    last = fold(body.rsplit("\n", 1)[-1].lstrip("… "))[:60]
    at = tail.find(last) if last else -1
    rest = text[at + len(last):] if at >= 0 else ""
    return bool(rest) and holds(rest, ["due"])


def sentences_of(line: str) -> list[str]:
    return _sentences(line)


def tidy(text: str) -> str:
    return _tidy(text)


def _codes(sentence: str, ids: dict[str, int]) -> set[int]:
    """The term codes of a sentence as doc_terms gives them (syllables, pairs, abbreviations expanded), in plain
    Python: cheaper than doc_terms for the few words of one sentence."""
    toks = word_tokens(sentence)
    out: set[int] = set()
    for words in [toks] + [ABBREVIATIONS[t].split() for t in set(toks) & ABBREVIATIONS.keys()]:
        u = [ids.get(t, -1) for t in words]
        out.update(x for x in u if x >= 0)
        out.update((a + 1) * _PAIR + b for a, b in zip(u, u[1:]) if a >= 0 and b >= 0)
    return out


_PAIR = 1 << 32


def _block_end(sentences: list[str], starts: set[int], i: int) -> int:
    """Index of the first sentence after i that opens another item of a list (a new '-', 'a)' or '1.' line)."""
    for j in range(i + 1, len(sentences)):
        if j in starts and _ITEM.match(sentences[j]):
            return j
    return len(sentences)


_ITEM = re.compile(r"^(?:[-–•+]\s*|[a-zđ]\)\s*|\d{1,2}[.)]\s+)")


def _list_block(lines: list[str], query: Query, index: SearchIndex) -> str:
    """A list's lead-in (the line ending in ':') with its items, compactly; empty when the passage holds no list."""
    weights = {c: w * index.idf(c) for c, w in query.terms.items()}

    def score(s: str) -> float:
        codes, _ = doc_terms(s, index.vocab, grow=False)
        return sum(weights.get(int(c), 0.0) for c in set(codes.tolist()))

    blocks: list[tuple[int, list[str]]] = []
    for i, line in enumerate(lines):
        if line.rstrip().endswith(":"):
            items = []
            for nxt in lines[i + 1:]:
                if not _ITEM.match(nxt) and items:
                    break
                items.append(nxt)
            if len(items) >= 2:
                blocks.append((i, items))
    if not blocks:
        items = [ln for ln in lines if _ITEM.match(ln)]
        return "\n".join("• " + _tidy(_ITEM.sub("", ln)) for ln in items[:10]) if len(items) >= 3 else ""
    i, items = max(blocks, key=lambda b: score(lines[b[0]]) + 0.5 * sum(score(x) for x in b[1]))
    shown = items[:10]
    out = [_tidy(lines[i])] + ["• " + _tidy(_ITEM.sub("", x)).rstrip(".;") for x in shown]
    if len(items) > len(shown):
        out.append(f"… và {len(items) - len(shown)} mục khác.")
    return "\n".join(out)


def _clauses(sentence: str) -> list[str]:
    """A sentence cut at ';' when every piece stands alone (it names its subject: a level, a body)."""
    parts: list[str] = []
    for piece in re.split(r"(?<=;)\s+", sentence):
        if parts and parts[-1].count("(") > parts[-1].count(")"):
            parts[-1] += " " + piece
        elif piece.strip():
            parts.append(piece.strip())
    if len(parts) < 2 or not all(level_of(p) or len(p.split()) >= 8 for p in parts):
        return [sentence]
    return parts


def _sentences(line: str) -> list[str]:
    """The sentences of a line; a ';' inside brackets ("(qua Sở Nội vụ; Sở Tài chính)") does not end one."""
    out: list[str] = []
    for piece in _SENTENCE.split(line):
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] += " " + piece
        elif piece.strip():
            out.append(piece)
    return out


def matched_headings(p: PassageInfo, query: Query, index: SearchIndex) -> str:
    """The passage's headings ('7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số') that hold words of the
    question its text does not hold, outermost first; empty when the text itself is the match."""
    wanted = {u.code for u in query.units if u.code >= 0}
    if not p.section or not wanted:
        return ""
    wanted -= set(doc_terms(p.text, index.vocab, grow=False)[0].tolist())
    parts = [h for h in p.heading.split(" › ") if ". " in h]
    return " › ".join(h for h in parts if wanted & set(doc_terms(h, index.vocab, grow=False)[0].tolist()))


def _tidy(text: str) -> str:
    """Bullets dropped, first letter upper-case, no dangling ';' or ',' and “ ” quotes."""
    lines = [_BULLET.sub("", ln.strip()) for ln in text.split("\n") if ln.strip()]
    lines = [ln[:1].upper() + ln[1:] for ln in lines]
    out = []
    for ln in lines:
        ln = re.sub(r"[;,]\s*$", ".", ln.rstrip())
        ln = ln.replace("«", "“").replace("»", "”")
        out.append(ln)
    return "\n".join(out)


def _further_line(best: PassageInfo, further: list[Source]) -> str:
    """'Xem thêm: mục II.4 (…); Kế hoạch … của UBND tỉnh Đồng Tháp, mục IV.1 và mục IV.3.' — each document named once,
    the answer's own not at all."""
    sections: dict[int, list[str]] = {}
    docs: dict[int, DocInfo] = {}
    for src in further:
        p = src.passage
        docs.setdefault(p.doc.id, p.doc)
        labels = sections.setdefault(p.doc.id, [])
        label = p.section_label()
        if label not in labels:
            labels.append(label)
    parts = []
    for doc_id, labels in sections.items():
        named = [x for x in labels if x]
        joined = ", ".join(named[:-1]) + " và " + named[-1] if len(named) > 1 else "".join(named)
        if doc_id == best.doc.id:
            parts += [joined] if joined else []
        else:
            parts.append(docs[doc_id].label() + (f", {joined}" if joined else ""))
    return ("Xem thêm: " + "; ".join(parts) + ".") if parts else ""


def parent_title(heading: str) -> str:
    """The title of the section a passage's own section sits in, without its number ("3. Các sở … quý II/2017 › a"
    -> "Các sở … quý II/2017"); "" for a passage at the top."""
    if " › " not in heading:
        return ""
    title = heading.rsplit(" › ", 1)[0].rsplit(" › ", 1)[-1]
    return re.sub(r"^\s*(?:[0-9]+|[IVXLC]+|[a-zđ])[.)]\s*", "", title).strip()


def compose(question: str, query: Query, ranked: list[Source], index: SearchIndex, top: int,
            further: list[Source], kinds: list[str], levels: frozenset[str] = frozenset(),
            wants_list: bool = False, understood: str = "", unit: str = "") -> Answer:
    best = ranked[0].passage
    body = select_sentences(best.text, query, index, kinds, levels, wants_list, unit, parent_title(best.heading))
    lines = [body, "", f"📄 Nguồn: {best.citation()}."] + citation_notes(best.doc, best.text)
    more_line = _further_line(best, [f for f in further if fold(f.passage.text[:200]) not in fold(body)])
    if more_line:
        lines.append(more_line)
    more = best if len(body.split()) < len(best.text.split()) or best.section else None
    return Answer(question, True, "\n".join(lines), ranked[:top], more, understood=understood)


def compose_items(question: str, items: list[tuple[str, Answer]], understood: str = "") -> Answer:
    """One answer per province, document or part of the question, each with its own citation."""
    lines: list[str] = []
    sources: list[Source] = []
    for name, a in items:
        body, _, cite = a.text.partition("\n\n📄 Nguồn: ")
        cite = cite.split("\n", 1)[0].rstrip(".")
        head = f"• {name}: " if name else "• "
        lines.append(head + body.replace("\n", " "))
        if cite:
            lines.append(f"  📄 {cite}.")
        sources += a.sources[:1]
    sources.sort(key=lambda src: -src.score)
    return Answer(question, True, "\n".join(lines), sources, None, kind="items", understood=understood)


def fact_answer(question: str, doc: DocInfo, fact: str, value: str, source: Source | None) -> Answer:
    """A fact of the document itself (who signed, when, its number, its issuer)."""
    text = "\n".join([f"{fact}: {value}.", "", f"📄 Nguồn: {doc.label()}."] + citation_notes(doc, ""))
    return Answer(question, True, text, [source] if source else [], None, kind="fact")


def documents_answer(question: str, documents: list[DocInfo]) -> Answer:
    """The documents the bot can answer from, when asked."""
    if not documents:
        return Answer(question, True, "Kho văn bản hiện đang trống.", [], kind="documents")
    lines = [f"Tôi đang tra cứu được {len(documents)} văn bản:"]
    lines += [f"• {d.label()}" for d in documents[:15]]
    if len(documents) > 15:
        lines.append(f"… và {len(documents) - 15} văn bản khác.")
    return Answer(question, True, "\n".join(lines), [], kind="documents")


def drafts_answer(question: str, documents: list[DocInfo]) -> Answer:
    """Which stored documents are drafts, not issued, when asked ("văn bản nào còn là dự thảo?")."""
    drafts = [d for d in documents if d.draft or d.status == "draft"]
    if not drafts:
        text = f"Trong {len(documents)} văn bản đang có, không có văn bản nào là dự thảo."
    else:
        lines = [f"Trong {len(documents)} văn bản đang có, {len(drafts)} văn bản là dự thảo, chưa ban hành chính thức:"]
        text = "\n".join(lines + [f"• {d.label()}" for d in drafts[:15]])
    return Answer(question, True, text, [], kind="documents")


MAX_DECLINE_CHARS = 400


def decline(question: str, documents: list[DocInfo], reason: str = "") -> Answer:
    """A short refusal: why (when a named province, year or document is missing), and two questions to try."""
    first = reason or "Xin lỗi, tôi chưa tìm thấy nội dung trả lời câu hỏi này trong các văn bản đang có."
    named = next((d for d in documents if d.number), documents[0] if documents else None)
    examples = [f"“{named.name()} do ai ký?”" if named else "“Kế hoạch CCHC năm ban hành chậm nhất ngày nào?”",
                "“bạn biết những văn bản nào?”"]
    text = f"{first}\nBạn có thể hỏi ví dụ: {examples[0]} hoặc {examples[1]}"
    if len(text) > MAX_DECLINE_CHARS:
        text = first[:MAX_DECLINE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return Answer(question, False, text, [], kind="declined")
