"""Eval harness: run a question set through the pipeline, write results.jsonl, report.json, report.md.

Each question carries a split: `dev` (tune on it), `test` (frozen, never used to choose a rule or a
threshold), `field` (documents that are not the seeds). Metrics live in `rag.eval_metrics`, reports
in `rag.eval_report`; both are re-exported here.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import InputError
from rag.eval_metrics import (answer_metrics, citation_scores, contains, first_hit_rank, is_correct,  # noqa: F401
                              is_relevant, refusal_metrics, retrieval_metrics)
from rag.eval_report import TYPES, build_report, compare_runs, render_markdown, saved_runs  # noqa: F401

SPLITS = ("dev", "test", "field")
ALL = "all"
_JSON_KINDS = {list: "数组", str: "字符串", int: "数字", float: "数字", bool: "布尔值", type(None): "null"}


def check_split(split: str) -> str:
    if split not in (*SPLITS, ALL):
        raise InputError(f"未知的划分 {split!r}: 可用 {'、'.join((*SPLITS, ALL))}")
    return split


PROJECT_EVALS = Path(__file__).resolve().parent.parent / "evals"


def allowed_questions_path(text: str, data_dir: Path) -> Path:
    """A question-set path typed in the app, accepted only inside the data dir or the project's
    evals/ (relative paths: from the working directory or the project). The refusal is the same
    whether or not the file exists, so the app never tells which server paths exist."""
    path = Path((text or "").strip()).expanduser()
    roots = [data_dir.resolve(), PROJECT_EVALS]
    tries = [path] if path.is_absolute() else [Path.cwd() / path, PROJECT_EVALS.parent / path]
    for candidate in (t.resolve() for t in tries):
        if any(candidate.is_relative_to(root) for root in roots):
            return candidate
    raise InputError("问题集只能是数据目录或项目 evals/ 目录下的 .jsonl 文件")


def load_questions(path: Path, split: str = ALL) -> list[dict]:
    """The questions of one JSONL file (one object per line), only those of `split` unless it is `all`."""
    check_split(split)
    path = Path(path)
    if path.is_dir():
        raise InputError(f"问题集应是一个 .jsonl 文件, 而这是目录: {path}")
    if not path.exists():
        raise InputError(f"找不到问题集: {path}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"问题集不是 UTF-8 编码 (第 {err.start} 字节无法解码): {path}") from err
    items, seen = [], set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            items.append(_parse_line(f"{path}:{number}", line, seen))
    if not items:
        raise InputError(f"问题集是空的: {path}")
    chosen = [i for i in items if split == ALL or i.get("split") == split]
    if not chosen:
        present = sorted({i.get("split") or "(无)" for i in items})
        raise InputError(f"{path} 中没有划分为 {split} 的题 (有: {'、'.join(present)})")
    return chosen


def _parse_line(where: str, line: str, seen: set[str]) -> dict:
    try:
        item = json.loads(line)
    except ValueError as err:
        raise InputError(f"{where}: 不是合法的 JSON ({err.msg}, 第 {err.colno} 列)") from err
    if not isinstance(item, dict):
        raise InputError(f"{where}: 每行应是一个 JSON 对象 {{...}}, 这一行是{_JSON_KINDS.get(type(item), '其他值')}")
    missing = [k for k in ("id", "question", "type") if k not in item]
    if missing:
        raise InputError(f"{where}: 缺少字段 {'、'.join(missing)}")
    if item["type"] not in TYPES:
        raise InputError(f"{where}: 类型 {item['type']!r} 无效 (可用: {'、'.join(TYPES)})")
    if item["id"] in seen:
        raise InputError(f"{where}: id {item['id']!r} 重复")
    if item.get("split") is not None and item["split"] not in SPLITS:
        raise InputError(f"{where}: 划分 {item['split']!r} 无效 (可用: {'、'.join(SPLITS)})")
    seen.add(item["id"])
    return item


def run_name(label: str = "") -> str:
    """A run directory name: the time to the second plus a random suffix, so two runs started in the
    same second never share a directory; sorts by time."""
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    return f"{name}-{label}" if label else name


def corpus_files(paths: list[Path]) -> list[Path]:
    """The report files under `paths`; README files describe a folder and are not reports."""
    from rag.ingest.load import find_files

    files = [f for f in find_files([Path(p) for p in paths]) if not f.name.lower().startswith("readme")]
    if not files:
        raise InputError(f"语料目录中没有报告文件: {' '.join(map(str, paths))}")
    return files


@contextmanager
def corpus_pipeline(paths: list[Path], settings=None) -> Iterator[tuple]:
    """(pipeline, ingest report) over a fresh temporary index holding only the reports under `paths`;
    the index is deleted afterwards. The embedder folder is shared with `settings` (not rebuilt)."""
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    files = corpus_files(paths)
    base = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        fresh = base.model_copy(update={"data_dir": Path(tmp), "model_cache": base.models_dir, "chroma_host": None})
        pipeline = Pipeline(fresh)
        yield pipeline, pipeline.ingest(files)


def run_eval(pipeline, questions: Path | list[dict], out: Path, retrieval_only: bool = True, mode: str = "hybrid",
             answer=None, progress=None, split: str = ALL) -> dict:
    """Run every question (of `split`); `answer(question) -> dict` adds answer fields when given;
    `progress(done, total)` is called after each question."""
    items = load_questions(questions, split) if isinstance(questions, (str, Path)) else list(questions)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with (out / "results.jsonl").open("w", encoding="utf-8") as sink:
        for number, item in enumerate(items, 1):
            if progress:
                progress(number - 1, len(items))
            result = _run_one(pipeline, item, mode, None if retrieval_only else answer)
            sink.write(json.dumps(result, ensure_ascii=False) + "\n")
            results.append(result)
    report = build_report(items, results, mode, split)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return report


def _run_one(pipeline, item: dict, mode: str, answer) -> dict:
    started = time.perf_counter()
    found = pipeline.search(item["question"], k=10, mode=mode)
    result = {
        "id": item["id"], "split": item.get("split"), "question": item["question"], "type": item["type"],
        "retrieved": [{"chunk_id": p.chunk_id, "source": p.source, "region": p.region, "year": p.year,
                       "text": p.text, "score": p.score} for p in found.passages],
        "notices": found.plan.notices,
    }
    if answer is not None:
        try:
            result.update(answer(item["question"]))
        except Exception as err:  # noqa: BLE001  one broken answer is a wrong answer, not a lost run
            result.update({"answer": "", "refused": False, "error": f"{type(err).__name__}: {err}"})
    result.setdefault("latency_ms", round((time.perf_counter() - started) * 1000, 1))
    return result
