"""RAG_CHROMA_HOST/PORT switch the store to a real Chroma server (`chroma run`) on 127.0.0.1."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import SEEDS, free_port, wait_until_serving


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    binary = Path(sys.executable).parent / "chroma"
    log = tmp_path / "chroma.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(binary), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    wait_until_serving(process, f"http://127.0.0.1:{port}/api/v2/heartbeat", log)
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
