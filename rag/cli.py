"""`rag` command line: ingest, search, ask, brief, compare, docs (set), remove, eval, serve, users, log.
User errors print one line, never a traceback. Changes to the library and eval runs are audited as `cli`."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rag.errors import IndexMissing, RagError

_FLAG_NAMES = {"已知垃圾信息模式": "垃圾信息", "机构名位置出现异常文字": "机构名异常"}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        from rag.settings import load_settings

        load_settings()  # a mistyped RAG_ variable is one line before any work, whatever the command
        return args.func(args) or 0
    except RagError as err:
        print(f"错误: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # an output path that cannot be written, a full disk
        print(f"错误: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="法治政府建设报告问答助手")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("ingest", help="导入报告文件或目录 (默认 seeds/)")
    p.add_argument("paths", nargs="*", type=Path)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="检索相关段落")
    p.add_argument("question")
    _filters(p)
    p.add_argument("-k", type=int, default=5, help="返回段落数")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="提问,得到带引用的回答")
    p.add_argument("question")
    _filters(p)
    p.add_argument("--mode", choices=["auto", "llm", "extractive"], default="auto",
                   help="auto: 配置了大模型就用大模型,否则抽取式")
    p.add_argument("--json", action="store_true", help="输出与评测结果相同的 JSON 对象")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("brief", help="生成地区报告简报 (Markdown 或 Word)")
    p.add_argument("region", nargs="?")
    p.add_argument("--year", type=int)
    p.add_argument("--out", type=Path, help="写入文件: .md, 或 .docx (Word)")
    p.add_argument("--all", action="store_true", help="为每份报告生成简报")
    p.add_argument("--out-dir", type=Path, help="与 --all 一起: 输出目录")
    p.add_argument("--docx", action="store_true", help="与 --all 一起: 每份简报另存一份 .docx")
    p.add_argument("--mode", choices=["auto", "llm", "extractive"], default="auto")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("compare", help="按指标比较各地区 (如 纠错率、败诉率、法律援助案件)")
    p.add_argument("indicator")
    p.add_argument("--regions", nargs="*", help="只比较这些地区")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("docs", help="列出已导入的报告: 元数据及其来源、质量标记; `rag docs set` 更正元数据")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)
    docs = p.add_subparsers(dest="docs_command")
    s = docs.add_parser("set", help="更正一份报告的元数据 (写入 <文件>.meta.json, 更新索引, 不重新向量化)")
    s.add_argument("file", help="文件路径、显示名或 doc_id")
    s.add_argument("--year", help="报告所述年度")
    s.add_argument("--region", help="地区, 如 长沙市芙蓉区")
    s.add_argument("--type", dest="doc_type", help="类型: " + " ".join(_doc_types()))
    s.add_argument("--title", help="标题")
    s.add_argument("--issuer", help="落款单位")
    s.set_defaults(func=cmd_docs_set)

    p = sub.add_parser("remove", help="从索引中删除报告 (向量、检索索引、目录、指标)")
    p.add_argument("files", nargs="+", help="文件路径、显示名或 doc_id")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("check", help="核对向量库、检索索引、目录和指标表是否一致, 并修复不一致之处")
    p.add_argument("--dry-run", action="store_true", help="只报告, 不修复")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("serve", help="启动网页界面 (首次运行时导入 seeds/)")
    p.add_argument("--host", default="127.0.0.1", help="监听地址 (默认只在本机 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--no-auth", action="store_true", help="没有用户时也允许在非本机地址上运行 (不登录, 页面显示警告)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("users", help="管理网页登录用户: add | list | remove")
    users = p.add_subparsers(dest="users_command", required=True)
    u = users.add_parser("add", help="添加或更新用户 (密码在终端输入, 或从标准输入读一行)")
    u.add_argument("name")
    u.add_argument("--role", choices=["reader", "editor"], required=True, help="reader: 只读; editor: 可修改文档库")
    u.set_defaults(func=cmd_users_add)
    u = users.add_parser("list", help="列出用户及其角色")
    u.set_defaults(func=cmd_users_list)
    u = users.add_parser("remove", help="删除用户")
    u.add_argument("name")
    u.set_defaults(func=cmd_users_remove)

    p = sub.add_parser("log", help="显示操作记录 (导入、更正、删除、评测: 时间、用户、操作、报告、结果)")
    p.add_argument("-n", type=int, default=50, help="显示最近几条 (默认 50)")
    p.add_argument("--json", action="store_true", help="每条一行 JSON")
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("eval", help="在问题集上评测 (按 dev/test/field 划分分别报告)")
    p.add_argument("--questions", type=Path, default=Path("evals/questions.jsonl"))
    p.add_argument("--split", default="all", help="只评测这一划分: dev | test | field | all (默认 all)")
    p.add_argument("--corpus", type=Path, action="append",
                   help="先把这些目录导入一个全新的临时索引, 再在其上评测 (可多次; 不用则用当前索引)")
    p.add_argument("--out", type=Path, help="输出目录 (默认 evals/runs/<时间-随机后缀-划分>)")
    p.add_argument("--retrieval-only", action="store_true")
    p.add_argument("--answer-mode", choices=["auto", "llm", "extractive"], default="auto", help="回答方式")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid", help="检索方式")
    p.set_defaults(func=cmd_eval)
    return parser


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", action="append", help="地区 (可多次)")
    p.add_argument("--year", action="append", type=int, help="年份 (可多次)")


def _pipeline():
    from rag.pipeline import Pipeline

    return Pipeline()


def cmd_ingest(args) -> int:
    from rag.ingest.load import find_files
    from rag.progress import TerminalLines

    paths = args.paths or [Path("seeds")]
    pipeline = _pipeline()
    started = time.perf_counter()
    try:
        sizes = {p.name: p.stat().st_size for p in find_files(paths) if p.is_file()}
    except (RagError, OSError):
        sizes = {}  # the ingest itself says what is wrong
    shown = TerminalLines(sizes)
    try:
        report = pipeline.ingest(paths, shown.file, shown.step)
    finally:
        shown.close()
    _audit(pipeline, "ingest", [*report.added, *report.updated],
           f"新增 {len(report.added)} · 更新 {len(report.updated)} · 失败 {len(report.failed)}")
    seconds = time.perf_counter() - started
    print(f"新增 {len(report.added)} · 更新 {len(report.updated)} · 未变 {len(report.unchanged)} · "
          f"重复 {len(report.duplicates)} · 失败 {len(report.failed)} · 切块 {report.chunks} · 用时 {seconds:.1f}s")
    for path, existing in report.duplicates:
        print(f"重复: {path} 与已导入的 {existing} 内容完全相同, 未再导入")
    for path, message in report.failed:
        print(f"错误: {message}", file=sys.stderr)
    return 2 if report.failed else 0


def cmd_check(args) -> int:
    pipeline = _pipeline()
    health = pipeline.check(repair=not args.dry_run)
    for line in health.repairs:
        print(("发现: " if args.dry_run else "修复: ") + line)
    if health.reingested:
        print(f"重新导入 {len(health.reingested.added)} 份报告 · 切块 {health.reingested.chunks}")
    print(f"{'一致' if not health.repairs else ('不一致' if args.dry_run else '已修复')}: "
          f"{len(pipeline.documents())} 份报告 · 向量库 {pipeline.store.count()} 个段落 · "
          f"检索索引 {len(pipeline.lexical.rows) if pipeline.store.count() else 0} 个段落")
    return 1 if health.repairs and args.dry_run else 0


def cmd_search(args) -> int:
    result = _pipeline().search(args.question, args.k, args.region, args.year, args.mode)
    if args.json:
        print(json.dumps({"regions": result.plan.regions, "years": result.plan.years,
                          "notices": result.plan.notices,
                          "passages": [p.to_json() for p in result.passages]}, ensure_ascii=False, indent=1))
        return 0
    for notice in result.plan.notices:
        print(f"注意: {notice}")
    if not result.passages:
        print("没有找到相关段落。")
    for n, p in enumerate(result.passages, 1):
        year = f"{p.year}年" if p.year else "年份不详"
        flag = " [含可疑文字]" if p.flags else ""
        print(f"[{n}] {p.region} {year} · {p.heading or p.title} · {p.source} · {p.score:.4f}{flag}")
        print(f"    {p.text}\n")
    return 0


def cmd_ask(args) -> int:
    from rag.answer.respond import answer

    streamed = []

    def on_token(delta: str) -> None:
        if not args.json:
            if not streamed:
                print("[大模型回答] ", end="", flush=True)
            streamed.append(delta)
            print(delta, end="", flush=True)

    result = answer(args.question, _pipeline(), mode=args.mode, regions=args.region, years=args.year,
                    on_token=on_token)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    if streamed:
        print("\n")
    for notice in result.notices:
        print(f"注意: {notice}")
    if not streamed or result.mode == "extractive":
        print(result.answer)
    elif result.answer != "".join(streamed).strip():
        print(f"(核对后的回答)\n{result.answer}")
    print(render_checks(result))
    return 0


def render_checks(result) -> str:
    """Sources and verification results, as shown under an answer."""
    lines = [f"\n模式: {'大模型' if result.mode == 'llm' else '抽取式'}"]
    if result.unverified:
        lines.append(f"⚠ 未能在引用段落中核实的数字: {'、'.join(result.unverified)}")
    if result.invalid_markers:
        lines.append(f"⚠ 已删除无效引用标记: {'、'.join(f'[{n}]' for n in result.invalid_markers)}")
    for c in result.citations:
        year = f"{c.year}年" if c.year else ""
        lines.append(f"[{c.n}] {c.region}{year} · {c.heading or c.title} · {c.source}")
    return "\n".join(lines)


def cmd_brief(args) -> int:
    from rag.brief import build_brief
    from rag.brief_docx import write_docx
    from rag.errors import InputError

    pipeline = _pipeline()
    if args.all:
        if not args.out_dir:
            raise InputError("--all 需要 --out-dir 目录")
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for doc, _ in pipeline.documents():  # one file per report, even when two share a region and year
            brief = build_brief(pipeline, doc.region, doc.year, args.mode, doc_id=doc.doc_id)
            path = args.out_dir / f"{doc.region or '地区不详'}-{doc.year or '未知'}-{Path(doc.source).stem}.md"
            path.write_text(brief.markdown, encoding="utf-8")
            if args.docx:
                write_docx(brief.markdown, path.with_suffix(".docx"))
            flag = f" ⚠ 未核实: {'、'.join(brief.unverified)}" if brief.unverified else ""
            print(f"{path} ({len(brief.cited)} 处引用){flag}")
        return 0
    if not args.region:
        raise InputError("请给出地区 (如 rag brief 本溪),或用 --all --out-dir DIR")
    brief = build_brief(pipeline, args.region, args.year, args.mode)
    if args.out:
        if args.out.suffix.lower() == ".docx":
            write_docx(brief.markdown, args.out)
        else:
            args.out.write_text(brief.markdown, encoding="utf-8")
        print(f"已写入 {args.out} ({len(brief.cited)} 处引用)")
    else:
        print(brief.markdown)
    return 0


def cmd_compare(args) -> int:
    from rag.compare import compare, to_markdown

    pipeline = _pipeline()
    if not pipeline.documents():
        raise IndexMissing("索引是空的: 请先运行 `rag ingest` 导入报告")
    result = compare(pipeline, args.indicator, args.regions)
    if args.json:
        print(json.dumps({"indicator": result.indicator, "unit": result.unit, "missing": result.missing,
                          "rows": [{"n": n, **vars(f)} for n, f in result.rows]}, ensure_ascii=False, indent=1))
        return 0
    print(to_markdown(result))
    if result.rows:
        print("\n来源:")
    for n, fact in result.rows:
        print(f"[{n}] {fact.region}{fact.year or ''}年 · chunk {fact.chunk_id}")
    return 0


def _doc_types() -> list[str]:
    from rag.library import DOC_TYPES

    return list(DOC_TYPES)


def cmd_docs(args) -> int:
    from rag.library import FIELD_LABELS, describe

    docs = _pipeline().documents()
    if args.json:  # meta() carries provenance: {field: {source, confidence}}
        print(json.dumps([{**d.meta(), "chunks": n} for d, n in docs], ensure_ascii=False, indent=1))
        return 0
    if not docs:
        print("还没有导入报告: 运行 `rag ingest`")
    for doc, chunks in docs:
        print(f"{doc.region or '地区不详'} {doc.year or '?'} · {doc.title} · {doc.source}")
        for group in (("year", "region", "doc_type"), ("title",), ("issuer", "signed", "published")):
            print("    " + " · ".join(f"{FIELD_LABELS[f]} {describe(doc, f)}" for f in group))
        print(f"    省份 {doc.province or '-'} · 发布机构 {doc.publisher or '-'} · {chunks} 块 · "
              f"编码 {doc.encoding} · doc_id {doc.doc_id}")
        for span in doc.flags:
            note = f" (应为“{span.replacement}”)" if span.replacement else ""
            print(f"    ⚠ {_FLAG_NAMES.get(span.reason, span.reason)}: “{span.text}” @{span.start}{note}")
    return 0


def cmd_docs_set(args) -> int:
    from rag.errors import InputError
    from rag.library import summary

    fields = {k: getattr(args, k) for k in ("year", "region", "doc_type", "title", "issuer")}
    if all(v is None for v in fields.values()):
        raise InputError("请至少给出一项更正: --year --region --type --title --issuer")
    pipeline = _pipeline()
    doc, changed = pipeline.set_metadata(args.file, **fields)
    _audit(pipeline, "edit", [doc.source], summary(changed) if changed else "元数据没有变化")
    if not changed:
        print(f"{doc.source}: 元数据没有变化")
        return 0
    where = f"已写入 {doc.path}.meta.json" if Path(doc.path).exists() else "原文件已不在, 未写元数据文件"
    print(f"已更新 {doc.source}: {summary(changed)} ({where})")
    return 0


def cmd_remove(args) -> int:
    pipeline = _pipeline()
    removed = pipeline.remove(args.files)
    _audit(pipeline, "remove", [d.source for d in removed], f"已删除 {len(removed)} 份")
    for doc in removed:
        print(f"已删除 {doc.source} ({doc.region or '地区不详'} {doc.year or '年份不详'})")
    return 0


def _audit(pipeline, action: str, docs: list[str], result: str) -> None:
    from rag.audit import record

    record(pipeline.settings.data_dir, "cli", action, docs, result)


def _data_dir() -> Path:
    from rag.settings import Settings

    return Settings().data_dir


def cmd_users_add(args) -> int:
    import getpass

    from rag.auth import add_user

    if sys.stdin.isatty():
        password = getpass.getpass(f"{args.name} 的密码: ")
        if getpass.getpass("再输入一次: ") != password:
            from rag.errors import InputError

            raise InputError("两次输入的密码不一致")
    else:
        password = sys.stdin.readline().rstrip("\n")
    new = add_user(_data_dir(), args.name, args.role, password)
    print(f"{'已添加' if new else '已更新'}用户 {args.name} ({args.role})")
    return 0


def cmd_users_list(args) -> int:
    from rag.auth import load_users

    users = load_users(_data_dir())
    if not users:
        print("还没有用户: 运行 `rag users add NAME --role reader|editor`")
    for name, user in sorted(users.items()):
        print(f"{name}\t{user.get('role')}")
    return 0


def cmd_users_remove(args) -> int:
    from rag.auth import remove_user

    remove_user(_data_dir(), args.name)
    print(f"已删除用户 {args.name}")
    return 0


def cmd_log(args) -> int:
    from rag.audit import entries, log_file

    rows = entries(_data_dir(), args.n)
    if not rows and not args.json:
        print(f"还没有操作记录 ({log_file(_data_dir())})")
    for e in rows:
        print(json.dumps(e, ensure_ascii=False) if args.json else
              f"{e['time']}  {e['user']}  {e['action']}  {'、'.join(e.get('docs', [])) or '-'}  {e['result']}")
    return 0


def cmd_serve(args) -> int:
    from rag.errors import InputError
    from ui.app import check_bind, launch

    check_bind(_data_dir(), args.host, args.no_auth)  # before the index loads
    pipeline = _pipeline()
    for line in pipeline.check().repairs:  # a crash last time is repaired before the first question
        print(f"修复: {line}", flush=True)
    if not pipeline.documents() and Path("seeds").is_dir():
        print("索引为空,正在导入 seeds/ ...", flush=True)
        report = pipeline.ingest([Path("seeds")])
        print(f"已导入 {len(report.added)} 份报告, {report.chunks} 个段落", flush=True)
    print(f"打开 http://{args.host}:{args.port}", flush=True)
    try:
        launch(pipeline, args.host, args.port, no_auth=args.no_auth)
    except OSError as err:  # gradio raises it before serving: the port is taken or the address is not ours
        raise InputError(f"无法在 {args.host}:{args.port} 启动网页界面: 端口已被占用或地址不可用 (换一个 --port)") from err
    return 0


def cmd_eval(args) -> int:
    from contextlib import nullcontext

    from rag.answer.respond import answer
    from rag.evaluate import corpus_pipeline, load_questions, run_eval, run_name

    items = load_questions(args.questions, args.split)  # a bad file fails before any ingest
    out = args.out or Path("evals/runs") / run_name(args.split)
    with corpus_pipeline(args.corpus) if args.corpus else nullcontext((_pipeline(), None)) as (pipeline, ingested):
        if ingested is not None:
            print(f"临时索引: {len(ingested.added)} 份报告 · {ingested.chunks} 个段落 · 失败 {len(ingested.failed)}",
                  file=sys.stderr)
            for _, message in ingested.failed:
                print(f"错误: {message}", file=sys.stderr)
        report = run_eval(pipeline, items, out, retrieval_only=args.retrieval_only, mode=args.mode,
                          answer=lambda q: answer(q, pipeline, mode=args.answer_mode).to_json(), split=args.split)
    from rag.audit import record

    record(_data_dir(), "cli", "eval", [], f"{args.questions} → {out}")  # the user's data dir, also with --corpus
    print((out / "report.md").read_text(encoding="utf-8"))
    if report.get("errors"):
        print(f"⚠ {len(report['errors'])} 题回答时出错, 计为答错 (见 {out / 'report.md'})", file=sys.stderr)
    print(f"已写入 {out}", file=sys.stderr)
    return 0 if report else 1


if __name__ == "__main__":
    sys.exit(main())
