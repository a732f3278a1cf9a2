"""The audit log: one JSON line per change to the library and per eval run, in DATA_DIR/audit.jsonl.

Each entry: time (UTC, ISO), user (the logged-in name, `cli` from the command line, `local` in a
login-free app), action (ingest, upload, edit, remove, eval), docs (the reports concerned, by
display name) and result. Secrets never reach it: every string passes through `redact`.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

SECRET_VARS = ("OPENAI_API_KEY", "RAG_CHROMA_TOKEN")
_LOCK = threading.Lock()


def redact(text: str) -> str:
    """Text with the value of every secret env var replaced by its name."""
    for name in SECRET_VARS:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, f"<{name}>")
    return text


def log_file(data_dir: Path) -> Path:
    return data_dir / "audit.jsonl"


def record(data_dir: Path, user: str, action: str, docs: list[str], result: str) -> dict:
    entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "user": user, "action": action,
             "docs": list(docs), "result": redact(" ".join(str(result).split()))}
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    data_dir.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(log_file(data_dir), "a", encoding="utf-8") as out:  # one write per line: O_APPEND
        out.write(line)
    return entry


def entries(data_dir: Path, last: int | None = None) -> list[dict]:
    path = log_file(data_dir)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crash is skipped, the rest stays readable
    return rows[-last:] if last else rows
