"""Concurrent sessions against the running app through gradio_client: chats, with an upload in the middle.

Each session is its own gradio_client.Client (its own Gradio session) asking one question; one more
session uploads a new report once the first answers have arrived. Prints and saves p50/p95 of the
answer latency (after one cold first question, timed apart), the upload's time and the error count
to bench/results/concurrency.json.

    python bench/concurrency.py            # 20 chat sessions (what issue 11 asks) over a fresh index of seeds/
    python bench/concurrency.py --sessions 40
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (question, a fragment its own answer holds and no other question's answer does)
QUESTIONS = [
    ("芙蓉区2023年行政复议纠错率是多少?", "20.93%"),
    ("本溪2022年一审行政诉讼败诉率是多少?", "12.71%"),
    ("本溪2022年行政复议纠错率是多少?", "23.29%"),
    ("平顶山市政府督查机构2021年跟踪督办了多少项重点工作?", "121项"),
    ("平遥2021年行政复议收了多少件?", "平遥县没有2021年的报告"),
    ("大连市2022年的法律援助案件有多少件?", "大连市"),
]
UPLOAD_TEXT = ("泸州市2021年法治政府建设工作报告\n"
               "2021年,泸州市全面推进依法行政。全年共办理行政复议案件417件,行政复议纠错率为8.76%。\n"
               "泸州市人民政府\n2022年1月20日\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _text(content) -> str:
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def run_sessions(url: str, sessions: int, upload: Path | None = None) -> dict:
    """Drive `sessions` chats (questions in turn) and, if given, one upload once an answer is in.
    Returns {"chats": [{question, expected, answer, user, seconds, error}], "upload": {...}}."""
    from gradio_client import Client, handle_file

    chats: list[dict] = [{} for _ in range(sessions)]
    first_answer = threading.Event()
    upload_result: dict = {}

    def chat(slot: int) -> None:
        question, expected = QUESTIONS[slot % len(QUESTIONS)]
        record = chats[slot]
        record.update(question=question, expected=expected, error=None)
        started = time.perf_counter()
        try:
            messages, _sources, *_ = Client(url, verbose=False).predict(question, [], [], [], "extractive",
                                                                          api_name="/chat")
            record.update(answer=_text(messages[-1]["content"]), user=_text(messages[-2]["content"]))
        except Exception as err:  # noqa: BLE001  counted, not raised: the figure is the error count
            record["error"] = f"{type(err).__name__}: {err}"
        record["seconds"] = round(time.perf_counter() - started, 3)
        first_answer.set()

    def send_upload() -> None:
        first_answer.wait(timeout=600)
        started = time.perf_counter()
        try:
            status, *_ = Client(url, verbose=False).predict([handle_file(str(upload))], api_name="/upload")
            upload_result.update(status=status, error=None)
        except Exception as err:  # noqa: BLE001
            upload_result.update(status="", error=f"{type(err).__name__}: {err}")
        upload_result["seconds"] = round(time.perf_counter() - started, 3)

    threads = [threading.Thread(target=chat, args=(slot,)) for slot in range(sessions)]
    if upload is not None:
        threads.append(threading.Thread(target=send_upload))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"chats": chats, "upload": upload_result}


def wrong_answers(chats: list[dict]) -> list[dict]:
    """Chats whose answer is not their own: an error, another question echoed back, its own fragment
    missing or another question's fragment present."""
    fragments = {expected for _, expected in QUESTIONS}
    return [c for c in chats if c.get("error") or c.get("user") != c["question"]
            or c["expected"] not in c.get("answer", "")
            or any(f in c.get("answer", "") for f in fragments - {c["expected"]})]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "concurrency.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from rag.pipeline import Pipeline
    from rag.settings import load_settings
    from ui.app import launch

    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        base = load_settings()
        pipeline = Pipeline(base.model_copy(update={"data_dir": Path(tmp) / "data", "model_cache": base.models_dir}))
        pipeline.ingest([ROOT / "seeds"])
        upload = Path(tmp) / "泸州市2021年报告.txt"
        upload.write_text(UPLOAD_TEXT, encoding="utf-8")
        port = free_port()
        app = launch(pipeline, "127.0.0.1", port, block=False)
        try:
            # the first question of a fresh server loads the question encoder and the indexes: timed
            # apart, so p50/p95 are the sessions' own latency under load, not one cold start shared
            cold = run_sessions(f"http://127.0.0.1:{port}/", 1)["chats"][0]
            started = time.perf_counter()
            result = run_sessions(f"http://127.0.0.1:{port}/", args.sessions, upload)
            wall = time.perf_counter() - started
        finally:
            app.close()
    seconds = [c["seconds"] for c in result["chats"]]
    figures = {
        "sessions": args.sessions, "errors": sum(bool(c.get("error")) for c in result["chats"])
        + bool(result["upload"].get("error")), "wrong_answers": len(wrong_answers(result["chats"])),
        "p50_s": round(statistics.median(seconds), 2), "p95_s": round(percentile(seconds, 0.95), 2),
        "max_s": round(max(seconds), 2), "wall_s": round(wall, 2), "upload_s": result["upload"].get("seconds"),
        "first_answer_cold_s": cold["seconds"],
        "upload_status": result["upload"].get("status", "").splitlines()[:1],
        "queue_concurrency": 2,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0 if not figures["errors"] and not figures["wrong_answers"] else 1


if __name__ == "__main__":
    sys.exit(main())
