"""Local fake OpenAI-compatible HTTP server for tests (standard library only).

Serves ``POST /v1/chat/completions`` (JSON, or Server-Sent Events when ``"stream": true``)
and ``GET /v1/models`` on 127.0.0.1 (free port). Every request is recorded in
``FakeOpenAI.requests``, errors included. Each chat completion consumes the next queued
step (FIFO); when the queue is empty ``default`` is used::

    def test_x(fake_openai):
        fake_openai.queue(Status(429, headers={"retry-after-ms": "1"}), Reply("hello"))
        client = openai.OpenAI(base_url=fake_openai.base_url, api_key="k", max_retries=2)
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Union

import pytest


@dataclass(frozen=True)
class Reply:
    """A normal answer; streamed in pieces of ``FakeOpenAI.chunk_size`` characters. With ``resume``,
    a stream sends ``text[:pause_at]``, then waits until ``resume`` is set (or ``stop()``) before the
    rest, so a test can look at a half-streamed answer."""

    text: str
    pause_at: int = 0
    resume: threading.Event | None = None


@dataclass(frozen=True)
class Status:
    """An HTTP error. ``body`` (dict or str) defaults to an OpenAI-style error JSON."""

    code: int
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Delay:
    """Sleep ``seconds`` (cut short by ``stop()``), then answer with ``then`` (None: default)."""

    seconds: float
    then: Step | None = None


@dataclass(frozen=True)
class CutStream:
    """Streaming: send ``text_before_cut`` as deltas, then drop the connection (no final
    chunk, no ``[DONE]``). Non-streaming: drop the connection without any response."""

    text_before_cut: str = ""


Step = Union[Reply, Status, Delay, CutStream]
Default = Union[Callable[[dict], Union[str, Step]], str, None]


def error_body(code: int, message: str) -> dict[str, Any]:
    kind = "rate_limit_error" if code == 429 else "server_error" if code >= 500 else "invalid_request_error"
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _usage(req: dict, text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content") or "").split()) for m in req.get("messages") or [])
    completion = len(text.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


class FakeOpenAI:
    """Scriptable fake OpenAI server. ``base_url`` is ``http://127.0.0.1:PORT/v1`` once started.

    ``requests``: every request as ``{"method", "path", "headers" (lower-case keys), "json"}``.
    ``default``: reply text, or ``callable(request_json) -> text (or a Step)``; if None, an
    unscripted chat request gets a non-retryable 500 (``x-should-retry: false``).
    """

    def __init__(self) -> None:
        self.base_url = ""
        self.requests: list[dict[str, Any]] = []
        self.default: Default = None
        self.models: list[str] = ["fake-model"]
        self.chunk_size = 4
        self._steps: deque[Step] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()  # open connections, shut down by stop()
        self._threads: set[threading.Thread] = set()  # every handler thread not yet seen dead
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def queue(self, *steps: Step | str) -> None:
        """Script the next chat responses, FIFO (a plain str means ``Reply(str)``)."""
        for step in steps:
            if not isinstance(step, (str, Reply, Status, Delay, CutStream)):
                raise TypeError(f"not a step: {step!r}")
        with self._lock:
            self._steps.extend(Reply(s) if isinstance(s, str) else s for s in steps)

    def start(self) -> FakeOpenAI:
        if self._server is None:
            self._stopping.clear()
            self._server = _Server(("127.0.0.1", 0), _Handler)
            self._server.fake = self
            self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake sleeping Delay steps, drop open connections, join threads."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        with self._lock:
            socks, threads = list(self._conns), list(self._threads)
        for sock in socks:
            _shutdown(sock)
        server.server_close()
        # every handler thread, including one whose connection already left ``_conns`` and is closing its socket
        for thread in threads + [self._thread]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=10)  # woken threads end at once; the margin is for a loaded machine

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_step(self, req: dict) -> Step:
        with self._lock:
            if self._steps:
                return self._steps.popleft()
        return self._default_step(req)

    def _default_step(self, req: dict) -> Step:
        default = self.default
        if default is None:
            msg = "FakeOpenAI: no step queued and no default set"
            return Status(500, error_body(500, msg), {"x-should-retry": "false"})
        try:
            result = default(req) if callable(default) else default
        except Exception as exc:  # surface the bug in the test's callable, without retries
            return Status(500, error_body(500, f"FakeOpenAI default raised {exc!r}"), {"x-should-retry": "false"})
        return Reply(result) if isinstance(result, str) else result


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # client went away / server stopping: quiet
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive + chunked streaming, like the real API
    timeout = 30  # safety net for idle keep-alive connections
    server: _Server

    def setup(self) -> None:
        super().setup()
        threading.current_thread().name = "fake-openai-conn"
        fake = self.server.fake
        with fake._lock:
            fake._conns.add(self.connection)
            fake._threads = {t for t in fake._threads if t.is_alive()} | {threading.current_thread()}
            if fake._stopping.is_set():
                _shutdown(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.fake._lock:
                self.server.fake._conns.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        with fake._lock:
            fake.requests.append({"method": self.command, "path": self.path, "headers": headers, "json": body})
        req = body if isinstance(body, dict) else {}
        path = self.path.split("?")[0].rstrip("/")
        if self.command == "GET" and path.endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models]
            self._send(200, {"object": "list", "data": data})
        elif self.command == "POST" and path.endswith("/chat/completions"):
            self._answer(fake._next_step(req), req)
        else:
            self._send(404, error_body(404, f"FakeOpenAI: no route {self.command} {self.path}"))

    def _answer(self, step: Step, req: dict) -> None:
        fake = self.server.fake
        while isinstance(step, Delay):
            if fake._stopping.wait(step.seconds):
                self.close_connection = True
                return
            step = step.then if step.then is not None else fake._default_step(req)
        if isinstance(step, Status):
            body = step.body if step.body is not None else error_body(step.code, f"FakeOpenAI error {step.code}")
            self._send(step.code, body, step.headers)
        elif isinstance(step, Reply) and not req.get("stream"):
            message = {"role": "assistant", "content": step.text, "refusal": None}
            choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            self._send(200, {**self._meta(req, "chat.completion"), "choices": [choice], "usage": _usage(req, step.text)})
        elif isinstance(step, Reply):
            self._stream(req, step.text, cut=False, pause=(step.pause_at, step.resume))
        elif req.get("stream"):
            self._stream(req, step.text_before_cut, cut=True)
        else:
            self._drop()

    def _meta(self, req: dict, obj: str) -> dict[str, Any]:
        model = req.get("model") or "fake-model"
        return {"id": f"chatcmpl-fake{uuid.uuid4().hex[:12]}", "object": obj, "created": int(time.time()), "model": model}

    def _send(self, code: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, req: dict, text: str, cut: bool, pause: tuple[int, threading.Event | None] = (0, None)) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        meta, n = self._meta(req, "chat.completion.chunk"), max(1, self.server.fake.chunk_size)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**meta, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

        (pause_at, resume), fake = pause, self.server.fake
        before, after = (text[:pause_at], text[pause_at:]) if resume else (text, "")
        pieces = [[chunk({"role": "assistant", "content": ""})], []]
        for events, part in zip(pieces, (before, after)):
            events += [chunk({"content": part[i : i + n]}) for i in range(0, len(part), n)]
        if not cut:
            pieces[1].append(chunk({}, "stop"))
            if (req.get("stream_options") or {}).get("include_usage"):
                pieces[1].append({**meta, "choices": [], "usage": _usage(req, text)})
        for number, events in enumerate(pieces):
            if number and resume is not None:
                self.wfile.flush()
                while not resume.wait(0.05):
                    if fake._stopping.is_set():
                        self._drop()
                        return
            for event in events:
                self._write_chunk(f"data: {json.dumps(event)}\n\n")
        if cut:
            self._drop()
            return
        self._write_chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _drop(self) -> None:
        """Close the connection abruptly, mid-response (or before any response)."""
        self.close_connection = True
        _shutdown(self.connection)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI, stopped after the test. Sets nothing globally: use ``.base_url``."""
    with FakeOpenAI() as server:
        yield server
