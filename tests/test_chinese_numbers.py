"""The figure parser on every form the three documents use."""

import pytest

from pipeline.chinese_numbers import chinese_numeral, find_figures, matching_figure


@pytest.mark.parametrize(
    "text, value, unit, bound",
    [
        ("城镇新增就业1.8万人", 18000, "people", "exact"),
        ("推动超30个低空起降点落地", 30, "count", "more_than"),
        ("地区生产总值增长5%左右", 5, "percent", "about"),
        ("迈上700亿元新台阶", 70_000_000_000, "yuan", "at_least"),
        ("固定资产投资完成535亿元", 53_500_000_000, "yuan", "exact"),
        ("固定资产投资增长10%以上", 10, "percent", "at_least"),
        ("每万人有效发明专利拥有量增长 15% 以上", 15, "percent", "at_least"),
        ("完成年度投资不少于 40.7 亿元", 4_070_000_000, "yuan", "at_least"),
        ("新增就业1万人以上", 10000, "people", "at_least"),
        ("兑现就业创业补贴3292.95万元", 32_929_500, "yuan", "exact"),
        ("惠及3204家企业", 3204, "count", "exact"),
        ("北京路累计客流6777.53万人次", 67_775_300, "person_time", "exact"),
        ("开展技能培训不少于1万人次", 10000, "person_time", "at_least"),
        ("两个月签约1692户", 1692, "household", "exact"),
        ("筹集保障性租赁住房1.07万套", 10700, "housing_unit", "exact"),
        ("加快建设琶洲南35万平方米消费新地标", 350_000, "sqm", "exact"),
        ("新增绿化 8000 m²", 8000, "sqm", "exact"),
        ("石围塘、塞坝口连片3公顷土地收储", 3, "hectare", "exact"),
        ("35条、12.4公里道路建成通车", 12400, "metre", "exact"),
        ("改造燃气管网10.83公里", 10830, "metre", "exact"),
        ("力争实现可调度算力6000P", 6000, "pflops", "exact"),
        ("超时序进度27.5个百分点", 27.5, "percentage_point", "exact"),
        ("提升 3 个百分点", 3, "percentage_point", "exact"),
        ("力争参赛队伍超8000支", 8000, "count", "more_than"),
        ("举办展览活动超300场", 300, "count", "more_than"),
        ("完成12宗地块土地供应", 12, "count", "exact"),
        ("盘活改造重点楼宇 55 栋", 55, "count", "exact"),
        ("整治公共标识317处", 317, "count", "exact"),
        ("更新老旧电梯 300 台", 300, "count", "exact"),
        ("新缔结穗港澳姊妹学校（园）3 对", 3, "count", "exact"),
        ("401 件建议提案", 401, "count", "exact"),
        ("细化形成 140 余项作战清单", 140, "count", "more_than"),
        ("现代服务业增加值占 GDP 比重近七层", 70, "percent", "nearly"),
        ("推动养老机构服务安全基本规范100%达标", 100, "percent", "exact"),
        ("签约率76.70%", 76.7, "percent", "exact"),
        ("2300名志愿者", 2300, "people", "exact"),
        ("汇聚 4.5 万“越秀邻里”群防力量", 45000, None, "exact"),
        ("6 大主导产业", 6, "count", "exact"),
        ("两大美丽单元", 2, "count", "exact"),
        ("办好十件民生实事", 10, "count", "exact"),
    ],
)
def test_reads_the_figure(text, value, unit, bound):
    (figure,) = [f for f in find_figures(text) if f.value == value]
    assert (figure.unit, figure.bound) == (unit, bound)


@pytest.mark.parametrize(
    "text, low, high, counter",
    [
        ("新增国家级专精特新“小巨人”企业1-2家", 1, 2, "家"),
        ("打造3-5个中医临床重点、特色专科", 3, 5, "个"),
    ],
)
def test_reads_ranges(text, low, high, counter):
    (figure,) = find_figures(text)
    assert (figure.value, figure.value_high, figure.bound, figure.counter) == (low, high, "range", counter)


@pytest.mark.parametrize("text", ["2025 年 7 月 11 日", "U16女足", "会展政策2.0版", "6G未来网络", "“1285”产业体系"])
def test_ignores_numbers_that_are_not_figures(text):
    assert find_figures(text) == []


def test_word_ending_in_yue_is_not_about():
    # 签约 ends in 约 ("about"); the figure after it is exact.
    (figure,) = find_figures("完成签约 2101 户")
    assert figure.bound == "exact"
    (figure,) = find_figures("约300个")
    assert figure.bound == "about"


def test_decimal_magnitudes_have_no_float_noise():
    assert find_figures("1.07万套")[0].value == 10700
    assert find_figures("2383.01亿元")[0].value == 238_301_000_000


def test_matching_figure_requires_unit_and_bound():
    text = "力争参赛队伍超8000支、人数超1.5万人。"
    assert matching_figure(text, 15000, "people", "more_than").text == "超1.5万人"
    assert matching_figure(text, 15000, "people", "exact") is None
    assert matching_figure(text, 15000, "person_time", "more_than") is None
    assert matching_figure(text, 8000, "count", "more_than").counter == "支"


@pytest.mark.parametrize(
    "numeral, value",
    [("两", 2), ("十", 10), ("十五", 15), ("二十", 20), ("九十九", 99), ("一百", None), ("二二", None)],
)
def test_chinese_numerals(numeral, value):
    assert chinese_numeral(numeral) == value
