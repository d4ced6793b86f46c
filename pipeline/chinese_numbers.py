"""Read the figures written in Chinese government prose: 1.8万人, 超30个, 5%左右, 700亿元.

This is the single parser of figures: the validator uses it to check that a
record's value, unit and bound agree with its quote, and the tables use it to
recover the measure word (支, 家, 个 …) that the document wrote.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

MAGNITUDES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}

# Longer words first: 个百分点 before 个, 人次 before 人, 千米 before 米.
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    "个百分点": ("percentage_point", Decimal(1)),
    "%": ("percent", Decimal(1)),
    "％": ("percent", Decimal(1)),
    "元": ("yuan", Decimal(1)),
    "人次": ("person_time", Decimal(1)),
    "人": ("people", Decimal(1)),
    "名": ("people", Decimal(1)),
    "户": ("household", Decimal(1)),
    "套": ("housing_unit", Decimal(1)),
    "平方米": ("sqm", Decimal(1)),
    "m²": ("sqm", Decimal(1)),
    "㎡": ("sqm", Decimal(1)),
    "公顷": ("hectare", Decimal(1)),
    "公里": ("metre", Decimal(1000)),
    "千米": ("metre", Decimal(1000)),
    "米": ("metre", Decimal(1)),
    "P": ("pflops", Decimal(1)),
}
COUNTERS = "个家支项场宗条栋处台对所座批间片件大"  # 大 as in 6 大主导产业
# Words that count households or, as counters, other things: 新登记经营主体12575户 counts businesses.
# A record may read a figure written with one as a count (unit: count, the word kept as its counter).
ALSO_COUNTERS = {"户"}
for _counter in COUNTERS:
    UNIT_WORDS[_counter] = ("count", Decimal(1))

PREFIX_BOUNDS = {
    "超过": "more_than",
    "超": "more_than",
    "不少于": "at_least",
    "不低于": "at_least",
    "迈上": "at_least",
    "不超过": "at_most",
    "不高于": "at_most",
    "近": "nearly",
    "约": "about",  # but not the 约 that ends 签约, 预约, 履约: see ABOUT_NOT_AFTER
}
ABOUT_NOT_AFTER = "签预履节制合公"
SUFFIX_BOUNDS = {"以上": "at_least", "左右": "about", "以下": "at_most", "以内": "at_most"}

CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


ARABIC_FIGURE = re.compile(
    rf"(?P<prefix>{_alternation(set(PREFIX_BOUNDS) - {'约'})}|(?<![{ABOUT_NOT_AFTER}])约)?\s*"
    r"(?<![\d.])(?P<low>\d+(?:\.\d+)?)(?:\s*-\s*(?P<high>\d+(?:\.\d+)?))?\s*"
    rf"(?P<magnitude>{_alternation(MAGNITUDES)})?\s*"
    r"(?P<more>余|多)?\s*"
    rf"(?P<unit>{_alternation(UNIT_WORDS)})?\s*"
    rf"(?P<suffix>{_alternation(SUFFIX_BOUNDS)})?"
)
# 七成 (70%); the Yuexiu report writes 近七层 for 近七成.
TENTHS_FIGURE = re.compile(r"(?P<prefix>近|约)?(?P<digit>[一二两三四五六七八九])[成层]")
# Small counts in Chinese numerals: 两大美丽单元, 三大产业组团, 四个“友好型”.
CHINESE_COUNT = re.compile(r"(?P<numeral>[一二两三四五六七八九十]{1,3})(?P<counter>[个大项条家场件])")


@dataclass(frozen=True)
class Figure:
    """One figure as written in a text, converted to base units."""

    text: str
    value: float
    unit: str | None
    bound: str
    value_high: float | None = None
    counter: str | None = None
    unit_word: str | None = None  # the unit as written (户, 人, 个 …)

    def agrees_with(self, value: float, unit: str, bound: str, value_high: float | None = None) -> bool:
        """True when a record's figure says the same as this one (a unitless 4.5万 agrees with any unit;
        a figure in 户 agrees with a count as well as with households)."""
        return (
            _same_number(self.value, value)
            and (self.unit is None or self.unit == unit or (unit == "count" and self.unit_word in ALSO_COUNTERS))
            and self.bound == bound
            and _same_number(self.value_high, value_high)
        )


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _to_float(number: Decimal) -> float:
    # Decimal arithmetic keeps 1.07万 at exactly 10700, not 10700.000000000002.
    return float(number.normalize())


def _arabic_figure(match: re.Match) -> Figure | None:
    unit_word = match["unit"]
    magnitude = match["magnitude"]
    if unit_word is None and magnitude is None:
        return None  # a bare number (a year, a model name) is not a figure
    multiplier = MAGNITUDES.get(magnitude, Decimal(1))
    unit, unit_scale = UNIT_WORDS.get(unit_word, (None, Decimal(1)))
    scale = multiplier * unit_scale
    high = match["high"]
    if high is not None:
        bound = "range"
    elif match["more"]:
        bound = "more_than"
    elif match["prefix"]:
        bound = PREFIX_BOUNDS[match["prefix"]]
    elif match["suffix"]:
        bound = SUFFIX_BOUNDS[match["suffix"]]
    else:
        bound = "exact"
    return Figure(
        text=match.group(0).strip(),
        value=_to_float(Decimal(match["low"]) * scale),
        unit=unit,
        bound=bound,
        value_high=_to_float(Decimal(high) * scale) if high is not None else None,
        counter=unit_word if unit == "count" else None,
        unit_word=unit_word,
    )


def find_figures(text: str) -> list[Figure]:
    """Every figure written in `text`, in order of appearance."""
    found: list[tuple[int, Figure]] = []
    for match in ARABIC_FIGURE.finditer(text):
        if match["low"] is None:
            continue
        figure = _arabic_figure(match)
        if figure is not None:
            found.append((match.start(), figure))
    for match in TENTHS_FIGURE.finditer(text):
        bound = PREFIX_BOUNDS[match["prefix"]] if match["prefix"] else "exact"
        value = float(CHINESE_DIGITS[match["digit"]] * 10)
        found.append((match.start(), Figure(match.group(0), value, "percent", bound)))
    for match in CHINESE_COUNT.finditer(text):
        value = chinese_numeral(match["numeral"])
        if value is not None:
            counter = match["counter"] if match["counter"] != "大" else None
            found.append((match.start(), Figure(match.group(0), float(value), "count", "exact", counter=counter)))
    return [figure for _, figure in sorted(found, key=lambda item: item[0])]


def chinese_numeral(text: str) -> int | None:
    """一 … 九十九 as an integer: 两 → 2, 十五 → 15, 二十 → 20; None for anything else."""
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return CHINESE_DIGITS.get(text) if len(text) == 1 else None
    if (
        len(tens) > 1
        or len(units) > 1
        or (tens and tens not in CHINESE_DIGITS)
        or (units and units not in CHINESE_DIGITS)
    ):
        return None
    return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(units, 0)


def matching_figure(text: str, value: float, unit: str, bound: str, value_high: float | None = None) -> Figure | None:
    """The first figure in `text` that agrees with the given one, or None."""
    for figure in find_figures(text):
        if figure.agrees_with(value, unit, bound, value_high):
            if unit == "count" and figure.unit != "count" and figure.unit is not None:
                return replace(figure, unit="count", counter=figure.unit_word)  # 户 read as a counter
            return figure
    return None
