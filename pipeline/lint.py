"""Likely mistakes in valid data: warnings that name the place, never stop a build.

Runs after validation, so every record here is well formed and agrees with its
quote; these rules look for what is allowed but probably wrong. Each rule is
tuned to say little on the real data: a warning an editor learns to ignore is
worse than none.
"""

from collections import defaultdict
from dataclasses import dataclass

from .builder import rendering_problems
from .chinese_numbers import find_figures
from .content import checked_with_content
from .errors import DataError, DataErrors
from .history import data_history
from .load import LoadedFile, RawProject, load_project
from .models import Dataset, District, Record
from .validate import validate

FIRST_HALF = "2025-H1"


@dataclass(frozen=True, order=True)
class DataWarning(DataError):
    """A likely mistake: printed like an error, with 'warning:' before the message."""

    def __str__(self) -> str:
        return str(DataError(self.file, self.line, self.column, self.field, f"warning: {self.message}", self.hint))


@dataclass(frozen=True)
class _Located:
    """A record with the file and path it was written at."""

    loaded: LoadedFile
    index: int
    record: Record

    def warn(self, field: str, message: str, hint: str) -> DataWarning:
        path = ("records", self.index, field)
        line, column = self.loaded.position(path)
        return DataWarning(self.loaded.file, line, column, f"{self.record.id}.{field}", message, hint)


def _first_half_target(item: _Located) -> list[DataWarning]:
    if item.record.kind == "target" and item.record.period == FIRST_HALF:
        return [
            item.warn(
                "kind",
                f'a target for the first half (period "{FIRST_HALF}")',
                "the documents report first-half results, not targets: write kind: actual, "
                'or the period the target is for ("2025" or "2025-H2")',
            )
        ]
    return []


def _result_outside_first_half(item: _Located) -> list[DataWarning]:
    if item.record.kind == "actual" and item.record.period != FIRST_HALF:
        return [
            item.warn(
                "period",
                f'a result (kind: actual) for period "{item.record.period}"',
                f'the documents only report first-half results: write period: "{FIRST_HALF}", '
                "or kind: target if the document sets it as a goal",
            )
        ]
    return []


def _figure_text(record: Record) -> str:
    return f"{record.value:g} {record.unit} ({record.bound})"


def _duplicate_figures(items: list[_Located]) -> list[DataWarning]:
    """Records of one quote that claim a figure more often than the quote writes it.

    One sentence may hold the same figure twice (5个轨道交通项目 … 5个道路项目),
    so two records with one quote and one figure are a duplicate only beyond that count.
    """
    groups: dict[tuple, list[_Located]] = defaultdict(list)
    for item in items:
        r = item.record
        if r.has_figure:
            groups[(r.quote, r.value, r.unit, r.bound, r.value_high)].append(item)
    warnings = []
    for (quote, value, unit, bound, value_high), group in groups.items():
        written = sum(1 for f in find_figures(quote) if f.agrees_with(value, unit, bound, value_high))
        first = group[0]
        first_line = first.loaded.position(("records", first.index, "id"))[0]
        for item in group[max(written, 1) :]:
            warnings.append(
                item.warn(
                    "id",
                    f"same quote and figure {_figure_text(item.record)} as '{first.record.id}' (line {first_line})",
                    "likely a duplicate: delete one, or correct its value, unit or bound",
                )
            )
    return warnings


def _unrecorded_figures(items: list[_Located]) -> list[DataWarning]:
    """A commitment whose quote writes a figure that no record of the district gives.

    Only figures written in digits count: numerals in names (一件事, 八项规定,
    “两个清单”) are not targets.
    """
    figured = [i.record for i in items if i.record.has_figure]
    warnings = []
    for item in items:
        if item.record.has_figure:
            continue
        for figure in find_figures(item.record.quote):
            if not any(c.isdigit() for c in figure.text):
                continue
            if not any(figure.agrees_with(r.value, r.unit, r.bound, r.value_high) for r in figured):
                warnings.append(
                    item.warn(
                        "quote",
                        f"the quote writes the figure {figure.text}, but no record of this district gives it",
                        "give this record value, unit and bound, or add a record for the figure",
                    )
                )
    return warnings


RECORD_RULES = (_first_half_target, _result_outside_first_half)
DISTRICT_RULES = (_duplicate_figures, _unrecorded_figures)


def _located_records(raw: RawProject, district: District) -> list[_Located]:
    # Validation passed, so the district's records are its file's records, in order.
    loaded = next(f for f in raw.districts if f.file.rsplit("/", 1)[-1] == f"{district.id}.yaml")
    return [_Located(loaded, i, r) for i, r in enumerate(district.records)]


def lint(raw: RawProject, dataset: Dataset) -> list[DataWarning]:
    """Every warning for a validated dataset, in file and line order."""
    warnings: list[DataWarning] = []
    for district in dataset.districts:
        items = _located_records(raw, district)
        for item in items:
            for rule in RECORD_RULES:
                warnings.extend(rule(item))
        for rule in DISTRICT_RULES:
            warnings.extend(rule(items))
    return sorted(warnings)


def check_and_lint(paths) -> tuple[Dataset, list[DataWarning]]:
    """Validate the project, its text and templates, and render a page of each kind (raising DataErrors
    on any problem), then look for likely mistakes."""
    parsed: dict = {}
    raw = load_project(paths, parsed)
    history = data_history(paths)
    dataset = checked_with_content(paths, lambda: validate(raw, change_dates=history.change_dates))
    problems = rendering_problems(paths, parsed, history)
    if problems:
        raise DataErrors(problems)
    return dataset, lint(raw, dataset)
