"""Strip page chrome from scraped report pages, keeping the header fields as metadata.

Works line by line and generically. Header fields near the top are read in every common form —
"字段: 值" lines (several per line), pipe tables ("索 引 号 | … | 发布日期 | …") and reposting-site
lines ("时间: … 来源: 网友投稿") — and re-emitted once, canonically, under the title. Page chrome is
removed wherever it occurs: date/clock/农历/weather widgets, accessibility and language bars,
breadcrumbs, font/print/share/login controls, hit counters, QR-code prompts, related-link lists,
site footers (版权所有, ICP, 主办单位) and reposting-site boilerplate. Body text is kept verbatim;
a page that arrives as one long line is broken at its title and its section headings.
"""
from __future__ import annotations

import re

from rag.ingest import tables
from rag.textnorm import normalise

HEADER_KEYS = [
    "索引号", "发布机构", "发布单位", "信息名称", "标题", "主题分类", "所属主题", "主题词", "发布日期", "成文日期",
    "生效日期", "废止日期", "有效性", "文号", "发文字号", "发文机关", "制发机构", "关键词", "作者", "来源",
    "文章来源", "信息来源", "来源单位", "发布时间", "更新时间", "时间", "浏览量", "浏览次数", "点击次数",
    "阅读次数", "访问量", "访问次数", "责任编辑", "编辑", "网站", "名称", "点击",
]
# keys may be written with spaces inside (索 引 号, 文 号, 标 题)
_KEY_ALT = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(HEADER_KEYS, key=len, reverse=True))
_FIELD = re.compile(rf"(?P<key>{_KEY_ALT})\s*[::]\s*(?P<value>.*?)(?=\s*(?:{_KEY_ALT})\s*[::]|【|$)")
_HEADER_LINE = re.compile(rf"^\s*(?:{_KEY_ALT})\s*[::]")
_STAMPED_FIELDS = re.compile(rf"^(\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)\s+(?=(?:{_KEY_ALT})\s*[::])")
_DATE_KEYS = {"发布日期", "发布时间", "成文日期", "更新时间", "时间", "生效日期"}
_STAMP = re.compile(r"\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?")
_COUNTERS = {"浏览量", "浏览次数", "点击次数", "阅读次数", "访问量", "访问次数", "点击"}
# values a reposting site writes where a source belongs: not a publisher
NO_SOURCE = re.compile(r"(网友|投稿|小编|整理|转载|互联网|网络|本站|原创|佚名|未知)")

_WEEKDAY = r"(星期|周|礼拜)[一二三四五六日天]"
_CRUMB = r"[\u4e00-\u9fff][\u4e00-\u9fff\w·]{0,13}"  # one breadcrumb segment: a short name
_CRUMB_SEP = r">>|->|[>＞»›〉→]|\s/\s"  # a bare "/" joins words in body text (党委/政府); a crumb spaces it
_BULLET = "[·•▪◆◇■□●○▶►]"  # the marks that open a list's link lines
CHROME = [
    # date, clock, lunar-calendar and weather widgets
    rf"^.{{0,12}}今天是\s*[::]?\s*\d{{4}}\s*年.*$", rf"今天是\s*[::]?\s*\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*({_WEEKDAY})?", rf"^\d{{4}}\s*[年\-/.]\s*\d{{1,2}}\s*[月\-/.]\s*\d{{1,2}}\s*日?\s*{_WEEKDAY}.*$",
    rf"^{_WEEKDAY}\s*$", r"^\d{1,2}:\d{2}(:\d{2})?$",
    r"(晴|多云|阴|小雨|中雨|大雨|阵雨|雷阵雨|小雪|雾|霾)(转(晴|多云|阴|[小中大]?雨|雪))?\s*-?\d{1,2}\s*(℃|°C)?\s*[~～\-/至]\s*-?\d{1,2}\s*(℃|°C)",
    # accessibility, language and version bars
    r"^((无障碍(浏览|阅读)?|简体(中文)?版?|繁體|繁体(中文)?版?|长者模式|关怀版|适老化|读屏|English|EN|手机版|移动版|"
    r"智能问答|个人中心|登录|注册|退出|设为首页|加入收藏|网站地图|联系我们|隐私声明|隐私政策|免责声明|关于我们|使用帮助|微博|微信|RSS)\s*[|｜/丨·•]?\s*){2,}$",
    # breadcrumbs
    r"^(当前位置|您所在的位置|您现在的位置|您的位置|所在位置|位置)\s*[::].*$", rf"^首页\s*((?:{_CRUMB_SEP}|/)\s*[^>＞»/›〉→]{{1,20}}\s*){{1,6}}$",
    rf"^{_CRUMB}(\s*(?:{_CRUMB_SEP})\s*{_CRUMB}){{2,7}}\s*(?:{_CRUMB_SEP})?$",  # 泉州网 › 新闻中心 › 本地新闻
    # font, print, share, login controls and QR prompts
    r"【\s*字体\s*[::]?[^】]*】?", r"(【\s*[大中小]\s*】\s*){3}", r"字[体号]\s*[::]\s*[\[【]?\s*大\s*中\s*小\s*[\]】]?", r"\[\s*(打印|关闭|收藏|返回顶部)\s*\]",
    r"【\s*(打印正文|打印本页|关闭窗口|打印|关闭|收藏|返回顶部|我要纠错)\s*】",
    r"扫一扫在手机(上)?(打开|查看)当前页", r"扫描二维码\s*关注我们",
    r"^用户登录$", r"^(登录|注册|退出|打印|关闭|收藏|分享)$", r"^[×✕x]$", r"^分享到[::]?.*$", r"^(上一篇|下一篇)[::].*$",
    r"^本文(链接|地址|网址)[::].*$", r"^本文关键词[::].*$", r"^(全文检索|站内搜索|政府信息公开|信息公开)$",
    r"(浏览次数|访问次数|阅读次数|点击次数|点击数|点击量|浏览量|阅读量|访问量)\s*[::]\s*\d*\s*次?",
    # site footers
    r"^.*(版权所有|Copyright|©|ICP\s*备|ICP证|公网安备|网站标识码|主办单位\s*[::]|承办单位\s*[::]|技术支持\s*[::]|"
    r"建议使用.{0,30}浏览器|最佳浏览效果).*$",
    # reposting-site boilerplate
    r"^.{0,20}(下面是小编|小编为(大家|您)|本站小编|供大家参考|欢迎(阅读|借鉴|参考)|仅供参考|以下是.{0,10}(整理|收集)).*$",
    r"^(公文范文|范文大全|文章来源于网络)$",
    r"^【\s*$", r"^\s*】$",
    r"^.{0,12}今天是\s*[::]?\s*$", r"今天是\s*[::]\s*(?=\s)",  # a date widget whose date a script wrote
    r"^欢迎(?:访问|光临|来到)[^。]{0,30}?(?:网站|门户|平台)[!!。]?",  # a welcome bar
    r"分享到\s*[::]\s*(?:(?:微信|微博|QQ空间|QQ|朋友圈|今日头条|抖音|豆瓣)\s*)+$",
    # a link of a sidebar list: a bullet, a title, its posting date ("· 某县2022年度报告 2023-02-10")
    rf"^{_BULLET}\s*[^。;!?]{{4,80}}?\s*[\[(（]?\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}[\])）]?$",
    # social-media article widgets: follow prompts, read counts, like/share bars, account ids
    r"^[▲△▼☝↑]?\s*点击?(?:上方)?(?:蓝字|关注)[^。]{0,12}$", r"^(?:阅读原文|写留言|留言|在看|点赞|赞赏)$",
    r"^阅读\s*(?:\d+(?:\.\d+)?\s*[万wW]?\+?)$", r"^((?:分享|收藏|点赞|在看|转发|留言|喜欢)\s*){2,}$",
    r"^微信号\s*[::].*$", r"^(?:长按|扫码|识别二维码)\s*关注.*$",
    # an article's editorial credits at its end: short "编辑: 某某" lines
    r"^(?:责任编辑|编辑|审核|审校|校对|监制|初审|复审|终审|排版|美编|统筹|策划)\s*[::丨|]\s*[\u4e00-\u9fff·]{2,8}$",
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in CHROME))
# widget words that are also ordinary words of a report ("扫一扫"执法监督二维码, 农历春节期间): removed
# only from a line that is not a sentence (no clause punctuation), as a widget's line is not
WIDGET_WORDS = [r"农历\s*[\u4e00-\u9fff]{2,10}", r"(打印本页|关闭窗口|返回顶部)", r"(微信|手机)?扫一扫", r"二维码"]
_WIDGET_WORDS = re.compile("|".join(f"(?:{p})" for p in WIDGET_WORDS))
_INSTITUTION_END = re.compile(r"(政府|委|委员会|局|办公室|办|院|厅|中心|所)$")
_SENTENCE = re.compile(r"[。;;,，!?！？“”]")
_RELATED = re.compile(r"^[▲△▼◆■●]?\s*(相关链接|相关文章|相关新闻|相关阅读|相关推荐|相关文件|相关稿件|相关信息|友情链接|推荐阅读|热点推荐|"
                      r"往期推荐|往期回顾|往期精彩|精彩推荐|延伸阅读)\s*[▲△▼◆■●]?\s*[::]?\s*(.*)$")
# a link of a related list: a short line, or a bulleted title however it ends (…示范社区!)
_LINK_LINE = re.compile(rf"^(?:[^。;;!?!?]{{1,40}}|{_BULLET}[^。]{{2,80}})$")
# a social-media article's byline: "原创 某某发布 某某发布 2024-01-16 08:30 发表于安徽" (account, date, place)
_POSTED_BY = re.compile(r"^(?:原创\s+)?(?P<account>[^\s\d]{2,20})(?:\s+[^\s\d]{2,20})?\s+(?P<date>\d{4}-\d{1,2}-\d{1,2})"
                        r"(?:\s+\d{1,2}:\d{2})?(?P<place>\s*发表于\s*[\u4e00-\u9fff]{2,8})?$")
# a source credited at an article's end ("来源: 某某街道办事处"): who published it, not body text
_SOURCE_CREDIT = re.compile(r"^(?:来源|信息来源|文章来源)\s*[::]\s*(?P<source>[\u4e00-\u9fff]{2,20})$")
_ACCOUNT_ID = re.compile(r"^(?:微信号|公众号|抖音号|微博号)\s*[::]")
_SITE_NAME = re.compile(r"^.{2,20}(门户网站|政府网|人民政府网站)$")
# a newspaper page: its masthead (鄂尔多斯日报) and its dateline (2024年2月27日 星期二 第03版:旗区新闻) head the
# story; they are where and when it ran, not a site's date widget or a title
_MASTHEAD = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:日报|晚报|晨报|早报|都市报|时报|商报|法治报|法制报)$")
_DATELINE = re.compile(rf"^(\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|\d{{4}}-\d{{1,2}}-\d{{1,2}})\s*(?:{_WEEKDAY})?\s*"
                       r"第\s*[0-9A-Za-z]{1,3}\s*版(?:\s*[:：]?\s*\S{0,12})?$")
_BYLINE_WORDS = re.compile(r"记者|通讯员|编辑|作者|摄影|撰稿")
_BYLINE_LINE = re.compile(r"^(?:本报|本台|本刊)?(?:特约)?记者\s*[\u4e00-\u9fff]{2,4}(?:[\s、,，]+[\u4e00-\u9fff]{2,4})*"
                          r"(?:\s*(?:实习生|通讯员)\s*[\u4e00-\u9fff]{2,4}(?:[\s、,，]+[\u4e00-\u9fff]{2,4})*)*$")
_TOP_LINES = 40  # header fields and navigation only occur near the top of a page
_TOP_KEPT = 10  # ... before the body starts
# "标题_某某区人民政府门户网站", "标题 - 某某网": a page title carrying its site's name
_SITE_SUFFIX = re.compile(r"\s*[_|｜]\s*[^_|｜]{2,30}(门户网站|政府网|网站|人民政府|网)$|\s+[-—]\s+[^-—]{2,30}(门户网站|政府网|网站)$")
_LONG_LINE = 600  # a page flattened into one line: break it at its title and headings
DOC_NOUN = r"(报告|总结|方案|要点|规划|计划|通知|意见|白皮书|解读|决定|办法)"


def parse_fields(line: str) -> dict[str, str]:
    """All header fields in one line: `key: value` pairs, or a pipe table row (key | value | …)."""
    if line.count("|") >= 2 or line.count("｜") >= 2 or line.count("\t") >= 1:
        return _pipe_fields(line)
    return {_key(m["key"]): m["value"].strip() for m in _FIELD.finditer(line)}


def _key(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def _pipe_fields(line: str) -> dict[str, str]:
    cells = [c.strip() for c in re.split(r"[|｜\t]", line)]
    fields: dict[str, str] = {}
    for cell in cells:  # "成文日期：2023-02-20<TAB>发布日期：2023-03-01": each cell a "key: value" pair
        if _HEADER_LINE.match(cell):
            fields.update((_key(m["key"]), m["value"].strip()) for m in _FIELD.finditer(cell))
    for index, cell in enumerate(cells):
        key = _key(cell).rstrip("::")
        if key in HEADER_KEYS:
            value = next((v for v in cells[index + 1:index + 2] if _key(v).rstrip("::") not in HEADER_KEYS), "")
            fields[key] = value
    return fields


def is_pipe_header(line: str) -> bool:
    return bool(re.search(r"[|｜\t]", line)) and bool(_pipe_fields(line))


def clean(raw: str, plain: bool = False) -> tuple[str, dict[str, str]]:
    """Return (cleaned text, header fields). Paragraphs in the cleaned text are separated by '\\n'.
    `plain`: the text is a plain-text file, whose paragraphs may be hard-wrapped (joined again)."""
    header: dict[str, str] = {}
    kept: list[str] = []
    related, pending_key = False, ""
    lines = [line.strip(" \t\u3000\xa0") if "\t" not in line.strip() else line.strip()
             for line in (_unwrapped if plain else list)(normalise(raw).split("\n"))]
    menu = _menu_lines(lines)
    seen = 0  # non-blank lines so far: "near the top" does not count the blank lines of a page
    for number, line in enumerate(lines):
        seen += bool(line)
        top = seen <= _TOP_LINES and len(kept) < _TOP_KEPT
        if top and pending_key and not line:
            continue
        if top and pending_key:  # a header table read cell by cell: "索引号" then its value
            if _key(line).rstrip("::") not in HEADER_KEYS:
                _read_fields(f"{pending_key}: {line}", header)
                pending_key = ""
                continue
            pending_key = ""
        if top and _key(line).rstrip("::") in HEADER_KEYS:
            pending_key = _key(line).rstrip("::")
            continue
        if top and len(kept) <= 1 and _MASTHEAD.match(line) and "来源" not in header:
            header["来源"] = line
            continue
        if top and len(line) <= 40 and _BYLINE_LINE.match(line) and "作者" not in header:  # 本报记者 王晓燕 通讯员 高娜
            header["作者"] = re.sub(r"\s+", " ", line)
            continue
        dateline = _DATELINE.match(line) if top else None
        if dateline:
            header.setdefault("发布日期", dateline[1])
            continue
        posted = _POSTED_BY.match(line) if top else None
        if posted and (posted["place"] or line.startswith("原创")):
            header.setdefault("发布时间", posted["date"])
            header.setdefault("来源", posted["account"])
            if posted["place"]:  # "…发表于安徽" is how a WeChat public account dates a post
                header.setdefault("发布平台", "微信公众号")
            continue
        credit = _SOURCE_CREDIT.match(line) if not top else None
        if credit:
            header.setdefault("来源", credit["source"])
            continue
        stamped = top and _STAMPED_FIELDS.match(line)
        if stamped:  # a news byline "2024-02-06 08:35  来源: 某某晚报  作者: …": the stamp is its posting time
            line = f"发布时间: {stamped[1]}  {line[stamped.end():]}"
        if top and (_HEADER_LINE.match(line) or is_pipe_header(line)):
            _read_fields(line, header)
            continue
        if top and _SITE_NAME.match(line):
            header.setdefault("网站", line)
            continue
        if _RELATED.match(line):  # a related-links list: the heading and the short link lines after it
            related = True  # (also when the heading is a line of a sidebar menu)
            continue
        if number in menu:
            continue
        if related and line and _LINK_LINE.match(line) and (related != "bulleted" or re.match(_BULLET, line)):
            related = "bulleted" if re.match(_BULLET, line) else related  # a list of bulleted links ends at its first unbulleted line
            continue
        related = related if not line else False  # a blank line keeps a list open
        if line and len(line) <= 12 and _ACCOUNT_ID.match(next((n for n in lines[number + 1:number + 4] if n), "")):
            continue  # a social-media account's name over its id ("蜀山琥珀" / "微信号: …"): a follow widget
        for _ in range(3):  # a widget removed may leave another at the line's start ("【打印】 分享到:微信")
            stripped = _CHROME.sub("", line).strip(" \t\u3000\xa0|｜")
            if stripped == line:
                break
            line = stripped
        if not _SENTENCE.search(line):
            line = _WIDGET_WORDS.sub("", line).strip(" \t\u3000\xa0|｜")
        suffix = _SITE_SUFFIX.search(line) if line and len(kept) < _TOP_KEPT else None
        if suffix:  # the site's name is a header field (it may name the region), not part of the title
            header.setdefault("网站", suffix[0].strip(" _|｜-—"))
            line = line[:suffix.start()]
        if re.search(r"\w", line):  # a line left with brackets only (【 of 【字号:大 中 小】) is nothing
            kept += _break_long_line(line) if len(line) > _LONG_LINE else [line]
    kept = _drop_duplicate_title(tables.readable(kept), header)
    title = header.get("标题")
    if title and kept and kept[0].strip("《》 ") != title:
        kept.insert(0, title)  # the page's title lives only in its header table
    if _shown_header(header) and kept:  # the page's own metadata, once, in canonical form under the title
        kept.insert(1, render_header(header))
    return "\n".join(kept), header


_NEW_PARAGRAPH = re.compile(r"^(?:[ \t\u3000\xa0]{2,}|[一二三四五六七八九十]+、|[((][一二三四五六七八九十]+[))]|\d+[.、．](?!\d)|[一二三四五六七八九十]是)")


def _unwrapped(lines: list[str]) -> list[str]:
    """Paragraphs hard-wrapped at a fixed width (text copied from a PDF or a reposting site: "…坚持以习近平
    法治思想为指" / "导,围绕…") joined again. The width is the commonest length of lines that stop
    mid-sentence; a line of about that width goes on in the next one unless that one starts a
    paragraph (indented, a heading, 一是) or is blank. A page without such a width is left as it is."""
    lengths = [len(line.rstrip()) for line in lines]
    open_ended = [n for line, n in zip(lines, lengths)
                  if n >= 25 and not re.search(r"[。!?;:]$", line.rstrip()) and not _NEW_PARAGRAPH.match(line.strip())]
    if len(open_ended) < 5:
        return lines
    width = max(set(open_ended), key=lambda w: (sum(w - 4 <= n <= w + 1 for n in open_ended), w))
    # wrapped paragraphs run over several lines of that width in a row; headings of like length do not
    runs = sum(width - 4 <= a <= width + 1 and width - 4 <= b <= width + 1 for a, b in zip(lengths, lengths[1:]))
    if runs < 3:
        return lines
    out: list[str] = []
    full = False  # the last physical line ran to the wrap width
    for line, n in zip(lines, lengths):
        if full and line.strip() and not _NEW_PARAGRAPH.match(line) and " | " not in line:
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
        full = width - 4 <= n <= width + 1
    return out


def _menu_lines(lines: list[str]) -> set[int]:
    """Site navigation copied as text: a run of three or more very short lines near the top. Once
    the body has begun (a line with a full stop), a run that names institutions is a signature
    (中共某县委 / 某县人民政府 / 某县司法局), not a menu."""
    out: set[int] = set()
    run: list[int] = []
    body = False
    for number, line in enumerate(lines[:2 * _TOP_LINES] + [""]):
        words = line.split()
        if len(words) >= 4 and not _BYLINE_WORDS.search(line) and all(len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", w) for w in words):
            out.add(number)  # a menu on one line: "首页 政务公开 政务服务 互动交流"
            continue
        if line and len(line) <= 8 and not re.search(r"[\d。,，;；:：、!?！？]", line):
            run.append(number)
            continue
        if len(run) >= 3 and not (body and any(_INSTITUTION_END.search(lines[n]) for n in run)):
            out.update(run)
        run = [] if line or not run else run
        body = body or "。" in line
    return out


def _read_fields(line: str, header: dict[str, str]) -> None:
    for key, value in parse_fields(line).items():
        value = value.strip(" |｜\u3000")
        if key not in ("标题", "信息名称"):  # "来源: 丹东日报　记者 赵云": a wide gap ends the value
            value = re.split(r"\u3000|\s{2,}", value)[0]
        if key in _COUNTERS or (key in ("来源", "文章来源", "信息来源") and NO_SOURCE.search(value)):
            continue
        if key in _DATE_KEYS:  # "2023-05-07 17:15:05 公文范文": the date and time, not the site's category
            stamp = _STAMP.match(value)
            value = stamp[0].strip() if stamp else value
        if value:
            header.setdefault(key, value)


def _shown_header(header: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in header.items() if k not in ("标题", "名称")}  # the title is shown as the title


def render_header(header: dict[str, str]) -> str:
    return "  ".join(f"{key}: {value}" for key, value in _shown_header(header).items())


def is_header_line(line: str) -> bool:
    return bool(_HEADER_LINE.match(line)) or line.startswith("网站: ")


_NUM = "一二三四五六七八九十"
_TITLE_THEN_BODY = re.compile(rf"^(.{{4,60}}?{DOC_NOUN})(?=\s*(?:\d{{4}}\s*年|[{_NUM}]+、|今年|近年|过去|一年来|按照|根据|为|现将))")
_INLINE_HEADING = re.compile(rf"(?<=[。;;!?!?])\s*(?=[{_NUM}]{{1,3}}、)|(?<=[。!?!?])\s*(?=[((][{_NUM}]{{1,3}}[))])")
_SUB_AFTER_HEADING = re.compile(rf"^([{_NUM}]{{1,3}}、[^。]{{2,40}}?)(?=[((][{_NUM}]{{1,3}}[))])")


def _break_long_line(line: str) -> list[str]:
    """A page flattened into one line: its title, then one line per section heading."""
    out: list[str] = []
    title = _TITLE_THEN_BODY.match(line)
    if title:
        out.append(title[1].strip())
        line = line[title.end():].strip()
    for piece in _INLINE_HEADING.split(line):
        piece = piece.strip()
        head = _SUB_AFTER_HEADING.match(piece)  # "一、标题(一)小标题。正文" -> two lines
        if head:
            out += [head[1], piece[head.end():]]
        elif piece:
            out.append(piece)
    return out


def _drop_duplicate_title(lines: list[str], header: dict[str, str]) -> list[str]:
    """Pages often repeat the title (once in 《》 as the page title); keep one plain copy."""
    out: list[str] = []
    for index, line in enumerate(lines):
        bare = line.strip("《》 ")
        if index < 6 and len(bare) <= 60:  # only the top lines: linear in the document's length
            earlier = [i for i, kept in enumerate(out) if kept.strip("《》 ") == bare]
            if earlier:
                out[earlier[0]] = bare
                continue
        out.append(line)
    if "信息名称" in header:
        header.setdefault("标题", header["信息名称"])
    return out
