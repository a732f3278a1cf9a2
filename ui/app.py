"""build_app(pipeline) -> gradio Blocks (not launched), and launch() for `rag serve`.

No business logic here: events call ui.handlers, which call the pipeline the CLI uses.
Tabs: 问答 (chat with cited sources), 文档库 (documents), 简报 (region briefs), 对比 (indicators
across regions), 评测 (evals); one builder function per tab.
"""
from __future__ import annotations

import functools
import ipaddress
import os

import gradio as gr

from rag import auth
from rag.errors import InputError

from ui import handlers as h
from ui import render

NO_AUTH_BANNER = "⚠ **未启用登录**: 任何能访问此地址的人都可以导入、更正、删除报告和运行评测。"
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
            samples = h.example_questions(pipeline)  # from the indexed reports; refreshed when they change
            examples = gr.Dataset(components=["textbox"], samples=samples or [[""]], visible=bool(samples),
                                  label="示例问题 (由已导入的报告生成)", elem_id="examples")
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
    examples.click(lambda sample: sample[0] if sample else "", examples, box)
    return region, year, examples


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request else None


def _documents_tab(pipeline, region, year) -> list:
    """The library tab; returns the editor-only components (hidden from readers at page load)."""
    table = gr.Dataframe(lambda: h.documents_table(pipeline), label="已导入的报告", interactive=False,
                         datatype=h.DOC_TYPES_SHOWN, elem_id="doc-table")  # a callable: read again on every page load
    with gr.Row():
        pick = gr.Dropdown(h.document_choices(pipeline), value=None, elem_id="doc-pick",
                           label="选择报告: 查看全文(可疑文字以删除线标出)、更正或删除")  # none picked: the form fills on pick
    with gr.Row(elem_id="doc-edit") as edit_row:
        edit_year = gr.Textbox(label="年度", elem_id="edit-year", scale=1)
        edit_region = gr.Textbox(label="地区", elem_id="edit-region", scale=2)
        edit_type = gr.Dropdown(h.TYPE_CHOICES, label="类型", elem_id="edit-type", scale=1)
        edit_title = gr.Textbox(label="标题", elem_id="edit-title", scale=4)
    with gr.Row() as edit_buttons:
        save = gr.Button("保存更正", variant="primary", size="sm", elem_id="doc-save")
        delete = gr.Button("删除报告", variant="stop", size="sm", elem_id="doc-delete")
        confirm = gr.Button("确认删除", variant="stop", size="sm", visible=False, elem_id="doc-delete-confirm")
    doc_status = gr.Markdown(elem_id="doc-status")
    view = gr.HTML(elem_id="doc-view")
    with gr.Row() as upload_row:
        files = gr.File(file_count="multiple", file_types=h.UPLOAD_TYPES, label="上传报告", elem_id="upload")
        status = gr.Markdown(elem_id="upload-status")
    go = gr.Button("导入", variant="primary", elem_id="upload-go")
    log_view = gr.Dataframe(label="操作记录 (最新在前)", interactive=False, wrap=True, elem_id="audit-log")

    def refreshed(**chosen):
        """Everything a change to the library shows: table, report picker (value= to set it), chat filters."""
        regions, years = h.filter_choices(pipeline)
        return (h.documents_table(pipeline), gr.update(choices=h.document_choices(pipeline), **chosen),
                gr.update(choices=regions), gr.update(choices=years))

    def picked(source):
        return (h.view_document(pipeline, source), *h.edit_values(pipeline, source), "", gr.update(visible=False))

    def do_save(source, year_, region_, type_, title, request: gr.Request):
        message = h.save_metadata(pipeline, source, year_, region_, type_, title, user=_user(request))
        return (message, *refreshed(), h.view_document(pipeline, source), h.audit_table(pipeline, _user(request)))

    def do_delete(source, request: gr.Request):
        message = h.delete_document(pipeline, source, user=_user(request))
        return (message, gr.update(visible=False), *refreshed(value=None), "", h.audit_table(pipeline, _user(request)))

    def do_upload(paths, request: gr.Request, progress=gr.Progress()):
        message = h.upload(pipeline, paths, progress, user=_user(request))
        return (message, *refreshed(), h.audit_table(pipeline, _user(request)))

    form = [edit_year, edit_region, edit_type, edit_title]
    library = [table, pick, region, year]
    pick.change(picked, pick, [view, *form, doc_status, confirm])
    changes = [
        save.click(do_save, [pick, *form], [doc_status, *library, view, log_view], api_name="save_metadata"),
        confirm.click(do_delete, pick, [doc_status, confirm, *library, view, log_view], api_name="remove"),
        go.click(do_upload, files, [status, *library, log_view], api_name="upload")]
    delete.click(lambda s: (lambda m, show: (m, gr.update(visible=show)))(*h.delete_request(s)), pick,
                 [doc_status, confirm])
    # 确认删除 appears only after 删除; `changes` are the events after which the corpus differs
    return [edit_row, edit_buttons, upload_row, go], log_view, changes


def _eval_tab(pipeline):
    """The eval tab; returns its editor-only run button."""
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
    def do_run(path, how, request: gr.Request, progress=gr.Progress()):
        table, bars, wrong, name = h.evaluate(pipeline, path, how, progress, user=_user(request))
        runs = h.run_choices(pipeline)
        return table, bars, wrong, gr.update(choices=runs, value=name), gr.update(choices=runs)

    run.click(do_run, [questions, mode], [metrics, chart, failures, run_a, run_b], api_name="run_eval")
    diff.click(_guard(lambda a, b: h.compare(pipeline, a, b)), [run_a, run_b], comparison)
    return run


def _briefs_tab(pipeline):
    """The briefs tab; returns its report picker and a function that fills the tab for a report."""
    with gr.Row():
        pick = gr.Dropdown(h.brief_choices(pipeline), label="报告", elem_id="brief-pick")
        mode = gr.Dropdown(MODES, value="auto", label="生成方式")
        go = gr.Button("生成简报", variant="primary", elem_id="brief-go")
    with gr.Row():
        download = gr.File(label="下载简报 (.md)", elem_id="brief-file", height=60)
        download_docx = gr.File(label="下载简报 (Word .docx)", elem_id="brief-docx", height=60)
    with gr.Column(elem_id="brief-view"):
        view = gr.Markdown(elem_id="brief-top")  # the one-screen brief
        with gr.Accordion("附录：分节详情 (各章节举措、全部指标及原文、问题与计划原文)", open=False, elem_id="brief-more"):
            detail = gr.Markdown(elem_id="brief-detail")
        with gr.Accordion("来源 (每个 [n] 引用的段落)", open=False, elem_id="brief-sources-box"):
            sources = gr.Markdown(elem_id="brief-sources")
    outputs = [view, detail, sources, download, download_docx]

    def run(choice, how, progress=gr.Progress()):
        shown, path, docx = h.make_brief(pipeline, choice, how, progress)
        return (*h.brief_parts(shown), path, docx)

    go.click(run, [pick, mode], outputs)
    return pick, mode, outputs, run


def _compare_tab(pipeline):
    names = h.indicator_choices(pipeline)
    with gr.Row():
        pick = gr.Dropdown(names, value=[n for n in names if n.endswith("纠错率")][:1], multiselect=True,
                           label="指标", elem_id="compare-pick")
        go = gr.Button("比较", variant="primary", elem_id="compare-go")
    chart = gr.HTML(elem_id="compare-chart")  # one bar chart per unit, sorted by value
    table = gr.Dataframe(label="各地区数值(每个数值附原文句子)", interactive=False, wrap=True, elem_id="compare-table")
    go.click(_guard(lambda picked: h.compare_table(pipeline, picked)), pick, [table, chart])
    return pick


def build_app(pipeline, banner: str | None = None) -> gr.Blocks:
    with gr.Blocks(title="法治政府建设报告问答助手") as app:
        mode = "大模型" if _llm_ready(pipeline) else "抽取式(未配置大模型)"
        gr.Markdown(f"# 法治政府建设报告问答助手\n当前回答方式: **{mode}** · 每个事实都标注来源段落 [n]")
        if banner:
            gr.Markdown(banner, elem_id="no-auth-banner")
        who = gr.Markdown(elem_id="who")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat-tab"):
                region, year, examples = _chat_tab(pipeline)
            with gr.Tab("文档库", id="docs-tab"):
                editor_only, log_view, changes = _documents_tab(pipeline, region, year)
            with gr.Tab("简报", id="brief-tab"):
                brief_pick, brief_mode, brief_outputs, make_brief = _briefs_tab(pipeline)
            with gr.Tab("对比", id="compare-tab"):
                compare_pick = _compare_tab(pipeline)
            with gr.Tab("评测", id="eval-tab"):
                editor_only.append(_eval_tab(pipeline))

        def corpus_changed():
            """What shows the corpus outside the library tab: example questions, report and indicator pickers."""
            samples = h.example_questions(pipeline)
            return (gr.update(samples=samples or [[""]], visible=bool(samples)),
                    gr.update(choices=h.brief_choices(pipeline)), gr.update(choices=h.indicator_choices(pipeline)))

        corpus_views = [examples, brief_pick, compare_pick]
        for event in changes:
            event.then(corpus_changed, None, corpus_views)
        app.load(corpus_changed, None, corpus_views, api_visibility="private")

        def linked_brief(request: gr.Request, progress=gr.Progress()):
            """?brief=<doc_id> (the 文档库 table's link): open the 简报 tab with that report's brief."""
            doc_id = request.query_params.get(h.BRIEF_PARAM) if request else None
            if not doc_id:
                return gr.update(), gr.update(), *[gr.update() for _ in brief_outputs]
            return gr.update(selected="brief-tab"), gr.update(value=doc_id), *make_brief(doc_id, "auto", progress)

        app.load(linked_brief, None, [tabs, brief_pick, *brief_outputs], api_visibility="private")

        def for_user(request: gr.Request):
            """Per page load: who is logged in; readers see no upload/edit/remove/run controls (the
            handlers refuse them anyway)."""
            name = _user(request)
            role = auth.role_of(pipeline.settings.data_dir, name)
            shown = f"当前用户: **{name}** ({auth.ROLE_LABELS.get(role, role)})" if name else ""
            editing = role == "editor"
            return (shown, gr.update(value=h.audit_table(pipeline, name), visible=editing),
                    *[gr.update(visible=editing) for _ in editor_only])

        app.load(for_user, None, [who, log_view, *editor_only], api_visibility="private")
    return app


def _llm_ready(pipeline) -> bool:
    from rag.answer.llm import llm_configured

    return llm_configured(pipeline.settings)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(data_dir, host: str, no_auth: bool) -> None:
    """Refuse a non-loopback host without users (one line saying how to add them) unless no_auth."""
    if not no_auth and not is_loopback(host) and not auth.load_users(data_dir):
        raise InputError(f"拒绝在 {host} 上无登录运行: 先添加用户 (rag users add NAME --role editor), "
                         "或明确使用 --no-auth")


def launch(pipeline, host: str = "127.0.0.1", port: int = 7860, block: bool = True, no_auth: bool = False):
    """Serve the app. With users configured, Gradio's login checks their passwords; binding a
    non-loopback address without users is refused unless no_auth (then a banner says so)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    data_dir = pipeline.settings.data_dir
    check_bind(data_dir, host, no_auth)
    users = auth.load_users(data_dir)
    app = build_app(pipeline, NO_AUTH_BANNER if not users and not is_loopback(host) else None)
    app.queue(default_concurrency_limit=2)
    login = (lambda name, password: auth.verify(data_dir, name, password)) if users else None
    app.launch(server_name=host, server_port=port, css=render.CSS, prevent_thread_lock=not block,
               show_error=True, quiet=False, auth=login, auth_message="请用管理员分配的账号登录")
    return app
