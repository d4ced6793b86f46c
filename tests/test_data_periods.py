"""Kind and period follow the documents: Yuexiu's part one reports H1 results, part two sets targets."""

import pytest

from pipeline.builder import check_data
from pipeline.paths import ProjectPaths
from pipeline.validate import without_whitespace

PART_TWO = "二、下半年工作安排"


@pytest.fixture(scope="module")
def dataset():
    return check_data(ProjectPaths())


def district(dataset, district_id):
    (found,) = [d for d in dataset.districts if d.id == district_id]
    return found


def test_yuexiu_part_one_is_results_and_part_two_targets(dataset):
    text = without_whitespace(dataset.source_texts["yuexiu-2025-midyear-report"])
    part_two_starts = text.index(PART_TWO)
    wrong = []
    for record in district(dataset, "yuexiu").records:
        in_part_two = text.index(without_whitespace(record.quote)) > part_two_starts
        if in_part_two:
            # Full-year where the text says 全年 or 年度, otherwise the second half.
            expected = ("target", "2025" if ("全年" in record.quote or "年度" in record.quote) else "2025-H2")
        else:
            expected = ("actual", "2025-H1")
        if (record.kind, record.period) != expected:
            wrong.append(f"{record.id}: {record.kind} {record.period}, expected {expected}")
    assert wrong == []


def test_yuexiu_estimates_are_marked(dataset):
    estimates = {r.id for r in district(dataset, "yuexiu").records if r.estimate}
    assert estimates == {r.id for r in district(dataset, "yuexiu").records if "预计" in r.quote}
    assert estimates  # 预计上半年地区生产总值增长 2%，一般公共收入增长 1.1%


@pytest.mark.parametrize("district_id", ["haizhu", "liwan"])
def test_task_list_and_work_report_hold_only_annual_targets(dataset, district_id):
    assert {(r.kind, r.period) for r in district(dataset, district_id).records} == {("target", "2025")}


def test_every_ai_and_low_altitude_item_is_filed_there(dataset):
    keywords = {
        "ai": ["人工智能", "大模型", "算力", "算法", "AI+", "具身智能", "机器人", "脑机接口", "数据要素"],
        "low-altitude": ["低空"],
    }
    missing = [
        f"{r.id} → {topic}"
        for d in dataset.districts
        for r in d.records
        for topic, words in keywords.items()
        if any(w in r.quote for w in words)
        and topic != r.topic
        and topic not in r.tags
        and any(w in r.label_zh + r.summary_en for w in words + ["AI", "low-altitude", "robot"])
    ]
    assert missing == []
