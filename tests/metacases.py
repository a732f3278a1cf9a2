"""Self-made documents in the layouts real sites and offices use, for metadata tests. Every text is
written here for the test (invented figures, regions not in the seeds); none is copied from a report.

`CASES` maps a case name to a `Case`: its format (txt, html, pdf via headless Chromium, docx via
python-docx), its content, and the fields ingest must read from it. `build(case, folder)` writes the
file and returns its path.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Case:
    fmt: str  # txt | html | pdf | docx
    lines: tuple[str, ...]  # the paragraphs (txt, docx, pdf) or the page (html: one string)
    expected: dict  # region, year, issuer, signed, published, doc_type (and optionally title, publisher, province)
    header: str = ""  # docx page header / pdf running header
    footer: str = ""  # docx page footer
    table: tuple[tuple[str, ...], ...] = ()  # pdf: a header table (索引号 | … ) above the title


def report_body(place: str, year: int, we: str = "我市") -> list[str]:
    """A short report body: opening, sections with figures, problems, plans. `place` is how the
    report names itself in its opening; the later sections say `we` (我市/我县/全区)."""
    return [
        f"{year}年，{place}坚持以习近平法治思想为指导，认真落实法治政府建设实施纲要，各项工作取得明显成效。现将有关情况报告如下。",
        "一、主要工作及成效",
        "（一）强化组织领导。",
        f"{we}政府常务会议专题听取法治政府建设情况汇报4次，组织领导干部集体学法11次，将法治建设成效纳入绩效考核。",
        "（二）推进依法决策。",
        f"全年审查行政规范性文件37件，备案审查率100%；政府法律顾问列席会议46次，出具法律意见书129份。",
        "（三）规范行政执法。",
        f"组织执法人员参加执法资格考试312人，评查行政执法案卷208卷，整改问题41个。",
        "（四）化解矛盾纠纷。",
        f"全年收到行政复议申请263件，办结251件，直接纠错19件；行政机关负责人出庭应诉率100%。",
        "二、存在的不足",
        "一是基层执法力量仍然薄弱；二是部分干部运用法治方式解决问题的能力有待提高。",
        f"三、{year + 1}年工作打算",
        f"{year + 1}年，{we}将持续深化法治政府建设示范创建，健全行政执法协调监督工作体系。",
    ]


def _html_page(title_tag: str, inner: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title_tag}</title></head>'
            f"<body>{inner}</body></html>")


def _paras(lines: list[str], right: int = 0) -> str:
    body = lines[:len(lines) - right] if right else lines
    out = "".join(f"<p>\u3000\u3000{p}</p>" for p in body)
    return out + "".join(f'<p style="text-align:right">{p}</p>' for p in lines[len(lines) - right:] if right)


def _e(region, year, doc_type, issuer="", signed="", published="", **more) -> dict:
    return {"region": region, "year": year, "doc_type": doc_type, "issuer": issuer, "signed": signed,
            "published": published, **more}


CASES: dict[str, Case] = {}

# 1. a title without a year: the year is in the opening sentence; issuer and date at the bottom
CASES["title_without_year"] = Case("txt", (
    "鹤壁市法治政府建设工作情况报告",
    *report_body("鹤壁市", 2023),
    "鹤壁市人民政府", "2024年2月26日"),
    _e("鹤壁市", 2023, "annual_report", "鹤壁市人民政府", "2024-02-26"))

# 2. no year in title or opening: only the signing date (December of the covered year) tells it
CASES["year_only_in_signing_date"] = Case("txt", (
    "泾县法治政府建设工作报告",
    "今年以来，泾县坚持以习近平法治思想为指导，全面推进依法行政。现将有关情况报告如下。",
    *report_body("泾县", 2023, "我县")[1:12],
    "泾县人民政府", "2023年12月18日"),
    _e("泾县", 2023, "annual_report", "泾县人民政府", "2023-12-18"))

# 3. a 公文 with its letterhead, 文号 line, issuer line above 关于…的报告, addressee, signature
CASES["letterhead_and_wenhao"] = Case("txt", (
    "资阳市人民政府文件",
    "资府〔2024〕8号",
    "资阳市人民政府",
    "关于2023年度法治政府建设情况的报告",
    "四川省人民政府：",
    *report_body("资阳市", 2023),
    "资阳市人民政府", "2024年1月29日", "（此件公开发布）"),
    _e("资阳市", 2023, "annual_report", "资阳市人民政府", "2024-01-29",
       title="资阳市人民政府关于2023年度法治政府建设情况的报告"))

# 4. the issuers stand only above the title; the end has a date but no name
CASES["issuer_at_top_only"] = Case("txt", (
    "中共石泉县委 石泉县人民政府",
    "关于2023年法治政府建设工作情况的报告",
    "安康市委、市人民政府：",
    *report_body("石泉县", 2023, "我县"),
    "2024年1月20日"),
    _e("石泉县", 2023, "annual_report", "中共石泉县委、石泉县人民政府", "2024-01-20"))

# 5. a CMS page whose <title> carries column and site; the page names the place only in the site name
CASES["cms_title_site_suffix"] = Case("html", (_html_page(
    "关于2023年度法治政府建设工作情况的报告_政务公开_铜仁市碧江区人民政府",
    '<div class="crumb">首页 > 政务公开 > 法治政府建设</div><div class="article">'
    '<div class="info">发布时间：2024-02-02 16:20　来源：区司法局　【字体：大 中 小】</div>'
    + _paras(report_body("区政府", 2023, "全区")) + "</div>"),),
    _e("铜仁市碧江区", 2023, "annual_report", "", "", "2024-02-02",
       title="关于2023年度法治政府建设工作情况的报告"))

# 5a. a page whose title has no year, with bracketed font/print widgets, a salutation, and an opening
# sentence that ends with a colon (…报告如下：): the year is the opening's, not a guess from the dates
CASES["widgets_salutation_colon_opening"] = Case("html", (_html_page(
    "汨罗市人民政府关于法治政府建设工作情况的报告",
    '<h1>汨罗市人民政府关于法治政府建设工作情况的报告</h1>'
    '<div class="info">发布时间：2023-03-06　来源：市司法局</div>'
    '<div class="tools">【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】'
    '【<a href="#">打印本页</a>】 【<a href="#">关闭窗口</a>】</div>'
    "<p>岳阳市人民政府：</p>"
    "<p>2022年，我市坚持以习近平法治思想为指导，扎实推进法治政府建设。现将有关情况报告如下：</p>"
    + _paras(report_body("市政府", 2022)[1:])),),
    _e("汨罗市", 2022, "annual_report", "汨罗市人民政府", "", "2023-03-06",
       title="汨罗市人民政府关于法治政府建设工作情况的报告"))

# 5b. the same kind of page copied from the browser as text: page title with site, breadcrumb, title
CASES["copied_cms_text_site_suffix"] = Case("txt", (
    "2023年法治政府建设年度报告_通知公告_潜山市人民政府",
    "首页 > 信息公开 > 通知公告",
    "2023年法治政府建设年度报告",
    "发布时间：2024-01-31　浏览次数：87",
    *report_body("市政府", 2023)),
    _e("潜山市", 2023, "annual_report", "", "", "2024-01-31", title="2023年法治政府建设年度报告"))

# 6. a news story (记者, 来源, 编辑, timestamp) about a city's report, posted the next year
CASES["news_about_a_report"] = Case("txt", (
    "宁德晒出2023年法治政府建设“成绩单”",
    "2024-02-21 08:46:13　来源：闽东日报　作者：林晓",
    "本报讯（记者 林晓 通讯员 陈雯）近日，宁德市人民政府在门户网站公布《宁德市2023年度法治政府建设情况报告》。"
    "报告显示，去年全市办理行政复议案件512件，直接纠错率同比下降2.1个百分点。",
    "据介绍，宁德市去年新建公共法律服务工作站136个，办理法律援助案件2140件。",
    "编辑：郑琳　审核：黄珊"),
    _e("宁德市", 2023, "news", "", "", "2024-02-21", publisher="闽东日报"))

# 6a. a newspaper's e-paper page copied as text: masthead, dateline with the page number, a headline whose
# place is followed by a verb (not spam in an institution's place), and a byline of four short words
CASES["epaper_masthead_dateline"] = Case("txt", (
    "巴彦淖尔日报",
    "2024年3月5日　星期二　第02版：要闻",
    "",
    "乌拉特前旗晒出2023年法治政府建设“成绩单”",
    "本报记者　张海峰　通讯员　刘敏",
    "日前，乌拉特前旗人民政府公布了《乌拉特前旗2023年度法治政府建设情况报告》。报告显示，全旗全年办理行政复议案件64件，"
    "直接纠错率9.4%；办理法律援助案件712件。",
    "旗司法局负责人表示，今年将继续推进“一件事一次办”改革。"),
    _e("乌拉特前旗", 2023, "news", "", "", "2024-03-05", publisher="巴彦淖尔日报",
       title="乌拉特前旗晒出2023年法治政府建设“成绩单”"))

# 6b. a 公文 whose statistics table is attached after the signature: the letter is signed above the attachment
CASES["docx_attachment_after_signature"] = Case("docx", (
    "松滋市人民政府关于2023年度法治政府建设情况的报告",
    "荆州市人民政府：",
    *report_body("市政府", 2023),
    "附件：松滋市法治政府建设主要指标统计表",
    "松滋市人民政府",
    "2024年1月22日",
    "附件：松滋市法治政府建设主要指标统计表（2022—2023年）",
    "序号 | 指标名称 | 单位 | 2022年 | 2023年",
    "1 | 行政复议收到申请件数 | 件 | 96 | 104",
    "2 | 办理法律援助案件数 | 件 | 688 | 731",
    "3 | 行政机关负责人出庭应诉率 | % | 97.2 | 100",
    "注：比率类指标按审结案件计算。"),
    _e("松滋市", 2023, "annual_report", "松滋市人民政府", "2024-01-22"))

# 7. a provincial paper's story about a county's report; the headline names neither year nor place
CASES["news_headline_without_year"] = Case("txt", (
    "县级法治政府建设有了年度“体检表”",
    "2024-03-12 09:15　来源：甘肃日报",
    "本报讯 记者从临泽县司法局获悉，该县日前向社会公布了《临泽县2023年度法治政府建设情况报告》，"
    "这是该县连续第五年公开年度报告。",
    "报告显示，临泽县全年审查行政规范性文件21件，组织旁听庭审活动6场。",
    "（责任编辑：张明）"),
    _e("临泽县", 2023, "news", "", "", "2024-03-12", publisher="甘肃日报"))

# 8. a policy interpretation of a report, with a header line
CASES["interpretation"] = Case("txt", (
    "关于《滕州市2023年度法治政府建设情况报告》的解读",
    "发布日期：2024-02-05　发布机构：滕州市司法局",
    "一、报告的起草背景",
    "根据法治政府建设年度报告制度的要求，市司法局起草了《滕州市2023年度法治政府建设情况报告》。",
    "二、报告的主要内容",
    "报告从七个方面总结了2023年全市法治政府建设的主要做法，梳理了存在的不足，提出了2024年工作打算。"),
    _e("滕州市", 2023, "interpretation", "", "", "2024-02-05", publisher="滕州市司法局"))

# 9. a plan for next year, issued (signed) in December of the year before
CASES["plan_signed_the_year_before"] = Case("txt", (
    "关于印发《丽水市2024年法治政府建设工作要点》的通知",
    "丽政办发〔2023〕61号",
    "各县（市、区）人民政府，市政府直属各单位：",
    "现将《丽水市2024年法治政府建设工作要点》印发给你们，请结合实际认真贯彻落实。",
    "丽水市人民政府办公室",
    "2023年12月28日",
    "丽水市2024年法治政府建设工作要点",
    "2024年是实施“八五”普法规划的关键一年。全市法治政府建设工作的总体要求是：以习近平法治思想为指导，推进严格规范公正文明执法。",
    "一、加强党对法治政府建设的领导",
    "1.落实第一责任人职责。各地各部门主要负责人年内至少专题研究法治政府建设工作2次。"),
    _e("丽水市", 2024, "plan", "丽水市人民政府办公室", "2023-12-28"))

# 10. a work-points plan posted in its own year
CASES["plan_work_points"] = Case("txt", (
    "铜陵市义安区2024年法治政府建设工作要点",
    "发布时间：2024-03-15　来源：义安区司法局",
    "为深入推进全区法治政府建设，结合实际，制定本要点。",
    "一、健全依法决策机制",
    "严格执行重大行政决策程序，年内完成重大行政决策事项目录编制。"),
    _e("铜陵市义安区", 2024, "plan", "", "", "2024-03-15", publisher="义安区司法局"))

# 11. a five-year summary: a span of years is not one year
CASES["five_year_summary"] = Case("txt", (
    "德阳市旌阳区2021—2025年法治政府建设工作总结",
    "2021年以来，旌阳区深入贯彻法治政府建设实施纲要，五年来法治政府建设取得显著成效。现将有关情况总结如下。",
    *report_body("旌阳区", 2025, "全区")[1:10],
    "德阳市旌阳区人民政府", "2025年12月20日"),
    _e("德阳市旌阳区", None, "annual_report", "德阳市旌阳区人民政府", "2025-12-20"))

# 12. a provincial report: its body names many cities, the region is the province
CASES["provincial_report"] = Case("txt", (
    "宁夏回族自治区人民政府关于2023年法治政府建设情况的报告",
    "2023年，自治区人民政府深入学习贯彻习近平法治思想，推动银川市、石嘴山市、吴忠市、固原市、中卫市全部建成"
    "法治政府建设示范市。现将有关情况报告如下。",
    *report_body("全区", 2023, "自治区")[1:],
    "宁夏回族自治区人民政府", "2024年3月1日"),
    _e("宁夏回族自治区", 2023, "annual_report", "宁夏回族自治区人民政府", "2024-03-01", province="宁夏回族自治区"))

# 13. a county report that names its city first (XX市XX县)
CASES["county_naming_its_city"] = Case("txt", (
    "赣州市于都县2023年法治政府建设年度报告",
    *report_body("于都县", 2023, "我县"),
    "于都县人民政府", "2024年1月26日"),
    _e("于都县", 2023, "annual_report", "于都县人民政府", "2024-01-26", province="江西省"))

# 14. a district whose name exists in several provinces; the opening names its city
CASES["shared_district_name"] = Case("txt", (
    "鼓楼区2023年度法治政府建设工作报告",
    "2023年，在徐州市委、市政府和区委的坚强领导下，鼓楼区深入推进依法行政。现将有关情况报告如下。",
    *report_body("鼓楼区", 2023, "全区")[1:],
    "鼓楼区人民政府", "2024年2月4日"),
    _e("徐州市鼓楼区", 2023, "annual_report", "鼓楼区人民政府", "2024-02-04", province="江苏省"))

# 15. full-width digits throughout, as some sites type them
CASES["full_width_digits"] = Case("txt", (
    "乌兰察布市２０２３年法治政府建设情况报告",
    "２０２３年，乌兰察布市认真落实法治政府建设各项任务。现将有关情况报告如下。",
    "一、主要工作", "全年办理行政复议案件１２６件。",
    "乌兰察布市人民政府", "２０２４年２月８日"),
    _e("乌兰察布市", 2023, "annual_report", "乌兰察布市人民政府", "2024-02-08"))

# 16. a DOCX with a letterhead header and page-number footer; year and date in Chinese numerals
CASES["docx_chinese_numeral_years"] = Case("docx", (
    "临夏市二〇二三年度法治政府建设工作报告",
    "二〇二三年，临夏市认真贯彻落实中央和省州关于法治政府建设的决策部署。现将有关情况报告如下。",
    *report_body("临夏市", 2023)[1:],
    "临夏市人民政府", "二〇二四年一月十八日"),
    _e("临夏市", 2023, "annual_report", "临夏市人民政府", "2024-01-18"),
    header="临夏市人民政府办公室", footer="— 1 —")

# 17. a PDF printed from a browser: a running header with another year (the gazette's issue) and
# page numbers on every page
CASES["pdf_browser_print"] = Case("pdf", (
    "浦北县2023年法治政府建设年度报告", *report_body("浦北县", 2023, "我县"), "浦北县人民政府", "2024年1月12日"),
    _e("浦北县", 2023, "annual_report", "浦北县人民政府", "2024-01-12", title="浦北县2023年法治政府建设年度报告"),
    header="浦北县人民政府公报　2024年第2期")

# 18. a PDF of a district report without a year in its title; the 落款 uses the district's full name
CASES["pdf_district_no_title_year"] = Case("pdf", (
    "关于法治政府建设工作情况的报告", *report_body("区政府", 2022, "全区"), "营口市鲅鱼圈区人民政府", "2023年2月10日"),
    _e("营口市鲅鱼圈区", 2022, "annual_report", "营口市鲅鱼圈区人民政府", "2023-02-10",
       title="关于法治政府建设工作情况的报告"),
    header="营口市鲅鱼圈区司法局")

# 19. a report posted by a county site whose every page says 来源：县融媒体中心 (not a news story)
CASES["report_with_media_centre_source"] = Case("txt", (
    "寿宁县2023年度法治政府建设情况报告",
    "发布时间：2024-01-30 10:12　来源：寿宁县融媒体中心",
    *report_body("寿宁县", 2023, "我县"),
    "寿宁县人民政府", "2024年1月25日"),
    _e("寿宁县", 2023, "annual_report", "寿宁县人民政府", "2024-01-25", "2024-01-30"))

# 20. a department's report: the bureau of a district names itself in the title
CASES["bureau_report"] = Case("txt", (
    "潍坊市奎文区司法局2023年度法治政府建设工作报告",
    *report_body("区司法局", 2023, "我局"),
    "潍坊市奎文区司法局", "2024年1月8日"),
    _e("潍坊市奎文区", 2023, "annual_report", "潍坊市奎文区司法局", "2024-01-08"))

# 21. a title with the Chinese-numeral year written with 零 and the date line in Chinese numerals
CASES["chinese_numeral_title_txt"] = Case("txt", (
    "中共阜平县委 阜平县人民政府",
    "关于二零二二年度法治政府建设工作情况的报告",
    *report_body("阜平县", 2022, "我县")[1:],
    "二零二三年二月十五日"),
    _e("阜平县", 2022, "annual_report", "中共阜平县委、阜平县人民政府", "2023-02-15"))

# 22. a plan whose year is only in the title and which is posted the year before
CASES["plan_posted_before"] = Case("html", (_html_page(
    "奉化区2024年度法治政府建设工作计划-宁波市奉化区人民政府门户网站",
    '<h1>奉化区2024年度法治政府建设工作计划</h1><div class="info">发布日期：2023-12-29</div>'
    + _paras(["为持续推进法治政府建设，制定本计划。", "一、深化行政执法改革", "年内实现乡镇（街道）综合执法全覆盖。"])),),
    _e("宁波市奉化区", 2024, "plan", "", "", "2023-12-29"))


# 23. an illustrated interpretation: its title carries the report's title after 一图读懂
CASES["illustrated_interpretation"] = Case("txt", (
    "一图读懂丨晋江市2023年度法治政府建设情况报告",
    "发布时间：2024-02-18　来源：晋江市司法局",
    "2023年，晋江市法治政府建设取得了哪些成效？一起来看↓↓↓",
    "行政复议案件办结率100%　法律顾问覆盖率100%"),
    _e("晋江市", 2023, "interpretation", "", "", "2024-02-18"))

# 24. one document with last year's summary and this year's plan: it reports the year it sums up
CASES["summary_and_plan"] = Case("txt", (
    "桐庐县2023年法治政府建设工作总结及2024年工作计划",
    *report_body("桐庐县", 2023, "我县"),
    "桐庐县人民政府", "2024年1月16日"),
    _e("桐庐县", 2023, "annual_report", "桐庐县人民政府", "2024-01-16"))

# 25. an autonomous prefecture named as people call it (黔东南州), not by its full name
CASES["autonomous_prefecture_short"] = Case("txt", (
    "黔东南州2023年法治政府建设情况报告",
    *report_body("黔东南州", 2023, "全州"),
    "黔东南州人民政府", "2024年2月1日"),
    _e("黔东南苗族侗族自治州", 2023, "annual_report", "黔东南州人民政府", "2024-02-01", province="贵州省"))

# 26. a CMS page that keeps its date, source and site only in <meta> tags (PubDate, ContentSource, SiteName)
CASES["cms_meta_tags_only"] = Case("html", (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于2023年度法治政府建设情况的报告</title>'
    '<meta name="SiteName" content="赤壁市人民政府"><meta name="ColumnName" content="法治政府建设">'
    '<meta name="PubDate" content="2024-01-25 15:30"><meta name="ContentSource" content="赤壁市司法局">'
    "</head><body><h1>关于2023年度法治政府建设情况的报告</h1>"
    + _paras(report_body("市政府", 2023)) + "</body></html>",),
    _e("赤壁市", 2023, "annual_report", "", "", "2024-01-25", publisher="赤壁市司法局"))

# 27. a news story that says only 去年 about the year it reports
CASES["news_last_year"] = Case("txt", (
    "法治护航高质量发展 行政复议纠错率连续三年下降",
    "2024-01-22 07:30　来源：丹东日报　记者 赵云",
    "去年，丹东市坚持依法行政，全市行政复议机关共办结行政复议案件418件，纠错率同比下降1.3个百分点。",
    "编辑：刘颖"),
    _e("丹东市", 2023, "news", "", "", "2024-01-22", publisher="丹东日报"))

# 28. a provincial department's report: the region is the province, the issuer the department
CASES["provincial_department"] = Case("txt", (
    "海南省司法厅2023年度法治政府建设工作报告",
    *report_body("省司法厅", 2023, "我厅"),
    "海南省司法厅", "2024年1月31日"),
    _e("海南省", 2023, "annual_report", "海南省司法厅", "2024-01-31"))

# 29. a report delivered to the people's congress: a subtitle with the meeting date under the title
CASES["report_to_congress"] = Case("txt", (
    "关于2023年度法治政府建设情况的报告",
    "——2024年4月24日在九江市第十七届人民代表大会常务委员会第十九次会议上",
    "九江市人民政府",
    "主任、各位副主任、秘书长、各位委员：",
    "我受市人民政府委托，向市人大常委会报告2023年度法治政府建设情况，请予审议。",
    *report_body("九江市", 2023)[1:]),
    _e("九江市", 2023, "annual_report", "九江市人民政府", ""))

# 30. a sub-district's (街道) report: it is not its district's report
CASES["subdistrict_report"] = Case("txt", (
    "南充市顺庆区中城街道2023年法治建设工作报告",
    "2023年，中城街道在区委、区政府的坚强领导下，扎实推进基层法治建设。现将有关情况报告如下。",
    "一、主要工作", "全年调解矛盾纠纷126件，调解成功率98%。",
    "南充市顺庆区中城街道办事处", "2024年1月9日"),
    _e("南充市顺庆区中城街道", 2023, "annual_report", "南充市顺庆区中城街道办事处", "2024-01-09", province="四川省"))

# 31. a new area (新区) under a city: not the city's report
CASES["new_area_report"] = Case("txt", (
    "宜宾市三江新区2023年法治政府建设工作报告",
    *report_body("三江新区", 2023, "新区"),
    "宜宾市三江新区管理委员会", "2024年2月2日"),
    _e("宜宾市三江新区", 2023, "annual_report", "宜宾市三江新区管理委员会", "2024-02-02", province="四川省"))

# 32. the report as an attachment of a covering letter: 附件 above the title
CASES["attachment_label"] = Case("txt", (
    "附件",
    "瑞金市2023年度法治政府建设情况报告",
    *report_body("瑞金市", 2023),
    "瑞金市人民政府", "2024年1月22日"),
    _e("瑞金市", 2023, "annual_report", "瑞金市人民政府", "2024-01-22", title="瑞金市2023年度法治政府建设情况报告"))

# 33. a report to a higher government (上行文): 签发人 beside the 文号
CASES["upward_report_signer"] = Case("txt", (
    "弥勒市人民政府文件",
    "弥政报〔2024〕5号　　　　签发人：李明华",
    "弥勒市人民政府关于2023年度法治政府建设情况的报告",
    "红河州人民政府：",
    *report_body("弥勒市", 2023),
    "弥勒市人民政府", "2024年1月30日"),
    _e("弥勒市", 2023, "annual_report", "弥勒市人民政府", "2024-01-30",
       title="弥勒市人民政府关于2023年度法治政府建设情况的报告"))

# 34. a page whose <title> is only the site's name; the report's title is a plain heading
CASES["site_name_as_page_title"] = Case("html", (_html_page(
    "溧阳市人民政府",
    "<table><tr><td><h2>溧阳市2023年法治政府建设年度报告</h2></td></tr>"
    "<tr><td>发布日期：2024-01-19　信息来源：溧阳市司法局</td></tr></table>"
    + _paras(report_body("溧阳市", 2023)) + '<p style="text-align:right">溧阳市人民政府</p>'
    '<p style="text-align:right">2024年1月15日</p>'),),
    _e("溧阳市", 2023, "annual_report", "溧阳市人民政府", "2024-01-15", "2024-01-19",
       title="溧阳市2023年法治政府建设年度报告"))

# 35. a newspaper page: <title> headline_paper, a pipe-separated byline, the editor at the end
CASES["news_html_pipe_byline"] = Case("html", (_html_page(
    "依法行政有温度 常德2023年行政复议纠错率下降_常德日报",
    "<h1>依法行政有温度 常德2023年行政复议纠错率下降</h1>"
    "<div>常德日报 | 2024-02-27 08:10 | 记者 胡晓</div>"
    + _paras(["本报讯 近日，常德市人民政府公布2023年度法治政府建设情况报告，全市行政复议纠错率同比下降1.6个百分点。",
              "报告显示，常德市2023年共办理行政复议案件689件。", "责任编辑：吴娟"])),),
    _e("常德市", 2023, "news", "", "", "2024-02-27", publisher="常德日报"))

# 36. a short report signed by three bodies, one short line each
CASES["three_signers_short_report"] = Case("txt", (
    "汉阴县2023年法治政府建设工作报告",
    "2023年，我县坚持依法行政，全年办理行政复议案件36件。现将有关情况报告如下。",
    "一、主要工作", "全年审查规范性文件12件。",
    "中共汉阴县委", "汉阴县人民政府", "汉阴县司法局", "2024年1月10日"),
    _e("汉阴县", 2023, "annual_report", "中共汉阴县委、汉阴县人民政府、汉阴县司法局", "2024-01-10"))

# 37. a 公文 with its 版记 after the signature: 公开方式, 抄送 and the 印发 line with another date
CASES["closing_block_after_signature"] = Case("txt", (
    "岳西县人民政府关于2023年度法治政府建设情况的报告",
    "安庆市人民政府：",
    *report_body("岳西县", 2023, "我县"),
    "岳西县人民政府", "2024年1月8日", "（此件公开发布）",
    "抄送：县委办公室，县人大常委会办公室，县政协办公室。",
    "岳西县人民政府办公室　　　　　　2024年1月9日印发"),
    _e("岳西县", 2023, "annual_report", "岳西县人民政府", "2024-01-08"))

# 38. a half-year report whose opening speaks of the years before
CASES["half_year_report"] = Case("txt", (
    "芒市2024年上半年法治政府建设工作情况报告",
    "2019年以来，芒市连续五年开展法治政府建设示范创建。2024年上半年，全市法治政府建设稳步推进。",
    "一、上半年主要工作", "上半年办理行政复议案件58件。",
    "芒市人民政府", "2024年7月5日"),
    _e("芒市", 2024, "annual_report", "芒市人民政府", "2024-07-05"))

# 39. a column tag before the title and the date line spaced out
CASES["column_tag_spaced_date"] = Case("txt", (
    "【法治政府建设】沁源县2023年度法治政府建设工作报告",
    *report_body("沁源县", 2023, "我县"),
    "沁源县人民政府", "2024 年 1 月 17 日"),
    _e("沁源县", 2023, "annual_report", "沁源县人民政府", "2024-01-17", title="沁源县2023年度法治政府建设工作报告"))

# 40. a government page printed to PDF: its header table (索引号 …) above the title, the page's
# running header on every page
CASES["pdf_printed_cms_page"] = Case("pdf", (
    "黟县2023年度法治政府建设情况报告", *report_body("黟县", 2023, "我县"), "黟县人民政府", "2024年2月6日"),
    _e("黟县", 2023, "annual_report", "黟县人民政府", "2024-02-06", "2024-02-08", publisher="黟县司法局",
       title="黟县2023年度法治政府建设情况报告"),
    header="黟县人民政府信息公开网",
    table=(("索引号", "003211/2024-00015", "发布机构", "黟县司法局"),
           ("成文日期", "2024-02-06", "发布日期", "2024-02-08")))

# 41. a development zone named with its city's short name (not the city's report)
CASES["zone_with_city_short_name"] = Case("txt", (
    "芜湖经济技术开发区2023年法治政府建设工作报告",
    "2023年，芜湖经济技术开发区坚持依法行政，全年审查规范性文件9件。现将有关情况报告如下。",
    "一、主要工作", "全年办理行政复议案件21件。",
    "芜湖经济技术开发区管理委员会", "2024年1月19日"),
    _e("芜湖市经济技术开发区", 2023, "annual_report", "芜湖经济技术开发区管理委员会", "2024-01-19", province="安徽省"))

# 46. a township's report reposted by a social-media account: the account's byline (原创 … 发表于…) on top,
# the signature followed by credits, a "往期推荐" list, the account id and read/like counters
CASES["township_report_reposted_by_an_account"] = Case("txt", (
    "凤鸣街道2023年法治政府建设工作报告",
    "原创 凤鸣发布 凤鸣发布 2024-01-18 09:05 发表于湖南",
    "▲点击蓝字关注我们",
    *report_body("凤鸣街道", 2023, "街道"),
    "凤鸣街道办事处", "2024年1月12日",
    "来源:凤鸣街道办事处", "编辑:李想", "审核:周平",
    "▲ 往期推荐 ▲", "◆ 凤鸣街道开展宪法进社区活动", "◆ 桃源社区获评省级民主法治示范社区!",
    "凤鸣发布", "微信号:fengmingfabu", "阅读原文", "阅读 2310", "分享 收藏 点赞 在看"),
    _e("凤鸣街道", 2023, "annual_report", "凤鸣街道办事处", "2024-01-12", "2024-01-18"))

# 47. a portal page whose signature is followed by a related-links table (long titles with dates) and
# whose date widget a script filled (only "今天是:" is left in the page)
CASES["portal_related_links_after_signature"] = Case("html", (_html_page(
    "汝城县人民政府关于2023年度法治政府建设工作情况的报告",
    "<table><tr><td>今天是:<script>document.write(new Date())</script></td></tr></table>"
    "<h1>汝城县人民政府关于2023年度法治政府建设工作情况的报告</h1>"
    "<div>发布时间:2024-02-07 来源:汝城县司法局</div>"
    + _paras([*report_body("汝城县", 2023, "我县"), "汝城县人民政府", "2024年1月29日"], right=2)
    + "<table><tr><td><b>相关链接</b></td></tr>"
      "<tr><td>· 汝城县人民政府关于2022年度法治政府建设工作情况的报告 2023-02-09</td></tr>"
      "<tr><td>· 汝城县2024年法治政府建设工作要点及责任分工方案 2024-03-12</td></tr>"
      "<tr><td>· 汝城县2023年度行政执法统计年报数据公开公示 2024-01-30</td></tr>"
      "<tr><td>· 汝城县人民政府常务会议集体学习新修订的行政复议法 2023-12-21</td></tr>"
      "<tr><td>· 汝城县司法局关于开展2023年度行政执法案卷评查工作的通知 2023-11-08</td></tr>"
      "<tr><td>· 汝城县召开2023年度述法工作会议暨法治政府建设推进会 2023-10-16</td></tr></table>"
      "<div>建议使用1366×768分辨率 IE9.0以上版本浏览器</div>"),),
    _e("汝城县", 2023, "annual_report", "汝城县人民政府", "2024-01-29", "2024-02-07"))


def build(name: str, case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{case.fmt}"
    if case.fmt == "txt":
        path.write_text("\n".join(case.lines), encoding="utf-8")
    elif case.fmt == "html":
        path.write_text(case.lines[0], encoding="utf-8")
    elif case.fmt == "docx":
        _docx(case, path)
    elif case.fmt == "pdf":
        _pdf(case, path)
    return path


def _docx(case: Case, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = case.header
    section.footer.paragraphs[0].text = case.footer
    lines = list(case.lines)
    document.add_paragraph(lines[0]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in lines[1:-2]:
        document.add_paragraph(line).paragraph_format.first_line_indent = docx.shared.Pt(32)
    for line in lines[-2:]:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(str(path))


def _pdf(case: Case, path: Path) -> None:
    """Print an HTML rendering with headless Chromium: a running header and page numbers on every
    page (CSS page-margin boxes), one text box per character as Chromium writes them."""
    lines = list(case.lines)
    margin = (f'@top-center{{content:"{case.header}";font-size:10pt}}' if case.header else "")
    margin += '@bottom-center{content:"— " counter(page) " —";font-size:10pt}'
    style = ("body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;font-size:16pt;line-height:1.8}"
             " h1{text-align:center;font-size:22pt} p{text-indent:2em;margin:0} .sign{text-align:right;text-indent:0}"
             f" @page{{margin:2.5cm 2cm;{margin}}}")
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in case.table)
    inner = (f'<table border="1" style="width:100%;font-size:10pt">{table}</table>' if table else "")
    inner += (f"<h1>{lines[0]}</h1>" + "".join(f"<p>{p}</p>" for p in lines[1:-2])
             + "".join(f'<p class="sign">{p}</p>' for p in lines[-2:]))
    source = path.with_suffix(".src.html")
    source.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{lines[0]}</title>'
                      f"<style>{style}</style></head><body>{inner}</body></html>", encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={path}",
                    source.as_uri()], check=True, capture_output=True, timeout=120)
    source.unlink()
