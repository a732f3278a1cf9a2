"""The UI's handlers driven directly, and the chat endpoint through gradio_client."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ui import handlers as h
from ui import render
from tests.conftest import SEEDS, close_app, free_port, sibling
from ui.app import build_app, launch


def _drain(generator):
    last = None
    for last in generator:
        pass
    return last


def test_chat_handler_answers_with_markers_and_source_cards(seeded):
    chat, sources, history = _drain(h.ask(seeded, "芙蓉区2023年行政复议纠错率是多少?", [], [], [], [], "auto"))
    assert chat[-2] == {"role": "user", "content": "芙蓉区2023年行政复议纠错率是多少?"}
    assert "抽取式" in chat[-1]["content"] and "[1]" in chat[-1]["content"]
    assert 'id="src-1"' in sources and "<mark>" in sources and "20.93%" in sources and "模式: 抽取式" in sources
    assert len(history) == 1 and history[0].citations[0].region == "长沙市芙蓉区"


def test_derived_figures_are_marked_as_computed_in_chat_and_sources(seeded):
    question = "平遥县2020年参加执法证申领考试的人员里有多少人没有考过?"
    chat, sources, history = _drain(h.ask(seeded, question, [], [], [], [], "extractive"))
    assert history[0].derived and not history[0].unverified
    assert "〔计算得出〕" in chat[-1]["content"] and "计算得出:" in sources
    assert f"= {history[0].derived[0]['value']}" in sources


def test_chat_filters_and_follow_ups_use_the_same_pipeline(seeded):
    _, _, history = _drain(h.ask(seeded, "行政复议纠错率是多少?", [], [], ["温州市"], [], "extractive"))
    assert "17.3%" in history[-1].answer and {c.region for c in history[-1].citations} == {"温州市"}
    chat, _, history = _drain(h.ask(seeded, "那本溪呢?", [], history, [], [], "extractive"))
    assert "23.29%" in history[-1].answer


def test_empty_question_changes_nothing(seeded):
    chat, _, history = _drain(h.ask(seeded, "  ", [{"role": "user", "content": "x"}], [], [], [], "auto"))
    assert chat == [{"role": "user", "content": "x"}] and history == []


def test_export_writes_markdown_with_sources(seeded):
    _, _, history = _drain(h.ask(seeded, "本溪2022年行政复议纠错率是多少?", [], [], [], [], "auto"))
    path = h.export(seeded, history)
    text = open(path, encoding="utf-8").read()
    assert "## 回答" in text and "## 来源" in text and "23.29%" in text and "000_a71df9a351047f25.txt" in text


def test_document_table_and_view_mark_spam_and_escape_html(seeded):
    table = h.documents_table(seeded)
    assert len(table) == 5 and set(table["地区"]) == {"本溪市", "长沙市芙蓉区", "平顶山市", "温州市", "平遥县"}
    furong = table[table["地区"] == "长沙市芙蓉区"].iloc[0]
    assert "可疑文字 4 处" in furong["质量标记"]
    view = h.view_document(seeded, furong["文件"])
    assert view.count('class="spam"') == 4


def test_render_escapes_document_text():
    from rag.types import Document, Span

    text = "报告<img src=x onerror=alert(1)>正文凯发一触即发"
    start = text.index("凯发")
    doc = Document("d", "x.html", "x.html", "s", text, title="<b>t</b>",
                   flags=[Span(start, start + 6, "凯发一触即发", "已知垃圾信息模式", "人民政府")])
    shown = render.document_html(doc)
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown and "<b>t" not in shown
    assert '<span class="spam" title="已知垃圾信息模式,疑为“人民政府”">凯发一触即发</span>' in shown


def test_upload_ingests_and_updates_filters(seeded_copy_pipeline, tmp_path):
    report = tmp_path / "测试县2021年度法治政府建设工作报告.txt"
    report.write_text("测试县2021年度法治政府建设工作报告\n一、主要成效\n全年办理法律援助案件345件,同比增长12%。\n", "utf-8")
    status = h.upload(seeded_copy_pipeline, [str(report)])
    assert "新增 1" in status
    regions, years = h.filter_choices(seeded_copy_pipeline)
    assert "2021" in years
    bad = tmp_path / "bad.xyz"
    bad.write_bytes(b"%XYZ")
    assert "错误: 不支持的文件类型 .xyz" in h.upload(seeded_copy_pipeline, [str(bad)])
    twin = tmp_path / "本溪报告副本.txt"
    twin.write_bytes((SEEDS / "000_a71df9a351047f25.txt").read_bytes())
    status = h.upload(seeded_copy_pipeline, [str(twin)])
    assert "重复 1" in status and "本溪报告副本.txt 与已导入的 000_a71df9a351047f25.txt 内容完全相同" in status
    assert len(seeded_copy_pipeline.documents()) == 6


def test_upload_accepts_exactly_the_supported_formats():
    from rag.ingest.load import SUPPORTED

    assert h.UPLOAD_TYPES == sorted(SUPPORTED)


def test_edit_form_and_delete_use_the_pipeline_corrections(seeded_copy_pipeline, tmp_path):
    pipeline = seeded_copy_pipeline
    upload = tmp_path / "index.html"
    upload.write_text("<p>宜宾市2021年法治政府建设工作报告</p><p>一、主要成效</p>"
                      "<p>全年受理法律援助案件513件,同比增长9%。</p>", encoding="utf-8")
    assert "新增 1" in h.upload(pipeline, [str(upload)])
    year, region, doc_type, title = h.edit_values(pipeline, "index.html")
    assert (year, region, title) == ("2021", "宜宾市", "宜宾市2021年法治政府建设工作报告")
    assert h.save_metadata(pipeline, "index.html", "1900", region, doc_type, title) == \
        "错误: 年份必须是 1949–2100 之间的整数: 1900"
    assert h.save_metadata(pipeline, "index.html", "2019", "泸州市", doc_type, title) == \
        "已更新 index.html: 年份 2019、地区 泸州市"
    row = h.documents_table(pipeline).set_index("文件").loc["index.html"]
    assert row["年度"] == 2019 and row["地区"] == "泸州市" and "年度: 用户, 高" in row["元数据来源"]
    assert "泸州市" in h.filter_choices(pipeline)[0] and "2019" in h.filter_choices(pipeline)[1]
    kept = next(d for d, _ in pipeline.documents() if d.source == "index.html")
    assert Path(kept.path).parent.parent == pipeline.uploads_dir  # the sidecar lives beside a kept copy
    assert json.loads(Path(kept.path + ".meta.json").read_text("utf-8")) == {"year": 2019, "region": "泸州市"}
    passages = pipeline.search("泸州市2019年法律援助案件", k=3).passages
    assert passages and {(p.region, p.year) for p in passages} == {("泸州市", 2019)}
    assert h.delete_request("") == ("请先选择一份报告。", False)
    assert h.delete_request("index.html")[1] is True
    assert h.delete_document(pipeline, "index.html") == "已删除 index.html (泸州市 2019)"
    assert "index.html" not in h.document_choices(pipeline) and not Path(kept.path).exists()
    assert pipeline.store.chunk_ids(kept.doc_id) == [] and "泸州市" not in h.filter_choices(pipeline)[0]
    assert h.delete_document(pipeline, "index.html") == "错误: 没有这份报告: index.html"


def test_eval_tab_runs_a_set_and_compares_two_different_runs(seeded, tmp_path):
    fact = ('{"id": "a", "question": "本溪2022年行政复议纠错率是多少?", "type": "fact", "must_include": ["%s"], '
            '"sources": ["000_a71df9a351047f25.txt"], "evidence": ["纠错率23.29%%"]}\n')
    trap = '{"id": "b", "question": "大连市的法律援助案件有多少?", "type": "unanswerable", "must_include": []}\n'
    data = seeded.settings.data_dir  # the tab reads only the data dir and evals/
    right, wrong = data / f"{tmp_path.name}-right.jsonl", data / f"{tmp_path.name}-wrong.jsonl"
    right.write_text(fact % "23.29%" + trap, "utf-8")
    wrong.write_text(fact % "99.99%" + trap, "utf-8")  # the same answer now misses what it must include
    metrics, chart, failures, first = h.evaluate(seeded, str(right), "extractive")
    assert metrics.iloc[0]["准确率"] == 1.0 and len(failures) == 0 and set(chart["类型"]) == {"fact", "unanswerable"}
    _, _, failures, second = h.evaluate(seeded, str(wrong), "extractive")
    assert second != first and {first, second} <= set(h.run_choices(seeded))
    assert list(failures["id"]) == ["a"] and "23.29%" in failures.iloc[0]["得到"]
    rows = h.compare(seeded, first, second).set_index("类型")
    assert (rows.loc["fact", "准确率 A"], rows.loc["fact", "准确率 B"]) == (1.0, 0.0)
    assert rows.loc["unanswerable", "准确率 A"] == rows.loc["unanswerable", "准确率 B"] == 1.0
    assert (rows.loc["全部", "准确率 A"], rows.loc["全部", "准确率 B"]) == (1.0, 0.5)


def test_build_app_returns_the_five_tabs_and_the_chat_endpoint_for_the_caller_to_launch(seeded, fake_openai,
                                                                                         monkeypatch):
    import gradio as gr

    app = build_app(seeded)
    assert isinstance(app, gr.Blocks) and app.title == "法治政府建设报告问答助手"
    assert [b.label for b in app.blocks.values() if isinstance(b, gr.Tab)] == ["问答", "文档库", "简报", "对比", "评测"]
    ids = {b.elem_id for b in app.blocks.values() if getattr(b, "elem_id", None)}
    assert {"chat", "question", "send", "sources", "doc-table", "brief-view", "compare-chart", "eval-run"} <= ids
    [chat] = [f for f in app.fns.values() if f.api_name == "chat"]
    assert [b.elem_id for b in chat.inputs][:2] == ["question", "chat"] and len(chat.outputs) == 3
    headers = [b.value for b in app.blocks.values() if isinstance(b, gr.Markdown) and b.value]
    assert "当前回答方式: **抽取式(未配置大模型)**" in headers[0]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with_llm = build_app(sibling(seeded, llm_model="fake-model", llm_base_url=fake_openai.base_url))
    headers = [b.value for b in with_llm.blocks.values() if isinstance(b, gr.Markdown) and b.value]
    assert "当前回答方式: **大模型**" in headers[0]


def test_gradio_client_calls_the_chat_endpoint(seeded):
    from gradio_client import Client

    port = free_port()
    app = launch(seeded, "127.0.0.1", port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        chat, sources, *_ = client.predict("本溪2022年一审行政诉讼败诉率是多少?", [], [], [], "extractive",
                                           api_name="/chat")
        content = chat[-1]["content"]
        text = content if isinstance(content, str) else "".join(part.get("text", "") for part in content)
        assert "12.71%" in text and "[1]" in text and "src-1" in sources
    finally:
        close_app(app)


@pytest.fixture
def seeded_copy_pipeline(seeded, tmp_path):
    """A writable copy of the seeded index (upload tests must not change the shared one)."""
    return sibling(seeded, copy_to=tmp_path / "data-copy")


def test_source_cards_strike_through_flagged_spam(seeded):
    _, sources, history = _drain(h.ask(seeded, "芙蓉区这份报告是谁落款的?", [], [], [], [], "extractive"))
    assert "凯发一触即发" not in history[-1].answer
    assert '<span class="spam" title="可疑文字">凯发一触即发</span>' in sources


def test_library_table_counts_chunks_and_facts_flags_quality_and_links_each_brief(seeded):
    table = h.documents_table(seeded)
    facts = seeded.facts.query(seeded.settings.index_fingerprint)
    for _, row in table.iterrows():
        doc = next(d for d, _ in seeded.documents() if d.source == row["文件"])
        assert row["指标数"] == sum(f.doc_id == doc.doc_id for f in facts) and row["块数"] > 0
        assert row["简报"] == f"[简报](?brief={doc.doc_id})"
    pingdingshan = table[table["地区"] == "平顶山市"].iloc[0]
    assert "非年度报告(新闻报道)" in pingdingshan["质量标记"]  # a news article, not the government's report
    choices = dict((value, label) for label, value in h.brief_choices(seeded))
    doc_id = table.iloc[0]["简报"].split("=")[1].rstrip(")")
    shown, md, docx = h.make_brief(seeded, doc_id, "extractive")
    assert choices[doc_id].split()[0] in shown and md.endswith(".md") and docx.endswith(".docx")
    head, detail, sources = h.brief_parts(shown)
    assert "## 下一步计划" in head and detail.startswith("## 附录：分节详情") and sources.startswith("## 来源")
    assert "找不到" in h.make_brief(seeded, "no-such-doc", "extractive")[0] or \
        "不在索引中" in h.make_brief(seeded, "no-such-doc", "extractive")[0]


def test_example_questions_come_from_the_indexed_reports_and_follow_uploads_and_removals(seeded_copy_pipeline, tmp_path):
    from rag.answer.respond import answer

    pipeline = seeded_copy_pipeline
    before = [q for [q] in h.example_questions(pipeline)]
    regions = {d.region for d, _ in pipeline.documents()}
    assert 4 <= len(before) <= 6 and all(any(r in q for r in regions) or q.startswith("哪个地区") for q in before)
    for question in before[:3]:  # each figure question is answered from the report it names, with a value
        result = answer(question, pipeline, mode="extractive")
        assert not result.refused and result.citations and re.search(r"\d", result.answer), question
    report = tmp_path / "泸州市2021年法治政府建设年度报告.txt"
    report.write_text("泸州市2021年法治政府建设年度报告\n一、主要成效\n全年受理行政复议案件236件,直接纠错率15.4%,"
                      "办理法律援助案件880件,人民调解案件5120件,规范性文件审查96件。\n" * 1, encoding="utf-8")
    h.upload(pipeline, [str(report)])
    after = [q for [q] in h.example_questions(pipeline)]
    assert after != before and any("泸州市2021年" in q for q in after)
    h.delete_document(pipeline, report.name)
    assert [q for [q] in h.example_questions(pipeline)] == before


def test_compare_handler_draws_one_sorted_chart_per_unit(seeded):
    table, charts = h.compare_table(seeded, ["行政复议纠错率", "法律援助案件"])
    assert charts.count('<figure class="compare-chart"') == 2
    rate = charts.split("</figure>")[0]
    assert re.findall(r'text-anchor="end" font-size="13">([^<]+)</text>', rate) == [
        "本溪市 2022年", "长沙市芙蓉区 2023年", "温州市 2018年"]
    assert "平遥县" in rate.split("</svg>")[1]
