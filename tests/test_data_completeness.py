"""Every figure in the three source documents is on the site, with its quote.

A reader who picks any figure in any of the documents must find it among the
records: some record citing that document quotes the sentence that holds the
figure and gives the same value, unit and bound. The figures are the ones the
site's own parser (pipeline.chinese_numbers.find_figures) reads. The few it
reads that are not figures of the document (a duration, an ordinal, part of a
name or slogan) are listed in EXCLUDED below, each with its reason.
"""

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline import chinese_numbers  # noqa: E402
from pipeline.builder import check_data  # noqa: E402
from pipeline.chinese_numbers import Figure, find_figures  # noqa: E402
from pipeline.paths import ProjectPaths  # noqa: E402
from pipeline.validate import without_whitespace  # noqa: E402

WHITESPACE = re.compile(r"\s")  # what pipeline.validate.without_whitespace removes
CONTEXT = 6  # characters either side of a figure in its key and in messages

HAIZHU = "haizhu-2025-key-tasks"
YUEXIU = "yuexiu-2025-midyear-report"
LIWAN = "liwan-2025-work-report-summary"

# Figures the parser reads that are not figures of the document. The key is
# (source id, the figure's text in [brackets] with 6 characters of the
# white-space-free text either side, more where 6 would not tell two figures
# apart), exactly as the failure message prints it.
EXCLUDED: dict[tuple[str, str], str] = {
    # Haizhu: the task table's 序号 runs into the task text once white space is removed.
    (HAIZHU, "。琶洲管委会[32支]持开展人形机"): "task number 32 followed by 支持, not a figure",
    (HAIZHU, "区科工商信局[34支]持开展低轨卫"): "task number 34 followed by 支持, not a figure",
    (HAIZHU, "区科工商信局[64大]力培育优质产"): "task number 64 followed by 大力, not a figure",
    (HAIZHU, '大道北"婚纱[一条]街"。滨江街'): "part of the street's name “婚纱一条街”",
    # Liwan
    (LIWAN, "固定资产投资[535亿元]目标,加快实"): "repeats the 535亿元 investment target recorded from the main-targets "
    "sentence (liwan-fai-total); a second record would count it twice",
    (LIWAN, "进“高效办成[一件]事”,加大电"): "part of the reform's name “高效办成一件事”",
    (LIWAN, "需求和推荐“[两个]清单”,解决"): "part of a slogan: the “two lists” (needs and recommendations)",
    (
        LIWAN,
        "、街区、市容[四大]方面129个",
    ): "counts the four categories just named; the figure is the 129个项目 recorded",
    # Yuexiu
    (
        YUEXIU,
        "事顺利举办。[三大]场馆周边品质",
    ): "“the three venues” names the Games venues; the figure is the 31个项目 recorded",
    (YUEXIU, "部火线支援，[两个]月签约169"): "a duration (two months), not a figure of its own",
    (YUEXIU, "访工作呈现“[两个]下降”良好态"): "part of a slogan (“两个下降”)",
    (YUEXIU, "贯彻落实党的[二十大]和二十届二中"): "an ordinal: the 20th Party Congress",
    (YUEXIU, "实推进深入贯彻中央[八项]规定精神学习教育，"): "part of a name: the Central Committee's eight-point rules",
    (YUEXIU, "序推进深入贯彻中央[八项]规定精神学习教育，"): "part of a name: the Central Committee's eight-point rules",
    (YUEXIU, "市新活力、“[四个]出新出彩”中"): "part of a slogan (“四个出新出彩”)",
    (YUEXIU, "务融入全国统[一大]市场，优化提"): "part of the word 统一大市场 (national unified market)",
    (YUEXIU, "坚持和落实“[两个]毫不动摇”，"): "part of a slogan (“两个毫不动摇”)",
    (YUEXIU, "善信用修复“[一件]事”机制，推"): "part of a name (信用修复“一件事”)",
    (YUEXIU, "力广州“办好[一个]会、提升一座"): "part of a slogan (“办好一个会、提升一座城…”)",
}


@dataclass(frozen=True)
class Located:
    """A figure of a source text and where it stands in the white-space-free text."""

    source: str
    start: int
    end: int
    figure: Figure
    key: str


def figures_with_positions(flat: str) -> list[tuple[int, int, Figure]]:
    """find_figures(flat), each with its span: the same three patterns, read the same way."""
    found = []
    for match in chinese_numbers.ARABIC_FIGURE.finditer(flat):
        if match["low"] is None:
            continue
        figure = chinese_numbers._arabic_figure(match)
        if figure is not None:
            found.append((match.start(), match.end(), figure))
    for match in chinese_numbers.TENTHS_FIGURE.finditer(flat):
        bound = chinese_numbers.PREFIX_BOUNDS[match["prefix"]] if match["prefix"] else "exact"
        value = float(chinese_numbers.CHINESE_DIGITS[match["digit"]] * 10)
        found.append((match.start(), match.end(), Figure(match.group(0), value, "percent", bound)))
    for match in chinese_numbers.CHINESE_COUNT.finditer(flat):
        value = chinese_numbers.chinese_numeral(match["numeral"])
        if value is not None:
            counter = match["counter"] if match["counter"] != "大" else None
            figure = Figure(match.group(0), float(value), "count", "exact", counter=counter)
            found.append((match.start(), match.end(), figure))
    found.sort(key=lambda item: item[0])
    # Guard against this copy drifting from the parser it mirrors.
    assert [figure for _, _, figure in found] == find_figures(flat), (
        "figures_with_positions no longer reads what pipeline.chinese_numbers.find_figures reads"
    )
    return found


def figure_key(flat: str, start: int, end: int, width: int = CONTEXT) -> str:
    return f"{flat[max(0, start - width) : start]}[{flat[start:end]}]{flat[end : end + width]}"


@lru_cache(maxsize=1)
def dataset():
    return check_data(ProjectPaths(ROOT))


def unique_keys(flat: str, spans: list[tuple[int, int]]) -> list[str]:
    """Each span's key: CONTEXT characters either side, more where two figures would share one."""
    keys = []
    for start, end in spans:
        width = CONTEXT
        while width < len(flat) and any(
            figure_key(flat, s, e, width) == figure_key(flat, start, end, width)
            for s, e in spans
            if (s, e) != (start, end)
        ):
            width += 1
        keys.append(figure_key(flat, start, end, width))
    return keys


def located_figures() -> list[Located]:
    located = []
    for source_id, text in sorted(dataset().source_texts.items()):
        flat = without_whitespace(text)
        found = figures_with_positions(flat)
        keys = unique_keys(flat, [(start, end) for start, end, _ in found])
        for (start, end, figure), key in zip(found, keys):
            located.append(Located(source_id, start, end, figure, key))
    return located


def quote_spans(flat: str, quote: str) -> list[tuple[int, int]]:
    """Every place the quote stands in the white-space-free source text."""
    needle = without_whitespace(quote)
    spans, at = [], flat.find(needle)
    while at != -1:
        spans.append((at, at + len(needle)))
        at = flat.find(needle, at + 1)
    return spans


def is_covered(item: Located) -> bool:
    flat = without_whitespace(dataset().source_texts[item.source])
    for district in dataset().districts:
        for record in district.records:
            if record.source != item.source or not record.has_figure:
                continue
            if not item.figure.agrees_with(record.value, record.unit, record.bound, record.value_high):
                continue
            if any(qs <= item.start and item.end <= qe for qs, qe in quote_spans(flat, record.quote)):
                return True
    return False


def source_line(source_id: str, flat_index: int) -> int:
    """The line of the archived text on which the flat text's character stands."""
    text = dataset().source_texts[source_id]
    kept = -1
    for index, char in enumerate(text):
        if not WHITESPACE.fullmatch(char):
            kept += 1
            if kept == flat_index:
                return text.count("\n", 0, index) + 1
    return text.count("\n") + 1


def describe(item: Located) -> str:
    f = item.figure
    high = f" to {f.value_high:g}" if f.value_high is not None else ""
    return (
        f"  ({item.source!r}, {item.key!r}),  line {source_line(item.source, item.start)}: "
        f"{f.value:g}{high} {f.unit or 'no unit'}, {f.bound}"
    )


def test_figure_keys_are_unique():
    seen: dict[tuple[str, str], int] = {}
    for item in located_figures():
        seen[(item.source, item.key)] = seen.get((item.source, item.key), 0) + 1
    doubles = [f"  {source}: {key!r}" for (source, key), n in seen.items() if n > 1]
    assert not doubles, "two figures share a key; widen CONTEXT:\n" + "\n".join(doubles)


def test_exclusions_name_real_uncovered_figures():
    figures = {(item.source, item.key): item for item in located_figures()}
    stale = [f"  {source}: {key!r}" for source, key in EXCLUDED if (source, key) not in figures]
    assert not stale, "these exclusions match no figure of their source text:\n" + "\n".join(stale)
    covered = [describe(figures[key]) for key in EXCLUDED if is_covered(figures[key])]
    assert not covered, "these excluded figures are covered by a record; drop the exclusion:\n" + "\n".join(covered)
    unexplained = [f"  {source}: {key!r}" for (source, key), reason in EXCLUDED.items() if not reason.strip()]
    assert not unexplained, "every exclusion needs a reason:\n" + "\n".join(unexplained)


def test_every_figure_of_every_source_is_on_the_site():
    items = located_figures()
    assert items, "no figures found in the source texts"
    missing = [item for item in items if (item.source, item.key) not in EXCLUDED and not is_covered(item)]
    if missing:
        raise AssertionError(
            f"{len(missing)} of {len(items)} figures in the source texts are on no record whose quote "
            "holds them with the same value, unit and bound. Add a record for each to data/districts/ "
            "(or, if it is not a figure of the document, add its key to EXCLUDED in this test with "
            "the reason):\n" + "\n".join(describe(item) for item in missing)
        )


def test_every_haizhu_task_has_a_record():
    haizhu = next(d for d in dataset().districts if d.id == "haizhu")
    numbers = {record.task_no for record in haizhu.records if record.task_no is not None}
    missing = sorted(set(range(1, 91)) - numbers)
    assert not missing, f"Haizhu tasks (序号) with no record: {missing}"
    extra = sorted(numbers - set(range(1, 91)))
    assert not extra, f"Haizhu records with a task_no outside 1..90: {extra}"


def test_yuexiu_has_no_annual_gdp_growth_target():
    """The Yuexiu report gives only an H1 estimate of GDP growth; never show it as a target."""
    yuexiu = next(d for d in dataset().districts if d.id == "yuexiu")
    wrong = [r.id for r in yuexiu.records if r.metric == "gdp-growth" and r.kind == "target"]
    assert not wrong, f"Yuexiu records presenting GDP growth as a target: {wrong}"
