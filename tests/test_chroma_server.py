"""RAG_CHROMA_HOST/PORT switch the store to a real Chroma server (`chroma run`) on 127.0.0.1."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import SEEDS


@pytest.fixture
def chroma_server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen([str(binary), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(chroma_server, model_cache, tmp_path):
    settings = Settings(data_dir=tmp_path / "d", model_cache=model_cache, chroma_host="127.0.0.1",
                        chroma_port=chroma_server)
    pipeline = Pipeline(settings)
    report = pipeline.ingest([SEEDS / "004_60bbb429151f6620.txt"])
    assert report.added == ["004_60bbb429151f6620.txt"]
    assert not (settings.data_dir / "chroma").exists()  # vectors live in the server, not the data dir
    hits = pipeline.search("平遥县人民调解成功率", k=3).passages
    assert hits and "调解成功率达到100%" in hits[0].text
    assert pipeline.store.collection.name == settings.collection_name
