"""build_app(pipeline) -> gradio Blocks (not launched), and launch() for `rag serve`.

No business logic here: events call ui.handlers, which call the pipeline the CLI uses.
Tabs: 问答 (chat with cited sources), 文档库 (documents), 简报 (region briefs), 对比 (indicators
across regions), 评测 (evals); one builder function per tab.
"""
from __future__ import annotations

import functools
import os

import gradio as gr

from ui import handlers as h
from ui import render

MODES = [("自动(配置了大模型就用)", "auto"), ("抽取式(不用大模型)", "extractive"), ("大模型", "llm")]


def _guard(handler):
    """Table, file and chart events: any failure shows as one line (gr.Error), the log keeps the traceback."""
    @functools.wraps(handler)
    def run(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as err:  # noqa: BLE001
            raise gr.Error(h.error_line(err)) from err
    return run


def _chat_tab(pipeline) -> None:
    regions, years = h.filter_choices(pipeline)
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="对话", height=480, elem_id="chat", buttons=["copy", "copy_all"])
            with gr.Row():
                box = gr.Textbox(placeholder="例如:芙蓉区2023年行政复议纠错率是多少?", show_label=False, scale=5,
                                 elem_id="question")
                send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
            with gr.Row():
                region = gr.Dropdown(regions, multiselect=True, label="地区", elem_id="filter-region")
                year = gr.Dropdown(years, multiselect=True, label="年度", elem_id="filter-year")
                mode = gr.Dropdown(MODES, value="auto", label="回答方式", elem_id="mode")
            gr.Examples(h.EXAMPLES, inputs=box, label="示例问题")
            with gr.Row():
                clear = gr.Button("新对话", size="sm")
                export_btn = gr.Button("导出回答 (Markdown)", size="sm", elem_id="export")
                export_file = gr.File(label="导出文件", visible=True, height=60, elem_id="export-file")
        with gr.Column(scale=2):
            sources = gr.HTML(render.sources_html(None), elem_id="sources", label="来源")
    history = gr.State([])
    inputs = [box, chat, history, region, year, mode]
    for trigger in (send.click, box.submit):
        trigger(lambda *a: (yield from h.ask(pipeline, *a)), inputs, [chat, sources, history],
                api_name="chat" if trigger == send.click else False).then(lambda: "", None, box)
    clear.click(lambda: ([], render.sources_html(None), []), None, [chat, sources, history])
    export_btn.click(_guard(lambda hist: h.export(pipeline, hist)), history, export_file)
    return region, year


def _documents_tab(pipeline, region, year) -> None:
    table = gr.Dataframe(lambda: h.documents_table(pipeline), label="已导入的报告", interactive=False,
                         elem_id="doc-table")  # a callable: read again on every page load
    with gr.Row():
        pick = gr.Dropdown(h.document_choices(pipeline), value=None, elem_id="doc-pick",
                           label="选择报告: 查看全文(可疑文字以删除线标出)、更正或删除")  # none picked: the form fills on pick
    with gr.Row(elem_id="doc-edit"):
        edit_year = gr.Textbox(label="年度", elem_id="edit-year", scale=1)
        edit_region = gr.Textbox(label="地区", elem_id="edit-region", scale=2)
        edit_type = gr.Dropdown(h.TYPE_CHOICES, label="类型", elem_id="edit-type", scale=1)
        edit_title = gr.Textbox(label="标题", elem_id="edit-title", scale=4)
    with gr.Row():
        save = gr.Button("保存更正", variant="primary", size="sm", elem_id="doc-save")
        delete = gr.Button("删除报告", variant="stop", size="sm", elem_id="doc-delete")
        confirm = gr.Button("确认删除", variant="stop", size="sm", visible=False, elem_id="doc-delete-confirm")
    doc_status = gr.Markdown(elem_id="doc-status")
    view = gr.HTML(elem_id="doc-view")
    with gr.Row():
        files = gr.File(file_count="multiple", file_types=h.UPLOAD_TYPES, label="上传报告", elem_id="upload")
        status = gr.Markdown(elem_id="upload-status")
    go = gr.Button("导入", variant="primary", elem_id="upload-go")

    def refreshed(**chosen):
        """Everything a change to the library shows: table, report picker (value= to set it), chat filters."""
        regions, years = h.filter_choices(pipeline)
        return (h.documents_table(pipeline), gr.update(choices=h.document_choices(pipeline), **chosen),
                gr.update(choices=regions), gr.update(choices=years))

    def picked(source):
        return (h.view_document(pipeline, source), *h.edit_values(pipeline, source), "", gr.update(visible=False))

    def do_save(source, *values):
        message = h.save_metadata(pipeline, source, *values)
        return (message, *refreshed(), h.view_document(pipeline, source))

    def do_delete(source):
        message = h.delete_document(pipeline, source)
        return (message, gr.update(visible=False), *refreshed(value=None), "")

    def do_upload(paths, progress=gr.Progress()):
        return (h.upload(pipeline, paths, progress), *refreshed())

    form = [edit_year, edit_region, edit_type, edit_title]
    library = [table, pick, region, year]
    pick.change(picked, pick, [view, *form, doc_status, confirm])
    save.click(do_save, [pick, *form], [doc_status, *library, view])
    delete.click(lambda s: (lambda m, show: (m, gr.update(visible=show)))(*h.delete_request(s)), pick,
                 [doc_status, confirm])
    confirm.click(do_delete, pick, [doc_status, confirm, *library, view])
    go.click(do_upload, files, [status, *library])


def _eval_tab(pipeline) -> None:
    with gr.Row():
        questions = gr.Textbox("evals/questions.jsonl", label="问题集 (JSONL 路径)", elem_id="eval-file")
        mode = gr.Dropdown(MODES, value="auto", label="回答方式")
        run = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    metrics = gr.Dataframe(label="各类型指标", interactive=False, elem_id="eval-metrics")
    chart = gr.BarPlot(x="类型", y="准确率", title="各类型回答准确率", y_lim=[0, 1], elem_id="eval-chart")
    failures = gr.Dataframe(label="答错的问题", interactive=False, wrap=True, elem_id="eval-failures")
    with gr.Row():
        run_a = gr.Dropdown(h.run_choices(pipeline), label="运行 A")
        run_b = gr.Dropdown(h.run_choices(pipeline), label="运行 B")
        diff = gr.Button("比较两次运行")
    comparison = gr.Dataframe(label="两次运行对比", interactive=False, elem_id="eval-compare")

    @_guard
    def do_run(path, how, progress=gr.Progress()):
        table, bars, wrong, name = h.evaluate(pipeline, path, how, progress)
        runs = h.run_choices(pipeline)
        return table, bars, wrong, gr.update(choices=runs, value=name), gr.update(choices=runs)

    run.click(do_run, [questions, mode], [metrics, chart, failures, run_a, run_b])
    diff.click(_guard(lambda a, b: h.compare(pipeline, a, b)), [run_a, run_b], comparison)


def _briefs_tab(pipeline) -> None:
    with gr.Row():
        pick = gr.Dropdown(h.brief_choices(pipeline), label="报告", elem_id="brief-pick")
        mode = gr.Dropdown(MODES, value="auto", label="生成方式")
        go = gr.Button("生成简报", variant="primary", elem_id="brief-go")
    download = gr.File(label="下载简报 (.md)", elem_id="brief-file", height=60)
    view = gr.Markdown(elem_id="brief-view")

    def run(choice, how, progress=gr.Progress()):
        return h.make_brief(pipeline, choice, how, progress)

    go.click(run, [pick, mode], [view, download])


def _compare_tab(pipeline) -> None:
    names = h.indicator_choices(pipeline)
    with gr.Row():
        pick = gr.Dropdown(names, value=[n for n in names if n.endswith("纠错率")][:1], multiselect=True,
                           label="指标", elem_id="compare-pick")
        go = gr.Button("比较", variant="primary", elem_id="compare-go")
    table = gr.Dataframe(label="各地区数值(每个数值附原文句子)", interactive=False, wrap=True, elem_id="compare-table")
    chart = gr.BarPlot(x="地区", y="数值", color="指标", title="按地区比较", elem_id="compare-chart")
    go.click(_guard(lambda picked: h.compare_table(pipeline, picked)), pick, [table, chart])


def build_app(pipeline) -> gr.Blocks:
    with gr.Blocks(title="法治政府建设报告问答助手") as app:
        mode = "大模型" if _llm_ready(pipeline) else "抽取式(未配置大模型)"
        gr.Markdown(f"# 法治政府建设报告问答助手\n当前回答方式: **{mode}** · 每个事实都标注来源段落 [n]")
        with gr.Tabs():
            with gr.Tab("问答", id="chat-tab"):
                region, year = _chat_tab(pipeline)
            with gr.Tab("文档库", id="docs-tab"):
                _documents_tab(pipeline, region, year)
            with gr.Tab("简报", id="brief-tab"):
                _briefs_tab(pipeline)
            with gr.Tab("对比", id="compare-tab"):
                _compare_tab(pipeline)
            with gr.Tab("评测", id="eval-tab"):
                _eval_tab(pipeline)
    return app


def _llm_ready(pipeline) -> bool:
    from rag.answer.llm import llm_configured

    return llm_configured(pipeline.settings)


def launch(pipeline, host: str = "127.0.0.1", port: int = 7860, block: bool = True):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    app = build_app(pipeline)
    app.queue(default_concurrency_limit=2)
    app.launch(server_name=host, server_port=port, css=render.CSS, prevent_thread_lock=not block,
               show_error=True, quiet=False)
    return app
