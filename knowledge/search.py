"""Query understanding and ranking: corrections of typos and Telex leftovers, abbreviations, numbers, coverage."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from knowledge.index import NUMBER_PREFIX, SearchIndex
from knowledge.lexicon import ABBREVIATIONS, QUESTION_WORDS
from knowledge.normalize import doc_numbers, syllables, telex_candidates

QUESTION_WORD_WEIGHT = 0.1
EXPANSION_WEIGHT = 0.5
NUMBER_WEIGHT = 3.0
ALTERNATIVE_WEIGHT = 0.6  # a real word that may be a typo of another one fitting its neighbours
FUZZY_CUTOFF = 0.7
PAIR_SHARE = 0.6  # weight of word pairs (vs single words) in the coverage of a question
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class Unit:
    """Something the question asks about (a content word or word pair) and the codes that satisfy it."""

    codes: list[int]
    idf: float
    pair: bool = False
    credit: list[float] = field(default_factory=list)  # how much finding each code counts (a guess counts less)

    def found(self, present: dict[int, np.ndarray], n: int) -> np.ndarray:
        """For each of n candidate passages, the credit of the best code of this unit it holds."""
        credits = self.credit or [1.0] * len(self.codes)
        out = np.zeros(n, dtype=np.float32)
        for c, cr in zip(self.codes, credits):
            if c >= 0:
                out = np.maximum(out, present[c] * cr)
        return out


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


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out


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

    def correct(self, tokens: list[str]) -> tuple[list[str], dict[int, float], dict[int, list[str]]]:
        """Tokens with unknown words corrected; the confidence of each correction; alternatives of real words."""
        vocab = self.index.vocab.ids
        out: list[str] = []
        confidence: dict[int, float] = {}
        alternatives: dict[int, list[str]] = {}
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
                out.append(fixed[0])
        for i, tok in enumerate(out):
            if tok in QUESTION_WORDS or not tok.isalpha() or i in confidence or tok not in vocab:
                continue
            prev = out[i - 1] if i > 0 else None
            nxt = out[i + 1] if i + 1 < len(out) else None
            if (prev is None or self._has_bigram(prev, tok)) or (nxt is None or self._has_bigram(tok, nxt)):
                if prev is not None or nxt is not None:
                    continue
                continue
            fits = [w for w in _edits1(tok) if w in vocab and
                    ((prev is not None and self._has_bigram(prev, w)) or (nxt is not None and self._has_bigram(w, nxt)))]
            if fits:
                alternatives[i] = sorted(fits, key=self._df, reverse=True)[:2]
        return out, confidence, alternatives

    def _fuzzy(self, word: str, prev: str | None, nxt: str | None) -> tuple[str, float] | None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extract(word, self._alpha(), scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF,
                                limit=8)
        if not found:
            return None

        def rank(item: tuple[str, float, int]) -> tuple[float, int, int]:
            cand, score, _ = item
            fits = (prev is not None and self._has_bigram(prev, cand)) or (nxt is not None and self._has_bigram(cand, nxt))
            return (round(score, 3) + (0.15 if fits else 0.0), self._df(cand), -len(cand))

        best = max(found, key=rank)
        return best[0], float(best[1])

    def analyse(self, text: str) -> Query:
        tokens, confidence, alternatives = self.correct(syllables(text))
        q = Query(text, tokens)
        code = self.index.vocab.code
        for n in doc_numbers(text):
            c = code(NUMBER_PREFIX + n)
            if c >= 0:
                q.numbers.append(c)
                q.add(c, NUMBER_WEIGHT)
        for i, tok in enumerate(tokens):
            question_word = tok in QUESTION_WORDS
            w = QUESTION_WORD_WEIGHT if question_word else confidence.get(i, 1.0)
            options = [(tok, w)] + [(alt, ALTERNATIVE_WEIGHT) for alt in alternatives.get(i, [])]
            for word, weight in options:
                q.add(code(word), weight)
            if not question_word:
                codes = [code(word) for word, _ in options]
                q.units.append(Unit(codes, self._unit_idf(codes), credit=[weight for _, weight in options]))
            if tok in ABBREVIATIONS:
                exp = ABBREVIATIONS[tok].split()
                for j, word in enumerate(exp):
                    q.add(code(word), EXPANSION_WEIGHT)
                    if j:
                        q.add(code(f"{exp[j - 1]}_{word}"), EXPANSION_WEIGHT)
            if i + 1 < len(tokens):
                nxt = tokens[i + 1]
                nxt_options = [(nxt, confidence.get(i + 1, 1.0))] + [(b, ALTERNATIVE_WEIGHT) for b in alternatives.get(i + 1, [])]
                pairs = [(a, b) for a, _ in options for b, _ in nxt_options]
                pair_credit = [wa * wb for _, wa in options for _, wb in nxt_options]
                both_question = question_word and nxt in QUESTION_WORDS
                pair_codes = [code(f"{a}_{b}") for a, b in pairs]
                for c in pair_codes:
                    q.add(c, QUESTION_WORD_WEIGHT if both_question else min(w, confidence.get(i + 1, 1.0)))
                if not question_word and nxt not in QUESTION_WORDS and any(c >= 0 for c in pair_codes):
                    q.units.append(Unit(pair_codes, self._unit_idf(pair_codes), pair=True, credit=pair_credit))
        return q

    def _unit_idf(self, codes: list[int]) -> float:
        known = [self.index.idf(c) for c in codes if c >= 0]
        return min(known) if known else self.max_idf

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
        codes = {c for u in q.units for c in u.codes if c >= 0} | set(q.numbers)
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
