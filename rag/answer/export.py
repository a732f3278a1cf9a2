"""An answer with its sources as Markdown: what the user copies or downloads."""
from __future__ import annotations

from rag.types import Answer


def answer_markdown(result: Answer) -> str:
    mode = "大模型" if result.mode == "llm" else "抽取式(未使用大模型)"
    lines = [f"## 问题\n\n{result.question}\n", f"## 回答({mode})\n", result.answer, ""]
    if result.notices:
        lines += [f"> 注意: {n}" for n in result.notices] + [""]
    if result.unverified:
        lines += [f"> ⚠ 未能在引用段落中核实的数字: {'、'.join(result.unverified)}", ""]
    if result.citations:
        lines.append("## 来源\n")
    for c in result.citations:
        year = f"{c.year}年" if c.year else ""
        lines.append(f"[{c.n}] {c.region}{year} 《{c.title}》 {c.heading} ({c.source})\n")
        lines.append("> " + c.text.replace("\n", "\n> ") + "\n")
    return "\n".join(lines).rstrip() + "\n"
