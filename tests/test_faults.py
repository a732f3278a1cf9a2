"""The fault suite: `rag ingest` killed at named points, then bad input of every kind.

Crashes: RAG_FAULT_POINT makes the ingest process SIGKILL itself at an exact step (no timed kill);
the next run must end with exactly the index a clean ingest builds. Bad input: each case gives one
error line, exit code 2 (a duplicate is a notice, exit 0), no traceback, and nothing indexed before
is lost.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main
from rag.index.lexical import LexicalIndex
from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import ROOT, SEEDS, free_port, wait_until_serving

A, B = "004_60bbb429151f6620.txt", "002_c5544e0356e4cb41.txt"
QUERIES = ["行政复议案件", "法律援助", "执法人员培训考试"]


def _pipeline(data: Path, seeded) -> Pipeline:
    pipeline = Pipeline(Settings(data_dir=data, model_cache=seeded.settings.model_cache))
    pipeline.__dict__["embedder"] = seeded.embedder  # share the loaded model, not the index
    return pipeline


def _state(pipeline: Pipeline) -> dict:
    """Everything an ingest leaves behind, comparable between data dirs."""
    fingerprint = pipeline.settings.index_fingerprint
    lexical = LexicalIndex.load(pipeline.settings.lexical_dir)
    return {
        "chunks": sorted(i for ids, _, _ in pipeline.store.all_chunks() for i in ids),
        "catalog": sorted((d.source, d.doc_id, n) for d, n in pipeline.documents()),
        "facts": sorted((d.doc_id, pipeline.facts.count(fingerprint, d.doc_id)) for d, _ in pipeline.documents()),
        "lexical": sorted(lexical.ids) if lexical else None,
        "hits": [[p.chunk_id for p in pipeline.search(q, k=5, mode=m).passages]
                 for q in QUERIES for m in ("lexical", "dense")],
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    for name in (A, B):
        shutil.copy(SEEDS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def before_crash(tmp_path_factory, seeded, reports) -> Path:
    """A data dir holding report A: what the crashed run starts from."""
    data = tmp_path_factory.mktemp("before") / "data"
    _pipeline(data, seeded).ingest([reports / A])
    return data


@pytest.fixture(scope="module")
def clean_ingest(tmp_path_factory, seeded, reports, before_crash) -> dict:
    """The index a run without any crash builds from A then A+B."""
    data = tmp_path_factory.mktemp("clean") / "data"
    shutil.copytree(before_crash, data)
    pipeline = _pipeline(data, seeded)
    pipeline.ingest([reports / A, reports / B])
    return _state(pipeline)


def _rag(args: list[str], data: Path, model_cache: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "RAG_DATA_DIR": str(data), "RAG_MODEL_CACHE": str(model_cache), **env})


# during embedding (the second report: after its first encoder call of four), after embedding, between
# Chroma and the catalog, inside the catalog+facts transaction, after cataloguing but before the lexical
# rewrite, and in the middle of that write
FAULT_POINTS = ["embedding", "embedded", "stored", "facts-written", "catalogued", "lexical-write"]
SMALL_CALLS = {"RAG_EMBED_BATCH": "4"}  # 32 texts per encoder call: B takes several, so "embedding" is mid-way


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_ingest_killed_at_a_point_recovers_to_the_clean_index(point, seeded, reports, before_crash, clean_ingest,
                                                              tmp_path):
    data = tmp_path / "data"
    shutil.copytree(before_crash, data)
    lexical_dir = Settings(data_dir=data).lexical_dir
    old_ids = sorted(LexicalIndex.load(lexical_dir).ids)
    run = _rag(["ingest", str(reports / A), str(reports / B)], data, seeded.settings.model_cache,
               RAG_FAULT_POINT=point, **(SMALL_CALLS if point == "embedding" else {}))
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert sorted(LexicalIndex.load(lexical_dir).ids) == old_ids  # the old lexical index, whole
    pipeline = _pipeline(data, seeded)
    assert any(d.source == A for d, _ in pipeline.documents())  # nothing indexed before is lost
    again = pipeline.ingest([reports / A, reports / B])
    assert not again.failed
    assert _state(pipeline) == clean_ingest
    assert pipeline.check().repairs == []


def test_check_command_repairs_what_a_crash_left_and_then_reports_consistent(seeded, reports, before_crash,
                                                                           tmp_path):
    data = tmp_path / "data"
    shutil.copytree(before_crash, data)
    run = _rag(["ingest", str(reports / B)], data, seeded.settings.model_cache, RAG_FAULT_POINT="catalogued")
    assert run.returncode == -signal.SIGKILL
    dry = _rag(["check", "--dry-run"], data, seeded.settings.model_cache)
    assert dry.returncode == 1 and "发现: 检索索引有" in dry.stdout, dry.stdout + dry.stderr
    fixed = _rag(["check"], data, seeded.settings.model_cache)
    assert fixed.returncode == 0 and "修复: 检索索引有" in fixed.stdout and "已修复" in fixed.stdout
    assert fixed.stdout.splitlines()[-1].startswith("已修复: 2 份报告")
    assert _pipeline(data, seeded).check(repair=False).repairs == []


def test_serve_repairs_what_a_crash_left_before_it_serves(seeded, reports, before_crash, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(before_crash, data)
    run = _rag(["ingest", str(reports / B)], data, seeded.settings.model_cache, RAG_FAULT_POINT="catalogued")
    assert run.returncode == -signal.SIGKILL
    port, log = free_port(), tmp_path / "serve.log"
    env = {**os.environ, "RAG_DATA_DIR": str(data), "RAG_MODEL_CACHE": str(seeded.settings.model_cache),
           "PYTHONPATH": str(ROOT), "GRADIO_ANALYTICS_ENABLED": "False"}
    with log.open("w") as out:  # cwd without seeds/: nothing is imported at start
        process = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}/", log)
    finally:
        process.terminate()
        process.wait(timeout=60)
    shown = log.read_text()
    assert "修复: 检索索引有" in shown and shown.index("修复: ") < shown.index("打开 http://"), shown
    assert _pipeline(data, seeded).check(repair=False).repairs == []


def test_orphan_chunks_and_facts_are_dropped_and_incomplete_reports_reingested(seeded, reports, before_crash,
                                                                              clean_ingest, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(before_crash, data)
    pipeline = _pipeline(data, seeded)
    pipeline.ingest([reports / A, reports / B])
    b = next(d for d, _ in pipeline.documents() if d.source == B)
    a = next(d for d, _ in pipeline.documents() if d.source == A)
    pipeline.catalog.delete(b.doc_id, pipeline.settings.index_fingerprint)  # B: chunks and facts, no catalog row
    pipeline.store.collection.delete(ids=pipeline.store.chunk_ids(a.doc_id)[:3])  # A: catalogued, chunks missing
    health = pipeline.check()
    assert len(health.repairs) == 4 and health.reingest == [Path(a.path)]  # orphans, facts, A, lexical
    pipeline.ingest([reports / B])
    assert _state(pipeline) == clean_ingest


def test_a_second_writer_waits_for_the_first_and_both_reports_are_indexed(seeded, reports, tmp_path):
    import threading

    data = tmp_path / "data"
    first, second = _pipeline(data, seeded), _pipeline(data, seeded)  # two writers on one data dir
    results = {}
    threads = [threading.Thread(target=lambda p=p, n=n: results.__setitem__(n, p.ingest([reports / n])))
               for p, n in ((first, A), (second, B))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[A].added == [A] and results[B].added == [B]
    fresh = _pipeline(data, seeded)
    assert fresh.check(repair=False).repairs == [] and len(fresh.documents()) == 2


# ---- bad input ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library(tmp_path_factory, before_crash) -> Path:
    """A data dir with report A that every bad-input case runs against."""
    data = tmp_path_factory.mktemp("library") / "data"
    shutil.copytree(before_crash, data)
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _with_sidecar(report: Path, sidecar: str) -> str:
    _write(report, (SEEDS / A).read_text("utf-8") + "补充一段。")
    _write(report.with_name(report.name + ".meta.json"), sidecar)
    return str(report)


GOOD_QUESTION = '{"id": "q1", "question": "平遥县行政复议?", "type": "fact"}\n'
# (case, argv builder from a scratch folder, environment, error expected on stderr, exit code)
CASES = [
    ("empty file", lambda d: ["ingest", str(_write(d / "empty.txt", ""))], {}, "文件是空的", 2),
    ("binary file", lambda d: ["ingest", str(_write(d / "x.txt", b"\x00\x01\x02" * 100))], {}, "不是文本文件", 2),
    ("huge file", lambda d: ["ingest", str(_write(d / "big.txt", "法治政府建设。" * 4000))],
     {"RAG_MAX_FILE_MB": "0.05"}, "文件太大", 2),
    ("unsupported type", lambda d: ["ingest", str(_write(d / "table.xlsx", b"PK\x03\x04 zip"))], {}, "不支持的文件类型", 2),
    ("old .doc", lambda d: ["ingest", str(_write(d / "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))],
     {}, ".doc", 2),
    ("corrupt pdf", lambda d: ["ingest", str(_write(d / "bad.pdf", b"%PDF-1.4 broken"))], {}, "bad.pdf", 2),
    ("missing path", lambda d: ["ingest", str(d / "nope")], {}, "没有这个文件或目录", 2),
    ("sidecar not JSON", lambda d: ["ingest", _with_sidecar(d / "s.txt", "{year: 2020")], {}, "元数据文件无法解析", 2),
    ("sidecar bad year", lambda d: ["ingest", _with_sidecar(d / "y.txt", '{"year": "abc"}')], {}, "年份应为整数", 2),
    ("same content twice", lambda d: ["ingest", str(_write(d / "copy-of-a.txt", (SEEDS / A).read_bytes()))], {},
     None, 0),
    ("eval not UTF-8", lambda d: ["eval", "--questions", str(_write(d / "q.jsonl", GOOD_QUESTION.encode("gbk")
                                                                  .replace(b"fact", "事实".encode("gbk"))))],
     {}, "不是 UTF-8", 2),
    ("eval line not an object", lambda d: ["eval", "--questions", str(_write(d / "q2.jsonl", GOOD_QUESTION + "[1, 2]\n"))],
     {}, "q2.jsonl:2: 每行应是一个 JSON 对象", 2),
    ("eval line not JSON", lambda d: ["eval", "--questions", str(_write(d / "q3.jsonl", GOOD_QUESTION + "{oops\n"))],
     {}, "q3.jsonl:2: 不是合法的 JSON", 2),
    ("eval path is a directory", lambda d: ["eval", "--questions", str(d)], {}, "而这是目录", 2),
    ("bad port setting", lambda d: ["docs"], {"RAG_CHROMA_PORT": "abc"}, "RAG_CHROMA_PORT='abc' 无效: 应为 1 到 65535", 2),
    ("zero embed batch", lambda d: ["ingest", str(d)], {"RAG_EMBED_BATCH": "0"}, "RAG_EMBED_BATCH='0' 无效", 2),
    ("zero candidates", lambda d: ["search", "行政复议"], {"RAG_CANDIDATES": "0"}, "RAG_CANDIDATES='0' 无效", 2),
    ("unreachable Chroma server", lambda d: ["search", "行政复议"],
     {"RAG_CHROMA_HOST": "127.0.0.1", "RAG_CHROMA_PORT": str(_free_port())}, "无法连接 Chroma 服务", 2),
    ("unwritable data dir", lambda d: ["docs"], {"RAG_DATA_DIR": "{scratch}/a-file/data"}, "数据目录不可写", 2),
    ("question too long", lambda d: ["search", "行政复议" * 300], {}, "问题太长 (1200 字): 最多 1000 字", 2),
    ("empty question", lambda d: ["ask", "  "], {}, "问题不能为空", 2),
    ("unknown region brief", lambda d: ["brief", "火星市"], {}, "索引中没有“火星市”的报告", 2),
    ("another ingest holds the lock", lambda d: ["ingest", str(SEEDS / A)], {"RAG_LOCK_TIMEOUT": "0", "hold": "1"},
     "另一个导入正在写入", 2),
]


@pytest.mark.parametrize("case, argv, env, expected, code", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_line_and_loses_nothing(case, argv, env, expected, code, library, seeded, tmp_path,
                                                    monkeypatch, capsys):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    _write(scratch / "a-file", "not a folder")
    monkeypatch.setenv("RAG_DATA_DIR", str(library))
    monkeypatch.setenv("RAG_MODEL_CACHE", str(seeded.settings.model_cache))
    monkeypatch.chdir(tmp_path)
    before = _state_ids(library, seeded)
    for name, value in env.items():
        if name != "hold":
            monkeypatch.setenv(name, value.format(scratch=scratch))
    lock = open(library / "ingest.lock", "a+") if "hold" in env else None
    if lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        status = main(argv(scratch))
    finally:
        if lock:
            lock.close()
        for name in env:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("RAG_DATA_DIR", str(library))
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in out + err
    if expected is None:  # a notice, not an error
        assert status == code and errors == [] and sum(line.startswith("重复: ") for line in out.splitlines()) == 1
    else:
        assert status == code and len(errors) == 1 and errors[0].startswith("错误: ") and expected in errors[0], err
    after = _state_ids(library, seeded)
    assert before["docs"] <= after["docs"] and before["chunks"] <= after["chunks"]  # nothing indexed before is lost


def _state_ids(data: Path, seeded) -> dict:
    pipeline = _pipeline(data, seeded)
    return {"docs": {d.doc_id for d, _ in pipeline.documents()},
            "chunks": {i for ids, _, _ in pipeline.store.all_chunks() for i in ids}}


def test_same_name_in_two_folders_keeps_both_and_loses_nothing(library, seeded, tmp_path, monkeypatch, capsys):
    """Two different reports both called index.txt: both indexed under names that tell them apart."""
    first = _write(tmp_path / "in" / "benxi" / "index.txt", (SEEDS / B).read_bytes())
    second = _write(tmp_path / "in" / "pingyao" / "index.txt", (SEEDS / A).read_text("utf-8") + "另附说明。")
    data = tmp_path / "data"
    shutil.copytree(library, data)
    monkeypatch.setenv("RAG_DATA_DIR", str(data))
    monkeypatch.setenv("RAG_MODEL_CACHE", str(seeded.settings.model_cache))
    before = _state_ids(data, seeded)
    assert main(["ingest", str(first)]) == 0 and main(["ingest", str(second)]) == 0
    out, err = capsys.readouterr()
    assert "错误" not in err and "Traceback" not in out + err
    after = _state_ids(data, seeded)
    assert before["docs"] < after["docs"] and before["chunks"] < after["chunks"] and len(after["docs"]) == 3
    names = {d.source for d, _ in _pipeline(data, seeded).documents()}
    assert names == {A, "benxi/index.txt", "pingyao/index.txt"}


def test_a_bad_sidecar_stops_only_its_own_file(library, seeded, tmp_path, monkeypatch, capsys):
    good = _write(tmp_path / "good" / "b.txt", (SEEDS / B).read_bytes())
    _write(tmp_path / "good" / "bad.txt", (SEEDS / A).read_text("utf-8") + "再补充。")
    _write(tmp_path / "good" / "bad.txt.meta.json", '{"year": "abc"}')
    pipeline = _pipeline(tmp_path / "data", seeded)
    report = pipeline.ingest([good.parent])
    assert report.added == ["b.txt"] and [Path(p).name for p, _ in report.failed] == ["bad.txt"]
    assert "年份应为整数" in report.failed[0][1]


def test_uploads_are_bounded_in_count_and_size(seeded, tmp_path):
    from rag.errors import InputError

    pipeline = _pipeline(tmp_path / "data", seeded)
    pipeline.settings.max_upload_files = 2
    files = [_write(tmp_path / f"{n}.txt", "报告。") for n in range(3)]
    with pytest.raises(InputError, match="一次最多上传 2 个文件, 收到 3 个"):
        pipeline.ingest_uploads(files)
    pipeline.settings.max_file_mb = 0.001
    report = pipeline.ingest_uploads([_write(tmp_path / "big.txt", "法治。" * 1000)])
    assert "文件太大" in report.failed[0][1] and not (pipeline.uploads_dir).exists()  # not even copied


def test_eval_tab_reads_only_the_data_dir_and_evals_with_one_message(seeded, tmp_path):
    from rag.errors import InputError
    from rag.evaluate import PROJECT_EVALS, allowed_questions_path

    data = seeded.settings.data_dir
    assert allowed_questions_path("evals/questions.jsonl", data) == PROJECT_EVALS / "questions.jsonl"
    assert allowed_questions_path(str(data / "mine.jsonl"), data) == (data / "mine.jsonl").resolve()
    messages = set()
    for outside in ("/etc/shadow", "/root/.bashrc", "/nonexistent/q.jsonl", "evals/../pyproject.toml",
                    str(data / ".." / "x.jsonl")):
        with pytest.raises(InputError) as err:
            allowed_questions_path(outside, data)
        messages.add(str(err.value))
    assert len(messages) == 1  # the same whether or not the file exists


def test_brief_all_writes_one_file_per_report_even_for_one_region_and_year(seeded, tmp_path, monkeypatch, capsys):
    first = _write(tmp_path / "in" / "pingyao-a.txt", (SEEDS / A).read_text("utf-8"))
    second = _write(tmp_path / "in" / "pingyao-b.txt", (SEEDS / A).read_text("utf-8") + "另附一段说明。")
    _pipeline(tmp_path / "data", seeded).ingest([first, second])
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_MODEL_CACHE", str(seeded.settings.model_cache))
    assert main(["brief", "--all", "--out-dir", str(tmp_path / "briefs"), "--mode", "extractive"]) == 0
    written = sorted(p.name for p in (tmp_path / "briefs").iterdir())
    assert written == ["平遥县-2020-pingyao-a.md", "平遥县-2020-pingyao-b.md"]
    assert "pingyao-b.txt" in (tmp_path / "briefs" / written[1]).read_text("utf-8")
