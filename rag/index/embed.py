"""Sentence-transformers embedder with query/passage prompts; the default model is built offline."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.errors import RagError
from rag.settings import DEFAULT_EMBED_MODEL


class Embedder:
    """Wraps a SentenceTransformer; uses its `query`/`passage` prompts when it defines them."""

    def __init__(self, model_name: str, cache_dir: Path) -> None:
        self.model_name = model_name
        self.model = _load(model_name, cache_dir)
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt = "query" if "query" in prompts else None
        self.passage_prompt = "passage" if "passage" in prompts else None

    def passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self.model.encode(texts, prompt_name=self.passage_prompt, batch_size=batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    def query(self, text: str) -> np.ndarray:
        return self.model.encode([text], prompt_name=self.query_prompt, normalize_embeddings=True,
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
