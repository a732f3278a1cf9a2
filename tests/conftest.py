"""Shared fixtures. Every test gets its own data dir; the embedder folder is built once per session."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# real documents that are not the seeds, read in place beside the project (never copied into it)
FIELD = ROOT.parent / "shared" / "field"
needs_field = pytest.mark.skipif(not FIELD.is_dir(), reason=f"the field set is not at {FIELD}")
pytest_plugins = ["tests.fake_openai"]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch, model_cache):
    """No test touches the user's .rag/ or another test's index."""
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_MODEL_CACHE", str(model_cache))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_LLM_MODEL", "RAG_LLM_BASE_URL", "RAG_EMBED_MODEL",
                 "RAG_CHROMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory, model_cache):
    """A pipeline over the five seeds, built once and only read by the tests that use it."""
    from rag.pipeline import Pipeline

    data = tmp_path_factory.mktemp("seeded")
    settings = Settings(data_dir=data, model_cache=model_cache)
    pipeline = Pipeline(settings)
    pipeline.ingest([SEEDS])
    return pipeline


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def sibling(seeded, copy_to: Path | None = None, **overrides):
    """A pipeline over the seeded index (or a writable copy of it at `copy_to`) with other settings,
    sharing the already loaded embedder."""
    from rag.pipeline import Pipeline

    data = seeded.settings.data_dir
    if copy_to is not None:
        shutil.copytree(data, copy_to)
        data = copy_to
    pipeline = Pipeline(Settings(data_dir=data, model_cache=seeded.settings.model_cache, **overrides))
    pipeline.__dict__["embedder"] = seeded.embedder  # cached_property: share the model, not the index
    return pipeline


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """Whether a GET of `url` returns 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_serving(process: subprocess.Popen, url: str, log: Path, limit: float = 300) -> None:
    """Poll `url` until it answers; fail at once with the process's output if it exits first.
    `limit` seconds is only a safety net against a hung start."""
    deadline = time.monotonic() + limit
    while not answers(url):
        if process.poll() is not None:
            pytest.fail(f"{process.args[:3]} exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{process.args[:3]} never answered {url}:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.3)


def close_app(app) -> None:
    """Stop a launched Gradio app. Its `close()` sets the server's asyncio stop event from this thread,
    which races the server loop when sessions wait on it ("deque mutated during iteration"); the event
    is set on its own loop first, so `close()` finds it set and only shuts the server down."""
    import threading

    event = getattr(getattr(app, "app", None), "stop_event", None)
    loop = getattr(event, "_loop", None)
    if event is not None and loop is not None and loop.is_running():
        done = threading.Event()
        loop.call_soon_threadsafe(lambda: (event.set(), done.set()))
        done.wait(10)
    app.close()
