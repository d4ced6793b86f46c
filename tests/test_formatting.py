"""Display of figures: Chinese style on zh pages, English style on en pages."""

import pytest

from pipeline.content import read_content
from pipeline.formatting import (
    chart_number,
    count_text,
    figure_label,
    figure_text,
    kind_label,
    unit_caption,
)
from pipeline.paths import ROOT, ProjectPaths


@pytest.mark.parametrize(
    "value, unit, bound, counter, zh, en",
    [
        (18000, "people", "exact", None, "1.8万人", "18,000 people"),
        (70_000_000_000, "yuan", "at_least", None, "700亿元以上", "at least CNY 70 billion"),
        (5, "percent", "about", None, "5%左右", "about 5%"),
        (8000, "count", "more_than", "支", "超8000支", "more than 8,000"),
        (10700, "housing_unit", "exact", None, "1.07万套", "10,700 homes"),
        (12575, "household", "exact", None, "12575户", "12,575 households"),
        (1, "household", "exact", None, "1户", "1 household"),
        (32_929_500, "yuan", "exact", None, "3292.95万元", "CNY 32.9295 million"),
        (4_070_000_000, "yuan", "at_least", None, "40.7亿元以上", "at least CNY 4.07 billion"),
        (12400, "metre", "exact", None, "12.4公里", "12.4 km"),
        (12_000_000, "sqm", "more_than", None, "超1200万平方米", "more than 12 million m²"),
        (350_000, "sqm", "exact", None, "35万平方米", "350,000 m²"),
        (27.5, "percentage_point", "exact", None, "27.5个百分点", "27.5 percentage points"),
        (70, "percent", "nearly", None, "近70%", "nearly 70%"),
        (6000, "pflops", "exact", None, "6000P", "6,000 PFLOPS"),
        (14300, "person_time", "exact", None, "1.43万人次", "14,300 person-times"),
        (100, "count", "at_most", "家", "不超过100家", "at most 100"),
    ],
)
def test_figure_text(value, unit, bound, counter, zh, en):
    assert figure_text(value, unit, bound, "zh", counter=counter) == zh
    assert figure_text(value, unit, bound, "en", counter=counter) == en


def test_range():
    assert figure_text(1, "count", "range", "zh", value_high=2, counter="家") == "1–2家"
    assert figure_text(1, "count", "range", "en", value_high=2) == "1–2"


def test_a_bar_label_shows_the_bound_as_a_symbol_and_leaves_the_unit_to_the_axis():
    assert figure_label(10, "percent", "at_least", "zh") == "≥10%"
    assert figure_label(30, "count", "more_than", "en") == ">30"
    assert figure_label(5, "percent", "about", "en") == "≈5%"
    assert figure_label(18000, "people", "exact", "zh") == "1.8万"
    assert figure_label(10000, "people", "at_least", "en") == "≥10,000"
    assert figure_label(70_000_000_000, "yuan", "at_least", "en") == "≥70bn"
    assert figure_label(53_500_000_000, "yuan", "exact", "zh") == "535亿"
    assert figure_label(12575, "household", "exact", "zh") == "12575"  # 1.2575万 would not be shorter
    assert figure_label(1, "count", "range", "en", value_high=2) == "1–2"


@pytest.mark.parametrize(
    "ticks, unit, zh, en",
    [
        ([0, 5000, 10000, 15000], "people", ["0", "0.5万", "1万", "1.5万"], ["0", "5k", "10k", "15k"]),
        ([0, 2500, 5000, 7500], "household", ["0", "2500", "5000", "7500"], ["0", "2,500", "5,000", "7,500"]),
        ([0, 25e9, 50e9, 100e9], "yuan", ["0", "250亿", "500亿", "1000亿"], ["0", "25bn", "50bn", "100bn"]),
        ([0, 2, 4], "percent", ["0%", "2%", "4%"], ["0%", "2%", "4%"]),
    ],
)
def test_tick_labels_are_scaled_as_their_whole_axis_is(ticks, unit, zh, en):
    assert [chart_number(t, unit, "zh", axis_top=ticks[-1]) for t in ticks] == zh
    assert [chart_number(t, unit, "en", axis_top=ticks[-1]) for t in ticks] == en


def test_the_unit_is_named_once_beside_the_axis():
    assert unit_caption("people", "zh") == "单位：人" and unit_caption("people", "en") == "Unit: people"
    assert unit_caption("yuan", "en") == "Unit: CNY"
    assert unit_caption("count", "zh", "支") == "单位：支" and unit_caption("count", "en", "支") == ""
    assert unit_caption("percent", "zh") == unit_caption("percent", "en") == ""


def test_kind_and_period_in_the_words_of_content_ui_yaml():
    _, ui = read_content(ProjectPaths(ROOT))
    zh, en = ({key: text[lang] for key, text in ui.items()} for lang in ("zh", "en"))
    assert kind_label("actual", "2025-H1", True, zh) == "2025年上半年结果（预计）"
    assert kind_label("actual", "2025-H1", True, en) == "Result, first half of 2025 (estimate)"
    assert kind_label("target", "2025", False, en) == "Target, full year 2025"
    assert kind_label("target", "2025-H2", False, zh) == "2025年下半年目标"


def test_counts_in_running_text_group_digits_in_english_only():
    assert (count_text(3000, "en"), count_text(3000, "zh")) == ("3,000", "3000")
    assert (count_text(31, "en"), count_text(31, "zh")) == ("31", "31")
