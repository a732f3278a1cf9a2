"""Tests for tests/fake_openai.py, driven by the real ``openai`` client."""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator

import openai
import pytest

from tests.fake_openai import CutStream, Delay, FakeOpenAI, Reply, Status
from tests.fake_openai import fake_openai  # noqa: F401  (fixture)

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is RAG?"}]


def _client(fake: FakeOpenAI, **kwargs: object) -> openai.OpenAI:
    options: dict = {"max_retries": 0, "timeout": 5.0, **kwargs}
    return openai.OpenAI(base_url=fake.base_url, api_key="test-key", **options)


@pytest.fixture
def client(fake_openai: FakeOpenAI) -> Iterator[openai.OpenAI]:  # noqa: F811
    with _client(fake_openai) as c:
        yield c


def test_non_streaming_reply(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.queue(Reply("Retrieval-augmented generation."))
    resp = client.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert resp.choices[0].message.content == "Retrieval-augmented generation."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.model == "gpt-test"
    assert resp.usage is not None and resp.usage.total_tokens == resp.usage.prompt_tokens + 2 > 2


def test_streaming_yields_several_deltas(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    text = "The answer is in passage [2]."
    fake_openai.queue(Reply(text))
    chunks = list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))
    deltas = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert len(deltas) >= 3
    assert "".join(deltas) == text
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_streaming_usage_chunk_when_requested(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.queue(Reply("two words"))
    stream = client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    last = list(stream)[-1]
    assert last.choices == [] and last.usage is not None and last.usage.completion_tokens == 2


def _planned_retry_delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The delays the client decided to sleep before each retry, as it logs them."""
    return [float(m[1]) for r in caplog.records if (m := re.match(r"Retrying request in ([\d.]+) seconds", r.getMessage()))]


def test_429_then_reply_succeeds_with_builtin_retries(fake_openai: FakeOpenAI, caplog) -> None:  # noqa: F811
    # retry-after-ms keeps the test fast; "retry-after: 0" is ignored (see next test).
    caplog.set_level(logging.INFO, logger="openai")
    fake_openai.queue(Status(429, headers={"retry-after-ms": "1"}), Reply("ok"))
    with _client(fake_openai, max_retries=2) as client:
        resp = client.chat.completions.create(model="m", messages=MESSAGES)
    assert resp.choices[0].message.content == "ok"
    assert len(fake_openai.requests) == 2
    assert [r["headers"]["x-stainless-retry-count"] for r in fake_openai.requests] == ["0", "1"]
    assert fake_openai.requests[0]["json"] == fake_openai.requests[1]["json"]
    assert _planned_retry_delays(caplog) == [0.001]  # the server's retry-after-ms was honoured


def test_retry_after_zero_falls_back_to_backoff(fake_openai: FakeOpenAI, caplog) -> None:  # noqa: F811
    # The client only honours retry-after values > 0; otherwise it backs off 0.5 s less up to 25% jitter.
    caplog.set_level(logging.INFO, logger="openai")
    fake_openai.queue(Status(429, headers={"retry-after": "0"}), Reply("ok"))
    with _client(fake_openai, max_retries=2) as client:
        resp = client.chat.completions.create(model="m", messages=MESSAGES)
    assert resp.choices[0].message.content == "ok"
    assert [r["headers"]["x-stainless-retry-count"] for r in fake_openai.requests] == ["0", "1"]
    [delay] = _planned_retry_delays(caplog)
    assert 0.375 <= delay <= 0.5


def test_429_exhausting_retries_raises_rate_limit_error(fake_openai: FakeOpenAI) -> None:  # noqa: F811
    fake_openai.queue(*[Status(429, headers={"retry-after-ms": "1"})] * 3)
    with _client(fake_openai, max_retries=2) as client, pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert len(fake_openai.requests) == 3


def test_500_without_retries_raises(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.queue(Status(500), Reply("never sent"))
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.status_code == 500
    assert "FakeOpenAI error 500" in str(info.value)
    assert len(fake_openai.requests) == 1  # errors are recorded too


def test_delay_longer_than_timeout_raises_timeout(fake_openai: FakeOpenAI) -> None:  # noqa: F811
    # The event is the client giving up: had the timeout not fired, the reply would arrive after 30 s
    # and the call would return it instead of raising.
    fake_openai.queue(Delay(30, then=Reply("too late")))
    with _client(fake_openai, timeout=0.3) as client, pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert len(fake_openai.requests) == 1  # not retried (max_retries=0)


def test_short_delay_then_reply(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.queue(Delay(0.05, then=Reply("slow but fine")))
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "slow but fine"


def test_cut_stream_raises_connection_error_after_partial_deltas(
    fake_openai: FakeOpenAI, client: openai.OpenAI  # noqa: F811
) -> None:
    # What the client really does: the deltas sent before the cut are yielded, then iteration
    # raises APIConnectionError (cause: "incomplete chunked read"). Mid-stream cuts are not retried.
    fake_openai.queue(CutStream("partial answer"))
    got: list[str] = []
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(openai.APIConnectionError):
        for chunk in stream:
            got.append(chunk.choices[0].delta.content or "")
            assert chunk.choices[0].finish_reason is None
    assert "".join(got) == "partial answer"
    assert len(fake_openai.requests) == 1


def test_a_paused_stream_sends_the_rest_only_once_resumed(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    resume = threading.Event()
    fake_openai.queue(Reply("first half, second half", pause_at=11, resume=resume))
    stream = iter(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))
    got = ""
    while got != "first half,":  # arrives before resume is set (else the read times out after 5 s)
        got += next(stream).choices[0].delta.content or ""
    assert len(fake_openai.requests) == 1
    resume.set()
    rest = [c.choices[0].delta.content or "" for c in stream]
    assert got + "".join(rest) == "first half, second half"


def test_cut_non_streaming_raises_connection_error(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.queue(CutStream())
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="m", messages=MESSAGES)


def test_cut_non_streaming_is_retried(fake_openai: FakeOpenAI) -> None:  # noqa: F811
    fake_openai.queue(CutStream(), Reply("second try"))
    with _client(fake_openai, max_retries=1) as client:
        assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "second try"
    assert len(fake_openai.requests) == 2


def test_requests_record_messages_and_auth(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.default = "fine"
    client.chat.completions.create(model="gpt-test", messages=MESSAGES, temperature=0)
    [req] = fake_openai.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["authorization"] == "Bearer test-key"
    assert req["json"]["messages"] == MESSAGES
    assert req["json"]["model"] == "gpt-test" and req["json"]["temperature"] == 0


def test_default_callable_receives_request_json(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    seen: list[dict] = []

    def answer(req: dict) -> str:
        seen.append(req)
        prompt = req["messages"][-1]["content"]
        return " ".join(f"[{n}]" for n in ("1", "2", "3") if f"[{n}]" in prompt)

    fake_openai.default = answer
    msgs = [{"role": "user", "content": "Passages: [1] foo [3] bar. Question?"}]
    resp = client.chat.completions.create(model="m", messages=msgs)
    assert resp.choices[0].message.content == "[1] [3]"
    assert seen == [fake_openai.requests[0]["json"]]


def test_queue_takes_precedence_over_default(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    fake_openai.default = "default"
    fake_openai.queue(Reply("first"), "second")
    got = [client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content for _ in range(3)]
    assert got == ["first", "second", "default"]


def test_no_default_gives_non_retried_500(fake_openai: FakeOpenAI) -> None:  # noqa: F811
    with _client(fake_openai, max_retries=2) as client, pytest.raises(openai.InternalServerError, match="no step"):
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert len(fake_openai.requests) == 1


def test_models_endpoint(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:  # noqa: F811
    assert [m.id for m in client.models.list()] == ["fake-model"]
    assert fake_openai.requests[0]["path"] == "/v1/models" and fake_openai.requests[0]["json"] is None


def test_stop_wakes_a_sleeping_reply_closes_the_port_and_leaves_no_threads() -> None:
    with FakeOpenAI() as fake:
        fake.queue(Reply("streamed"), Delay(30))
        port = int(fake.base_url.rsplit(":", 1)[1].split("/")[0])
        client = _client(fake, timeout=0.2)  # deliberately left open: keep-alive connection
        assert len(list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))) > 2
        with pytest.raises(openai.APITimeoutError):
            client.chat.completions.create(model="m", messages=MESSAGES)  # server thread sleeps 30 s
        sleeping = [t for t in threading.enumerate() if t.name == "fake-openai-conn"]
        assert sleeping  # the handler of the timed-out call is still inside its 30 s Delay
    # stop() joins each thread for at most 10 s: a Delay (30 s) that stop() failed to wake would still be alive
    assert not any(t.is_alive() for t in sleeping)
    assert [t.name for t in threading.enumerate() if t.name.startswith("fake-openai")] == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    client.close()
