"""Prompt templates kept as Markdown files in `prompts/`, rendered strictly.

A template is `prompts/<name>.md` with `{placeholder}` fields (literal braces are `{{` and `}}`).
`render` refuses both a placeholder left without a value and a value for a placeholder the file
does not have, so a renamed field fails loudly instead of sending "{passages}" to a model.
"""
from __future__ import annotations

import re
import string
from pathlib import Path

from rag.errors import RagError

_REPO_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class PromptError(RagError):
    """A prompt template is missing, malformed, or was rendered with the wrong values."""


def prompts_dir() -> Path:
    """The repository's `prompts/` (parent of the `rag` package), else `./prompts`."""
    return _REPO_PROMPTS if _REPO_PROMPTS.is_dir() else Path.cwd() / "prompts"


def load_prompt(name: str) -> str:
    """The raw text of `prompts/<name>.md`."""
    if not _NAME.match(name):
        raise PromptError(f"提示词名称无效: {name!r}")
    path = prompts_dir() / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"找不到提示词文件 {path}: {exc.strerror or exc}") from exc


def fields(template: str, name: str = "<template>") -> set[str]:
    """The named placeholders of a template; positional or attribute/index fields are refused."""
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        raise PromptError(f"提示词 {name} 格式错误 ({exc}); 字面花括号请写成 {{{{ }}}}") from exc
    for _, field, _, _ in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            raise PromptError(f"提示词 {name} 的占位符 {{{field}}} 无效: 只允许 {{名称}} 形式")
        found.add(field)
    return found


def render(name: str, **values: object) -> str:
    """Fill `prompts/<name>.md`; every placeholder needs a value and every value a placeholder.

    Surrounding whitespace of the result is stripped.
    """
    template = load_prompt(name)
    wanted = fields(template, name)
    missing = sorted(wanted - values.keys())
    unexpected = sorted(values.keys() - wanted)
    if missing:
        raise PromptError(f"提示词 {name} 缺少占位符的值: {', '.join(missing)}")
    if unexpected:
        raise PromptError(f"提示词 {name} 中没有这些占位符: {', '.join(unexpected)}")
    return template.format(**values).strip()
