"""Every `rag` command as a user runs it, in a subprocess: the shape of its output, its exit code, and
bad input answered by one line `错误: …` with exit code 2, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, answers, free_port, wait_until_serving

BENXI, PINGYAO = "000_a71df9a351047f25.txt", "004_60bbb429151f6620.txt"


@pytest.fixture(scope="module")
def env(seeded, tmp_path_factory) -> dict[str, str]:
    """The seeded index (read only), no LLM, the project importable from any working directory."""
    home = tmp_path_factory.mktemp("home")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
    return {**keep, "HOME": str(home), "PYTHONPATH": str(ROOT), "RAG_DATA_DIR": str(seeded.settings.data_dir),
            "RAG_MODEL_CACHE": str(seeded.settings.model_cache), "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}


def rag(env: dict, *args: str, cwd: Path | None = None, **extra_env: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, timeout=600,
                         env={**env, **extra_env}, cwd=cwd or env["HOME"])
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    return run


def ok(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 0, run.stderr
    return run.stdout


def one_error(run: subprocess.CompletedProcess, message: str) -> None:
    """Exit code 2 and exactly one stderr line naming the problem."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("错误: ") and message in line, line


def test_search_prints_ranked_passages_or_json_and_refuses_empty_input(env, tmp_path):
    out = ok(rag(env, "search", "芙蓉区2023年行政复议纠错率", "-k", "3"))
    heads = [line for line in out.splitlines() if line.startswith("[")]
    assert [h.split("]")[0] for h in heads] == ["[1", "[2", "[3"]
    assert all(h.startswith(f"[{n}] 长沙市芙蓉区 2023年 · ") and "001_a9e76fce8504005b.txt" in h
               for n, h in enumerate(heads, 1))
    assert "纠错率20.93%" in out.split("[2]")[0]  # the best passage comes first
    data = json.loads(ok(rag(env, "search", "行政复议纠错率", "--region", "温州市", "--mode", "lexical", "--json")))
    assert data["regions"] == ["温州市"] and len(data["passages"]) == 5
    assert {p["region"] for p in data["passages"]} == {"温州市"} and all(set(p["ranks"]) == {"lexical"}
                                                                       for p in data["passages"])
    one_error(rag(env, "search", "  "), "问题不能为空")
    one_error(rag(env, "search", "纠错率", RAG_DATA_DIR=str(tmp_path / "empty")), "索引是空的")


def test_ask_prints_the_answer_its_mode_and_sources(env, tmp_path):
    out = ok(rag(env, "ask", "本溪2022年一审行政诉讼败诉率是多少?"))
    assert "败诉率12.71%" in out and "[1]" in out
    assert "\n模式: 抽取式\n" in out and "\n[1] 本溪市2022年 · " in out and out.rstrip().endswith(BENXI)
    refused = ok(rag(env, "ask", "平遥2021年行政复议收了多少件?"))
    assert "平遥县没有2021年的报告" in refused and "2020" in refused
    one_error(rag(env, "ask", " "), "问题不能为空")
    one_error(rag(env, "ask", "纠错率", RAG_DATA_DIR=str(tmp_path / "empty")), "索引是空的")


def test_docs_lists_each_report_with_field_sources_and_as_json(env):
    out = ok(rag(env, "docs"))
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert len(heads) == 5 and "本溪市 2022 · 本溪市2022年法治政府建设情况报告 · 000_a71df9a351047f25.txt" in heads
    assert "    年份 2022 (标题, 高) · 地区 本溪市 (标题, 高)" in out
    docs = json.loads(ok(rag(env, "docs", "--json")))
    assert sorted(d["source"] for d in docs) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(d["chunks"] > 0 and d["provenance"]["year"]["source"] for d in docs)


def test_brief_prints_writes_and_batches_cited_briefs(env, tmp_path):
    out = ok(rag(env, "brief", "本溪"))
    assert out.startswith("# 本溪市2022年 法治政府建设报告简报")
    for section in ("## 概况", "## 主要举措与成效", "## 关键数据", "## 存在问题", "## 下一步计划"):
        assert section in out
    target = tmp_path / "本溪.md"
    line = ok(rag(env, "brief", "本溪", "--year", "2022", "--out", str(target))).strip()
    assert line.startswith(f"已写入 {target} (") and line.endswith("处引用)")
    assert target.read_text(encoding="utf-8") + "\n" == out  # the same brief, printed or written
    assert "\n## 附录：分节详情\n" in out and len([x for x in out.split("## 附录")[0].splitlines() if x.strip()]) <= 45
    word = tmp_path / "本溪.docx"
    ok(rag(env, "brief", "本溪", "--out", str(word)))
    from docx import Document

    texts = [p.text for p in Document(str(word)).paragraphs]
    assert texts[0] == "本溪市2022年 法治政府建设报告简报" and "附录：分节详情" in texts and "来源" in texts
    lines = ok(rag(env, "brief", "--all", "--out-dir", str(tmp_path / "all"))).strip().splitlines()
    assert len(lines) == 5 == len(list((tmp_path / "all").glob("*.md")))
    assert any(line.startswith(f"{tmp_path / 'all' / '平遥县-2020-'}") and ".md (" in line for line in lines)  # one per report
    one_error(rag(env, "brief"), "请给出地区")
    one_error(rag(env, "brief", "大连"), "索引中没有“大连”的报告")
    one_error(rag(env, "brief", "平遥", "--year", "2031"), "平遥县没有2031年的报告")
    one_error(rag(env, "brief", "--all"), "--all 需要 --out-dir")


def test_compare_ranks_cited_values_and_names_the_regions_without_one(env, tmp_path):
    out = ok(rag(env, "compare", "直接纠错率"))  # a synonym of 行政复议纠错率
    rows = [line for line in out.splitlines() if line.startswith("| ") and "%[" in line]
    assert [r.split(" | ")[0] for r in rows] == ["| 本溪市", "| 长沙市芙蓉区", "| 温州市"]  # by value
    assert "未自动提取到该指标数值的地区: 平遥县、平顶山市" in out and "\n来源:\n[1] 本溪市2022年 · chunk " in out
    data = json.loads(ok(rag(env, "compare", "纠错率", "--json")))
    assert data["indicator"] == "行政复议纠错率" and data["missing"] == ["平遥县", "平顶山市"]
    values = [r["value"] for r in data["rows"]]
    assert values == sorted(values, reverse=True) and [r["n"] for r in data["rows"]] == [1, 2, 3]
    one_error(rag(env, "compare", "幸福指数"), "不认识的指标“幸福指数”")
    one_error(rag(env, "compare", "纠错率", RAG_DATA_DIR=str(tmp_path / "empty")), "索引是空的")


def test_eval_writes_a_run_and_refuses_a_bad_question_file(env, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "f", "question": "本溪2022年行政复议纠错率是多少?", "type": "fact",
                                     "split": "dev", "must_include": ["23.29%"], "sources": [BENXI],
                                     "evidence": ["纠错率23.29%"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    run = rag(env, "eval", "--questions", str(questions), "--answer-mode", "extractive", "--out", str(tmp_path / "run"))
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1] == f"已写入 {tmp_path / 'run'}"
    assert run.stdout == (tmp_path / "run" / "report.md").read_text(encoding="utf-8") + "\n"
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["questions"] == 1 and report["answers"]["accuracy"] == 1.0
    one_error(rag(env, "eval", "--questions", str(tmp_path / "none.jsonl")), "找不到问题集")
    questions.write_text('{"id": "a", "question": "?"}\n', encoding="utf-8")
    one_error(rag(env, "eval", "--questions", str(questions)), "缺少字段 type")
    assert not (Path(env["HOME"]) / "evals").exists()  # a bad file fails before any run directory is made


def test_ingest_docs_set_and_remove_one_report_end_to_end(env, tmp_path):
    """A fresh index: each writing command, then its effect seen through the reading commands."""
    env = {**env, "RAG_DATA_DIR": str(tmp_path / "data")}
    report = tmp_path / "reports" / PINGYAO
    report.parent.mkdir()
    shutil.copy(SEEDS / PINGYAO, report)
    first = ok(rag(env, "ingest", str(report.parent)))
    assert first.startswith("新增 1 · 更新 0 · 未变 0 · 重复 0 · 失败 0 · 切块 ")
    assert ok(rag(env, "ingest", str(report))).startswith("新增 0 · 更新 0 · 未变 1 · ")
    one_error(rag(env, "ingest", str(tmp_path / "nope")), "没有这个文件或目录")

    line = ok(rag(env, "docs", "set", PINGYAO, "--year", "2019")).strip()
    assert line == f"已更新 {PINGYAO}: 年份 2019 (已写入 {report}.meta.json)"
    assert json.loads(Path(f"{report}.meta.json").read_text(encoding="utf-8")) == {"year": 2019}
    assert "    年份 2019 (用户, 高)" in ok(rag(env, "docs"))
    assert ok(rag(env, "docs", "set", PINGYAO, "--year", "2019")).strip() == f"{PINGYAO}: 元数据没有变化"
    one_error(rag(env, "docs", "set", PINGYAO), "请至少给出一项更正")
    one_error(rag(env, "docs", "set", PINGYAO, "--year", "1800"), "年份必须是 1949–2100 之间的整数: 1800")
    one_error(rag(env, "docs", "set", "nofile.txt", "--year", "2020"), "没有这份报告: nofile.txt")

    assert ok(rag(env, "remove", PINGYAO)).strip() == f"已删除 {PINGYAO} (平遥县 2019)"
    assert ok(rag(env, "docs")).strip() == "还没有导入报告: 运行 `rag ingest`"
    one_error(rag(env, "search", "人民调解"), "索引是空的")
    one_error(rag(env, "remove", PINGYAO), f"没有这份报告: {PINGYAO}")
    assert report.exists()  # removing from the index never deletes the user's file


def test_serve_answers_on_its_port_until_terminated(env, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=env["HOME"])
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}/", log)
        assert f"打开 http://127.0.0.1:{port}" in log.read_text()
        assert "索引为空" not in log.read_text()  # the seeded index is used as it is
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert not answers(f"http://127.0.0.1:{port}/")
    assert "Traceback" not in log.read_text()


def test_serve_on_a_taken_port_is_one_error_line(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = rag(env, "serve", "--host", "127.0.0.1", "--port", str(taken.getsockname()[1]))
    one_error(run, "端口已被占用")
