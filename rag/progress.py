"""Ingest progress: which file of how many, and where inside a file the work is.

`Pipeline.ingest` reports files through `progress(number, total, name)` and the steps of the file
at hand through `steps(step, done, of)`: read, clean, spam, meta, chunk, embed (done of `of` texts,
several times for a big file), store, facts. `Tracker` turns both into one fraction and one line, so
the app's upload bar and the CLI show the same thing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

STEP_LABELS = {"read": "读取", "clean": "清洗", "spam": "识别垃圾信息", "meta": "元数据", "chunk": "切块",
               "embed": "向量化", "store": "写入索引", "facts": "提取指标"}
# where each step starts within a file's time (embedding takes most of it)
_STEP_STARTS = {"read": 0.0, "clean": 0.02, "spam": 0.04, "meta": 0.05, "chunk": 0.06, "embed": 0.08,
                "store": 0.9, "facts": 0.95}
_EMBED_SHARE = _STEP_STARTS["store"] - _STEP_STARTS["embed"]

Steps = Callable[[str, int, int], None]


def quiet(step: str, done: int = 0, of: int = 0) -> None:
    """Steps for a caller who does not listen."""


def step_line(name: str, step: str, done: int = 0, of: int = 0) -> str:
    """'report.txt: 向量化 256/6016'."""
    return f"{name}: {STEP_LABELS.get(step, step)}" + (f" {done}/{of}" if of else "")


@dataclass
class Tracker:
    """Files and steps as (fraction of the whole batch, line) for `show`."""

    show: Callable[[float, str], None]
    number: int = 1
    total: int = 1
    name: str = ""

    def file(self, number: int, total: int, name: str) -> None:
        self.number, self.total, self.name = number, total, name
        self.show((number - 1) / total, f"{number}/{total} {name}")

    def step(self, step: str, done: int = 0, of: int = 0) -> None:
        within = _STEP_STARTS.get(step, 0.0) + (_EMBED_SHARE * done / of if step == "embed" and of else 0.0)
        prefix = f"{self.number}/{self.total} " if self.total > 1 else ""
        self.show((self.number - 1 + within) / self.total, prefix + step_line(self.name, step, done, of))


class TerminalLines:
    """What `rag ingest` shows on stderr: a bar over the files when there are several, and for a big
    file (BIG bytes or more) one line per step, embedding at most once per tenth of its texts."""

    BIG = 256 * 1024

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes, self.bar, self.name, self.tenth = sizes, None, "", -1

    def file(self, number: int, total: int, name: str) -> None:
        import sys

        from tqdm import tqdm

        if self.bar is None and total > 1:
            self.bar = tqdm(total=total, unit="文件", file=sys.stderr)
        if self.bar:
            self.bar.set_postfix_str(name[:30])
            self.bar.update(1)
        self.name, self.tenth = name, -1

    def step(self, step: str, done: int = 0, of: int = 0) -> None:
        if self.sizes.get(self.name, 0) < self.BIG:
            return
        if step == "embed" and of:
            tenth = done * 10 // of
            if tenth == self.tenth:
                return
            self.tenth = tenth
        self.say(step_line(self.name, step, done, of))

    def say(self, line: str) -> None:
        import sys

        if self.bar:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar:
            self.bar.close()
