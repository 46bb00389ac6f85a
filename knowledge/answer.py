"""Answers as the user reads them: the sentences that answer, the citation, further sources, or a polite decline."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.citation_notes import citation_notes
from knowledge.index import SearchIndex, doc_terms
from knowledge.kinds import holds
from knowledge.search import Query

SHORT_PASSAGE_WORDS = 45  # a passage this short is shown whole
ANSWER_WORDS = 90  # at most about this many words of passage text in an answer
LABEL_WORDS = 25  # a short sentence stating the kind of answer asked for (a deadline, a figure) joins the one before
_SENTENCE = re.compile(r"(?<=[.;!?…])\s+(?=[A-ZĐÀ-Ỹ\d\-–+“\"(])")
_BULLET = re.compile(r"^[-–•+]\s*")


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
            title = self.title if len(self.title) <= 90 else self.title[:87].rsplit(" ", 1)[0] + "…"
            out += f" «{title}»"
        if self.issuer:
            out += f" của {self.issuer}"
        if self.date:
            out += f", ngày {self.date.day:02d}/{self.date.month:02d}/{self.date.year}"
        elif self.date_text:
            out += f", {self.date_text}"
        return out

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "type": self.doc_type, "title": self.title,
                "issuer": self.issuer, "date": self.date.isoformat() if self.date else None}


@dataclass(frozen=True)
class PassageInfo:
    id: int
    doc: DocInfo
    section: str | None
    heading: str
    text: str

    def citation(self) -> str:
        out = self.doc.label()
        if self.section:
            title = self.heading.rsplit(" › ", 1)[-1].split(". ", 1)
            out += f", mục {self.section}"
            if len(title) == 2 and 0 < len(title[1]) <= 80:
                out += f" ({title[1].rstrip(':')})"
        return out


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


@dataclass
class Answer:
    question: str
    answered: bool
    text: str
    sources: list[Source] = field(default_factory=list)
    more: PassageInfo | None = None  # the passage whose full section is worth a "Xem thêm" button

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answered": self.answered, "answer": self.text,
                "sources": [s.to_json() for s in self.sources]}


def select_sentences(text: str, query: Query, index: SearchIndex, kinds: list[str]) -> str:
    """The sentence(s) of a passage that best match the question."""
    words = text.split()
    if len(words) <= SHORT_PASSAGE_WORDS:
        return _tidy(text)
    sentences = [s for line in text.split("\n") for s in _sentences(line.strip())]
    weights = {c: w * index.idf(c) for c, w in query.terms.items()}

    def score(s: str) -> float:
        codes, _ = doc_terms(s, index.vocab, grow=False)
        found = sum(weights.get(int(c), 0.0) for c in set(codes.tolist()))
        return found * (1.5 if kinds and holds(s, kinds) else 1.0)

    scores = [score(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: scores[i])
    chosen = [best]
    if best > 0 and sentences[best][:1].islower():
        chosen.insert(0, best - 1)
    n = len(" ".join(sentences[i] for i in chosen).split())
    nxt = best + 1
    while nxt < len(sentences) and (sentences[chosen[-1]].rstrip().endswith(":") or n < 18
                                    or scores[nxt] >= 0.6 * scores[best]):
        if n + len(sentences[nxt].split()) > ANSWER_WORDS:
            break
        chosen.append(nxt)
        n += len(sentences[nxt].split())
        nxt += 1
    nxt = chosen[-1] + 1
    if (kinds and nxt < len(sentences) and holds(sentences[nxt], kinds) and len(sentences[nxt].split()) <= LABEL_WORDS
            and n + len(sentences[nxt].split()) <= ANSWER_WORDS + 30):
        chosen.append(nxt)  # "Thời hạn trình: trong tháng 9/2017." right after the task it dates
        n += len(sentences[nxt].split())
    if kinds and not any(holds(sentences[i], kinds) for i in chosen):
        later = [i for i in range(chosen[-1] + 1, len(sentences)) if holds(sentences[i], kinds)]
        if later and later[0] - chosen[-1] <= 2 and n + len(sentences[later[0]].split()) <= ANSWER_WORDS + 30:
            chosen += list(range(chosen[-1] + 1, later[0] + 1))
    return "\n".join(_tidy(sentences[i]) for i in chosen)


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
    lines = [_BULLET.sub("", ln.strip()) for ln in text.split("\n") if ln.strip()]
    lines = [ln[:1].upper() + ln[1:] for ln in lines]
    return "\n".join(lines)


def compose(question: str, query: Query, ranked: list[Source], index: SearchIndex, top: int,
            further: list[Source], kinds: list[str]) -> Answer:
    best = ranked[0].passage
    body = select_sentences(best.text, query, index, kinds)
    lines = [body, "", f"📄 Nguồn: {best.citation()}."] + citation_notes(best.doc, best.text)
    if further:
        lines.append("Xem thêm: " + "; ".join(s.passage.citation() for s in further) + ".")
    more = best if len(body.split()) < len(best.text.split()) or best.section else None
    return Answer(question, True, "\n".join(lines), ranked[:top], more)


def decline(question: str, documents: list[DocInfo]) -> Answer:
    lines = ["Xin lỗi, tôi chưa tìm thấy nội dung trả lời câu hỏi này trong các văn bản đang có.",
             "Hãy hỏi cụ thể hơn: nêu việc, chỉ tiêu, thời hạn hoặc số văn bản, ví dụ «Kế hoạch CCHC năm phải "
             "ban hành chậm nhất ngày nào?» hoặc «Nghị quyết 76/NQ-CP ban hành ngày nào?»."]
    if documents:
        lines.append("Tôi đang tra cứu được các văn bản:")
        lines += [f"• {d.label()}" for d in documents[:6]]
        if len(documents) > 6:
            lines.append(f"… và {len(documents) - 6} văn bản khác.")
    else:
        lines.append("Kho văn bản hiện đang trống.")
    return Answer(question, False, "\n".join(lines), [])
