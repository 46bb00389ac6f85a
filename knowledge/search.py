"""Query understanding and ranking: corrections of typos and Telex leftovers, abbreviations, numbers, coverage."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from knowledge.index import NUMBER_PREFIX, SearchIndex
from knowledge.lexicon import ABBREVIATIONS, QUESTION_WORDS, SYNONYMS
from bot.core.vietnamese import doc_numbers, syllables, telex_candidates

QUESTION_WORD_WEIGHT = 0.1
EXPANSION_WEIGHT = 0.5
NUMBER_WEIGHT = 3.0
SKIP_WEIGHT = 0.5  # two content words of the question found one syllable apart in a passage
FUZZY_CUTOFF = 0.7
UNSUPPORTED_GUESS = 0.5  # share of a correction's confidence kept when it fits neither neighbour
PAIR_SHARE = 0.6  # weight of word pairs (vs single words) in the coverage of a question


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
        return code >= 0 and self.index.body.df(code) > 0

    def correct(self, tokens: list[str]) -> tuple[list[str], dict[int, float], set[int]]:
        """Tokens with unknown words corrected, the confidence of each correction, and the corrections that fit
        neither neighbour (likely a word the documents do not have rather than a typo)."""
        vocab = self.index.vocab.ids
        out: list[str] = []
        confidence: dict[int, float] = {}
        unsupported: set[int] = set()
        for i, tok in enumerate(tokens):
            if tok in vocab or not tok.isalpha() or len(tok) < 2:
                out.append(tok)
                continue
            telex = [c for c in telex_candidates(tok) if c in vocab]
            if telex:
                out.append(max(telex, key=self._df))
                continue
            joined = self.index.joined_bigrams().get(tok)
            if joined:
                out.extend(joined)
                continue
            fixed = self._fuzzy(tok, out[-1] if out else None, tokens[i + 1] if i + 1 < len(tokens) else None)
            if fixed is None:
                out.append(tok)
            else:
                confidence[len(out)] = fixed[1]
                if not fixed[2]:
                    unsupported.add(len(out))
                out.append(fixed[0])
        return out, confidence, unsupported

    def _fuzzy(self, word: str, prev: str | None, nxt: str | None) -> tuple[str, float, bool] | None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(word, self._alpha(), scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF,
                                limit=8)
        if not found:
            return None

        def fits(cand: str) -> bool:
            return (prev is not None and self._has_bigram(prev, cand)) or (nxt is not None and self._has_bigram(cand, nxt))

        def rank(item: tuple[str, float, int]) -> tuple[float, int, int]:
            cand, score, _ = item
            return (round(score, 3) + (0.15 if fits(cand) else 0.0), self._df(cand), -len(cand))

        best = max(found, key=rank)
        # a correction that forms no phrase of the documents with its neighbours is a weaker guess
        supported = (prev is None and nxt is None) or fits(best[0])
        return best[0], float(best[1]) * (1.0 if supported else UNSUPPORTED_GUESS), supported

    def analyse(self, text: str) -> Query:
        tokens, confidence, unsupported = self.correct(syllables(text))
        q = Query(text, tokens)
        vocab = self.index.vocab
        for n in doc_numbers(text):
            c = vocab.code(NUMBER_PREFIX + n)
            if c >= 0:
                q.numbers.append(c)
                q.add(c, NUMBER_WEIGHT)
        for i, tok in enumerate(tokens):
            question_word = tok in QUESTION_WORDS
            w = QUESTION_WORD_WEIGHT if question_word else confidence.get(i, 1.0)
            c = vocab.code(tok)
            q.add(c, w)
            if not question_word:
                alts = self._synonyms(tok, tokens[i + 1] if i + 1 < len(tokens) else None)
                for a in alts:
                    q.add(a, EXPANSION_WEIGHT * w)
                # an unsupported guess weighs in the coverage as the unknown word it replaces
                q.units.append(Unit(c, self.max_idf if i in unsupported else self._unit_idf(c), credit=w, alts=alts))
            if tok in ABBREVIATIONS:
                exp = ABBREVIATIONS[tok].split()
                for j, word in enumerate(exp):
                    q.add(vocab.code(word), EXPANSION_WEIGHT)
                    if j:
                        q.add(vocab.code(f"{exp[j - 1]}_{word}"), EXPANSION_WEIGHT)
            if i + 1 < len(tokens):
                nxt = tokens[i + 1]
                pair = vocab.code(f"{tok}_{nxt}")
                both_question = question_word and nxt in QUESTION_WORDS
                q.add(pair, QUESTION_WORD_WEIGHT if both_question else min(w, confidence.get(i + 1, 1.0)))
                if not question_word and nxt not in QUESTION_WORDS and pair >= 0:
                    q.units.append(Unit(pair, self._unit_idf(pair), pair=True,
                                        credit=w * confidence.get(i + 1, 1.0)))
        content = [(i, t) for i, t in enumerate(tokens) if t not in QUESTION_WORDS]
        for (i, a), (j, b) in zip(content, content[1:]):
            q.add(vocab.skip_code(a, b), SKIP_WEIGHT * min(confidence.get(i, 1.0), confidence.get(j, 1.0)))
        return q

    def _synonyms(self, tok: str, nxt: str | None) -> tuple[int, ...]:
        """Codes of the known synonyms of `tok` (or of the phrase it starts with `nxt`)."""
        words = SYNONYMS.get(tok, ()) + (SYNONYMS.get(f"{tok}_{nxt}", ()) if nxt else ())
        codes = (self.index.vocab.code(w) for w in words)
        return tuple(c for c in codes if c >= 0)

    def _unit_idf(self, code: int) -> float:
        return self.index.idf(code) if code >= 0 else self.max_idf

    def search(self, text: str, k: int = 10) -> tuple[Query, list[Hit]]:
        q = self.analyse(text)
        if not q.terms or self.index.n_docs == 0:
            return q, []
        scores = self.index.scores(list(q.terms.items()))
        k = min(k, self.index.n_docs)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        cover = self.coverage(q, top)
        hits = [Hit(int(d), float(scores[d]), float(c)) for d, c in zip(top, cover)]
        return q, hits

    def coverage(self, q: Query, docs: np.ndarray) -> np.ndarray:
        """For each passage, the idf-weighted share of the question's content it holds (pairs weigh more)."""
        n = len(docs)
        codes = {c for u in q.units for c in (u.code, *u.alts) if c >= 0} | set(q.numbers)
        present = {c: self.index.holds_many(c, docs).astype(np.float32) for c in codes}
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
