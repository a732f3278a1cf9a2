"""Run the eval set through the LLM path against the local fake OpenAI-compatible server.

The fake "model" answers with the first sentence of the best-ranked passage that shares a
number-bearing term with the question, cited [n] — a plumbing run (prompt, streaming, citation
parsing, verification, refusals before the call), not a measure of any real model's quality.

    .venv/bin/python bench/eval_fake_llm.py --out evals/runs/fake-llm
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer.cite import REFUSAL  # noqa: E402
from rag.answer.respond import answer  # noqa: E402
from rag.evaluate import run_eval  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.settings import Settings  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402

_PASSAGE = re.compile(r'<passage n="(\d+)"[^\n]*heading="[^"]*">\n(.*?)\n</passage>', re.S)


def lead_sentence_model(request: dict) -> str:
    user = request["messages"][-1]["content"]
    question = user.rsplit("问题:", 1)[-1]
    grams = {question[i:i + 2] for i in range(len(question) - 1)}
    for n, text in _PASSAGE.findall(user):
        for sentence in re.split(r"(?<=[。;;])", text):
            if sum(g in sentence for g in grams) >= 4 and re.search(r"\d", sentence):
                return f"{sentence.strip()}[{n}]"
    return f"{REFUSAL}。"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "runs" / "fake-llm")
    args = parser.parse_args()
    with FakeOpenAI() as fake:
        fake.default = lead_sentence_model
        os.environ.setdefault("OPENAI_API_KEY", "sk-local-fake")
        pipeline = Pipeline(Settings(llm_model="fake-model", llm_base_url=fake.base_url))
        run_eval(pipeline, args.questions, args.out, retrieval_only=False,
                 answer=lambda q: answer(q, pipeline, mode="llm").to_json())
    print((args.out / "report.md").read_text(encoding="utf-8").split("## 答错")[0])


if __name__ == "__main__":
    main()
