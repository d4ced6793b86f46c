"""Every English summary carries the same figures as its record (and so as the Chinese quote)."""

import re

import pytest

from pipeline.builder import check_data
from pipeline.paths import ProjectPaths

NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s*(billion|million|thousand|km\b))?")
SCALE = {"": 1, "billion": 10**9, "million": 10**6, "thousand": 10**3, "km": 10**3}
WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}


def numbers_in(text: str) -> set[float]:
    """Every figure written in an English text, scaled: 'CNY 70 billion' → 7e10, '12.4 km' → 12400, 'six' → 6."""
    found = {float(n.replace(",", "")) * SCALE[word] for n, word in NUMBER.findall(text)}
    found |= {float(v) for w, v in WORDS.items() if re.search(rf"\b{w}\b", text, re.I)}
    return found


def english_mismatches(records) -> list[str]:
    problems = []
    for record in records:
        if record.value is None:
            continue
        stated = numbers_in(record.summary_en)
        for value in (record.value, record.value_high):
            if value is not None and not any(abs(value - n) <= 1e-9 * max(1, value) for n in stated):
                problems.append(f"{record.id}: {value:g} {record.unit} not in “{record.summary_en}”")
    return problems


def test_reads_english_figures():
    assert numbers_in("Raise fixed-asset investment to at least CNY 70 billion.") == {70e9}
    assert numbers_in("Open 35 roads (12.4 km) to traffic; six pilots; 18,000 jobs; 76.70%.") == {
        35,
        12400,
        6,
        18000,
        76.7,
    }


def test_a_wrong_english_figure_is_caught():
    record = next(
        r for d in check_data(ProjectPaths()).districts for r in d.records if r.id == "haizhu-t83-new-urban-jobs"
    )
    assert english_mismatches([record]) == []
    assert english_mismatches([record.model_copy(update={"summary_en": "Create 1,800 new urban jobs."})]) != []


@pytest.mark.parametrize("district", ["haizhu", "yuexiu", "liwan"])
def test_every_summary_has_its_records_figures(district):
    dataset = check_data(ProjectPaths())
    (own,) = [d for d in dataset.districts if d.id == district]
    assert english_mismatches(own.records) == []
