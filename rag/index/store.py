"""Chroma vector store for chunks; the collection name fingerprints embedder + chunker."""
from __future__ import annotations

import json
import os

import chromadb
import numpy as np

from rag.errors import RagError
from rag.settings import CHUNKER_VERSION, Settings
from rag.types import Chunk, Document, Passage


def chroma_headers() -> dict[str, str]:
    """The Chroma server token, read by env-var name (RAG_CHROMA_TOKEN) when the request is made,
    never kept in Settings, metadata or logs."""
    token = os.environ.get("RAG_CHROMA_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def make_client(settings: Settings):
    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chroma_settings, headers=chroma_headers())
        except Exception as err:
            from rag.audit import redact

            raise RagError(redact(f"无法连接 Chroma 服务 {settings.chroma_host}:{settings.chroma_port}: {err}")) from err
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def document_metadata(doc: Document) -> dict:
    """The chunk metadata that belongs to the whole document (updated in place on corrections)."""
    return {"doc_id": doc.doc_id, "source": doc.source, "region": doc.region, "year": doc.year or -1,
            "title": doc.title, "doc_type": doc.doc_type}


def chunk_metadata(chunk: Chunk, doc: Document) -> dict:
    return {
        **document_metadata(doc), "heading": chunk.heading, "start": chunk.start, "end": chunk.end,
        "ordinal": chunk.ordinal, "flags": json.dumps([vars(f) for f in chunk.flags], ensure_ascii=False),
    }


def passage_from(chunk_id: str, text: str, meta: dict, score: float = 0.0) -> Passage:
    year = meta.get("year", -1)
    return Passage(chunk_id=chunk_id, text=text, source=meta["source"], region=meta["region"],
                   year=None if year in (-1, None) else int(year), title=meta["title"],
                   heading=meta["heading"], doc_id=meta["doc_id"], start=int(meta["start"]),
                   end=int(meta["end"]), score=score, flags=json.loads(meta.get("flags") or "[]"))


class Store:
    def __init__(self, settings: Settings) -> None:
        self.client = make_client(settings)
        self.collection = self.client.get_or_create_collection(
            settings.collection_name,
            metadata={"embed_model": settings.embed_model, "chunker": CHUNKER_VERSION},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def count(self) -> int:
        return self.collection.count()

    def replace_document(self, doc_id: str, chunks: list[Chunk], vectors: np.ndarray, metas: list[dict]) -> None:
        """Delete the document's old chunks and add the new ones."""
        self.collection.delete(where={"doc_id": doc_id})
        if chunks:
            self.collection.add(ids=[c.chunk_id for c in chunks], embeddings=vectors.tolist(),
                                documents=[c.text for c in chunks], metadatas=metas)

    def delete_document(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def chunk_ids(self, doc_id: str) -> list[str]:
        return self.collection.get(where={"doc_id": doc_id}, include=[])["ids"]

    def update_metadata(self, doc_id: str, changes: dict) -> list[str]:
        """Set document-level metadata (region, year, title, source ...) on every chunk of a document,
        keeping its vectors; returns the chunk ids."""
        got = self.collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        if got["ids"]:
            self.collection.update(ids=got["ids"], metadatas=[{**m, **changes} for m in got["metadatas"]])
        return got["ids"]

    def all_chunks(self, page: int = 2000):
        """Yield (ids, documents, metadatas) pages of every chunk."""
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            yield got["ids"], got["documents"], got["metadatas"]
            offset += len(got["ids"])

    def chunk_owners(self, page: int = 2000):
        """Yield (ids, doc ids) pages of every chunk: what the integrity check compares (no texts)."""
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            yield got["ids"], [m.get("doc_id", "") for m in got["metadatas"]]
            offset += len(got["ids"])

    def chunks_of(self, doc_ids: list[str], page: int = 2000) -> tuple[list[str], list[str], list[dict]]:
        """(ids, documents, metadatas) of every chunk of these documents."""
        ids, docs, metas = [], [], []
        for start in range(0, len(doc_ids), page):
            got = self.collection.get(where={"doc_id": {"$in": doc_ids[start:start + page]}},
                                      include=["documents", "metadatas"])
            ids += got["ids"]
            docs += got["documents"]
            metas += got["metadatas"]
        return ids, docs, metas

    def get(self, ids: list[str]) -> dict[str, Passage]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {i: passage_from(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    def query(self, vector: np.ndarray, k: int, where: dict | None) -> list[Passage]:
        n = min(k, self.count())
        if n == 0:
            return []
        got = self.collection.query(query_embeddings=[vector.tolist()], n_results=n, where=where,
                                    include=["documents", "metadatas", "distances"])
        return [passage_from(i, d, m, 1.0 - dist) for i, d, m, dist in
                zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]

    def document_chunks(self, doc_id: str) -> list[Passage]:
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        passages = [passage_from(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(passages, key=lambda p: p.start)
