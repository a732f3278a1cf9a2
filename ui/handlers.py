"""What the UI's events do: thin calls into the same functions the CLI uses, plus formatting.

Every exception in a handler becomes one line for the user (`error_line`); the log keeps the
traceback. Text shown as Markdown goes through render.inert_markdown."""
from __future__ import annotations

import functools
import logging
import queue
import threading
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from rag import audit, auth, corpus
from rag.answer.export import answer_markdown
from rag.answer.respond import answer
from rag.errors import InputError, RagError
from rag.evaluate import allowed_questions_path, compare_runs, run_eval, run_name, saved_runs
from rag.ingest.load import SUPPORTED
from rag.library import DOC_TYPES, origin, summary
from rag.progress import Tracker
from ui import charts, render

DOC_COLUMNS = ["地区", "省份", "年度", "类型", "标题", "简报", "块数", "指标数", "质量标记", "落款/发布", "签发日期",
               "发布日期", "元数据来源", "文件"]  # what a reader checks first on the left, before the table scrolls
DOC_TYPES_SHOWN = ["markdown" if c == "简报" else "str" for c in DOC_COLUMNS]  # only the link, which the app writes
BRIEF_PARAM = "brief"  # ?brief=<doc_id> opens the 简报 tab on that report
TYPE_CHOICES = [(label, key) for key, label in DOC_TYPES.items()]
UPLOAD_TYPES = sorted(SUPPORTED)
_SHOWN_ORIGINS = {"year": "年度", "region": "地区", "doc_type": "类型", "title": "标题"}
log = logging.getLogger(__name__)


def error_line(err: BaseException) -> str:
    """One line for the user: a RagError's own message, anything else by its kind (the log keeps
    the traceback)."""
    message = audit.redact(" ".join(str(err).split()))
    if isinstance(err, RagError):
        log.info("界面操作被拒绝: %s", message)
        return f"错误: {message}"
    log.error("界面操作出错: %s", message, exc_info=err)
    return f"内部错误 ({type(err).__name__}{': ' + message[:200] if message else ''}), 详情见服务日志"


def editor(pipeline, user: str | None) -> str:
    """Refuse (auth.Forbidden) unless the request's user may change the library; the name for the audit log."""
    auth.require_editor(pipeline.settings.data_dir, user)
    return user or "local"


def _audit(pipeline, user: str, action: str, docs: list[str], result: str) -> str:
    audit.record(pipeline.settings.data_dir, user, action, docs, result)
    return result


def audit_table(pipeline, user: str | None, last: int = 20) -> pd.DataFrame:
    """The latest audit entries, newest first, for editors (empty for anyone else)."""
    rows = [] if auth.role_of(pipeline.settings.data_dir, user) != "editor" else [
        [e["time"], e["user"], e["action"], "、".join(e.get("docs", [])), e["result"]]
        for e in reversed(audit.entries(pipeline.settings.data_dir, last))]
    return pd.DataFrame(rows, columns=["时间", "用户", "操作", "报告", "结果"])


def status(handler):
    """A handler whose result is a status line: any exception becomes that line, shown inert."""
    @functools.wraps(handler)
    def run(*args, **kwargs):
        try:
            return render.inert_markdown(handler(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - every failure must reach the user as one line
            return render.inert_markdown(error_line(err))
    return run


def filter_choices(pipeline) -> tuple[list[str], list[str]]:
    coverage = pipeline.coverage()
    years = sorted({str(y) for _, y in coverage.pairs if y})
    return coverage.regions, years


def ask(pipeline, message: str, chat: list, history: list, regions: list[str], years: list[str], mode: str):
    """Generator for the chat event: streams LLM tokens, then the verified answer and its sources.
    Yields (chat messages, sources html, history)."""
    message = (message or "").strip()
    if not message:
        yield chat, render.sources_html(history[-1] if history else None), history
        return
    chat = [*chat, {"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
    yield chat, render.sources_html(None), history
    tokens: queue.Queue = queue.Queue()
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = answer(message, pipeline, mode=mode, regions=regions or None,
                                   years=[int(y) for y in years] or None, history=history,
                                   on_token=tokens.put)
        except Exception as err:  # noqa: BLE001 - shown in the chat as one line, traceback logged
            box["error"] = error_line(err)
        finally:
            tokens.put(None)

    threading.Thread(target=work, daemon=True).start()
    streamed = ""
    while (delta := tokens.get()) is not None:
        streamed += delta
        chat[-1] = {"role": "assistant", "content": f"〔大模型〕 {render.inert_markdown(streamed)}"}
        yield chat, render.sources_html(None), history
    if "error" in box:
        chat[-1] = {"role": "assistant", "content": render.inert_markdown(box["error"])}
        yield chat, render.sources_html(None), history
        return
    result = box["result"]
    chat[-1] = {"role": "assistant", "content": render.chat_text(result)}
    yield chat, render.sources_html(result), [*history, result]


def export(pipeline, history: list) -> str | None:
    """Write the last answer with its sources as Markdown; returns the file path."""
    if not history:
        return None
    folder = pipeline.settings.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answer-{run_name()}.md"  # time + random suffix: two sessions never share a file
    path.write_text(answer_markdown(history[-1]), encoding="utf-8")
    return str(path)


def example_questions(pipeline) -> list[list[str]]:
    """The chat's example questions, made from the indexed reports (one sample per row)."""
    return [[q] for q in corpus.example_questions(pipeline)]


def brief_link(doc_id: str) -> str:
    return f"[简报](?{urlencode({BRIEF_PARAM: doc_id})})"


def documents_table(pipeline) -> pd.DataFrame:
    rows = []
    for report in corpus.reports(pipeline):
        doc = report.doc
        origins = " · ".join(f"{label}: {origin(doc, f)}" for f, label in _SHOWN_ORIGINS.items() if origin(doc, f))
        rows.append([doc.region, doc.province, doc.year or "", DOC_TYPES.get(doc.doc_type, doc.doc_type), doc.title,
                     brief_link(doc.doc_id), report.chunks, len(report.facts), " · ".join(report.flags),
                     doc.issuer or doc.publisher, doc.signed, doc.published, origins, doc.source])
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def document_choices(pipeline) -> list[str]:
    return [d.source for d, _ in pipeline.documents()]


def view_document(pipeline, source: str) -> str:
    for doc, _ in pipeline.documents():
        if doc.source == source:
            return render.document_html(doc)
    return ""


def edit_values(pipeline, source: str) -> tuple[str, str, str | None, str]:
    """The edit form's (year, region, type, title) for a report."""
    for doc, _ in pipeline.documents():
        if doc.source == source:
            return str(doc.year or ""), doc.region, doc.doc_type or None, doc.title
    return "", "", None, ""


@status
def save_metadata(pipeline, source: str, year: str, region: str, doc_type: str | None, title: str,
                  user: str | None = None) -> str:
    """The edit form's save: the same correction as `rag docs set` (blank fields stay as they are)."""
    who = editor(pipeline, user)
    if not source:
        return "请先选择一份报告。"
    blank = lambda v: None if v is None or not str(v).strip() else v  # noqa: E731
    doc, changed = pipeline.set_metadata(source, year=blank(year), region=blank(region),
                                         doc_type=blank(doc_type), title=blank(title))
    return _audit(pipeline, who, "edit", [doc.source],
                  f"已更新 {doc.source}: {summary(changed)}" if changed else f"{doc.source}: 元数据没有变化")


def delete_request(source: str) -> tuple[str, bool]:
    """First click on 删除: ask for confirmation; returns (message, show the confirm button)."""
    if not source:
        return "请先选择一份报告。", False
    return f"确定从索引中删除 {source}? 再点“确认删除”。", True


@status
def delete_document(pipeline, source: str, user: str | None = None) -> str:
    """The confirmed delete: the same removal as `rag remove`."""
    who = editor(pipeline, user)
    removed = pipeline.remove([source])
    message = "".join(f"已删除 {d.source} ({d.region or '地区不详'} {d.year or '年份不详'})" for d in removed)
    return _audit(pipeline, who, "remove", [d.source for d in removed], message)


@status
def upload(pipeline, files: list[str] | None, progress=None, user: str | None = None) -> str:
    """Ingest uploaded report files; returns a status line."""
    who = editor(pipeline, user)
    if not files:
        return f"请选择报告文件 ({' '.join(UPLOAD_TYPES)})。"
    shown = Tracker(lambda fraction, line: progress(fraction, desc=line)) if progress else None
    report = pipeline.ingest_uploads([Path(f) for f in files], shown and shown.file, shown and shown.step)
    lines = [f"新增 {len(report.added)} · 更新 {len(report.updated)} · 未变 {len(report.unchanged)} · "
             f"重复 {len(report.duplicates)} · 失败 {len(report.failed)} · 切块 {report.chunks}"]
    lines += [f"重复: {Path(path).name} 与已导入的 {existing} 内容完全相同, 未再导入" for path, existing in report.duplicates]
    lines += [f"错误: {message}" for _, message in report.failed]
    return _audit(pipeline, who, "upload", [*report.added, *report.updated], "\n\n".join(lines))


def runs_dir(pipeline) -> Path:
    return pipeline.settings.data_dir / "eval_runs"


def run_choices(pipeline) -> list[str]:
    return [p.name for p in saved_runs(runs_dir(pipeline))]


def evaluate(pipeline, questions: str, mode: str, progress=None, user: str | None = None):
    """Run an eval set; returns (metrics table, chart data, failures table, run name)."""
    who = editor(pipeline, user)
    out = runs_dir(pipeline) / run_name(mode)  # unique even for two runs in the same second
    questions = allowed_questions_path(questions, pipeline.settings.data_dir)  # never any server path
    report = run_eval(pipeline, questions, out, retrieval_only=False,
                      answer=lambda q: answer(q, pipeline, mode=mode).to_json(),
                      progress=(lambda done, total: progress(done / total, desc=f"{done}/{total}")) if progress else None)
    accuracy = (report.get("answers") or {}).get("accuracy")
    _audit(pipeline, who, "eval", [], f"{questions} → {out.name}, 准确率 {accuracy}")
    return (*report_tables(report), out.name)


def report_tables(report: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    answers = report.get("answers") or {}
    rows = []
    for name, ret in [("全部", report["retrieval"]), *report["retrieval_by_type"].items()]:
        acc = answers.get("accuracy") if name == "全部" else answers.get("accuracy_by_type", {}).get(name, {}).get("accuracy")
        rows.append([name, ret.get("n", 0), acc, ret.get("hit@1"), ret.get("hit@5"), ret.get("mrr")])
    if "unanswerable" in answers.get("accuracy_by_type", {}) and not any(r[0] == "unanswerable" for r in rows):
        rows.append(["unanswerable", answers["accuracy_by_type"]["unanswerable"]["n"],
                     answers["accuracy_by_type"]["unanswerable"]["accuracy"], None, None, None])
    metrics = pd.DataFrame(rows, columns=["类型", "n", "准确率", "hit@1", "hit@5", "MRR"])
    chart = pd.DataFrame([{"类型": t, "准确率": m["accuracy"]} for t, m in answers.get("accuracy_by_type", {}).items()])
    failures = pd.DataFrame([[f["id"], f["question"], f["expected"], f["got"][:300], "、".join(f["sources"])]
                             for f in report.get("failures", [])],
                            columns=["id", "问题", "期望", "得到", "检索来源"])
    return metrics, chart, failures


def compare(pipeline, a: str, b: str) -> pd.DataFrame:
    if not a or not b:
        return pd.DataFrame()
    return pd.DataFrame(compare_runs(runs_dir(pipeline) / a, runs_dir(pipeline) / b))


def brief_choices(pipeline) -> list[tuple[str, str]]:
    """(label, doc_id): one choice per report, even when two share a region and year."""
    return [(f"{d.region or '地区不详'} {d.year or ''}".strip(), d.doc_id) for d, _ in pipeline.documents()]


def make_brief(pipeline, choice: str, mode: str, progress=None) -> tuple[str, str | None, str | None]:
    """Generate a brief of a report (its doc_id, or "region|year"); returns (Markdown, path of the
    .md file, path of the .docx file)."""
    from rag.brief import build_brief
    from rag.brief_docx import write_docx

    if not choice:
        return "请选择一份报告。", None, None
    try:
        if "|" in choice:
            region, _, year = choice.partition("|")
            brief = build_brief(pipeline, region, int(year) if year else None, mode,
                                (lambda f, what: progress(f, desc=what)) if progress else None)
        else:
            if choice not in {d.doc_id for d, _ in pipeline.documents()}:
                raise InputError("这份报告已不在索引中, 请重新选择。")
            brief = build_brief(pipeline, "", None, mode, (lambda f, what: progress(f, desc=what)) if progress else None,
                                doc_id=choice)
    except Exception as err:  # noqa: BLE001 - one line in the brief view, traceback logged
        return render.inert_markdown(error_line(err)), None, None
    folder = pipeline.settings.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"简报-{brief.region or '地区不详'}-{brief.year or '未知'}-{run_name()}.md"
    path.write_text(brief.markdown, encoding="utf-8")
    return render.inert_markdown(brief.markdown), str(path), str(write_docx(brief.markdown, path.with_suffix(".docx")))


def brief_parts(markdown: str) -> tuple[str, str, str]:
    """A brief's (first screen, appendix, sources) for the app's view and its two folded sections."""
    from rag.brief import APPENDIX

    head, _, rest = markdown.partition(render.inert_markdown(APPENDIX))
    detail, _, sources = rest.partition("\n## 来源")
    return head, (APPENDIX + detail if rest else ""), ("## 来源" + sources if sources else "")


def indicator_choices(pipeline) -> list[str]:
    return pipeline.facts.indicators(pipeline.settings.index_fingerprint)


def compare_table(pipeline, names: list[str]) -> tuple[pd.DataFrame, str]:
    """(table with cited sentences, charts as inline SVG: one per unit) for the picked indicators."""
    from rag.compare import compare, table_rows

    results = [compare(pipeline, name) for name in names or []]
    table = pd.DataFrame(table_rows(results), columns=["指标", "地区", "年度", "数值", "原文"])
    return table, charts.charts_html(results)
