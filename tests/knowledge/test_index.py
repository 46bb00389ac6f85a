"""The packed BM25 index: weights as the textbook formula gives them, one-apart pairs, saving and loading."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from knowledge.index import B, K1, IndexDoc, SearchIndex
from knowledge.search import Searcher

TEXTS = ["Thủ tục hành chính được giải quyết đúng hạn, đúng hạn.", "Giải ngân vốn đầu tư công.",
         "Hồ sơ thủ tục trực tuyến.", ""]


def test_weights_are_textbook_bm25():
    index = SearchIndex.build([IndexDoc(t) for t in TEXTS])
    lengths = [11, 6, 6, 0]
    avgdl = sum(lengths) / len(lengths)
    for word, tf_by_doc in (("han", {0: 2}), ("tuc", {0: 1, 2: 1}), ("giai", {0: 1, 1: 1})):
        docs, weights = index.terms.postings(index.vocab.code(word))
        assert docs.tolist() == sorted(tf_by_doc)
        df = len(tf_by_doc)
        idf = math.log1p((len(TEXTS) - df + 0.5) / (df + 0.5))
        for d, w in zip(docs.tolist(), weights.tolist()):
            tf = tf_by_doc[d]
            expected = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[d] / avgdl))
            assert math.isclose(w, expected, rel_tol=1e-5)


def test_words_one_apart_rank_the_passage_that_keeps_them_close():
    texts = ["tỉnh lập kế hoạch năm nay", "kế hoạch của tỉnh năm nay"]
    searcher = Searcher(SearchIndex.build([IndexDoc(t) for t in texts]))
    assert searcher.search("ke hoach tinh", 2)[1][0].doc == 1  # "hoạch … tỉnh", the question dropped "của"
    assert searcher.search("tinh lap ke hoach", 2)[1][0].doc == 0


def test_saved_index_loads_the_same(tmp_path: Path):
    index = SearchIndex.build([IndexDoc(t, "Kế hoạch 12/KH-UBND", "Thủ tục") for t in TEXTS])
    index.save(tmp_path, "stamp")
    loaded = SearchIndex.load(tmp_path)
    assert loaded is not None and loaded[1] == "stamp"
    again = loaded[0]
    for f, g in ((index.terms, again.terms), (index.title, again.title)):
        assert np.array_equal(f.codes, g.codes) and np.array_equal(f.docs, g.docs)
        assert np.array_equal(f.weights, g.weights)
        assert np.array_equal(f.dfs, g.dfs) and np.array_equal(f.ctx_dfs, g.ctx_dfs)
    assert again.joined_bigrams()["thutuc"] == ("thu", "tuc")


def test_empty_fields_build():
    index = SearchIndex.build([IndexDoc("") for _ in range(3)])
    assert index.n_docs == 3 and len(index.terms.codes) == 0
    assert index.scores([(0, 1.0)]).tolist() == [0.0, 0.0, 0.0]


def test_saved_index_is_one_file_swapped_in_whole(tmp_path):
    """Replicas sharing a data folder: a save leaves no temporary file and one consistent index."""
    from knowledge.index import INDEX_FILE

    a = SearchIndex.build([IndexDoc("kế hoạch cải cách hành chính năm 2022"), IndexDoc("chỉ số hài lòng SIPAS")])
    a.save(tmp_path, "v1")
    b = SearchIndex.build([IndexDoc("thủ tục hành chính một cửa")])
    b.save(tmp_path, "v2")
    assert sorted(p.name for p in tmp_path.iterdir()) == [INDEX_FILE]
    loaded, stamp = SearchIndex.load(tmp_path)
    assert stamp == "v2" and loaded.n_docs == 1
    (tmp_path / INDEX_FILE).write_bytes(b"truncated")
    assert SearchIndex.load(tmp_path) is None


def _bm25(tf: int, df: int, n: int, length: float, avgdl: float, b: float) -> float:
    idf = math.log1p((n - df + 0.5) / (df + 0.5))
    return idf * tf * (K1 + 1) / (tf + K1 * (1 - b + b * length / avgdl))


def test_scores_take_the_context_score_where_the_headings_hold_the_term():
    """One merged posting list per term: a passage whose headings hold the term scores it there (no length
    normalisation, CONTEXT_WEIGHT), the others by their body; the passage's own heading adds TITLE_WEIGHT of its score."""
    from knowledge.index import CONTEXT_WEIGHT, TITLE_WEIGHT

    docs = [IndexDoc("thủ tục hành chính một cửa", "Điều 1. Thủ tục", "Thủ tục"),
            IndexDoc("thủ tục thủ tục liên thông", "Điều 2. Liên thông", ""),
            IndexDoc("dịch vụ công trực tuyến", "Điều 3. Thủ tục trực tuyến", ""),
            IndexDoc("văn bản khác", "", "")]
    index = SearchIndex.build(docs)
    n = len(docs)
    body_len = [6, 6, 5, 3]
    avg = sum(body_len) / n
    code = index.vocab.code("tuc")
    got = index.scores([(code, 2.0)]).tolist()
    # "tuc": in the body of 0 and 1, in the context of 0 and 2, in the title of 0
    ctx = 2.0 * CONTEXT_WEIGHT * _bm25(1, 2, n, 0, 1, 0.0)
    title_len = [2, 0, 0, 0]
    title = 2.0 * TITLE_WEIGHT * _bm25(1, 1, n, title_len[0], max(sum(title_len) / n, 1.0), B)  # avgdl at least 1
    expected = [ctx + title, 2.0 * _bm25(2, 2, n, body_len[1], avg, B), ctx, 0.0]
    assert all(math.isclose(g, e, rel_tol=1e-5, abs_tol=1e-6) for g, e in zip(got, expected)), (got, expected)
    assert index.df(code) == 2  # passages whose body holds it: the idf of the answer's sentences
    assert index.holds(code, 2) and not index.holds(code, 3)
    assert index.holds_many(code, np.array([0, 1, 2, 3])).tolist() == [True, True, True, False]
    assert index.unigram_df()[index.vocab.ids["tuc"]] == 4  # body plus context


def test_scores_add_the_terms_of_a_question():
    docs = [IndexDoc(t, c) for t, c in (("kế hoạch cải cách hành chính", "Kế hoạch 12/KH-UBND"),
                                        ("cải cách thủ tục", ""), ("hành chính công", "Chương II"))]
    index = SearchIndex.build(docs)
    codes = [index.vocab.code(w) for w in ("cai", "chinh", "hoach", "cai_cach")]
    alone = sum(index.scores([(c, 0.5 + i)]) for i, c in enumerate(codes))
    together = index.scores([(c, 0.5 + i) for i, c in enumerate(codes)])
    assert np.allclose(alone, together, rtol=1e-6)
    assert index.scores([(-1, 1.0), (10**12, 1.0)]).tolist() == [0.0, 0.0, 0.0]  # unknown codes score nothing


def test_an_index_saved_in_an_older_layout_is_rebuilt(tmp_path: Path):
    """An index file without the merged field (saved before it existed) is not loaded: the caller rebuilds it."""
    from knowledge.index import INDEX_FILE

    arrays = {f"{n}_{p}": np.zeros(1, dtype=np.int64) for n in ("body", "context", "title")
              for p in ("codes", "indptr", "docs", "weights")}
    arrays["meta"] = np.frombuffer(b'{"stamp": "old", "n_docs": 0, "words": []}', dtype=np.uint8)
    with open(tmp_path / INDEX_FILE, "wb") as fh:
        np.savez(fh, **arrays)
    assert SearchIndex.load(tmp_path) is None


def test_an_article_of_several_passages_is_also_scored_as_a_whole(tmp_path: Path):
    """Passages of one article (same group, one after another) score GROUP_WEIGHT of the article's BM25 (its
    passages' bodies together, its own headings as context) plus the rest of their own; a one-passage article and
    passages outside articles keep their own score."""
    from knowledge.index import GROUP_WEIGHT

    docs = [IndexDoc("người lao động được nghỉ phép", "Điều 1. Nghỉ phép › 1", group="d/Điều 1",
                     group_context="Điều 1. Nghỉ phép"),
            IndexDoc("mười hai ngày làm việc mỗi năm", "Điều 1. Nghỉ phép › 2", group="d/Điều 1",
                     group_context="Điều 1. Nghỉ phép"),
            IndexDoc("người lao động được trả lương", "Điều 2. Tiền lương", group="d/Điều 2",
                     group_context="Điều 2. Tiền lương"),
            IndexDoc("văn bản khác về ngày làm việc", "")]
    index = SearchIndex.build(docs)
    assert index.group_of.tolist() == [0, 0, -1, -1] and index.groups.n_docs == 1
    plain = SearchIndex.build([IndexDoc(d.body, d.context) for d in docs])
    for word in ("ngay", "lao", "phep"):
        code, own = index.vocab.code(word), plain.vocab.code(word)
        got, alone = index.scores([(code, 1.0)]), plain.scores([(own, 1.0)])
        g = index.groups.postings(code)[1]  # the article's weight for the term (0 when it lacks it)
        article = float(g[0]) if len(g) else 0.0
        for i in (0, 1):
            assert math.isclose(got[i], (1 - GROUP_WEIGHT) * alone[i] + GROUP_WEIGHT * article, rel_tol=1e-5, abs_tol=1e-6)
        assert np.allclose(got[2:], alone[2:])
    code = index.vocab.code("ngay")
    assert index.holds_many(code, np.array([0, 1, 2])).tolist() == [False, True, False]
    assert index.holds_many(code, np.array([0, 1, 2]), whole=True).tolist() == [True, True, False]
    index.save(tmp_path, "s")
    again, _ = SearchIndex.load(tmp_path)
    assert again.group_of.tolist() == index.group_of.tolist()
    assert np.array_equal(again.groups.weights, index.groups.weights)
    assert np.allclose(again.scores([(code, 1.0)]), index.scores([(code, 1.0)]))


def test_search_returns_one_passage_per_article():
    docs = [IndexDoc(f"thời hạn nghỉ phép khoản {i}", "Điều 1", group="d/Điều 1", group_context="Điều 1")
            for i in range(5)] + [IndexDoc("nghỉ phép năm", "Điều 2"), IndexDoc("thời hạn hợp đồng", "Điều 3")]
    hits = Searcher(SearchIndex.build(docs)).search("thoi han nghi phep", 3)[1]
    assert len(hits) == 3 and sum(h.doc < 5 for h in hits) == 1
