"""BM25 over folded syllables + adjacent-syllable bigrams, in two fields (body, context), built with numpy."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.lexicon import ABBREVIATIONS
from knowledge.normalize import doc_numbers, syllables

K1 = 0.6  # lower than the textbook 1.2: measured better on ALQAC (see retrieval notes)
B = 0.75
CONTEXT_WEIGHT = 0.8  # a term found in the headings or title scores this share of its weight there
TITLE_WEIGHT = 0.2  # a term of the passage's own heading adds this share of its weight there
NUMBER_PREFIX = "n:"
_BIGRAM = np.int64(1) << np.int64(32)


@dataclass(frozen=True)
class IndexDoc:
    body: str
    context: str = ""  # enclosing headings, document type, number, title, issuer, province
    title: str = ""  # the passage's own heading ("Số lượng khen thưởng"), matched additively


class Vocabulary:
    """Unigram strings <-> ids; bigrams are int64 codes (a+1)<<32 | b of two unigram ids."""

    def __init__(self, words: list[str] | None = None) -> None:
        self.words: list[str] = words or []
        self.ids: dict[str, int] = {w: i for i, w in enumerate(self.words)}

    def add(self, word: str) -> int:
        i = self.ids.get(word)
        if i is None:
            i = self.ids[word] = len(self.words)
            self.words.append(word)
        return i

    def keys(self, tokens: list[str], grow: bool) -> np.ndarray:
        """Term codes of a token sequence: its unigrams and adjacent bigrams."""
        if grow:
            ids = np.fromiter((self.add(t) for t in tokens), dtype=np.int64, count=len(tokens))
        else:
            ids = np.fromiter((self.ids.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        if len(ids) < 2:
            return ids[ids >= 0]
        pairs = (ids[:-1] + 1) * _BIGRAM + ids[1:]
        pairs = pairs[(ids[:-1] >= 0) & (ids[1:] >= 0)]
        return np.concatenate([ids[ids >= 0], pairs])

    def code(self, term: str) -> int:
        """The code of 'word' or 'a_b' (bigram); -1 when unknown."""
        if "_" in term and not term.startswith(NUMBER_PREFIX):
            a, b = term.split("_", 1)
            ia, ib = self.ids.get(a, -1), self.ids.get(b, -1)
            return -1 if ia < 0 or ib < 0 else int((ia + 1) * _BIGRAM + ib)
        return self.ids.get(term, -1)


def doc_terms(text: str, vocab: Vocabulary, grow: bool = True) -> tuple[np.ndarray, int]:
    """All term codes of a text (syllables, bigrams, abbreviation expansions, document numbers) and its length."""
    tokens = syllables(text)
    parts = [vocab.keys(tokens, grow)]
    for t in set(tokens) & ABBREVIATIONS.keys():
        parts.append(vocab.keys(ABBREVIATIONS[t].split(), grow))
    numbers = [NUMBER_PREFIX + n for n in doc_numbers(text)]
    if numbers:
        parts.append(np.array([vocab.add(n) if grow else vocab.ids.get(n, -1) for n in numbers], dtype=np.int64))
    return np.concatenate(parts), len(tokens)


class Field:
    """Postings of one field: for each term code (sorted), the passages holding it and their BM25 weights."""

    def __init__(self, codes: np.ndarray, indptr: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 n_docs: int) -> None:
        self.codes, self.indptr, self.docs, self.weights, self.n_docs = codes, indptr, docs, weights, n_docs

    @classmethod
    def build(cls, per_doc: Iterable[tuple[np.ndarray, int]], n_docs: int, k1: float = K1, b: float = B) -> "Field":
        doc_parts, key_parts, tf_parts = [], [], []
        lengths = np.zeros(n_docs, dtype=np.float32)
        for i, (keys, length) in enumerate(per_doc):
            uniq, counts = np.unique(keys, return_counts=True)
            doc_parts.append(np.full(len(uniq), i, dtype=np.int32))
            key_parts.append(uniq)
            tf_parts.append(counts.astype(np.float32))
            lengths[i] = length
        if not key_parts:
            return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), 0)
        keys = np.concatenate(key_parts)
        docs = np.concatenate(doc_parts)
        tf = np.concatenate(tf_parts)
        order = np.lexsort((docs, keys))
        keys, docs, tf = keys[order], docs[order], tf[order]
        codes, starts, df = np.unique(keys, return_index=True, return_counts=True)
        indptr = np.append(starts, len(keys)).astype(np.int64)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = max(float(lengths.mean()), 1.0)
        norm = k1 * (1 - b + b * lengths[docs] / avgdl)
        weights = (np.repeat(idf, df) * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
        return cls(codes, indptr, docs, weights, n_docs)

    def postings(self, code: int) -> tuple[np.ndarray, np.ndarray]:
        j = int(np.searchsorted(self.codes, code))
        if j >= len(self.codes) or self.codes[j] != code:
            return self.docs[:0], self.weights[:0]
        return self.docs[self.indptr[j]:self.indptr[j + 1]], self.weights[self.indptr[j]:self.indptr[j + 1]]

    def df(self, code: int) -> int:
        return len(self.postings(code)[0])

    def holds(self, code: int, doc: int) -> bool:
        docs, _ = self.postings(code)
        j = int(np.searchsorted(docs, doc))
        return j < len(docs) and int(docs[j]) == doc


class SearchIndex:
    """A pure search structure over a list of texts: position in the list in, scores out."""

    def __init__(self, vocab: Vocabulary, body: Field, context: Field, title: Field) -> None:
        self.vocab, self.body, self.context, self.title = vocab, body, context, title
        self.n_docs = body.n_docs
        self._joined: dict[str, tuple[str, str]] | None = None
        self._unigram_df: np.ndarray | None = None

    @classmethod
    def build(cls, docs: Sequence[IndexDoc], k1: float | None = None, b: float | None = None) -> "SearchIndex":
        k1 = K1 if k1 is None else k1
        b = B if b is None else b
        vocab = Vocabulary()
        body = Field.build((doc_terms(d.body, vocab) for d in docs), len(docs), k1, b)
        # no length normalisation of the context: a passage without headings must not gain from its shorter context
        context = Field.build((doc_terms(d.context, vocab) for d in docs), len(docs), k1, 0.0)
        title = Field.build((doc_terms(d.title, vocab) for d in docs), len(docs), k1, b)
        return cls(vocab, body, context, title)

    def idf(self, code: int) -> float:
        df = self.body.df(code)
        return float(np.log1p((self.n_docs - df + 0.5) / (df + 0.5)))

    def scores(self, weighted: Sequence[tuple[int, float]]) -> np.ndarray:
        """Passage scores for (term code, query weight) pairs: per term the better of its body and context scores."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for code, w in weighted:
            title_docs, title_weights = self.title.postings(code)
            if len(title_docs):
                out[title_docs] += (w * TITLE_WEIGHT) * title_weights
            body_docs, body_weights = self.body.postings(code)
            ctx_docs, ctx_weights = self.context.postings(code)
            if len(body_docs):
                out[body_docs] += w * body_weights
            if len(ctx_docs):
                # a term of the headings or the document's name selects the section or document; it does not
                # rank passages within it, so the context score replaces the body score there
                if len(body_docs):
                    both = np.intersect1d(body_docs, ctx_docs, assume_unique=True)
                    if len(both):
                        out[both] -= w * body_weights[np.searchsorted(body_docs, both)]
                out[ctx_docs] += (w * CONTEXT_WEIGHT) * ctx_weights
        return out

    def holds(self, code: int, doc: int) -> bool:
        return self.body.holds(code, doc) or self.context.holds(code, doc)

    def holds_many(self, code: int, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` hold the term (in the body or the context)."""
        out = np.zeros(len(docs), dtype=bool)
        for f in (self.body, self.context):
            postings, _ = f.postings(code)
            if len(postings):
                j = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
                out |= postings[j] == docs
        return out

    def unigram_df(self) -> np.ndarray:
        """Document frequency of every unigram id (both fields), for breaking ties between corrections."""
        if self._unigram_df is None:
            df = np.zeros(len(self.vocab.words), dtype=np.int32)
            for f in (self.body, self.context):
                mask = f.codes < _BIGRAM
                df[f.codes[mask]] += np.diff(f.indptr)[mask].astype(np.int32)
            self._unigram_df = df
        return self._unigram_df

    def joined_bigrams(self) -> dict[str, tuple[str, str]]:
        """'thutuc' -> ('thu', 'tuc') for every bigram in the body, to repair a missing space."""
        if self._joined is None:
            codes = self.body.codes[self.body.codes >= _BIGRAM]
            a = (codes >> 32) - 1
            b = codes & 0xFFFFFFFF
            words = self.vocab.words
            self._joined = {words[x] + words[y]: (words[x], words[y]) for x, y in zip(a.tolist(), b.tolist())}
        return self._joined

    def save(self, folder: Path, stamp: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "index.tmp.npz"
        arrays = {f"{name}_{part}": getattr(f, part) for name, f in (("body", self.body), ("context", self.context),
                                                                                ("title", self.title))
                  for part in ("codes", "indptr", "docs", "weights")}
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        (folder / "vocab.tmp.json").write_text(json.dumps({"stamp": stamp, "n_docs": self.n_docs,
                                                           "words": self.vocab.words}, ensure_ascii=False))
        tmp.replace(folder / "index.npz")
        (folder / "vocab.tmp.json").replace(folder / "vocab.json")

    @classmethod
    def load(cls, folder: Path) -> tuple["SearchIndex", str] | None:
        """The saved index and its stamp, or None when absent or unreadable."""
        try:
            meta = json.loads((folder / "vocab.json").read_text())
            with np.load(folder / "index.npz") as z:
                fields = [Field(z[f"{n}_codes"], z[f"{n}_indptr"], z[f"{n}_docs"], z[f"{n}_weights"], meta["n_docs"])
                          for n in ("body", "context", "title")]
        except (OSError, ValueError, KeyError):
            return None
        return cls(Vocabulary(meta["words"]), *fields), str(meta["stamp"])
