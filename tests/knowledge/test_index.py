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
        docs, weights = index.body.postings(index.vocab.code(word))
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
    for f, g in ((index.body, again.body), (index.context, again.context), (index.title, again.title)):
        assert np.array_equal(f.codes, g.codes) and np.array_equal(f.docs, g.docs)
        assert np.array_equal(f.weights, g.weights)
    assert again.joined_bigrams()["thutuc"] == ("thu", "tuc")


def test_empty_fields_build():
    index = SearchIndex.build([IndexDoc("") for _ in range(3)])
    assert index.n_docs == 3 and len(index.body.codes) == 0
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
