"""The LLM path: an OpenAI-compatible client, the fenced prompt, streaming with clear failures.

Retries (408/409/429/5xx, timeouts, connection errors, with backoff and Retry-After) are left to
the openai client (`max_retries`); every failure that remains becomes `LLMUnavailable`, whose
message names what failed and never contains the API key.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import openai

from rag.answer.budget import encoding_for, fit_passages
from rag.answer.cite import CITATION_FORMAT, REFUSAL
from rag.errors import RagError
from rag.prompts import render
from rag.settings import Settings
from rag.types import Passage

NO_KEY_PLACEHOLDER = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) accept any key
HISTORY_TURNS = 3
HISTORY_CHARS = 300
_PREFIX = "大模型服务不可用: "


class LLMUnavailable(RagError):
    """The model could not produce an answer (not configured, unreachable, timeout, HTTP error,
    cut stream); the message says which, without secrets."""


def llm_configured(settings: Settings) -> bool:
    """A model name and somewhere to send it: an API key or a base URL."""
    reach = os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL") or settings.llm_base_url
    return bool(settings.llm_model and reach)


def make_client(settings: Settings) -> openai.OpenAI:
    """An openai client for settings.llm_base_url (else OPENAI_BASE_URL, else api.openai.com)."""
    base_url = settings.llm_base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = os.environ.get("OPENAI_API_KEY") or (NO_KEY_PLACEHOLDER if base_url else None)
    if not api_key:
        raise LLMUnavailable(f"{_PREFIX}未设置 OPENAI_API_KEY,也未设置 RAG_LLM_BASE_URL / OPENAI_BASE_URL")
    try:
        return openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=settings.llm_timeout, max_retries=settings.llm_max_retries
        )
    except openai.OpenAIError as exc:
        raise LLMUnavailable(f"{_PREFIX}无法创建客户端 ({type(exc).__name__})") from exc


def _attr(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace('"', "＂").replace("<", "＜")


def fence(tag: str, text: str, **attrs: object) -> str:
    """Data wrapped in <tag ...>...</tag>. Attributes and text are escaped so the data cannot close
    the fence, open a new one or forge attributes ("<" becomes the full-width "＜")."""
    head = "".join(f' {name}="{_attr(value)}"' for name, value in attrs.items())
    return f'<{tag}{head}>\n{text.replace("<", "＜").strip()}\n</{tag}>'


def format_passage(n: int, p: Passage) -> str:
    """One fenced passage of a document."""
    return fence("passage", p.text, n=n, region=p.region, year="" if p.year is None else p.year,
                 title=p.title, heading=p.heading)


def format_history(history: Iterable[tuple[str, str]]) -> str:
    """The last turns, each fenced like a passage (an earlier answer is model output, never an
    instruction), "(无)" when there are none."""
    turns = list(history)[-HISTORY_TURNS:]
    blocks = []
    for n, (question, answer) in enumerate(turns, 1):
        answer = " ".join(answer.split())
        if len(answer) > HISTORY_CHARS:
            answer = answer[:HISTORY_CHARS] + "…"
        blocks.append(fence("turn", f"问: {' '.join(question.split())}\n答: {answer}", n=n))
    return "\n".join(blocks) or "(无)"


def build_messages(
    question: str, passages: Sequence[Passage], settings: Settings, history: Iterable[tuple[str, str]] = ()
) -> tuple[list[dict[str, str]], list[Passage]]:
    """Chat messages for `question` and the passages that fit settings.context_tokens, in rank
    order and numbered 1..n (the first one always, cut down if needed)."""
    encoding = encoding_for(settings.llm_model, settings.models_dir / "tiktoken")
    sent, block = fit_passages(passages, format_passage, settings.context_tokens, encoding)
    system = render(
        "system",
        refusal=REFUSAL,
        marker=CITATION_FORMAT.format(n=1),
        markers=CITATION_FORMAT.format(n=1) + CITATION_FORMAT.format(n=2),
    )
    user = render("answer", passages=block or "(无)", question=question.strip(), history=format_history(history))
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], sent


def _where(client: openai.OpenAI) -> str:
    """The endpoint without credentials or query string."""
    url = client.base_url
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}{url.path}".rstrip("/")


def _detail(exc: openai.APIStatusError, client: openai.OpenAI) -> str:
    """The server's short error message, with the key blanked out should a server echo it."""
    body = exc.body.get("error", exc.body) if isinstance(exc.body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return ""
    for secret in {client.api_key, os.environ.get("OPENAI_API_KEY") or ""} - {"", NO_KEY_PLACEHOLDER}:
        message = message.replace(secret, "***")
    return f": {' '.join(message.split())[:160]}"


def _unavailable(exc: openai.OpenAIError, client: openai.OpenAI, settings: Settings, streaming: bool) -> LLMUnavailable:
    where = _where(client)
    if isinstance(exc, openai.APITimeoutError):
        why = f"请求 {where} 超时 (超过 {settings.llm_timeout:g} 秒)"
    elif isinstance(exc, openai.APIConnectionError):
        why = f"回答流中途断开 ({where})" if streaming else f"连接 {where} 失败"
    elif isinstance(exc, openai.RateLimitError):
        why = f"{where} 请求过于频繁 (HTTP 429)"
    elif isinstance(exc, openai.AuthenticationError):
        why = f"{where} 拒绝了 API 密钥 (HTTP 401),请检查 OPENAI_API_KEY"
    elif isinstance(exc, openai.NotFoundError):
        why = f"{where} 找不到模型 {settings.llm_model} 或接口 (HTTP 404)"
    elif isinstance(exc, openai.APIStatusError):
        why = f"{where} 返回 HTTP {exc.status_code}{_detail(exc, client)}"
    else:
        why = f"{where} 返回了无法解析的响应 ({type(exc).__name__})"
    return LLMUnavailable(_PREFIX + why)


def _request(client: openai.OpenAI, settings: Settings, messages: list[dict[str, str]], stream: bool) -> Any:
    if not settings.llm_model:
        raise LLMUnavailable(f"{_PREFIX}未设置模型名称 (RAG_LLM_MODEL)")
    try:
        return client.chat.completions.create(
            model=settings.llm_model, messages=messages, temperature=settings.llm_temperature, stream=stream  # type: ignore[arg-type]
        )
    except openai.OpenAIError as exc:
        raise _unavailable(exc, client, settings, streaming=False) from exc


def stream_answer(client: openai.OpenAI, settings: Settings, messages: list[dict[str, str]]) -> Iterator[str]:
    """Yield the answer's text deltas; a failure before or during the stream (including a
    stream that ends without a finish reason) raises LLMUnavailable."""
    stream = _request(client, settings, messages, stream=True)
    finished = False
    try:
        with stream:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
                    finished = finished or choice.finish_reason is not None
    except openai.OpenAIError as exc:
        raise _unavailable(exc, client, settings, streaming=True) from exc
    if not finished:
        raise LLMUnavailable(f"{_PREFIX}回答流中途断开 ({_where(client)}),未收到结束标记")


def complete(client: openai.OpenAI, settings: Settings, messages: list[dict[str, str]]) -> str:
    """The whole answer in one non-streaming request."""
    response = _request(client, settings, messages, stream=False)
    if not response.choices:
        raise LLMUnavailable(f"{_PREFIX}{_where(client)} 返回了空回答")
    return response.choices[0].message.content or ""
