"""Strip page chrome from scraped report pages, keeping the header fields as metadata.

Works line by line and generically: header "key: value" fields near the top (索引号, 发布机构,
发布日期 ...), font/print/share/login controls, view counters, QR-code prompts, link and keyword
footers and site navigation are removed wherever they occur. Body text is kept verbatim.
"""
from __future__ import annotations

import re

HEADER_KEYS = [
    "索引号", "发布机构", "发布单位", "信息名称", "主题分类", "所属主题", "主题词", "发布日期", "成文日期",
    "生效日期", "废止日期", "文号", "文 号", "关键词", "作者", "来源", "发布时间", "时间", "浏览量",
    "浏览次数", "点击次数", "阅读次数", "访问量", "信息来源", "责任编辑", "编辑", "网站",
]
_KEY_ALT = "|".join(sorted((re.escape(k) for k in HEADER_KEYS), key=len, reverse=True))
_FIELD = re.compile(rf"(?P<key>{_KEY_ALT})\s*[::]\s*(?P<value>.*?)(?=\s*(?:{_KEY_ALT})\s*[::]|【|$)")
_HEADER_LINE = re.compile(rf"^\s*(?:{_KEY_ALT})\s*[::]")

# Fragments of page chrome (matched anywhere in a line; a line left empty is dropped).
CHROME = [
    r"【\s*字体\s*[::]?[^】]*】?", r"字体\s*[::]\s*[\[【]?\s*大\s*中\s*小\s*[\]】]?",
    r"【\s*(打印正文|打印本页|关闭窗口|打印|关闭|收藏|返回顶部)\s*】", r"(打印本页|关闭窗口|返回顶部)",
    r"扫一扫在手机(上)?(打开|查看)当前页", r"扫描二维码\s*关注我们", r"(微信|手机)?扫一扫", r"二维码",
    r"^用户登录$", r"^(登录|注册|退出)$", r"^[×✕x]$", r"^分享到[::]?.*$", r"^(上一篇|下一篇)[::].*$",
    r"^本文(链接|地址|网址)[::].*$", r"^本文关键词[::].*$", r"^(相关链接|相关文章|相关新闻|友情链接)[::]?.*$",
    r"^(首页|当前位置)\s*[>>::].*$", r"^(全文检索|站内搜索|政府信息公开|信息公开)$",
    r"^【\s*$", r"^\s*】$",
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in CHROME))
_SITE_NAME = re.compile(r"^.{2,20}(门户网站|政府网|人民政府网站)$")
_TOP_LINES = 25  # header fields and navigation only occur near the top of a page


def parse_fields(line: str) -> dict[str, str]:
    """All `key: value` header fields in one line."""
    return {m["key"].replace(" ", ""): m["value"].strip() for m in _FIELD.finditer(line)}


def clean(raw: str) -> tuple[str, dict[str, str]]:
    """Return (cleaned text, header fields). Paragraphs in the cleaned text are separated by '\\n'."""
    header: dict[str, str] = {}
    kept: list[str] = []
    for number, line in enumerate(raw.split("\n")):
        line = line.strip(" \t\u3000\xa0")
        top = number < _TOP_LINES and len(kept) < 6
        if top and _HEADER_LINE.match(line):
            for key, value in parse_fields(line).items():
                if value:
                    header.setdefault(key, value)
            continue
        if top and _SITE_NAME.match(line):
            header.setdefault("网站", line)
            continue
        line = _CHROME.sub("", line).strip(" \t\u3000\xa0")
        if line:
            kept.append(line)
    kept = _drop_duplicate_title(kept, header)
    if header and kept:  # the page's own metadata, once, in canonical form under the title
        kept.insert(1, render_header(header))
    return "\n".join(kept), header


def render_header(header: dict[str, str]) -> str:
    return "  ".join(f"{key}: {value}" for key, value in header.items() if key != "标题")


def is_header_line(line: str) -> bool:
    return bool(_HEADER_LINE.match(line)) or line.startswith("网站: ")


def _drop_duplicate_title(lines: list[str], header: dict[str, str]) -> list[str]:
    """Pages often repeat the title (once in 《》 as the page title); keep one plain copy."""
    out: list[str] = []
    for index, line in enumerate(lines):
        bare = line.strip("《》 ")
        earlier = [i for i, kept in enumerate(out) if kept.strip("《》 ") == bare]
        if index < 6 and len(bare) <= 60 and earlier:
            out[earlier[0]] = bare
            continue
        out.append(line)
    if "信息名称" in header:
        header.setdefault("标题", header["信息名称"])
    return out
