"""BM25 over folded syllables, adjacent-syllable bigrams and one-apart pairs, in three fields, built with numpy; the
passages of one article of a law are also scored as a whole."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.lexicon import ABBREVIATIONS
from bot.core.vietnamese import doc_numbers
from knowledge.understand import tokens as word_tokens

K1 = 0.6  # lower than the textbook 1.2: measured better on ALQAC (see retrieval notes)
B = 0.75
CONTEXT_WEIGHT = 0.8  # a term found in the headings or title scores this share of its weight there
TITLE_WEIGHT = 0.2  # a term of the passage's own heading adds this share of its weight there
GROUP_WEIGHT = 0.5  # a passage of an article split into several passages: this share of its score is the article's
NUMBER_PREFIX = "n:"
INDEX_FILE = "index.npz"  # arrays and metadata (stamp, vocabulary) in one file
_BIGRAM = np.int64(1) << np.int64(32)
SKIP = np.int64(1) << np.int64(62)  # flags a pair of syllables one apart ("quyen _ lao" in "quyen cua lao")


@dataclass(frozen=True)
class IndexDoc:
    body: str
    context: str = ""  # enclosing headings, document type, number, title, issuer, province
    title: str = ""  # the passage's own heading ("Số lượng khen thưởng"), matched additively
    group: str = ""  # the article it belongs to ("12/Điều 5"): consecutive passages of one group are also one document
    group_context: str = ""  # the article's own headings and its document's name (the context of the whole)


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
# A posting of the merged body + context field keeps its field in the tf byte: a body term's tf in the low 7 bits; a
# context term has the top bit, "the body holds it too" in the next one, its tf in the low 6 bits.
_CTX = 0x80
_ALSO_BODY = 0x40
_BODY_TF_MAX = 0x7F
_CTX_TF_MAX = 0x3F


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
    tf = np.concatenate([c for _, _, c in parts]).astype(np.uint8)
    order = np.argsort(keys, kind="stable")  # stable: passages stay in order within a term
    keys = keys[order]
    codes, counts = np.unique(keys, return_counts=True)
    return _Run(first, codes, counts.astype(np.int32), local[order], tf[order])


class FieldBuilder:
    """Collects the term codes of a field passage by passage (with `merged`: of the body and the context together,
    the context's posting standing for both where a term is in both), then packs them into a Field."""

    def __init__(self, merged: bool = False) -> None:
        self.merged = merged
        self.lengths: list[int] = []
        self.runs: list[_Run] = []
        self.codes = np.zeros(0, dtype=np.int64)  # every term code seen, sorted
        self.parts: list[tuple[np.ndarray, int, np.ndarray]] = []
        self.buffered = 0

    def add(self, keys: np.ndarray, length: int, context: np.ndarray | None = None) -> None:
        uniq, counts = np.unique(keys, return_counts=True)
        if self.merged:
            ctx, ctx_counts = np.unique(context if context is not None else keys[:0], return_counts=True)
            in_ctx = np.isin(uniq, ctx, assume_unique=True)
            in_body = np.isin(ctx, uniq, assume_unique=True)
            body_only = ~in_ctx
            tf = np.concatenate([np.minimum(counts[body_only], _BODY_TF_MAX),
                                 _CTX | np.where(in_body, _ALSO_BODY, 0) | np.minimum(ctx_counts, _CTX_TF_MAX)])
            keys_all = np.concatenate([uniq[body_only], ctx])
            order = np.argsort(keys_all, kind="stable")
            uniq, counts = keys_all[order], tf[order]
        else:
            counts = np.minimum(counts, _TF_MAX)
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

    def finish(self, k1: float = K1, b: float = B, context_weight: float = CONTEXT_WEIGHT) -> "Field":
        """The postings with their BM25 weights: the body's with length normalisation `b`, the context's (merged
        field) without, times `context_weight`, each with the idf of its own field."""
        self._flush()
        n_docs, codes, runs = len(self.lengths), self.codes, self.runs
        lengths = np.array(self.lengths, dtype=np.float32)
        self.runs = []
        # Runs are merged term by term straight into the final arrays (4 + 4 bytes per posting): the build never
        # holds more than those plus the 3-byte runs not merged yet.
        postings = np.zeros(len(codes), dtype=np.int64)
        df = np.zeros(len(codes), dtype=np.int64)  # passages whose body holds the term
        ctx_df = np.zeros(len(codes), dtype=np.int64)  # passages whose context holds it (merged field)
        for run in runs:
            terms = np.searchsorted(codes, run.codes)
            postings[terms] += run.counts
            if self.merged:
                starts = (np.cumsum(run.counts, dtype=np.int64) - run.counts)
                is_ctx = (run.tf & _CTX) > 0
                body = ~is_ctx | ((run.tf & _ALSO_BODY) > 0)
                ctx_df[terms] += np.add.reduceat(is_ctx.astype(np.int64), starts) if len(starts) else 0
                df[terms] += np.add.reduceat(body.astype(np.int64), starts) if len(starts) else 0
        if not self.merged:
            df = postings
        indptr = np.zeros(len(codes) + 1, dtype=np.int64)
        np.cumsum(postings, out=indptr[1:])
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
        idf = _idf(n_docs, df)
        ctx_idf = _idf(n_docs, ctx_df) * np.float32(context_weight)
        avgdl = max(float(lengths.mean()), 1.0) if n_docs else 1.0
        # BM25 in place, a block at a time: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avgdl)); a
        # context posting (merged field): ctx_idf * tf * (k1 + 1) / (tf + k1)
        for start in range(0, total, _BLOCK):
            end = min(total, start + _BLOCK)
            w = weights[start:end]
            term = np.searchsorted(indptr, np.arange(start, end, dtype=np.int64), side="right") - 1
            norm = lengths[docs[start:end]]
            norm *= k1 * b / avgdl
            norm += k1 * (1 - b)
            if self.merged:
                raw = w.astype(np.uint8)
                is_ctx = (raw & _CTX) > 0
                w[:] = np.where(is_ctx, raw & _CTX_TF_MAX, raw)
                norm[is_ctx] = k1
                factor = np.where(is_ctx, ctx_idf[term], idf[term])
            else:
                factor = idf[term]
            norm += w
            w *= k1 + 1
            w /= norm
            w *= factor
        return Field(codes, indptr, docs, weights, n_docs, df.astype(np.int32), ctx_df.astype(np.int32))


def _idf(n_docs: int, df: np.ndarray) -> np.ndarray:
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


class Field:
    """Postings of one field: for each term code (sorted), the passages holding it and their BM25 weights; `dfs`:
    passages whose body holds each term, `ctx_dfs`: whose context holds it (the merged body + context field)."""

    def __init__(self, codes: np.ndarray, indptr: np.ndarray, docs: np.ndarray, weights: np.ndarray,
                 n_docs: int, dfs: np.ndarray | None = None, ctx_dfs: np.ndarray | None = None) -> None:
        self.codes, self.indptr, self.docs, self.weights, self.n_docs = codes, indptr, docs, weights, n_docs
        self.dfs = np.diff(indptr).astype(np.int32) if dfs is None else dfs
        self.ctx_dfs = np.zeros(len(codes), dtype=np.int32) if ctx_dfs is None else ctx_dfs

    def _find(self, code: int) -> int:
        j = int(np.searchsorted(self.codes, code))
        return j if j < len(self.codes) and self.codes[j] == code else -1

    def postings(self, code: int) -> tuple[np.ndarray, np.ndarray]:
        j = self._find(code)
        if j < 0:
            return self.docs[:0], self.weights[:0]
        return self.docs[self.indptr[j]:self.indptr[j + 1]], self.weights[self.indptr[j]:self.indptr[j + 1]]

    def df(self, code: int) -> int:
        """Passages whose body holds the term."""
        j = self._find(code)
        return int(self.dfs[j]) if j >= 0 else 0

    def holds(self, code: int, doc: int) -> bool:
        docs, _ = self.postings(code)
        j = int(np.searchsorted(docs, doc))
        return j < len(docs) and int(docs[j]) == doc


class SearchIndex:
    """A pure search structure over a list of texts: position in the list in, scores out. `terms` holds the body and
    the context of each passage in one field, so that a term costs one posting list at question time; `groups` holds
    the articles made of several passages as wholes (`group_of`: each passage's article, -1 for none)."""

    def __init__(self, vocab: Vocabulary, terms: Field, title: Field, groups: Field | None = None,
                 group_of: np.ndarray | None = None) -> None:
        self.vocab, self.terms, self.title = vocab, terms, title
        self.n_docs = terms.n_docs
        self.groups = groups if groups is not None else Field(np.zeros(0, np.int64), np.zeros(1, np.int64),
                                                               np.zeros(0, np.int32), np.zeros(0, np.float32), 0)
        self.group_of = np.full(self.n_docs, -1, dtype=np.int32) if group_of is None else group_of.astype(np.int32)
        self._grouped = np.flatnonzero(self.group_of >= 0)
        self._joined: dict[str, tuple[str, str]] | None = None
        self._unigram_df: np.ndarray | None = None
        self._idf: dict[int, float] = {}  # idf of the terms of recent questions (asked for per sentence weighed)

    @classmethod
    def build(cls, docs: Iterable[IndexDoc], k1: float | None = None, b: float | None = None) -> "SearchIndex":
        """The index of `docs`, read once (they may be streamed from the database)."""
        k1 = K1 if k1 is None else k1
        b = B if b is None else b
        vocab = Vocabulary()
        terms, title, groups = FieldBuilder(merged=True), FieldBuilder(), FieldBuilder(merged=True)
        group_of: list[int] = []
        current = _Group()
        for d in docs:
            # one-apart pairs in the body only: a chat question drops the little words between the ones it keeps
            body, length = doc_terms(d.body, vocab, skips=True)
            terms.add(body, length, doc_terms(d.context, vocab)[0])
            title.add(*doc_terms(d.title, vocab))
            if not d.group or d.group != current.key:
                current.close(groups, group_of)
                current = _Group(d.group, len(group_of), doc_terms(d.group_context, vocab)[0])
            group_of.append(-1)
            if d.group:
                current.add(body, length)
        current.close(groups, group_of)
        # no length normalisation of the context: a passage without headings must not gain from its shorter context
        return cls(vocab, terms.finish(k1, b), title.finish(k1, b), groups.finish(k1, b),
                   np.array(group_of, dtype=np.int32))

    def df(self, code: int) -> int:
        """Passages whose body holds the term."""
        return self.terms.df(code)

    def idf(self, code: int) -> float:
        cached = self._idf.get(code)
        if cached is None:
            if len(self._idf) >= _IDF_CACHE:
                self._idf.clear()
            df = self.terms.df(code)
            cached = self._idf[code] = float(np.log1p((self.n_docs - df + 0.5) / (df + 0.5)))
        return cached

    def scores(self, weighted: Sequence[tuple[int, float]]) -> np.ndarray:
        """Passage scores for (term code, query weight) pairs: per term its body score, or where the passage's headings
        or document name hold it, its context score instead (a term there selects the section or document; it does
        not rank passages within it), plus a share of its score in the passage's own heading. A passage of an article
        made of several passages scores mostly as its article (GROUP_WEIGHT), the rest its own: the article is what
        matches a question, the passage what is shown."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        if not weighted:
            return out
        codes = np.fromiter((c for c, _ in weighted), dtype=np.int64, count=len(weighted))
        query = np.fromiter((w for _, w in weighted), dtype=np.float32, count=len(weighted))
        _accumulate(self.terms, codes, query, out)
        _accumulate(self.title, codes, query * np.float32(TITLE_WEIGHT), out)
        if len(self._grouped) and len(self.groups.codes):
            whole = np.zeros(self.groups.n_docs, dtype=np.float32)
            _accumulate(self.groups, codes, query, whole)
            own = out[self._grouped]
            own *= np.float32(1 - GROUP_WEIGHT)
            own += np.float32(GROUP_WEIGHT) * whole[self.group_of[self._grouped]]
            out[self._grouped] = own
        return out

    def holds(self, code: int, doc: int) -> bool:
        """Whether the passage holds the term in its body or its context."""
        return self.terms.holds(code, doc)

    def holds_many(self, code: int, docs: np.ndarray, whole: bool = False) -> np.ndarray:
        """Which of `docs` hold the term (in the body or the context); with `whole`, a passage of an article made of
        several passages holds what any passage of its article holds."""
        held = _member(self.terms.postings(code)[0], docs)
        if whole and len(self._grouped):
            group = self.group_of[docs]
            inside = group >= 0
            held[inside] |= _member(self.groups.postings(code)[0], group[inside])
        return held

    def unigram_df(self) -> np.ndarray:
        """Document frequency of every unigram id (body plus context), for breaking ties between corrections."""
        if self._unigram_df is None:
            df = np.zeros(len(self.vocab.words), dtype=np.int32)
            f = self.terms
            mask = f.codes < _BIGRAM
            df[f.codes[mask]] += f.dfs[mask] + f.ctx_dfs[mask]
            self._unigram_df = df
        return self._unigram_df

    def joined_bigrams(self) -> dict[str, tuple[str, str]]:
        """'thutuc' -> ('thu', 'tuc') for every bigram in the body, to repair a missing space."""
        if self._joined is None:
            f = self.terms
            codes = f.codes[(f.codes >= _BIGRAM) & (f.codes < SKIP) & (f.dfs > 0)]
            a = (codes >> 32) - 1
            b = codes & 0xFFFFFFFF
            words = self.vocab.words
            self._joined = {words[x] + words[y]: (words[x], words[y]) for x, y in zip(a.tolist(), b.tolist())}
        return self._joined

    def save(self, folder: Path, stamp: str) -> None:
        """One file, written aside and swapped in atomically: replicas sharing `folder` never see a mix."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"{name}_{part}": getattr(f, part) for name, f in self._fields() for part in _PARTS}
        arrays["group_of"] = self.group_of
        meta = json.dumps({"stamp": stamp, "n_docs": self.n_docs, "n_groups": self.groups.n_docs,
                           "words": self.vocab.words}, ensure_ascii=False)
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
        """The saved index and its stamp, or None when absent, unreadable or of an older layout (then rebuilt)."""
        try:
            with np.load(folder / INDEX_FILE) as z:
                meta = json.loads(z["meta"].tobytes().decode())
                fields = [Field(*(z[f"{n}_{part}"] for part in _PARTS[:4]), meta[n_docs],
                                *(z[f"{n}_{part}"] for part in _PARTS[4:]))
                          for n, n_docs in (("terms", "n_docs"), ("title", "n_docs"), ("groups", "n_groups"))]
                group_of = z["group_of"]
        except (OSError, ValueError, KeyError, UnicodeDecodeError):
            return None
        return cls(Vocabulary(meta["words"]), *fields, group_of), str(meta["stamp"])

    def _fields(self) -> tuple[tuple[str, Field], ...]:
        return ("terms", self.terms), ("title", self.title), ("groups", self.groups)


_IDF_CACHE = 50_000
_PARTS = ("codes", "indptr", "docs", "weights", "dfs", "ctx_dfs")


def _accumulate(f: Field, codes: np.ndarray, query: np.ndarray, out: np.ndarray) -> None:
    """Adds query weight × posting weight of each known term of `codes` to `out` (indexed by the field's documents)."""
    if not len(f.codes):
        return
    j = np.minimum(np.searchsorted(f.codes, codes), len(f.codes) - 1)
    found = f.codes[j] == codes
    starts, ends = f.indptr[j].tolist(), f.indptr[j + 1].tolist()
    for w, s, e, ok in zip(query.tolist(), starts, ends, found.tolist()):
        if ok and e > s:
            out[f.docs[s:e]] += np.float32(w) * f.weights[s:e]


def _member(postings: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of `docs` are in the sorted `postings`."""
    if not len(postings) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    j = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
    return postings[j] == docs


@dataclass
class _Group:
    """The article being read while building: its passages' body terms, gathered until the next article starts."""

    key: str = ""
    first: int = 0  # position of its first passage
    context: np.ndarray | None = None
    parts: list[np.ndarray] = field(default_factory=list)
    length: int = 0

    def add(self, body: np.ndarray, length: int) -> None:
        self.parts.append(body)
        self.length += length

    def close(self, groups: FieldBuilder, group_of: list[int]) -> None:
        """An article of several passages becomes one document of `groups`; one of a single passage stays as it is."""
        if len(self.parts) < 2:
            return
        number = len(groups.lengths)
        groups.add(np.concatenate(self.parts), self.length, self.context)
        for i in range(self.first, self.first + len(self.parts)):
            group_of[i] = number
