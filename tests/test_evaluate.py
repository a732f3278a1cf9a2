"""The eval harness: correctness and citation scoring, splits, question-file errors, refusal metrics,
run names, reports by split, the question files themselves, and `rag eval` end to end."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from rag.cli import main
from rag.errors import InputError
from rag.ingest import load_document
from rag.eval_metrics import squash  # the harness's is_relevant compares like this
from rag.evaluate import (answer_metrics, build_report, citation_scores, compare_runs, corpus_files, is_correct,
                          load_questions, render_markdown, run_name)
from tests.conftest import FIELD, ROOT

EVALS = ROOT / "evals"



def fact(**extra) -> dict:
    return {"id": "q", "question": "某地收案多少?", "type": "fact", **extra}


def test_is_correct_needs_every_must_include_and_one_string_of_each_any_of_group():
    item = fact(must_include=["372件"], any_of=[["2024年1月31日", "2024-01-31"], ["审结"]])
    assert is_correct(item, {"answer": "办理372件,审结344件,落款2024-01-31[1]", "refused": False})
    assert not is_correct(item, {"answer": "办理372件,落款2024-01-31[1]", "refused": False})  # a group missed
    assert not is_correct(item, {"answer": "办理37件,审结,2024年1月31日", "refused": False})  # must missed
    assert not is_correct(item, {"answer": "办理372件,审结,2024年1月31日", "refused": True})  # refused


def test_is_correct_compares_whole_numbers_and_ignores_citation_markers():
    item = {"id": "d", "question": "没通过多少人?", "type": "derived", "must_include": ["25"], "any_of": [["25人"]]}
    assert is_correct(item, {"answer": "参加120人,通过95人,未通过 120 − 95 = 25人[1]。"})
    assert not is_correct(item, {"answer": "参加250人[1]"})  # 25 inside 250
    assert not is_correct({**item, "any_of": []}, {"answer": "通过率2.25%[25]"})  # inside 2.25, and a marker
    assert is_correct(fact(must_include=["1008人"]), {"answer": "共１,００８人参加[2]"})  # width and separators


def test_unanswerable_is_correct_only_when_refused():
    trap = {"id": "t", "question": "多少人?", "type": "unanswerable", "trap": "partial", "must_include": []}
    assert is_correct(trap, {"answer": "报告提到……[1],但没有给出人数", "refused": True})
    assert not is_correct(trap, {"answer": "共12个单位[1]", "refused": False})


def test_citation_scores_are_cited_chunks_with_evidence_and_evidence_in_cited_chunks():
    item = fact(evidence=["收案 372 件", "纠错率20.93%"])
    cited = [{"text": "全年收案372件,审结344件"}, {"text": "无关段落"}]
    assert citation_scores(item, {"citations": cited}) == (0.5, 0.5)
    assert citation_scores(item, {"citations": []}) is None
    assert citation_scores(fact(), {"citations": cited}) is None


def _pair(type_, refused, trap=None, split="dev", correct=True):
    item = {"id": f"{type_}{refused}{trap}{split}{correct}", "question": "?", "type": type_, "split": split,
            "must_include": ["7件"], **({"trap": trap} if trap else {})}
    if type_ == "unanswerable":
        item["must_include"] = []
    return item, {"answer": "共7件" if correct else "共8件", "refused": refused, "latency_ms": 1.0,
                  "retrieved": [], "citations": []}


def test_false_refusals_count_answerable_questions_refused_and_traps_count_in_refusal_recall():
    pairs = [_pair("fact", False), _pair("fact", True), _pair("derived", False), _pair("list", False),
             _pair("unanswerable", True, "partial"), _pair("unanswerable", False, "partial"),
             _pair("unanswerable", True)]
    m = answer_metrics(pairs)
    assert m["false_refusals"] == 0.25  # 1 of 4 answerable refused
    assert m["refusal_recall"] == round(2 / 3, 4)  # traps are unanswerable questions
    assert m["refusal_recall_by_trap"] == {"other": {"n": 1, "recall": 1.0}, "partial": {"n": 2, "recall": 0.5}}
    assert m["refusal_precision"] == round(2 / 3, 4)
    assert m["accuracy_by_type"]["derived"] == {"n": 1, "accuracy": 1.0}


def _write(tmp_path, lines, name="q.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _line(id_, split=None, type_="fact"):
    return json.dumps({"id": id_, "question": "问?", "type": type_, **({"split": split} if split else {})},
                      ensure_ascii=False)


def test_load_questions_keeps_only_the_asked_split(tmp_path):
    path = _write(tmp_path, [_line("a", "dev"), _line("b", "test"), _line("c", "dev"), _line("d")])
    assert [i["id"] for i in load_questions(path, "dev")] == ["a", "c"]
    assert [i["id"] for i in load_questions(path, "test")] == ["b"]
    assert len(load_questions(path)) == len(load_questions(path, "all")) == 4
    with pytest.raises(InputError, match="没有划分为 field 的题"):
        load_questions(path, "field")
    with pytest.raises(InputError, match="未知的划分 'train'"):
        load_questions(path, "train")


@pytest.mark.parametrize("content, message", [
    ("gbk", "不是 UTF-8 编码"),
    ('[{"id": "a"}]', "每行应是一个 JSON 对象 {...}, 这一行是数组"),
    ('"只是字符串"', "这一行是字符串"),
    ('{"id": "a", "question": "?"', "不是合法的 JSON"),
    ('{"id": "a", "question": "?"}', "缺少字段 type"),
    ('{"id": "a", "question": "?", "type": "essay"}', "类型 'essay' 无效"),
    ('{"id": "a", "question": "?", "type": "fact", "split": "train"}', "划分 'train' 无效"),
])
def test_question_file_errors_are_one_clear_line(tmp_path, content, message):
    path = tmp_path / "q.jsonl"
    if content == "gbk":
        path.write_bytes(_line("a").encode("gbk"))
    else:
        path.write_text(content + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_questions(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_directories_missing_files_empty_files_and_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(InputError, match="这是目录"):
        load_questions(tmp_path)
    with pytest.raises(InputError, match="找不到问题集"):
        load_questions(tmp_path / "none.jsonl")
    with pytest.raises(InputError, match="问题集是空的"):
        load_questions(_write(tmp_path, ["", "  "]))
    with pytest.raises(InputError, match=r"q.jsonl:2: id 'a' 重复"):
        load_questions(_write(tmp_path, [_line("a"), _line("a")]))


def test_run_names_differ_within_one_second_and_sort_by_time():
    names = [run_name("dev") for _ in range(200)]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{6}-dev", n) for n in names)
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{6}", run_name())


def _report(tmp_path, name, correct_test: bool) -> Path:
    pairs = [_pair("fact", False, split="dev"), _pair("fact", False, split="test", correct=correct_test),
             _pair("unanswerable", True, "partial", split="test")]
    report = build_report([i for i, _ in pairs], [r for _, r in pairs], "hybrid")
    run = tmp_path / name
    run.mkdir()
    (run / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return run


def test_reports_put_splits_side_by_side_and_compare_two_different_runs(tmp_path):
    a, b = _report(tmp_path, run_name("a"), True), _report(tmp_path, run_name("b"), False)
    report = json.loads((b / "report.json").read_text(encoding="utf-8"))
    assert list(report["splits"]) == ["dev", "test"]
    assert report["splits"]["test"]["answers"]["accuracy_by_type"]["fact"]["accuracy"] == 0.0
    markdown = render_markdown(report)
    assert "| 指标 | dev | test |" in markdown and "| 准确率 · fact | 1.000 (1) | 0.000 (1) |" in markdown
    assert "| 误拒率 | 0.000 | 0.000 |" in markdown
    rows = {r["类型"]: r for r in compare_runs(a, b)}
    assert rows["test · fact"]["准确率 A"] == 1.0 and rows["test · fact"]["准确率 B"] == 0.0
    assert rows["dev · fact"]["准确率 A"] == rows["dev · fact"]["准确率 B"] == 1.0


def _source_text(name: str) -> str:
    synth = EVALS / "synth" / name
    if synth.exists():  # self-made documents in every format: their text as ingested, and as the page shows it
        doc = load_document(synth)  # a page in GBK is read in the encoding the loader found
        raw = "" if synth.suffix in (".docx", ".pdf") else \
            re.sub(r"<[^>]+>", "", synth.read_bytes().decode(doc.encoding or "utf-8", errors="replace"))
        return doc.text + "\n" + raw
    path = ROOT / "seeds" / name
    return (path if path.exists() else FIELD / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["questions.jsonl", "field_questions.jsonl", "synth_questions.jsonl"])
def test_every_evidence_string_is_verbatim_in_a_listed_source(name):
    if name.startswith("field") and not FIELD.is_dir():
        pytest.skip(f"field documents not present at {FIELD}")
    for item in load_questions(EVALS / name):
        texts = {s: squash(_source_text(s)) for s in item.get("sources") or []}
        for evidence in item.get("evidence") or []:
            assert any(squash(evidence) in t for t in texts.values()), (item["id"], evidence)
        for source, text in texts.items():
            assert any(squash(e) in text for e in item["evidence"]), (item["id"], source)


def test_the_test_split_is_frozen():
    """Every test item recorded in evals/test_split.sha1 is still there, byte for byte (as canonical JSON)."""
    items = {i["id"]: i for name in ("questions.jsonl", "synth_questions.jsonl")
             for i in load_questions(EVALS / name, "test")}
    frozen = dict(line.split("\t") for line in (EVALS / "test_split.sha1").read_text(encoding="utf-8").split("\n") if line)
    assert frozen and set(frozen) <= set(items)
    for id_, digest in frozen.items():
        canonical = json.dumps(items[id_], ensure_ascii=False, sort_keys=True).encode()
        assert hashlib.sha1(canonical).hexdigest() == digest, id_


def test_corpus_files_skip_readme_files(tmp_path):
    (tmp_path / "README.md").write_text("# 说明", encoding="utf-8")
    with pytest.raises(InputError, match="没有报告文件"):
        corpus_files([tmp_path])
    (tmp_path / "a.txt").write_text("测试县2021年度法治政府建设工作报告", encoding="utf-8")
    assert [p.name for p in corpus_files([tmp_path])] == ["a.txt"]


def test_rag_eval_runs_one_split_over_the_seeded_index(seeded, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_DATA_DIR", str(seeded.settings.data_dir))
    questions = _write(tmp_path, [
        json.dumps({"id": "f", "question": "本溪2022年行政复议纠错率是多少?", "type": "fact", "split": "dev",
                    "must_include": ["23.29%"], "sources": ["000_a71df9a351047f25.txt"], "evidence": ["纠错率23.29%"]},
                   ensure_ascii=False),
        json.dumps({"id": "u", "question": "大连市2022年行政诉讼败诉率是多少?", "type": "unanswerable", "split": "dev",
                    "must_include": []}, ensure_ascii=False),
        json.dumps({"id": "t", "question": "芙蓉区2023年行政复议纠错率是多少?", "type": "fact", "split": "test",
                    "must_include": ["20.93%"]}, ensure_ascii=False)])
    out = tmp_path / "run"
    assert main(["eval", "--questions", str(questions), "--split", "dev", "--answer-mode", "extractive",
                 "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["split"] == "dev" and report["questions"] == 2 and report["splits"] == {}
    assert report["answers"]["accuracy"] == 1.0 and report["answers"]["false_refusals"] == 0.0
    assert [json.loads(line)["id"] for line in (out / "results.jsonl").open(encoding="utf-8")] == ["f", "u"]
    assert "split dev" in capsys.readouterr().out
    assert main(["eval", "--questions", str(questions), "--split", "field", "--out", str(tmp_path / "x")]) == 2
    assert main(["eval", "--questions", str(tmp_path), "--out", str(tmp_path / "x")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors[0].startswith("错误: ") and "没有划分为 field 的题" in errors[0] and "这是目录" in errors[1]


def test_rag_eval_corpus_ingests_folders_into_a_fresh_index(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "README.md").write_text("本目录说明: 法律援助案件999件", encoding="utf-8")
    (corpus / "county.txt").write_text("测试县2021年度法治政府建设工作报告\n一、主要成效\n全年办理法律援助案件345件,同比增长12%。\n"
                                       "二、存在问题\n执法力量不足。\n", encoding="utf-8")
    questions = _write(tmp_path, [json.dumps({"id": "c", "question": "测试县2021年办理了多少件法律援助案件?", "type": "fact",
                                              "split": "field", "must_include": ["345件"],
                                              "sources": ["county.txt"]}, ensure_ascii=False)])
    out = tmp_path / "run"
    assert main(["eval", "--questions", str(questions), "--corpus", str(corpus), "--retrieval-only",
                 "--out", str(out)]) == 0
    assert "临时索引: 1 份报告" in capsys.readouterr().err
    result = json.loads((out / "results.jsonl").read_text(encoding="utf-8"))
    assert {r["source"] for r in result["retrieved"]} == {"county.txt"}
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["retrieval"]["hit@1"] == 1.0


def test_an_answer_that_raises_is_recorded_as_a_wrong_answer_and_the_run_goes_on(seeded, tmp_path):
    from rag.evaluate import run_eval

    items = [{"id": "ok", "question": "本溪2022年行政复议纠错率是多少?", "type": "fact", "split": "dev",
              "must_include": ["23.29%"]},
             {"id": "boom", "question": "芙蓉区2023年行政复议纠错率是多少?", "type": "fact", "split": "dev",
              "must_include": ["20.93%"]}]

    def answer(question: str) -> dict:
        if question.startswith("芙蓉区"):
            raise ValueError("坏了")
        return {"answer": "纠错率23.29%[1]", "refused": False, "citations": []}

    report = run_eval(seeded, items, tmp_path / "run", retrieval_only=False, answer=answer)
    assert report["errors"] == [{"id": "boom", "question": items[1]["question"], "error": "ValueError: 坏了"}]
    assert report["answers"]["accuracy_by_type"]["fact"] == {"n": 2, "accuracy": 0.5}
    assert "## 回答时出错 (1 题, 计为答错)" in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")


def test_reports_count_test_failures_but_list_only_the_others(tmp_path):
    pairs = [_pair("fact", False, split="dev", correct=False), _pair("fact", False, split="test", correct=False)]
    for (item, _), question in zip(pairs, ("调参的题", "冻结的题")):
        item.update(question=question, evidence=["不在任何段落里"])
    report = build_report([i for i, _ in pairs], [r for _, r in pairs], "hybrid")
    assert [f["split"] for f in report["failures"]] == ["dev"] and report["test_failures"] == 1
    assert [m["question"] for m in report["misses"]] == ["调参的题"]
    markdown = render_markdown(report)
    assert "test 划分答错 1 题" in markdown and "调参的题" in markdown and "冻结的题" not in markdown
