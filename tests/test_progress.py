"""Progress inside one file: ingest reports each step and embedding k of n texts, to the CLI and to
the app's upload bar, so a big file is visibly progressing."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

from bench.ingest_scale import report_text
from rag.pipeline import Pipeline
from rag.progress import TerminalLines
from rag.settings import Settings
from tests.conftest import ROOT
from tests.docmaker import GANGU, body_lines
from ui import handlers as h

STEPS_IN_ORDER = ["read", "clean", "spam", "meta", "chunk", "embed", "store", "facts"]


def _pipeline(seeded, data, **settings) -> Pipeline:
    pipeline = Pipeline(Settings(data_dir=data, model_cache=seeded.settings.model_cache, **settings))
    pipeline.__dict__["embedder"] = seeded.embedder  # the loaded model, a fresh index
    return pipeline


def _report(folder) -> str:
    path = folder / "report.txt"
    path.write_text("\n".join(body_lines(GANGU)), encoding="utf-8")
    return path


def test_steps_come_in_order_and_embedding_counts_up_to_every_text(seeded, tmp_path):
    pipeline = _pipeline(seeded, tmp_path / "data", embed_batch=2)  # 16 texts per encoder call
    files, steps = [], []
    report = pipeline.ingest([_report(tmp_path)], lambda *a: files.append(a),
                             lambda step, done, of: steps.append((step, done, of)))
    assert files == [(1, 1, "report.txt")] and report.added
    assert list(dict.fromkeys(s for s, _, _ in steps)) == STEPS_IN_ORDER
    embedded = [(done, of) for step, done, of in steps if step == "embed"]
    total = embedded[0][1]
    assert total == report.chunks + pipeline.sentences.count()  # chunks and their sentences
    assert [done for done, _ in embedded] == list(range(0, total, 16)) + [total]  # k of n, rising to n
    assert total > 32  # so there were several calls
    assert {of for _, of in embedded} == {total}


def test_the_upload_bar_moves_forward_through_the_steps(seeded, tmp_path):
    pipeline = _pipeline(seeded, tmp_path / "data", embed_batch=2)
    upload = _report(tmp_path)
    shown: list[tuple[float, str]] = []
    status = h.upload(pipeline, [str(upload)], lambda fraction, desc: shown.append((fraction, desc)))
    assert status.startswith("新增 1 ·")
    fractions = [f for f, _ in shown]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] < 1
    lines = [line for _, line in shown]
    assert lines[0] == "1/1 report.txt" and "report.txt: 读取" in lines and "report.txt: 提取指标" in lines
    assert sum(line.startswith("report.txt: 向量化 ") for line in lines) >= 3


def test_the_cli_prints_step_lines_for_a_multi_megabyte_file(seeded, tmp_path):
    """Reading, cleaning, spam, metadata and chunking of a 2 MB report, then embedding 0 of n: the run
    is stopped there (embedding k of n in the CLI: the next test; all of it: bench/ingest_scale.py)."""
    big = tmp_path / "长沙市2023年法治政府建设报告.txt"
    big.write_text(report_text(2), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAG_DATA_DIR": str(tmp_path / "data"),
           "RAG_MODEL_CACHE": str(seeded.settings.model_cache), "HF_HUB_OFFLINE": "1"}
    run = subprocess.Popen([sys.executable, "-m", "rag", "ingest", str(big)], stderr=subprocess.PIPE, text=True,
                           stdout=subprocess.DEVNULL, env=env)
    timer = threading.Timer(600, run.kill)  # a safety net against a hung run, not a time limit
    timer.start()
    lines = []
    try:
        for line in run.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith(f"{big.name}: 向量化 "):
                break
    finally:
        run.kill()
        run.wait()
        timer.cancel()
    assert "Traceback" not in "\n".join(lines), lines
    labels = [line.removeprefix(f"{big.name}: ") for line in lines]
    assert labels[:5] == ["读取", "清洗", "识别垃圾信息", "元数据", "切块"], lines
    assert labels[5].startswith("向量化 0/") and int(labels[5].split("/")[1]) > 5_000, lines


def test_the_cli_shows_embedding_once_per_tenth_and_nothing_for_small_files(capsys):
    shown = TerminalLines({"big.txt": TerminalLines.BIG, "small.txt": TerminalLines.BIG - 1})
    for name in ("small.txt", "big.txt"):
        shown.file(1, 1, name)
        shown.step("chunk")
        for done in [*range(0, 1000, 32), 1000]:
            shown.step("embed", done, 1000)
        shown.step("store")
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["big.txt: 切块", "big.txt: 向量化 0/1000", *(f"big.txt: 向量化 {k}/1000" for k in
                     (128, 224, 320, 416, 512, 608, 704, 800, 928)), "big.txt: 向量化 1000/1000", "big.txt: 写入索引"]
