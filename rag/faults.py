"""Named crash points for the fault tests: RAG_FAULT_POINT=name (or name:N for its N-th pass) makes
the process SIGKILL itself there, so a test can stop an ingest at an exact step instead of a timed kill."""
from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def point(name: str) -> None:
    wanted = os.environ.get("RAG_FAULT_POINT")
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
