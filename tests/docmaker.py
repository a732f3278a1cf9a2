"""Realistic self-made report documents for tests: a government web page, PDF and DOCX reports and a
messy copied text page, for regions and years the seeds do not cover. All content is invented.

Every builder writes one file and returns (path, expected metadata) with the keys title, region,
year, doc_type, issuer, signed, published, so tests can assert field by field. `body_lines(spec)`
gives the report's own paragraphs, one per line, as the cleaned text should hold them.
"""
from __future__ import annotations

import logging
import random
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting notes, not problems


@dataclass(frozen=True)
class Spec:
    """One invented report: where, which year, who signed it and when it was posted."""

    place: str  # as the report names itself, e.g. 成都市温江区
    region: str  # normalised as the gazetteer names it (a county is named alone)
    province: str
    year: int  # the year the report covers
    signed: date
    published: date
    title_form: str = "{place}{year}年法治政府建设工作情况报告"

    @property
    def title(self) -> str:
        return self.title_form.format(place=self.place, year=self.year)

    @property
    def short(self) -> str:  # 温江区 / 甘谷县: how the body refers to the place
        return self.place[self.place.find("市") + 1:] if "市" in self.place[:-1] else self.place

    @property
    def issuer(self) -> str:
        return f"{self.place}人民政府"

    @property
    def justice_bureau(self) -> str:
        return f"{self.place}司法局"


WENJIANG = Spec("成都市温江区", "成都市温江区", "四川省", 2021, date(2022, 3, 1), date(2022, 3, 10))
GANGU = Spec("甘谷县", "甘谷县", "甘肃省", 2019, date(2020, 2, 20), date(2020, 3, 2),
             "甘谷县人民政府关于{year}年度法治政府建设工作情况的报告")
ZHENHAI = Spec("宁波市镇海区", "宁波市镇海区", "浙江省", 2024, date(2025, 1, 20), date(2025, 2, 5))
DEQING = Spec("德清县", "德清县", "浙江省", 2017, date(2018, 3, 12), date(2018, 3, 30),
              "{place}{year}年度法治政府建设情况报告")


def expected(spec: Spec, published: bool = True) -> dict:
    return {"title": spec.title, "region": spec.region, "year": spec.year, "doc_type": "annual_report",
            "issuer": spec.issuer, "signed": spec.signed.isoformat(),
            "published": spec.published.isoformat() if published else ""}


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def body_lines(spec: Spec) -> list[str]:
    """Title, opening, sections with figures, problems, plans, signature and date: one paragraph a line."""
    rnd = random.Random(spec.title)
    cases = rnd.randint(120, 480)
    closed = cases - rnd.randint(3, 20)
    corrected = rnd.randint(8, 30)
    suits = rnd.randint(60, 300)
    lost = rnd.randint(2, 9)
    aid = rnd.randint(300, 1500)
    s, y = spec.short, spec.year
    return [
        spec.title,
        f"{y}年，{s}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
        f"全面落实中央、省、市关于法治政府建设的决策部署，法治政府建设各项工作取得新成效。现将有关情况报告如下。",
        f"一、{y}年法治政府建设主要工作及成效",
        "（一）坚持党的领导，压实法治建设第一责任人职责",
        f"{s}政府常务会议专题研究法治政府建设工作{rnd.randint(4, 9)}次，"
        f"将法治建设纳入年度综合目标考核，考核权重提高到{rnd.randint(5, 9)}%。"
        "政府主要负责人带头履行推进法治建设第一责任人职责，组织开展领导干部集体学法"
        f"{rnd.randint(6, 14)}次，各部门主要负责人年终述法实现全覆盖。",
        "（二）深化“放管服”改革，持续优化法治化营商环境",
        f"全面推行权责清单制度，动态调整行政权力事项{rnd.randint(1800, 3600)}项，"
        f"政务服务事项网上可办率达到{rnd.randint(95, 99)}.{rnd.randint(1, 9)}%。"
        f"开展涉企证明事项告知承诺制，取消证明材料{rnd.randint(20, 90)}项，"
        "企业开办时间压缩至1个工作日以内。",
        "（三）严格规范公正文明执法",
        f"全面落实行政执法公示、执法全过程记录、重大执法决定法制审核“三项制度”，"
        f"组织{rnd.randint(300, 900)}名执法人员参加执法资格考试，"
        f"开展行政执法案卷评查{rnd.randint(100, 400)}卷，发现并督促整改问题{rnd.randint(20, 80)}个。",
        "（四）依法化解社会矛盾纠纷",
        f"全年共收到行政复议申请{cases}件，受理{cases - rnd.randint(5, 15)}件，"
        f"办结{closed}件，直接纠错{corrected}件，纠错率{corrected * 100 / closed:.1f}%。"
        f"全年行政诉讼一审结案{suits}件，败诉{lost}件，败诉率{lost * 100 / suits:.2f}%，"
        "行政机关负责人出庭应诉率100%。",
        f"办理法律援助案件{aid}件，为群众挽回经济损失{rnd.randint(800, 3000)}万元；"
        f"各级人民调解组织调解矛盾纠纷{rnd.randint(2000, 6000)}件，调解成功率{rnd.randint(96, 99)}%。",
        "（五）推进行政决策科学化、民主化、法治化",
        f"严格执行《重大行政决策程序暂行条例》，将{rnd.randint(8, 20)}项重大行政决策事项纳入年度目录管理，"
        f"全部履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。全年审查行政规范性文件"
        f"{rnd.randint(15, 60)}件，备案{rnd.randint(10, 40)}件，备案审查率100%；政府法律顾问参与审查合同"
        f"{rnd.randint(80, 300)}份、出具法律意见书{rnd.randint(40, 160)}份，有效防范了政府法律风险。"
        "同时，建立健全行政规范性文件定期清理机制，对不符合上位法规定、不适应经济社会发展要求的文件"
        "及时予以修改或者废止，确保政令统一、规范有序。",
        "（六）加强法治宣传教育，营造浓厚法治氛围",
        f"深入实施“八五”普法规划，落实“谁执法谁普法”普法责任制，建成法治文化公园（广场）{rnd.randint(3, 12)}个，"
        f"开展“法律进乡村、进社区、进企业、进学校”活动{rnd.randint(200, 600)}场次，"
        f"培育农村“法律明白人”{rnd.randint(900, 3000)}名，创建省级民主法治示范村（社区）{rnd.randint(2, 9)}个。"
        "利用新媒体平台推送以案释法典型案例，群众法治意识和法治素养明显提升，"
        "尊法学法守法用法的社会氛围日益浓厚。",
        "（七）强化行政权力制约监督",
        "自觉接受人大法律监督、政协民主监督，认真办理人大代表建议和政协委员提案，"
        f"办结率和满意率均达到100%。全面推进政务公开，主动公开政府信息{rnd.randint(3000, 9000)}条，"
        f"依法办理政府信息公开申请{rnd.randint(20, 120)}件，按期答复率100%。"
        "加强审计监督和统计监督，开展重点领域专项审计，督促整改问题资金，"
        "切实推动权力在阳光下运行。",
        "二、存在的问题",
        "一是部分领导干部运用法治思维和法治方式推进工作的能力还有待提高；"
        "二是基层行政执法队伍力量相对薄弱，执法规范化水平仍需提升；"
        "三是行政复议化解行政争议的主渠道作用发挥还不够充分。",
        f"三、{y + 1}年工作安排",
        f"{y + 1}年，{s}将继续以法治政府建设示范创建为抓手，重点做好以下工作：一是健全依法决策机制，"
        "严格落实重大行政决策程序；二是深化行政执法体制改革，推进综合行政执法向基层延伸；"
        "三是加强行政复议规范化建设，推动行政争议实质性化解。",
        spec.issuer,
        cn_date(spec.signed),
    ]


def header_fields(spec: Spec) -> list[tuple[str, str]]:
    code = f"{zlib.crc32(spec.place.encode()) % 10**6:06d}/{spec.published.year}-{spec.signed.day:02d}{spec.year % 100:03d}"
    return [("索引号", code), ("发布机构", spec.justice_bureau), ("成文日期", spec.signed.isoformat()),
            ("发布日期", spec.published.isoformat()), ("标题", spec.title)]


# ---- web pages ----------------------------------------------------------------------------------
WEEKDAYS = "一二三四五六日"


def chrome_lines(spec: Spec, today: date, updated: date | None = None) -> dict[str, str]:
    """The page chrome a government site wraps around a report, one string per widget."""
    updated = updated or spec.published
    site = f"{spec.place}人民政府门户网站"
    abbr = {"四川省": "蜀川", "甘肃省": "陇甘", "浙江省": "浙浙"}.get(spec.province, "京京")
    return {
        "widget": f"今天是{cn_date(today)} 星期{WEEKDAYS[today.weekday()]} 农历正月廿五",
        "access": "无障碍 | 简体 | 繁体 | 长者模式",
        "site": site,
        "nav": "首页 政务公开 政务服务 互动交流 走进" + spec.short,
        "crumb": "您所在的位置：首页 > 政务公开 > 法治政府建设",
        "source": f"文章来源：{spec.justice_bureau}  更新时间：{updated.isoformat()}",
        "hits": "浏览次数：128",
        "font": "【字体：大 中 小】",
        "share": "分享到：微信 微博 QQ空间  【打印本页】 【关闭窗口】",
        "related": f"相关链接：{spec.short}{spec.year - 1}年法治政府建设工作情况报告",
        "related2": f"{spec.short}关于印发{spec.year + 2}年度普法依法治理工作要点的通知",
        "copyright": f"版权所有：{spec.place}人民政府办公室  主办单位：{spec.place}人民政府办公室",
        "icp": f"备案号：{abbr[0]}ICP备05003147号-1  {abbr[1]}公网安备 51011502000123号  网站标识码：5101150001",
    }


def _table(rows: list[list[str]]) -> str:
    cells = ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return '<table class="xxgk-table">' + "".join(cells) + "</table>"


def gov_page_html(path: Path, spec: Spec = WENJIANG, layout: str = "table",
                  today: date = date(2024, 3, 5)) -> tuple[Path, dict]:
    """A saved government article page. layout 'table': header fields in a table and chrome in classed
    divs; 'fields': '字段：值' header lines, a later 更新时间 and chrome in <header>/<nav>/<aside>/<footer>."""
    c = chrome_lines(spec, today, spec.published + timedelta(days=0 if layout == "table" else 9))
    fields = header_fields(spec)
    paragraphs = body_lines(spec)[1:]
    body = "".join(f'<p style="text-indent:2em">{p}</p>' for p in paragraphs[:-2])
    body += "".join(f'<p style="text-align:right">{p}</p>' for p in paragraphs[-2:])
    if layout == "table":
        pairs = fields[:4]
        header = _table([[k for kv in pairs[:2] for k in kv], [k for kv in pairs[2:4] for k in kv],
                         [fields[4][0], fields[4][1]]])
        top = (f'<div class="top-bar"><span class="date-widget">{c["widget"]}</span>'
               f'<div class="toolbar">{c["access"]}</div></div>'
               f'<div class="head"><div class="logo">{c["site"]}</div></div>'
               f'<div class="nav-menu"><ul>' + "".join(f"<li><a href='#'>{w}</a></li>" for w in c["nav"].split()) +
               f'</ul></div><div class="breadcrumb">{c["crumb"]}</div>')
        end = (f'<div class="share-bar">{c["share"]}</div>'
               f'<div class="related-links"><h3>相关链接</h3><ul><li><a href="#">{c["related"][5:]}</a></li>'
               f'<li><a href="#">{c["related2"]}</a></li></ul></div>'
               f'<div class="footer"><p>{c["copyright"]}</p><p>{c["icp"]}</p></div>')
    else:
        header = "".join(f"<p>{k}：{v}</p>" for k, v in fields[:4])
        top = (f'<header><div class="date">{c["widget"]}</div><div>{c["access"]}</div>'
               f'<div class="site-name">{c["site"]}</div></header>'
               f'<nav>' + " ".join(f"<a href='#'>{w}</a>" for w in c["nav"].split()) + '</nav>'
               f'<div class="location">{c["crumb"]}</div>')
        end = (f'<div class="print-share">{c["share"]}</div>'
               f'<aside><h3>相关链接</h3><ul><li><a href="#">{c["related"][5:]}</a></li>'
               f'<li><a href="#">{c["related2"]}</a></li></ul></aside>'
               f'<footer><p>{c["copyright"]}</p><p>{c["icp"]}</p></footer>')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{spec.title}">
<meta name="PubDate" content="{spec.published.isoformat()} 09:30">
<meta name="ContentSource" content="{spec.justice_bureau}">
<title>{spec.title}_{c["site"]}</title>
<script>var _hits = 128; document.write("");</script><style>.nav-menu li{{float:left}}</style>
</head><body>{top}
<div class="main"><div class="article">{header}
<h1 class="title">{spec.title}</h1>
<div class="info"><span>{c["source"]}</span> <span class="hits">{c["hits"]}</span>
<span class="font-size">{c["font"]}</span></div>
<div class="content" id="zoom">{body}</div>
{end}</div></div></body></html>"""
    path.write_text(page, encoding="utf-8")
    return path, expected(spec)


def messy_text_page(path: Path, spec: Spec = DEQING, today: date = date(2023, 11, 20)) -> tuple[Path, dict]:
    """A whole browser page selected and copied into a .txt: chrome lines, the header table flattened
    to tab-separated cells, stray blank lines and full-width indents; GB18030 with CRLF line ends."""
    c = chrome_lines(spec, today)
    fields = header_fields(spec)
    lines = [c["site"], c["widget"], c["access"], "", *c["nav"].split(), c["crumb"], "",
             "\t".join(f"{k}\t{v}" for k, v in fields[:2]), "\t".join(f"{k}\t{v}" for k, v in fields[2:4]),
             f"{fields[4][0]}\t{fields[4][1]}", "", spec.title, f"{c['source']}    {c['hits']}", c["font"], ""]
    body = body_lines(spec)[1:]
    lines += ["\u3000\u3000" + p for p in body[:-2]] + ["", *body[-2:], "", c["share"], "相关链接",
                                                         c["related"][5:], c["related2"], "", c["copyright"], c["icp"]]
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    return path, expected(spec)


# ---- PDF and DOCX -------------------------------------------------------------------------------
def _pdf(running_header: str, page_numbers: str):
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            if running_header:
                self.set_font("zh", size=9)
                self.cell(0, 6, running_header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
                self.ln(4)

        def footer(self) -> None:
            if page_numbers:
                self.set_y(-15)
                self.set_font("zh", size=9)
                self.cell(0, 8, page_numbers.format(n=self.page_no(), total="{nb}"), align="C")

    pdf = Report(format="A4")
    pdf.add_font("zh", fname=str(FONT))
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    return pdf


def report_pdf(path: Path, spec: Spec = GANGU, header_table: bool = True, indent: bool = True,
               page_numbers: str = "第 {n} 页 共 {total} 页", running_header: str | None = None,
               password: str | None = None) -> tuple[Path, dict]:
    """A report as a county posts it: a header table (索引号 …) on page one, a running header and page
    numbers on every page, paragraphs wrapped over lines and page breaks. `running_header` defaults to
    the issuing office; `password` encrypts the file with that user password."""
    from fpdf.enums import WrapMode

    pdf = _pdf(spec.justice_bureau if running_header is None else running_header, page_numbers)
    pdf.add_page()
    if header_table:
        pdf.set_font("zh", size=9)
        fields = header_fields(spec)
        with pdf.table(col_widths=(18, 32, 18, 32), text_align="LEFT", line_height=6,
                       first_row_as_headings=False) as table:
            for pairs in (fields[0:2], fields[2:4]):
                table.row([x for kv in pairs for x in kv])
            row = table.row()
            row.cell(fields[4][0])
            row.cell(fields[4][1], colspan=3)
        pdf.ln(6)
    lines = body_lines(spec)
    pdf.set_font("zh", size=20)  # titles are set larger (二号) than the body
    pdf.multi_cell(0, 12, lines[0], align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    pdf.ln(3)
    pdf.set_font("zh", size=15)  # 公文 body text is 三号 (16pt)
    for number, line in enumerate(lines[1:], 1):
        sign = number >= len(lines) - 2
        text = line if sign or not indent else "\u3000\u3000" + line
        pdf.multi_cell(0, 9, text, align="R" if sign else "J", new_x="LMARGIN", new_y="NEXT",
                       wrapmode=WrapMode.CHAR)
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    pdf.output(str(path))
    return path, expected(spec, published=header_table)


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A scan: each page one picture of text, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    pdf = _pdf("", "")
    font = ImageFont.truetype(str(FONT), 28)
    for page in range(pages):
        picture = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(picture)
        for row, line in enumerate(body_lines(GANGU)[:12]):
            draw.text((100, 120 + row * 60), line[:38], font=font, fill=0)
        pdf.add_page()
        pdf.image(picture, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))
    return path


def report_docx(path: Path, spec: Spec = ZHENHAI, header_table: bool = True) -> tuple[Path, dict]:
    """A report as a Word file: letterhead in the document header, page numbers in the footer,
    a header table (索引号 | … | 发布日期 | …), title, body paragraphs, signature and date."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{spec.place}人民政府文件"
    section.footer.paragraphs[0].text = "- 1 -"
    if header_table:
        fields = header_fields(spec)
        table = document.add_table(rows=3, cols=4)
        for row, pairs in zip(table.rows, (fields[0:2], fields[2:4])):
            for cell, value in zip(row.cells, [x for kv in pairs for x in kv]):
                cell.text = value
        last = table.rows[2].cells
        last[0].text = fields[4][0]
        last[1].merge(last[3]).text = fields[4][1]
    lines = body_lines(spec)
    document.add_heading(lines[0], level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate(lines[1:], 1):
        paragraph = document.add_paragraph(line)
        if number >= len(lines) - 2:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = docx.shared.Pt(24)
    document.save(str(path))
    return path, expected(spec, published=header_table)


# ---- pages as sites and newsrooms post them -----------------------------------------------------
FUCHENG = Spec("绵阳市涪城区", "绵阳市涪城区", "四川省", 2022, date(2023, 2, 14), date(2023, 2, 27),
               "{place}人民政府关于{year}年度法治政府建设工作情况的报告")
YONGKANG = Spec("永康市", "永康市", "浙江省", 2023, date(2024, 1, 30), date(2024, 2, 8),
                "关于{year}年度法治政府建设工作情况的报告")  # the title does not name the place
ANJI = Spec("安吉县", "安吉县", "浙江省", 2021, date(2022, 2, 11), date(2022, 2, 24),
            "{place}人民政府关于{year}年度法治政府建设工作情况的报告")
# breadcrumbs as sites write them, each without a chrome class to hide behind
CRUMBS = {
    "gt": "首页 > 政务公开 > 法治政府建设 > 正文",
    "guillemet": "首页 » 信息公开 » 法治政府建设",
    "chevron": "区政府 › 政务公开 › 法治政府建设 › 正文",
    "slash": "首页 / 政府信息公开 / 法治政府建设",
    "angle": "首页〉政务公开〉法治政府",
    "located": "当前位置：首页>>政务公开>>法治政府建设",
}
CMS_SEPARATORS = {"underscore": "_", "dash": " - ", "pipe": "|"}


def cms_page_html(path: Path, spec: Spec = FUCHENG, separator: str = "_", crumb: str = CRUMBS["gt"],
                  h1: bool = True, today: date = date(2024, 6, 3)) -> tuple[Path, dict]:
    """A CMS article page whose <title> is "title<sep>column<sep>site", with a breadcrumb and
    【字体：大 中 小】 controls in unclassed elements, '发布时间/来源' info and the report without a header
    table. `h1=False`: the page shows its title only as a styled <p>, so only the <title> names it."""
    site = f"{spec.place}人民政府"
    paragraphs = body_lines(spec)
    shown = (f"<h1>{spec.title}</h1>" if h1 else
             f'<p style="font-size:22px;text-align:center"><strong>{spec.title}</strong></p>')
    body = "".join(f"<p>\u3000\u3000{p}</p>" for p in paragraphs[1:-2])
    body += "".join(f'<p style="text-align:right">{p}</p>' for p in paragraphs[-2:])
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{spec.title}{separator}法治政府建设{separator}{site}</title></head><body>
<div class="wrap"><div class="art-crumb">{crumb}</div>
<div class="art">{shown}
<div class="art-info">发布时间：{spec.published.isoformat()} 10:05　来源：{spec.justice_bureau}　【字体：大 中 小】</div>
<div class="art-con">{body}</div></div>
<div class="bottom"><p>{site}办公室主办　网站标识码：5107030001</p></div></div></body></html>"""
    path.write_text(page, encoding="utf-8")
    return path, {**expected(spec), "publisher": spec.justice_bureau}


def cms_text_page(path: Path, spec: Spec = ANJI, separator: str = "|", crumb: str = CRUMBS["chevron"],
                  ) -> tuple[Path, dict]:
    """A CMS page copied as text: the browser's page title first (title|column|site), then the
    breadcrumb, the title again, a '发布时间 来源' line with font controls, the report."""
    site = f"{spec.place}人民政府门户网站"
    lines = [f"{spec.title}{separator}法治政府建设{separator}{site}", crumb, "", spec.title,
             f"发布时间：{spec.published.isoformat()}　　来源：{spec.justice_bureau}　　【字体：大 中 小】", "",
             *body_lines(spec)[1:]]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, {**expected(spec), "publisher": spec.justice_bureau}


def split_title_text(path: Path, spec: Spec = ANJI, cut: int = 21) -> tuple[Path, dict]:
    """A report copied from a 公文 layout: its long title wrapped over two lines (first `cut` chars),
    then the salutation, the report and no header fields."""
    lines = body_lines(spec)
    text = [spec.title[:cut], spec.title[cut:], "湖州市人民政府：", *lines[1:]]
    path.write_text("\n".join(text), encoding="utf-8")
    return path, expected(spec, published=False)


def unnamed_place_text(path: Path, spec: Spec = YONGKANG) -> tuple[Path, dict]:
    """A report whose title and opening say only 我市: the place is named in its signature alone."""
    lines = [line.replace(spec.short, "我市") for line in body_lines(spec)[:-2]] + body_lines(spec)[-2:]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, expected(spec, published=False)


@dataclass(frozen=True)
class Story:
    """One invented news story about a place's rule-of-law work, named by its short name."""

    short: str  # 柳州: how the headline and dateline name the place
    region: str  # the gazetteer's name, 柳州市
    outlet: str  # 柳州日报
    year: int  # the year the story reports on
    posted: date
    reporter: str = "韦晓岚"
    headline_form: str = "依法行政跑出加速度 {short}{year}年法治政府建设交出亮眼答卷"

    @property
    def headline(self) -> str:
        return self.headline_form.format(short=self.short, year=self.year)


LIUZHOU = Story("柳州", "柳州市", "柳州日报", 2023, date(2024, 3, 5))
YIWU = Story("义乌", "义乌市", "义乌网", 2022, date(2023, 1, 18), "骆文涛",
             "{short}：“首违不罚”清单护航市场主体 {year}年行政复议纠错率创新高")


def news_article(path: Path, story: Story = LIUZHOU, crumb: str = "") -> tuple[Path, dict]:
    """A news story copied from a newspaper's site: an optional breadcrumb, the headline, a
    'stamp 来源 作者 【大】【中】【小】' line, a dateline 'outlet X月X日讯(记者 …)', and a body whose
    opening holds a place-shaped phrase (老城区) that is not the story's place."""
    p, y = story.posted, story.year
    lines = [crumb, story.headline,
             f"{p.isoformat()} 07:50　　来源：{story.outlet}　　作者：{story.reporter}　　【大】【中】【小】",
             f"{story.outlet}{p.month}月{p.day}日讯（记者 {story.reporter} 通讯员 覃思远）"
             f"{y}年，我市以法治政府建设示范创建为牵引，一手抓老城区有机更新中的依法征收，一手抓涉企执法“减负”，"
             "行政复议受理量同比增长三成，行政诉讼败诉率降至历史低位。日前召开的全市依法行政工作会议对上述成效作了通报。",
             "规范执法让企业少跑腿",
             f"据市司法局介绍，{y}年全市推行“综合查一次”，对同一企业的多项检查合并进行，"
             f"涉企检查次数同比下降{17 + y % 7}%，首次轻微违法行为依法不予处罚案件{240 + y % 50}件。",
             "复议“主渠道”作用更加凸显",
             f"全年共收到行政复议申请{610 + y % 90}件，经调解和解后申请人主动撤回{95 + y % 20}件，"
             f"直接纠错{41 + y % 9}件。行政机关负责人出庭应诉率连续三年保持100%。",
             f"下一步，我市将围绕{y + 1}年法治政府建设重点任务，推动行政执法协调监督工作体系向乡镇（街道）延伸。",
             f"（编辑：{story.reporter}）"]
    path.write_text("\n".join(line for line in lines if line), encoding="utf-8")
    title = story.headline.replace("：", ":")  # as ingested: full-width punctuation normalised
    return path, {"title": title, "region": story.region, "year": y, "doc_type": "news",
                  "issuer": "", "signed": "", "published": p.isoformat(), "publisher": story.outlet}


def split_title_docx(path: Path, spec: Spec = FUCHENG, cut: int = 24) -> tuple[Path, dict]:
    """A Word report whose title is typed as two centred paragraphs (a manual line break)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for part in (spec.title[:cut], spec.title[cut:]):
        document.add_paragraph(part).alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = body_lines(spec)
    for line in lines[1:]:
        document.add_paragraph(line)
    document.save(str(path))
    return path, expected(spec, published=False)
