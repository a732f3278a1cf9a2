"""Sentence vectors are computed once at ingest: answering embeds only the question."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.answer.respond import answer
from rag.index.sentences import sentences_of
from rag.pipeline import BoundedCache, Pipeline
from rag.settings import Settings
from tests.conftest import sibling

QUESTIONS = ["本溪2022年一审行政诉讼败诉率是多少?", "芙蓉区受理法律援助案件多少件?",
             "平遥2020年法治宣传教育做了哪些工作?", "哪个地区的行政复议纠错率最高?"]


class CountingEmbedder:
    """The session's embedder, counting what it is asked to encode."""

    def __init__(self, inner) -> None:
        self.inner, self.passage_texts, self.queries = inner, [], []

    def passages(self, texts, batch_size=32):
        self.passage_texts += list(texts)
        return self.inner.passages(texts, batch_size)

    def query(self, text):
        self.queries.append(text)
        return self.inner.query(text)


def test_answering_embeds_no_sentence_of_the_index(seeded):
    pipeline = sibling(seeded)
    counting = pipeline.__dict__["embedder"] = CountingEmbedder(seeded.embedder)
    asked = []
    original = pipeline.similarity
    pipeline.similarity = lambda q, sentences: asked.extend(sentences) or original(q, sentences)
    for question in QUESTIONS:
        answer(question, pipeline, mode="extractive")
    assert asked, "the answerer scored sentences"
    assert counting.passage_texts == []  # every scored sentence was stored at ingest
    assert len(counting.queries) == len(set(counting.queries))  # a question is embedded once


def test_stored_vectors_are_the_encoders_own(seeded):
    chunk = next(p for p in seeded.store.document_chunks(seeded.documents()[0][0].doc_id) if "。" in p.text)
    sentences = sentences_of(chunk.text)
    stored = seeded.sentences.get(sentences)
    fresh = seeded.embedder.passages(sentences)
    assert set(stored) == set(sentences)
    assert all(float(np.dot(stored[s], v)) > 0.9999 for s, v in zip(sentences, fresh))


def test_sentence_vectors_follow_their_document(seed_copy, seeded, tmp_path):
    pipeline = Pipeline(Settings(data_dir=tmp_path / "d", model_cache=seeded.settings.model_cache))
    pipeline.__dict__["embedder"] = seeded.embedder
    files = [seed_copy / "001_a9e76fce8504005b.txt", seed_copy / "004_60bbb429151f6620.txt"]
    pipeline.ingest(files)
    total = pipeline.sentences.count()
    doc = pipeline.documents()[0][0]
    held = pipeline.sentences.count(doc.doc_id)
    assert held > 0
    pipeline.ingest(files)  # unchanged: nothing re-embedded, nothing duplicated
    assert pipeline.sentences.count() == total
    pipeline.remove(doc.source)
    assert pipeline.sentences.count(doc.doc_id) == 0 and pipeline.sentences.count() == total - held


def test_an_index_without_stored_sentences_still_answers(seeded, tmp_path):
    pipeline = sibling(seeded, copy_to=tmp_path / "copy")
    pipeline.sentences.db.execute("DELETE FROM sentences")
    pipeline.sentences.db.commit()
    sentences = sentences_of(pipeline.search(QUESTIONS[0], k=1).passages[0].text)
    expected = seeded.similarity(QUESTIONS[0], sentences)
    assert np.allclose(pipeline.similarity(QUESTIONS[0], sentences), expected, atol=1e-4)


def test_bounded_cache_drops_the_least_recently_used():
    cache, computed = BoundedCache(2), []
    compute = lambda texts: computed.extend(texts) or [len(t) for t in texts]  # noqa: E731
    cache.get(["a", "bb"], compute)
    cache.get(["a"], compute)
    cache.get(["ccc"], compute)  # "bb" was used least recently
    assert list(cache.items) == ["a", "ccc"] and computed == ["a", "bb", "ccc"]


def test_the_document_list_follows_changes_from_this_and_other_processes(seeded, tmp_path):
    reader = sibling(seeded, copy_to=tmp_path / "copy")
    writer = Pipeline(Settings(data_dir=tmp_path / "copy", model_cache=seeded.settings.model_cache))
    doc, chunks = reader.documents()[0]
    assert reader.documents()[0][0] == doc  # unchanged catalog: the same list
    reader.documents()[0][0].provenance.clear()  # a caller's edit does not reach the next caller
    assert reader.documents()[0][0].provenance == doc.provenance
    writer.catalog.put(replace(doc, year=2019), writer.settings.index_fingerprint, chunks)  # another connection
    assert next(d for d, _ in reader.documents() if d.doc_id == doc.doc_id).year == 2019
    reader.catalog.delete(doc.doc_id, reader.settings.index_fingerprint)  # this connection
    assert doc.doc_id not in {d.doc_id for d, _ in reader.documents()}
