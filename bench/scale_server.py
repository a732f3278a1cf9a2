"""The scale-out path beside the embedded one: an index that `bench/scale.py --work DIR` built is
served by a Chroma server (`chroma run` on 127.0.0.1, the very same persisted folder, so the chunks
and vectors are identical), and the same fresh-process probe (first search, hybrid search and
extractive answer p50/p95 on the same 20 dev questions, client RSS) runs against it, then again
embedded, in the same run. The server's own peak RSS is read from /proc. Writes
bench/results/scale_server.json.

    .venv/bin/python bench/scale_server.py --work DIR [--sizes 10000 100000]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import probe  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


def measure(size: int, work: Path, model_cache: Path) -> dict:
    data = work / f"data_{size}"
    if not (data / "chroma").is_dir():
        raise SystemExit(f"{data}: no index; build it first with bench/scale.py --sizes {size} --work {work}")
    port, log = free_port(), work / f"chroma_{size}.log"
    binary = Path(sys.executable).parent / "chroma"
    with log.open("wb") as out:
        server = subprocess.Popen([str(binary), "run", "--path", str(data / "chroma"), "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        started = time.perf_counter()
        while not serving(f"http://127.0.0.1:{port}/api/v2/heartbeat"):
            if server.poll() is not None:
                raise SystemExit(f"chroma run exited: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        figures = {"size": size, "server_start_s": round(time.perf_counter() - started, 1),
                   "server": probe(data, model_cache, {"RAG_CHROMA_HOST": "127.0.0.1", "RAG_CHROMA_PORT": str(port)})}
        figures["server"]["server_rss_mb"] = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    figures["embedded"] = probe(data, model_cache)  # the same folder opened in-process, same run
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True, help="the --work folder of bench/scale.py")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale_server.json")
    parser.add_argument("--model-cache", type=Path, default=Path(os.environ.get("RAG_MODEL_CACHE", ROOT / ".rag" / "models")))
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        results.append(measure(size, args.work, args.model_cache))
        print(json.dumps(results[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("| chunks | where | first search s | search p50/p95 ms | answer p50/p95 ms | client RSS MB | server RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        for where in ("embedded", "server"):
            p = r[where]
            print(f"| {r['size']} | {where} | {p['first_search_s']} | {p['search']['p50']}/{p['search']['p95']} | "
                  f"{p['answer']['p50']}/{p['answer']['p95']} | {p['rss_mb']} | {p.get('server_rss_mb', '-')} |")


if __name__ == "__main__":
    main()
