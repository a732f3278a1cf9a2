"""Max-score pruning (rag/index/lexical.py `_segment_top`) returns what scoring every row returns:
the same chunk ids in the same order, the same scores (up to the last bits of a float sum taken in
another term order), ties kept and broken by chunk id."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from rag.evaluate import load_questions
from rag.index import lexical
from rag.index.lexical import LexicalIndex, tokenize
from tests.conftest import ROOT, SEEDS


def exhaustive(index: LexicalIndex, query: str, k: int, regions=None, years=None, docs=None) -> list:
    """Every live row scored, every query token in turn: the search as it was before pruning."""
    tokens = [t for t in tokenize(query) if index.df(t)]
    if not tokens:
        return []
    weight = {t: math.log(1 + (index.n - index.df(t) + 0.5) / (index.df(t) + 0.5)) for t in tokens}
    found = []
    for segment, alive, columns in zip(index.segments, index.alive, index._columns):
        scores, counts = np.zeros(len(segment.rows)), segment.counts
        for token in tokens:
            column = segment.column.get(token)
            if column is not None:
                span = slice(counts.indptr[column], counts.indptr[column + 1])
                rows, tf = counts.indices[span], counts.data[span]
                scores[rows] += weight[token] * tf / (tf + columns["norm"][rows])
        mask = lexical._eligible(alive, columns, regions, years, docs)
        found += [(-float(scores[i]), segment.rows[i]["id"]) for i in np.flatnonzero(mask & (scores > 0))]
    return [(chunk_id, -score) for score, chunk_id in sorted(found)[:k]]


def _same(got: list, expected: list) -> bool:
    return [i for i, _ in got] == [i for i, _ in expected] and \
        [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-12)


def _corpus(copies: int) -> tuple[list[str], list[str], list[dict]]:
    """The seeds' paragraphs, each seed repeated `copies` times under other doc ids (identical rows:
    exact ties), a few words dropped from some copies so the copies also differ."""
    rng, ids, texts, metas = random.Random(3), [], [], []
    for number, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n") if len(p) > 20]
        for copy in range(copies):
            for ordinal, text in enumerate(paragraphs):
                if copy and rng.random() < 0.3:
                    cut = rng.randrange(len(text))
                    text = text[:cut] + text[cut + 3:]
                ids.append(f"d{number}c{copy}-{ordinal:03d}")
                texts.append(text)
                metas.append({"doc_id": f"d{number}c{copy}", "region": f"R{(number + copy) % 3}", "year": 2020 + copy % 3})
    return ids, texts, metas


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    ids, texts, metas = _corpus(6)
    half = len(ids) // 2
    built = LexicalIndex.build(ids[:half], texts[:half], metas[:half])
    return built.add(ids[half:], texts[half:], metas[half:], remove_docs={"d0c1"})  # two segments, tombstones


@pytest.fixture(scope="module")
def questions() -> list[str]:
    return [i["question"] for i in load_questions(ROOT / "evals" / "questions.jsonl")]


def test_pruned_search_equals_scoring_every_row(index, questions):
    assert len(index.segments) == 2
    for query in questions:
        for k in (1, 5, 30):
            assert _same(index.search(query, k), exhaustive(index, query, k)), (query, k)


def test_pruned_search_equals_scoring_every_row_under_filters(index, questions):
    for query in questions[::4]:
        for filters in ({"regions": ["R1"]}, {"years": [2021]}, {"docs": ["d2c3", "d4c0"]},
                        {"regions": ["R0", "R2"], "years": [2020, 2022]}):
            assert _same(index.search(query, 10, **filters), exhaustive(index, query, 10, **filters)), (query, filters)


def test_pruning_skips_most_of_the_common_terms_postings(index, monkeypatch):
    """Not a timing: the long postings of a long query are looked up for a few candidates only."""
    pruned = []
    original = lexical._candidates

    def spy(scores, among, rest, k):
        rows, threshold = original(scores, among, rest, k)
        pruned.append(rows is not None and len(rows) < len(scores))
        return rows, threshold

    monkeypatch.setattr(lexical, "_candidates", spy)
    query = "本溪2022年一审行政官司一共结了多少件?行政机关输了几件、败诉比例是多少?"
    assert _same(index.search(query, 10), exhaustive(index, query, 10))
    assert any(pruned)


def test_repeated_rows_tie_exactly_and_go_by_chunk_id(index):
    hits = index.search("行政复议案件", 30)
    scores = [s for _, s in hits]
    assert len(set(scores)) < len(scores)  # the copies tie
    for (a, sa), (b, sb) in zip(hits, hits[1:]):
        assert sa > sb or (sa == sb and a < b)
