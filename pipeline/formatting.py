"""How figures read on the page: 1.8万人 and 700亿元 in Chinese, 18,000 people and CNY 70 billion in English.

The one place numbers are formatted; templates reach it through Jinja filters
and charts call it for labels and hover text.
"""

from collections.abc import Mapping
from decimal import Decimal

SYMBOLS = {"exact": "", "about": "≈", "at_least": "≥", "more_than": ">", "at_most": "≤", "nearly": "近"}
SYMBOLS_EN = dict(SYMBOLS, nearly="nearly ")
BOUND_WORDS_EN = {
    "exact": "",
    "about": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "at_most": "at most ",
    "nearly": "nearly ",
}

# (divisor, suffix) pairs tried from the largest; None means "no 万/亿 scaling".
ZH_UNITS = {
    "percent": [(1, "%")],
    "percentage_point": [(1, "个百分点")],
    "yuan": [(10**8, "亿元"), (10**4, "万元"), (1, "元")],
    "people": [(10**4, "万人"), (1, "人")],
    "person_time": [(10**4, "万人次"), (1, "人次")],
    "household": [(10**4, "万户"), (1, "户")],
    "housing_unit": [(10**4, "万套"), (1, "套")],
    "sqm": [(10**4, "万平方米"), (1, "平方米")],
    "hectare": [(1, "公顷")],
    "metre": [(1000, "公里"), (1, "米")],
    "pflops": [(1, "P")],
}
EN_UNITS = {
    "percent": ("%", "%"),
    "percentage_point": (" percentage point", " percentage points"),
    "people": (" person", " people"),
    "person_time": (" person-time", " person-times"),
    "household": (" household", " households"),
    "housing_unit": (" home", " homes"),
    "sqm": (" m²", " m²"),
    "hectare": (" ha", " ha"),
    "pflops": (" PFLOPS", " PFLOPS"),
    "count": ("", ""),
}


def plain_number(value: float | Decimal, max_decimals: int = 4) -> str:
    """12.40 → '12.4', 18000.0 → '18000': no float noise, no trailing zeros."""
    text = f"{Decimal(str(value)):.{max_decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count_text(count: int, lang: str) -> str:
    """A count of things in running text: 3,000 in English, 3000 in Chinese (no digit grouping)."""
    return f"{count:,}" if lang == "en" else str(count)


def _grouped(value: float | Decimal) -> str:
    text = plain_number(value)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + (f".{fraction}" if fraction else "")


def _fits(value: Decimal, divisor: int, decimals: int) -> bool:
    """Whether value/divisor is written with at most `decimals` decimals (1.07万 yes, 1.2575万 no)."""
    scaled = value / divisor
    return scaled >= 1 and scaled == round(scaled, decimals)


def number_zh(value: float, unit: str, counter: str | None = None) -> str:
    """A value in Chinese style: 1.8万人, 700亿元, 5.5%, 8000支."""
    exact = Decimal(str(value))
    if unit == "count":
        if _fits(exact, 10**4, 2):
            return f"{plain_number(exact / 10**4)}万{counter or '个'}"
        return f"{plain_number(exact)}{counter or '个'}"
    for divisor, suffix in ZH_UNITS[unit]:
        decimals = 4 if unit == "yuan" else 2
        if divisor == 1 or _fits(exact, divisor, decimals):
            return f"{plain_number(exact / divisor)}{suffix}"
    raise ValueError(f"no Chinese format for unit {unit}")


def number_en(value: float, unit: str) -> str:
    """A value in English style: 18,000 people, CNY 70 billion, 5.5%, 12.4 km."""
    exact = Decimal(str(value))
    if unit == "yuan":
        for divisor, word in ((10**9, "billion"), (10**6, "million")):
            if exact >= divisor:
                return f"CNY {plain_number(exact / divisor)} {word}"
        return f"CNY {_grouped(exact)}"
    if unit == "metre":
        return f"{plain_number(exact / 1000)} km" if exact >= 1000 else f"{_grouped(exact)} m"
    if unit == "sqm" and exact >= 10**6 and _fits(exact, 10**6, 4):
        return f"{plain_number(exact / 10**6)} million m²"
    singular, plural = EN_UNITS[unit]
    return f"{_grouped(exact)}{singular if exact == 1 else plural}"


def figure_text(value, unit, bound, lang, value_high=None, counter=None) -> str:
    """A figure with its bound in words: 超8000支 / more than 8,000; 5%左右 / about 5%."""
    if lang == "zh":
        shown = number_zh(value, unit, counter)
        if bound == "range":
            return f"{plain_number(value)}–{number_zh(value_high, unit, counter)}"
        return {
            "exact": shown,
            "about": f"{shown}左右",
            "at_least": f"{shown}以上",
            "more_than": f"超{shown}",
            "at_most": f"不超过{shown}",
            "nearly": f"近{shown}",
        }[bound]
    shown = number_en(value, unit)
    if bound == "range":
        return f"{_grouped(value)}–{number_en(value_high, unit)}"
    return BOUND_WORDS_EN[bound] + shown


# A chart names its unit once, beside its axis; its ticks and bar labels are bare numbers.
UNIT_CAPTION = {
    "zh": {
        "percentage_point": "个百分点",
        "yuan": "元",
        "people": "人",
        "person_time": "人次",
        "household": "户",
        "housing_unit": "套",
        "sqm": "平方米",
        "hectare": "公顷",
        "metre": "米",
        "pflops": "P",
    },
    "en": {
        "percentage_point": "percentage points",
        "yuan": "CNY",
        "people": "people",
        "person_time": "person-times",
        "household": "households",
        "housing_unit": "homes",
        "sqm": "m²",
        "hectare": "ha",
        "metre": "m",
        "pflops": "PFLOPS",
    },
}
ZH_SCALES = [(10**8, "亿"), (10**4, "万")]
EN_SCALES = [(10**9, "bn"), (10**6, "m"), (10**3, "k")]


def chart_number(value: float, unit: str, lang: str, axis_top: float | None = None) -> str:
    """A number as a chart shows it, without its unit word (unit_caption names it): 1.8万, 700亿, 5.5%
    in Chinese; 18,000, CNY 70bn as 70bn, 5.5% in English.

    A tick label (axis_top: the axis's highest tick) is scaled as the whole axis is, so that its
    ticks read alike: 0.5万 1万 1.5万; 5k 10k 15k in English from ten thousand up.
    """
    exact = Decimal(str(value))
    if unit == "percent":
        return f"{plain_number(exact)}%"
    scales = ZH_SCALES if lang == "zh" else EN_SCALES
    if axis_top is not None:
        top = Decimal(str(axis_top))
        for divisor, suffix in scales:
            if top >= max(divisor, 10**4) and exact:
                return f"{plain_number(round(exact / divisor, 2))}{suffix}"
        return plain_number(exact) if lang == "zh" else _grouped(exact)
    if lang == "zh":
        decimals = 4 if unit == "yuan" else 2
        for divisor, suffix in scales:
            if _fits(exact, divisor, decimals):
                return f"{plain_number(exact / divisor)}{suffix}"
        return plain_number(exact)
    if unit == "yuan":
        for divisor, suffix in scales[:2]:
            if _fits(exact, divisor, 4):
                return f"{plain_number(exact / divisor)}{suffix}"
    return _grouped(exact)


def unit_caption(unit: str, lang: str, counter: str | None = None) -> str:
    """The unit of a chart's numbers, named once beside its axis: '单位：人', 'Unit: people'; '' for
    percentages (their numbers say %) and for plain counts in English."""
    if unit == "count":
        word = (counter or "个") if lang == "zh" else ""
    else:
        word = UNIT_CAPTION[lang].get(unit, "")
    if not word:
        return ""
    return f"单位：{word}" if lang == "zh" else f"Unit: {word}"


def figure_label(value, unit, bound, lang, value_high=None, counter=None) -> str:
    """A figure with its bound as a symbol and without its unit word, for a bar's label: ≥10%, >30, ≈1.8万."""
    if bound == "range":
        return f"{chart_number(value, unit, lang)}–{chart_number(value_high, unit, lang)}"
    symbols = SYMBOLS if lang == "zh" else SYMBOLS_EN
    return symbols[bound] + chart_number(value, unit, lang)


def kind_label(kind: str, period: str, estimate: bool, words: Mapping[str, str], short: bool = False) -> str:
    """'2025年上半年结果（预计）' / 'Result, first half of 2025 (estimate)', in the words of content/ui.yaml
    (`words`: its strings in the page's language); short, '上半年结果（预计）' / 'First-half result (est.)',
    for a table whose caption names the year."""
    if short:
        text = words["short_kind_label"].format(
            kind=words[f"short_kind_{kind}"], period=words[f"short_period_{period}"]
        )
        return text + words["estimate_short"] if estimate else text
    text = words["kind_label"].format(kind=words[f"kind_{kind}"], period=words[f"period_{period}"])
    return text + words["estimate_suffix"] if estimate else text
