"""Statistics tables read as sentences: each figure with its row's name, its column and its unit.
Every table here is written for the test (invented regions and figures)."""
from __future__ import annotations

from rag.ingest import load_document
from rag.ingest.tables import readable

HEADER = "序号 | 指标名称 | 单位 | 2022年 | 2023年"


def test_a_row_of_figures_reads_with_its_name_columns_and_unit_latest_year_first():
    lines = ["附件:主要指标统计表", HEADER, "1 | 行政复议收到申请件数 | 件 | 84 | 97",
             "2 | 行政复议直接纠错率 | % | 13.2 | 10.4", "3 | 集成服务事项数 | 项 | — | 21", "注:2023年起统计。"]
    assert readable(lines) == ["附件:主要指标统计表", HEADER, "行政复议收到申请件数:2023年97件,2022年84件。",
                               "行政复议直接纠错率:2023年10.4%,2022年13.2%。", "集成服务事项数:2023年21项。",
                               "注:2023年起统计。"]


def test_columns_that_are_not_years_keep_their_order_and_cells_keep_their_units():
    lines = ["地区 | 收案 | 审结 | 纠错率", "甲镇 | 31件 | 29件 | 10.3%", "乙镇 | 18件 | 18件 | 5.6%"]
    assert readable(lines)[1:] == ["甲镇:收案31件,审结29件,纠错率10.3%。", "乙镇:收案18件,审结18件,纠错率5.6%。"]


def test_a_unit_after_the_rows_name_goes_with_its_figures_and_a_change_column_says_the_direction():
    lines = ["项目 | 2023年 | 同比变化", "行政应诉案件(件) | 58 | 下降12.1%", "执业律师(人) | 304 | 增加21人",
             "人民调解成功率 | 97.6% | 基本持平", "村(社区)法律顾问 | 186 | —"]
    assert readable(lines)[1:] == ["行政应诉案件:2023年58件,同比下降12.1%。", "执业律师:2023年304人,同比增加21人。",
                                   "人民调解成功率:2023年97.6%,同比基本持平。", "村(社区)法律顾问:2023年186。"]


def test_tables_without_a_label_header_or_without_figures_stay_as_they_are():
    fields = ["索引号 | 11410300-2023-00012 | 发布机构 | 某县司法局", "成文日期 | 2024-01-10 | 发布日期 | 2024-01-12"]
    contacts = ["单位 | 地址 | 电话", "县司法局 | 城关镇人民路8号 | 咨询热线"]
    numbers_first = ["2022 | 2023", "84 | 97"]
    for table in (fields, contacts, numbers_first):
        assert readable(table) == table
    ragged = [HEADER, "1 | 法律援助案件数 | 件 | 512", "2 | 人民调解纠纷数 | 件 | 2210 | 2391"]
    assert readable(ragged) == [HEADER, "1 | 法律援助案件数 | 件 | 512", "人民调解纠纷数:2023年2391件,2022年2210件。"]


def test_a_docx_statistics_table_is_ingested_as_sentences(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("松溪县人民政府关于2023年度法治政府建设情况的报告")
    document.add_paragraph("2023年,我县扎实推进法治政府建设,全年办理法律援助案件418件。")
    table = document.add_table(rows=3, cols=5)
    for row, cells in zip(table.rows, [HEADER.split(" | "), ["1", "法律援助案件数", "件", "377", "418"],
                                       ["2", "行政机关负责人出庭应诉率", "%", "95.1", "100"]]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    path = tmp_path / "songxi_2023.docx"
    document.save(str(path))
    text = load_document(path).text
    assert "法律援助案件数:2023年418件,2022年377件。" in text
    assert "行政机关负责人出庭应诉率:2023年100%,2022年95.1%。" in text


def test_two_header_rows_a_category_column_a_unit_column_and_remarks_read_as_sentences():
    """A portal's statistics table after its merged cells are spread over the grid: 类别 merged down,
    "2023年完成情况" merged over 数量 | 单位, a remark in some rows only."""
    lines = ["类别 | 指标 | 2023年完成情况 | 2023年完成情况 | 备注", "类别 | 指标 | 数量 | 单位 | 备注",
             "行政复议 | 收到复议申请 | 64 | 件", "行政复议 | 审结 | 52 | 件 | 纠错率9.6%",
             "行政复议 | 其中:调解结案 | 7 | 件", "法律援助 | 值班律师法律帮助 | 1210 | 人次"]
    assert readable(lines)[2:] == ["行政复议收到复议申请:2023年完成情况64件。", "行政复议审结:2023年完成情况52件,纠错率9.6%。",
                                   "行政复议,其中调解结案:2023年完成情况7件。", "法律援助值班律师法律帮助:2023年完成情况1210人次。"]


def test_a_column_named_danwei_that_lists_offices_is_the_rows_name_and_header_units_go_with_figures():
    lines = ["单位 | 立案数(件) | 罚没款(万元) | 调解纠纷(万件)", "城东分局 | 315 | 820.5 | 1.2", "合计 | 1020 | 2311.0 | 3.9"]
    assert readable(lines)[1:] == ["城东分局:立案数315件,罚没款820.5万元,调解纠纷1.2万件。",
                                   "合计:立案数1020件,罚没款2311.0万元,调解纠纷3.9万件。"]


def test_an_html_table_with_merged_cells_in_gbk_is_read_with_every_figure_under_its_column(tmp_path):
    rows = ('<tr><td rowspan="2">类别</td><td rowspan="2">指标</td><td colspan="2">2023年完成情况</td><td rowspan="2">备注</td></tr>'
            '<tr><td>数量</td><td>单位</td></tr>'
            '<tr><td rowspan="2">行政应诉</td><td>一审行政诉讼案件</td><td>41</td><td>件</td><td>&nbsp;</td></tr>'
            '<tr><td>败诉案件</td><td>3</td><td>件</td><td>负责人出庭应诉率100%</td></tr>'
            '<tr><td colspan="5">注:统计时间为2023年全年。</td></tr>')
    page = ('<html><head><meta charset="gb2312"><title>堌城县人民政府关于2023年度法治政府建设情况的报告</title></head><body>'
            '<p>2023年,堌城县全面推进依法行政。现将有关情况报告如下。</p>'
            f'<table border="1">{rows}</table><p>堌城县人民政府</p><p>2024年1月12日</p></body></html>')
    path = tmp_path / "gucheng_2023.html"
    path.write_bytes(page.encode("gbk"))
    text = load_document(path).text
    assert "行政应诉一审行政诉讼案件:2023年完成情况41件。" in text
    assert "行政应诉败诉案件:2023年完成情况3件,负责人出庭应诉率100%。" in text
    assert "注:统计时间为2023年全年。" in text and "注:统计时间为2023年全年。 |" not in text  # a note row stays one line
