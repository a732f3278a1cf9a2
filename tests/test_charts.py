"""The 对比 tab's charts, on comparisons written for the test: sorted bars, the unit on the axis,
one chart per unit, the year beside each region, and the regions without a value under the chart."""
from __future__ import annotations

import re

from rag.compare import Comparison
from rag.facts import Fact
from ui.charts import by_unit, charts_html


def _comparison(indicator: str, unit: str, values: list[tuple[str, int, float, str]], missing=()) -> Comparison:
    facts = [Fact("d", region, year, indicator, value, unit, shown, "c", "句") for region, year, value, shown in values]
    return Comparison(indicator, unit, list(enumerate(facts, 1)), list(missing))


RATE = _comparison("行政复议纠错率", "%", [("甲市", 2021, 9.5, "9.5%"), ("乙县", 2022, 31.0, "31%"),
                                            ("丙区", 2020, 18.25, "18.25%")], missing=["丁镇"])
COUNT = _comparison("法律援助案件", "件", [("甲市", 2021, 120, "120件"), ("乙县", 2022, 4300, "4300件")])


def test_bars_sorted_by_value_with_the_year_beside_each_region():
    shown = charts_html([RATE])
    labels = re.findall(r'text-anchor="end" font-size="13">([^<]+)</text>', shown)
    assert labels == ["乙县 2022年", "丙区 2020年", "甲市 2021年"]  # by value, not by name
    assert [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', shown)] == sorted(
        (float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', shown)), reverse=True)


def test_one_chart_per_unit_with_the_unit_on_its_axis_and_missing_regions_below():
    shown = charts_html([RATE, COUNT])
    charts = re.findall(r'<figure class="compare-chart" data-unit="([^"]+)">(.*?)</figure>', shown, re.S)
    assert [unit for unit, _ in charts] == ["%", "件"]
    rate, count = (body for _, body in charts)
    assert 'class="axis-unit"' in rate and "(%)" in rate and "(件)" in count
    assert "法律援助案件" not in rate and "行政复议纠错率" not in count
    assert "未自动提取到" in rate and "丁镇" in rate.split("</svg>")[1]  # listed under the chart
    assert "未自动提取到" not in count
    assert list(by_unit([RATE, COUNT, _comparison("行政诉讼败诉率", "%", [])])) == ["%", "件"]


def test_chart_text_from_documents_is_escaped():
    hostile = _comparison("行政复议纠错率", "%", [("<img src=x onerror=alert(1)>", 2021, 5, "5%")])
    shown = charts_html([hostile])
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt; 2021年" in shown
