"""Query understanding and ranking: corrections of typos and Telex leftovers, abbreviations, numbers, coverage."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from knowledge.index import NUMBER_PREFIX, SearchIndex
from knowledge.lexicon import SYNONYMS
from knowledge.understand import Tok, read_question
from bot.core.vietnamese import doc_numbers, telex_candidates

QUESTION_WORD_WEIGHT = 0.1
EXPANSION_WEIGHT = 0.5
NUMBER_WEIGHT = 3.0
SKIP_WEIGHT = 0.5  # two content words of the question found one syllable apart in a passage
FUZZY_CUTOFF = 0.7
# one edit in a three-letter syllable ("tfn" for "tin", "ccó" for "có") scores 0.67: taken only when the correction
# forms a phrase of the documents with a neighbour (not for two letters: "vo" -> "voi" is a real word's stretch)
SUPPORTED_CUTOFF = 0.66
UNSUPPORTED_GUESS = 0.5  # share of a correction's confidence kept when it fits neither neighbour
PAIR_SHARE = 0.6
UNKNOWN_WORD_PAIR = 0.5  # weight in the phrase share of a pair with a word the documents lack
UNKNOWN_PAIR_SHARE = 1.0  # a pair of question words never adjacent in the documents weighs this share of the rarest  # weight of word pairs (vs single words) in the coverage of a question


@dataclass
class Unit:
    """Something the question asks about: a content word or word pair, as a term code."""

    code: int  # -1 when the index does not know it
    idf: float
    pair: bool = False
    credit: float = 1.0  # how much finding it counts (a corrected word is a guess and counts less)
    alts: tuple[int, ...] = ()  # codes of synonyms that count as finding it

    def found(self, present: dict[int, np.ndarray], n: int) -> np.ndarray:
        """For each of n candidate passages, the credit when it holds this unit (or a synonym of it)."""
        held = [present[c] for c in (self.code, *self.alts) if c >= 0]
        return np.maximum.reduce(held) * self.credit if held else np.zeros(n, dtype=np.float32)


@dataclass
class Query:
    text: str
    tokens: list[str]  # after correction
    terms: dict[int, float] = field(default_factory=dict)  # term code -> weight
    units: list[Unit] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # codes of document numbers cited and known
    phrase_share: float = 0.0  # share of the question's adjacent content-word pairs that are phrases of the documents
    # (a pair with a word the documents lack counts half)
    corrected: bool = False  # some word was a guessed correction of a typo

    def add(self, code: int, weight: float) -> None:
        if code >= 0 and weight > self.terms.get(code, 0.0):
            self.terms[code] = weight


@dataclass(frozen=True)
class Hit:
    doc: int  # position in the indexed list
    score: float
    coverage: float  # idf-weighted share of the question's content found in this passage


class Searcher:
    """Ranks passages of a SearchIndex for a chat question."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.max_idf = math.log1p((index.n_docs + 0.5) / 0.5)
        self._alpha_words: list[str] | None = None

    def _alpha(self) -> list[str]:
        if self._alpha_words is None:
            self._alpha_words = [w for w in self.index.vocab.words if w.isalpha() and len(w) > 1]
        return self._alpha_words

    def _df(self, word: str) -> int:
        i = self.index.vocab.ids.get(word, -1)
        return int(self.index.unigram_df()[i]) if i >= 0 else 0

    def _has_bigram(self, a: str, b: str) -> bool:
        code = self.index.vocab.code(f"{a}_{b}")
        return code >= 0 and self.index.df(code) > 0

    def correct(self, toks: list[Tok]) -> list[Tok]:
        """The words with unknown ones corrected (Telex leftovers, missing spaces, typos), each with its confidence."""
        vocab = self.index.vocab.ids
        out: list[Tok] = []
        for i, t in enumerate(toks):
            tok = t.word
            if tok in vocab or not tok.isalpha() or len(tok) < 2 or t.abbreviation or t.question:
                out.append(t)
                continue
            telex = [c for c in telex_candidates(tok) if c in vocab]
            if telex:
                out.append(replace(t, word=max(telex, key=self._df)))
                continue
            joined = self.index.joined_bigrams().get(tok)
            if joined:
                out += [replace(t, word=w) for w in joined]
                continue
            fixed = self._fuzzy(tok, out[-1].word if out else None, toks[i + 1].word if i + 1 < len(toks) else None)
            if fixed is None:
                out.append(t)
            else:
                out.append(replace(t, word=fixed[0], confidence=fixed[1], unsupported=not fixed[2]))
        return out

    def _fuzzy(self, word: str, prev: str | None, nxt: str | None) -> tuple[str, float, bool] | None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(word, self._alpha(), scorer=OSA.normalized_similarity, score_cutoff=SUPPORTED_CUTOFF,
                                limit=16)

        def fits(cand: str) -> bool:
            return (prev is not None and self._has_bigram(prev, cand)) or (nxt is not None and self._has_bigram(cand, nxt))

        found = [f for f in found if f[1] >= FUZZY_CUTOFF or (len(word) >= 3 and fits(f[0]))]
        if not found:
            return None

        def rank(item: tuple[str, float, int]) -> tuple[float, int, int]:
            cand, score, _ = item
            return (round(score, 3) + (0.15 if fits(cand) else 0.0), self._df(cand), -len(cand))

        best = max(found, key=rank)
        # a correction that forms no phrase of the documents with its neighbours is a weaker guess
        supported = (prev is None and nxt is None) or fits(best[0])
        return best[0], float(best[1]) * (1.0 if supported else UNSUPPORTED_GUESS), supported

    def analyse(self, text: str) -> Query:
        toks = self.correct(read_question(text, self._has_bigram))
        tokens = [t.word for t in toks]
        q = Query(text, tokens)
        vocab = self.index.vocab
        expanded = {t.group for t in toks if t.abbreviation}
        written_first = {t.group: t.abbreviation for t in toks if t.abbreviation}  # a group's word as written
        written_last = written_first
        for n in doc_numbers(text):
            c = vocab.code(NUMBER_PREFIX + n)
            if c >= 0:
                q.numbers.append(c)
                q.add(c, NUMBER_WEIGHT)
        for i, t in enumerate(toks):
            w = QUESTION_WORD_WEIGHT if t.question else t.confidence
            c = vocab.code(t.word)
            q.add(c, w)
            if not t.question:
                nxt = toks[i + 1].word if i + 1 < len(toks) else None
                alts = self._synonyms(t.word, nxt)
                if t.abbreviation:
                    alts += tuple(a for a in (vocab.code(t.abbreviation),) if a >= 0)
                    q.add(vocab.code(t.abbreviation), EXPANSION_WEIGHT)
                for a in alts:
                    q.add(a, EXPANSION_WEIGHT * w)
                # an unsupported guess weighs in the coverage as the unknown word it replaces
                q.units.append(Unit(c, self.max_idf if t.unsupported else self._unit_idf(c), credit=w, alts=alts))
            if i + 1 < len(toks):
                u = toks[i + 1]
                pair = vocab.code(f"{t.word}_{u.word}")
                q.add(pair, QUESTION_WORD_WEIGHT if t.question and u.question else min(w, u.confidence))
                if t.question or u.question:
                    continue
                if t.group != u.group and {t.group, u.group} & expanded:
                    # across an abbreviation ("kế hoạch CCHC"): the pair as written, or as expanded
                    written = vocab.code(f"{written_last.get(t.group, t.word)}_{written_first.get(u.group, u.word)}")
                    q.add(written, min(w, u.confidence))
                    known = [c for c in (written, pair) if c >= 0 and self.index.df(c) > 0]
                    if known:
                        q.units.append(Unit(known[0], max(self._unit_idf(c) for c in known), pair=True,
                                            credit=w * u.confidence, alts=tuple(known[1:])))
                    continue
                known = pair >= 0 and self.index.df(pair) > 0
                idf = self._unit_idf(pair) if known else UNKNOWN_PAIR_SHARE * self.max_idf
                q.units.append(Unit(pair, idf, pair=True, credit=w * u.confidence))
        content = [(i, t) for i, t in enumerate(toks) if not t.question]
        phrases = pairs = 0.0
        for (i, a), (j, b) in zip(content, content[1:]):
            skip = vocab.skip_code(a.word, b.word)
            q.add(skip, SKIP_WEIGHT * min(a.confidence, b.confidence))
            pair = vocab.code(f"{a.word}_{b.word}")
            # a pair with a word the documents lack (most often a typo nothing corrected) counts half, so that typos
            # do not make a question about the documents look off-topic
            weight = UNKNOWN_WORD_PAIR if vocab.code(a.word) < 0 or vocab.code(b.word) < 0 else 1.0
            pairs += weight
            phrases += weight * any(c >= 0 and self.index.df(c) > 0 for c in (pair, skip))
        q.phrase_share = phrases / pairs if pairs > 0 else 0.0
        q.corrected = any(t.confidence < 1.0 for t in toks)
        return q

    def _synonyms(self, tok: str, nxt: str | None) -> tuple[int, ...]:
        """Codes of the known synonyms of `tok` (or of the phrase it starts with `nxt`)."""
        words = SYNONYMS.get(tok, ()) + (SYNONYMS.get(f"{tok}_{nxt}", ()) if nxt else ())
        codes = (self.index.vocab.code(w) for w in words)
        return tuple(c for c in codes if c >= 0)

    def _unit_idf(self, code: int) -> float:
        return self.index.idf(code) if code >= 0 else self.max_idf

    def search(self, text: str, k: int = 10) -> tuple[Query, list[Hit]]:
        """The k best passages for a question, one per article of a law (its best passage: the article's other
        passages score nearly as much and would crowd out the other articles)."""
        q = self.analyse(text)
        if not q.terms or self.index.n_docs == 0:
            return q, []
        scores = self.index.scores(list(q.terms.items()))
        top = top_one_per_group(scores, self.index.group_of, min(k, self.index.n_docs))
        cover = self.coverage(q, top)
        hits = [Hit(int(d), float(scores[d]), float(c)) for d, c in zip(top, cover)]
        return q, hits

    def coverage(self, q: Query, docs: np.ndarray) -> np.ndarray:
        """For each passage, the idf-weighted share of the question's content it holds (pairs weigh more); a passage
        of an article made of several passages holds what its article holds (a question about an article names what
        its clauses say between them)."""
        n = len(docs)
        codes = {c for u in q.units for c in (u.code, *u.alts) if c >= 0} | set(q.numbers)
        present = {c: self.index.holds_many(c, docs, whole=True).astype(np.float32) for c in codes}
        numbered = np.zeros(n, dtype=bool)
        for c in q.numbers:
            numbered |= present[c] > 0
        shares = []
        for units in ([u for u in q.units if not u.pair], [u for u in q.units if u.pair]):
            total = sum(u.idf for u in units)
            if total > 0:
                shares.append(sum(u.idf * u.found(present, n) for u in units) / total)
        if len(shares) == 2:  # word pairs tell a phrase of the documents from look-alike words without accents
            cov = (1 - PAIR_SHARE) * shares[0] + PAIR_SHARE * shares[1]
        else:
            cov = shares[0] if shares else np.zeros(n, dtype=np.float32)
        return np.where(numbered, 1.0, cov)


def top_one_per_group(scores: np.ndarray, group_of: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores above 0, best first, keeping the best of each group (group -1: no group)."""
    n = len(scores)
    pool = min(n, k * 4 if (group_of >= 0).any() else k)
    while True:
        top = np.argpartition(-scores, pool - 1)[:pool] if pool < n else np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        groups = group_of[top]
        grouped = groups >= 0
        first = np.ones(len(top), dtype=bool)
        if grouped.any():
            _, where = np.unique(groups[grouped], return_index=True)
            keep = np.zeros(int(grouped.sum()), dtype=bool)
            keep[where] = True
            first[grouped] = keep
        kept = top[first]
        if len(kept) >= k or pool >= n or len(top) < pool:
            return kept[:k]
        pool = min(n, pool * 4)
