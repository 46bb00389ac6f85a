"""BM25 over folded syllables, adjacent-syllable bigrams and one-apart pairs, in three fields, built with numpy."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.lexicon import ABBREVIATIONS
from bot.core.vietnamese import doc_numbers
from knowledge.understand import tokens as word_tokens

K1 = 0.6  # lower than the textbook 1.2: measured better on ALQAC (see retrieval notes)
B = 0.75
CONTEXT_WEIGHT = 0.8  # a term found in the headings or title scores this share of its weight there
TITLE_WEIGHT = 0.2  # a term of the passage's own heading adds this share of its weight there
NUMBER_PREFIX = "n:"
INDEX_FILE = "index.npz"  # arrays and metadata (stamp, vocabulary) in one file
_BIGRAM = np.int64(1) << np.int64(32)
SKIP = np.int64(1) << np.int64(62)  # flags a pair of syllables one apart ("quyen _ lao" in "quyen cua lao")


@dataclass(frozen=True)
class IndexDoc:
    body: str
    context: str = ""  # enclosing headings, document type, number, title, issuer, province
    title: str = ""  # the passage's own heading ("Số lượng khen thưởng"), matched additively


class Vocabulary:
    """Unigram strings <-> ids; bigrams are int64 codes (a+1)<<32 | b of two unigram ids, one-apart pairs add SKIP."""

    def __init__(self, words: list[str] | None = None) -> None:
        self.words: list[str] = words or []
        self.ids: dict[str, int] = {w: i for i, w in enumerate(self.words)}

    def add(self, word: str) -> int:
        i = self.ids.get(word)
        if i is None:
            i = self.ids[word] = len(self.words)
            self.words.append(word)
        return i

    def keys(self, tokens: list[str], grow: bool, skips: bool = False) -> np.ndarray:
        """Term codes of a token sequence: its unigrams, adjacent bigrams and (with `skips`) one-apart pairs."""
        if grow:
            ids = np.fromiter((self.add(t) for t in tokens), dtype=np.int64, count=len(tokens))
        else:
            ids = np.fromiter((self.ids.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
        if len(ids) < 2:
            return ids[ids >= 0]
        pairs = (ids[:-1] + 1) * _BIGRAM + ids[1:]
        pairs = pairs[(ids[:-1] >= 0) & (ids[1:] >= 0)]
        parts = [ids[ids >= 0], pairs]
        if skips and len(ids) > 2:
            apart = SKIP | ((ids[:-2] + 1) * _BIGRAM + ids[2:])
            parts.append(apart[(ids[:-2] >= 0) & (ids[2:] >= 0)])
        return np.concatenate(parts)

    def code(self, term: str) -> int:
        """The code of 'word' or 'a_b' (bigram); -1 when unknown."""
        if "_" in term and not term.startswith(NUMBER_PREFIX):
            a, b = term.split("_", 1)
            ia, ib = self.ids.get(a, -1), self.ids.get(b, -1)
            return -1 if ia < 0 or ib < 0 else int((ia + 1) * _BIGRAM + ib)
        return self.ids.get(term, -1)

    def skip_code(self, a: str, b: str) -> int:
        """The code of the pair 'a … b' (one syllable between); -1 when a word is unknown."""
        ia, ib = self.ids.get(a, -1), self.ids.get(b, -1)
        return -1 if ia < 0 or ib < 0 else int(SKIP | ((ia + 1) * _BIGRAM + ib))


def doc_terms(text: str, vocab: Vocabulary, grow: bool = True, skips: bool = False) -> tuple[np.ndarray, int]:
    """All term codes of a text (syllables, bigrams, abbreviation expansions, document numbers) and its length."""
    tokens = word_tokens(text)
    parts = [vocab.keys(tokens, grow, skips)]
    for t in set(tokens) & ABBREVIATIONS.keys():
        parts.append(vocab.keys(ABBREVIATIONS[t].split(), grow))
    numbers = [NUMBER_PREFIX + n for n in doc_numbers(text)]
    if numbers:
        parts.append(np.array([vocab.add(n) if grow else vocab.ids.get(n, -1) for n in numbers], dtype=np.int64))
    return np.concatenate(parts), len(tokens)


_CHUNK = 1 << 20  # postings gathered per run of passages before they are packed together
_CHUNK_PASSAGES = 1 << 16  # passage numbers inside a run are stored in 16 bits
_TF_MAX = 255  # term frequencies stored in 8 bits while building (BM25 saturates long before)
_BLOCK = 1 << 20  # postings scored per step of the final BM25 pass


@dataclass
class _Run:
    """The postings of a run of passages, sorted by term: 3 bytes per posting (passage within the run, tf)."""

    first_doc: int
    codes: np.ndarray  # distinct term codes of the run, sorted (int64)
    counts: np.ndarray  # postings per code (int32)
    docs: np.ndarray  # passage number minus first_doc (uint16), grouped by code, ascending within a code
    tf: np.ndarray  # uint8


def _pack(parts: list[tuple[np.ndarray, int, np.ndarray]]) -> _Run:
    keys = np.concatenate([k for k, _, _ in parts])
    first = parts[0][1]
    local = np.repeat(np.array([d - first for _, d, _ in parts], dtype=np.uint16),
                      np.array([len(k) for k, _, _ in parts], dtype=np.int64))
    tf = np.minimum(np.concatenate([c for _, _, c in parts]), _TF_MAX).astype(np.uint8)
    order = np.argsort(keys, kind="stable")  # stable: passages stay in order within a term
    keys = keys[order]
    codes, counts = np.unique(keys, return_counts=True)
    return _Run(first, codes, counts.astype(np.int32), local[order], tf[order])


class FieldBuilder:
    """Collects the term codes of one field passage by passage, then packs them into a Field."""

    def __init__(self) -> None:
        self.lengths: list[int] = []
        self.runs: list[_Run] = []
        self.codes = np.zeros(0, dtype=np.int64)  # every term code seen, sorted
        self.parts: list[tuple[np.ndarray, int, np.ndarray]] = []
        self.buffered = 0

    def add(self, keys: np.ndarray, length: int) -> None:
        uniq, counts = np.unique(keys, return_counts=True)
        self.parts.append((uniq, len(self.lengths), counts))
        self.lengths.append(length)
        self.buffered += len(uniq)
        if self.buffered >= _CHUNK or len(self.parts) >= _CHUNK_PASSAGES:
            self._flush()

    def _flush(self) -> None:
        if self.parts:
            self.runs.append(_pack(self.parts))
            self.codes = np.union1d(self.codes, self.runs[-1].codes)
            self.parts, self.buffered = [], 0

    def finish(self, k1: float = K1, b: float = B) -> "Field":
        self._flush()
        n_docs, codes, runs = len(self.lengths), self.codes, self.runs
        lengths = np.array(self.lengths, dtype=np.float32)
        self.runs = []
        # Runs are merged term by term straight into the final arrays (4 + 4 bytes per posting): the build never
        # holds more than those plus the 3-byte runs not merged yet.
        df = np.zeros(len(codes), dtype=np.int64)
        for run in runs:
            df[np.searchsorted(codes, run.codes)] += run.counts
        indptr = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        total = int(indptr[-1])
        docs = np.empty(total, dtype=np.int32)
        weights = np.empty(total, dtype=np.float32)
        cursor = indptr[:-1].copy()
        for j, run in enumerate(runs):
            terms = np.searchsorted(codes, run.codes)
            offsets = np.cumsum(run.counts, dtype=np.int64) - run.counts
            dest = np.repeat(cursor[terms] - offsets, run.counts) + np.arange(len(run.docs), dtype=np.int64)
            docs[dest] = run.docs.astype(np.int32) + run.first_doc
            weights[dest] = run.tf
            cursor[terms] += run.counts
            runs[j] = None  # type: ignore[call-overload]
        del runs
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = max(float(lengths.mean()), 1.0) if n_docs else 1.0
        # BM25 in place, a block at a time: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avgdl))
        for start in range(0, total, _BLOCK):
            end = min(total, start + _BLOCK)
            w = weights[start:end]
            norm = lengths[docs[start:end]]
            norm *= k1 * b / avgdl
            norm += k1 * (1 - b)
            norm += w
            w *= k1 + 1
            w /= norm
            w *= idf[np.searchsorted(indptr, np.arange(start, end, dtype=np.int64), side="right") - 1]
        return Field(codes, indptr, docs, weights, n_docs)


class Field:
    """Postings of one field: for each term code (sorted), the passages holding it and their BM25 weights."""

    def __init__(self, codes: np.ndarray, indptr: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 n_docs: int) -> None:
        self.codes, self.indptr, self.docs, self.weights, self.n_docs = codes, indptr, docs, weights, n_docs

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
    def build(cls, docs: Iterable[IndexDoc], k1: float | None = None, b: float | None = None) -> "SearchIndex":
        """The index of `docs`, read once (they may be streamed from the database)."""
        k1 = K1 if k1 is None else k1
        b = B if b is None else b
        vocab = Vocabulary()
        body, context, title = FieldBuilder(), FieldBuilder(), FieldBuilder()
        for d in docs:
            # one-apart pairs in the body only: a chat question drops the little words between the ones it keeps
            body.add(*doc_terms(d.body, vocab, skips=True))
            context.add(*doc_terms(d.context, vocab))
            title.add(*doc_terms(d.title, vocab))
        # no length normalisation of the context: a passage without headings must not gain from its shorter context
        return cls(vocab, body.finish(k1, b), context.finish(k1, 0.0), title.finish(k1, b))

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
                    # both posting lists are sorted: find the context passages in the body list without sorting
                    j = np.searchsorted(body_docs, ctx_docs)
                    inside = j < len(body_docs)
                    inside[inside] = body_docs[j[inside]] == ctx_docs[inside]
                    if inside.any():
                        out[ctx_docs[inside]] -= w * body_weights[j[inside]]
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
            codes = self.body.codes[(self.body.codes >= _BIGRAM) & (self.body.codes < SKIP)]
            a = (codes >> 32) - 1
            b = codes & 0xFFFFFFFF
            words = self.vocab.words
            self._joined = {words[x] + words[y]: (words[x], words[y]) for x, y in zip(a.tolist(), b.tolist())}
        return self._joined

    def save(self, folder: Path, stamp: str) -> None:
        """One file, written aside and swapped in atomically: replicas sharing `folder` never see a mix."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"{name}_{part}": getattr(f, part) for name, f in (("body", self.body), ("context", self.context),
                                                                                ("title", self.title))
                  for part in ("codes", "indptr", "docs", "weights")}
        meta = json.dumps({"stamp": stamp, "n_docs": self.n_docs, "words": self.vocab.words}, ensure_ascii=False)
        arrays["meta"] = np.frombuffer(meta.encode(), dtype=np.uint8)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="index.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, folder / INDEX_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, folder: Path) -> tuple["SearchIndex", str] | None:
        """The saved index and its stamp, or None when absent or unreadable."""
        try:
            with np.load(folder / INDEX_FILE) as z:
                meta = json.loads(z["meta"].tobytes().decode())
                fields = [Field(z[f"{n}_codes"], z[f"{n}_indptr"], z[f"{n}_docs"], z[f"{n}_weights"], meta["n_docs"])
                          for n in ("body", "context", "title")]
        except (OSError, ValueError, KeyError, UnicodeDecodeError):
            return None
        return cls(Vocabulary(meta["words"]), *fields), str(meta["stamp"])
