"""Stage 2: turn the loaded YAML into validated models, or into a list of every problem.

Each problem names file:line:column, the field and what was expected. Checks
that span files (unknown ids, a quote missing from its source, a figure that
disagrees with its quote) run here too, so nothing later has to doubt the data.
"""

import collections
import dataclasses
import difflib
import re
from collections.abc import Collection

from pydantic import BaseModel, ValidationError

from .chinese_numbers import Figure, find_figures, matching_figure
from .errors import DataError, DataErrors
from .formatting import figure_text, plain_number
from .load import LoadedFile, RawProject, dotted
from .models import City, Dataset, District, Metric, Record, ReleaseDate, Source, Topic, has_district_prefix

WHITESPACE = re.compile(r"\s+")


RECORD_FIELD = re.compile(r"records\[(\d+)\](.*)")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
PASSAGE_SLACK = 8  # characters the nearest passage may run past the quote's length (1.8万 for 2万)
# The nearest-passage search compares each character of the source with each equal one of the quote:
# a few thousand steps for a real quote, 10^10 for a source of one repeated character. Beyond this many
# steps, or a quote this long, the hint names the file without a passage.
PASSAGE_SEARCH_STEPS = 2_000_000
PASSAGE_SEARCH_QUOTE = 1000
SOURCES_LISTED = 10  # ids a message offers for an unknown source; a large site has thousands


def without_whitespace(text: str) -> str:
    """Source texts carry stray spaces and line breaks from PDF extraction; quotes ignore them."""
    return WHITESPACE.sub("", text)


class _Report:
    """Collects errors against the files they belong to."""

    def __init__(self):
        self.errors: list[DataError] = []

    def add(self, loaded: LoadedFile, path: tuple, message: str, hint: str = "", *, of_key: bool = False) -> None:
        line, column = loaded.position(path, of_key=of_key)
        self.errors.append(DataError(loaded.file, line, column, dotted(path), message, hint))

    def pydantic(self, exc: ValidationError, loaded: LoadedFile, base: tuple, model: type[BaseModel]) -> None:
        already_reported = {e.field for e in loaded.errors}
        for err in exc.errors():
            path = base + tuple(err["loc"])
            if dotted(path) in already_reported:
                continue  # the loader has said what is wrong with this value
            message, hint = _explain(err, model)
            self.add(loaded, path, message, hint, of_key=err["type"] == "extra_forbidden")


def _explain(err: dict, model: type[BaseModel]) -> tuple[str, str]:
    """An editor-facing message and what to do, for one pydantic error."""
    kind, given = err["type"], err.get("input")
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        close = difflib.get_close_matches(name, list(model.model_fields), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "allowed fields: " + ", ".join(model.model_fields)
        return f"unknown field '{name}'", hint
    if kind == "missing":
        return "this required field is missing", f"add '{err['loc'][-1]}: …'"
    if kind in ("float_type", "int_type") and isinstance(given, str):
        return (
            f"expected a number, got the text '{given}'",
            "write the bare number in base units, without quotes, % or unit words (5.5, 18000, 70000000000)",
        )
    if kind == "string_too_long":
        named = str(err["loc"][-1]).startswith(("label", "name")) if err["loc"] else False
        return (
            f"{len(given)} characters, more than the {err['ctx']['max_length']} this field may have",
            "a label is a short name: the sentence belongs in the quote"
            if named
            else "an id names a folder of the site: shorten it (the longest written is 46 characters)",
        )
    if kind == "string_type":
        return f"expected text, got {given!r}", "write the words; put them in quotes if they look like a number"
    if kind == "literal_error":
        hint = err["msg"].replace("Input should be", "expected")
        if isinstance(given, (int, float)) and not isinstance(given, bool):
            hint += f'; write it in quotes: "{given}"'
        return f"'{given}' is not allowed here", hint
    if kind == "string_pattern_mismatch":
        if err["loc"][-1] == "url":
            return f"'{given}' is not a web address", "write the whole address, starting with http:// or https://"
        return (
            f"'{given}' is not in the expected form",
            "ids use lower-case letters, digits and hyphens (haizhu-t01-gdp-growth)",
        )
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {given!r}", "write it as a list in brackets: [区发改局, 区财政局]"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{given!r} is too small", err["msg"].replace("Input should be", "it should be")
    if kind.startswith("date"):
        # A source's date may be null; a release's may not.
        unless = ", or null when the document gives none" if model is Source else ""
        return f"{given!r} is not a date", f'write it as "YYYY-MM-DD", in quotes{unless}'

    if kind == "value_error":
        return err["msg"].removeprefix("Value error, "), ""
    return err["msg"], ""


def _validate_list(report: _Report, loaded: LoadedFile, model: type[BaseModel], first_field: str = "id") -> list:
    if loaded.data is None:
        return []  # unreadable: its error is already reported
    if not isinstance(loaded.data, list):
        report.add(
            loaded,
            (),
            f"expected a list of {model.__name__.lower()} entries",
            f"start each entry with '- {first_field}: …'",
        )
        return []
    valid = []
    for i, item in enumerate(loaded.data):
        try:
            valid.append((i, model.model_validate(item)))
        except ValidationError as exc:
            report.pydantic(exc, loaded, (i,), model)
    return valid


def _validate_district(report: _Report, loaded: LoadedFile) -> tuple[District | None, list[tuple[int, Record]]]:
    """The district's own fields and each record apart, so one bad record hides no other."""
    if loaded.data is None:
        if not loaded.errors:  # a document of just "null" or "~": parsed, but no district in it
            report.add(loaded, (), "the file holds no district", "write its id, name_zh, name_en and records")
        return None, []
    if not isinstance(loaded.data, dict):
        report.add(loaded, (), "expected the district's fields (id, name_zh, name_en, records)")
        return None, []
    fields = dict(loaded.data)
    raw_records = fields.pop("records", [])
    district = None
    try:
        district = District.model_validate(fields)
    except ValidationError as exc:
        report.pydantic(exc, loaded, (), District)
    if not isinstance(raw_records, list):
        report.add(loaded, ("records",), "expected a list of records", "start each record with '- id: …'")
        return district, []
    records = []
    for i, item in enumerate(raw_records):
        try:
            records.append((i, Record.model_validate(item)))
        except ValidationError as exc:
            report.pydantic(exc, loaded, ("records", i), Record)
    return district, records


@dataclasses.dataclass
class CheckedDistrict:
    """A district file checked on its own, before the checks that span files.

    Its parsed data is not kept (the models hold what counts), only what finds a position
    for a later message: a large site's parsed files would fill half a gigabyte.
    """

    loaded: LoadedFile
    district: District | None
    records: list[tuple[int, Record]]
    errors: list[DataError]
    figures: dict[int, Figure | None]  # record index → the figure of its quote that agrees with it, if it has one
    ids: dict[int, str] = dataclasses.field(default_factory=dict)  # record index → its id, as written


def check_district_file(loaded: LoadedFile) -> CheckedDistrict:
    """The district and its records as models, the figure each quote gives, and every problem found in
    this file alone."""
    report = _Report()
    district, records = _validate_district(report, loaded)
    figures = {i: matching_figure(r.quote, r.value, r.unit, r.bound, r.value_high) for i, r in records if r.has_figure}
    raw_records = loaded.data.get("records") if isinstance(loaded.data, dict) else None
    ids = {
        i: item["id"]
        for i, item in enumerate(raw_records if isinstance(raw_records, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), str) and SLUG.fullmatch(item["id"])
    }
    return CheckedDistrict(dataclasses.replace(loaded, data=None), district, records, report.errors, figures, ids)


def named_by_id(error: DataError, ids: dict[str, dict[int, str]]) -> DataError:
    """A record's field named by the record's id (haizhu-t01-gdp-growth.value), not its place
    (records[0].value), where its file gives the record a valid id."""
    found = RECORD_FIELD.match(error.field)
    record_id = ids.get(error.file, {}).get(int(found[1])) if found else None
    return dataclasses.replace(error, field=record_id + found[2]) if record_id else error


def _check_unique_ids(report: _Report, entries) -> None:
    """entries: (loaded file, path of the entry, id) in reading order."""
    first: dict[str, tuple[LoadedFile, tuple]] = {}
    for loaded, path, entry_id in entries:
        if entry_id in first:
            first_file, first_path = first[entry_id]
            line, _ = first_file.position(first_path + ("id",))  # looked up only for a duplicate
            report.add(
                loaded,
                path + ("id",),
                f"duplicate id '{entry_id}' (first used in {first_file.file}:{line})",
                "give every entry its own id",
            )
        else:
            first[entry_id] = (loaded, path)


def _check_record(
    report, loaded, path, record, figure, district_id, topics, sources, archives_flat, written_ids, district_ids
) -> None:
    if not record.id.startswith(district_id + "-"):
        report.add(
            loaded,
            path + ("id",),
            f"'{record.id}' does not start with the district id",
            f"ids in this file start with '{district_id}-'",
        )
    if not topics.keys() >= {record.topic, *record.tags}:  # most records name known topics only
        _check_record_topics(report, loaded, path, record, topics, written_ids)
    source = sources.get(record.source)
    if source is None and record.source in written_ids:
        return
    if source is None:
        close = difflib.get_close_matches(record.source, list(sources), n=1)
        known = sorted(sources)
        report.add(
            loaded,
            path + ("source",),
            f"unknown source '{record.source}'",
            f"did you mean '{close[0]}'?"
            if close
            else "use an id from data/sources.yaml: "
            + ", ".join(known[:SOURCES_LISTED])
            + (" …" if len(known) > SOURCES_LISTED else ""),
        )
        return
    if source.district != district_id:
        if source.district in district_ids:  # an unknown district is reported once, against the source
            report.add(
                loaded,
                path + ("source",),
                f"source '{source.id}' belongs to district '{source.district}'",
                f"cite a source of '{district_id}'",
            )
        return  # its quote is checked once the right source is cited
    _check_quote_and_figure(report, loaded, path, record, figure, source, archives_flat)


def _check_quote_and_figure(report, loaded, path, record, figure, source, archives_flat) -> None:
    """The record's quote stands in its source's archived text, and its figure in its quote."""
    text = archives_flat.get(source.archive)
    if text is None:
        return  # reported once against the source itself
    # The archive's text is without white space, so a quote found as written needs no stripping.
    if record.quote not in text and without_whitespace(record.quote) not in text:
        report.add(
            loaded,
            path + ("quote",),
            f"the quote is not in the text of '{source.id}'",
            nearest_passage(without_whitespace(record.quote), text, source.archive),
        )
    elif record.has_figure and figure is None:
        # As the documents write it, in English, then as the fields hold it:
        # 540亿元 (CNY 54 billion; 54000000000 yuan, exact).
        written = figure_text(record.value, record.unit, record.bound, "zh", record.value_high)
        english = figure_text(record.value, record.unit, record.bound, "en", record.value_high)
        shown = f"{written} ({english}; {plain_number(record.value)} {record.unit}, {record.bound})"
        report.add(
            loaded,
            path + ("value",),
            f"the quote does not contain the figure {shown}",
            _dropped_multiplier(record)
            or "make value, unit and bound say what the quote says (e.g. 1.8万人 → 18000 people exact)",
        )


def nearest_passage(quote: str, text: str, archive: str) -> str:
    """What to do about a quote its source does not hold: the passage of the source nearest to it, and
    where the two first differ (both without white space, as they are compared)."""
    hint = f"copy it exactly from data/sources/{archive} (white space may differ)"
    in_quote = collections.Counter(quote)
    steps = sum(count * in_quote[ch] for ch, count in collections.Counter(text).items())
    if len(quote) > PASSAGE_SEARCH_QUOTE or steps > PASSAGE_SEARCH_STEPS:
        return hint
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    anchor = matcher.find_longest_match(0, len(text), 0, len(quote))
    if anchor.size < min(4, len(quote)):
        return hint + "; nothing in it comes close"
    start = max(0, anchor.a - anchor.b)
    passage = text[start : start + len(quote) + PASSAGE_SLACK]
    last = difflib.SequenceMatcher(None, passage, quote, autojunk=False).get_opcodes()[-1]
    if last[0] == "delete":  # the source's words after the quote's end are not part of the passage
        passage = passage[: last[1]]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, passage, quote, autojunk=False).get_opcodes():
        if tag != "equal":
            source_has, quote_has = passage[i1:i2] or "nothing", quote[j1:j2] or "nothing"
            return (
                f"the nearest passage reads “{passage}”: where it has “{source_has}”, the quote has "
                f"“{quote_has}”; {hint}"
            )
    return f"the nearest passage reads “{passage}”; {hint}"


def _dropped_multiplier(record: Record) -> str:
    """A hint when the value is the quote's figure without its 万 or 亿 (535 for 535亿元), else ''."""
    for found in find_figures(record.quote):
        for multiplier, word in ((10**4, "万"), (10**8, "亿")):
            if found.unit in (None, record.unit) and abs(found.value - record.value * multiplier) < 1e-6 * found.value:
                return (
                    f"the quote says {found.text}: the value lacks its {word}; write it in base units, "
                    f"{plain_number(found.value)}"
                )
    return ""


UNKNOWN_REFERENCE = re.compile(r"unknown (topic|source|city) '.*'")
PLACES_SHOWN = 5


def folded(errors: list[DataError]) -> list[DataError]:
    """One message for an unknown id however many records use it (a topic renamed, a source id mistyped):
    the first place, and how many more there are and where. Every other error is kept as it is."""
    groups: dict[str, list[DataError]] = {}
    kept: list[DataError] = []
    for error in sorted(set(errors)):
        if UNKNOWN_REFERENCE.fullmatch(error.message):
            groups.setdefault(error.message, []).append(error)
        else:
            kept.append(error)
    for message, places in groups.items():
        first, more = places[0], places[1:]
        if more:
            lines = ", ".join(f"{e.file}:{e.line}" for e in more[:PLACES_SHOWN])
            lines += f" and {len(more) - PLACES_SHOWN} more" if len(more) > PLACES_SHOWN else ""
            first = dataclasses.replace(
                first, message=f"{message}, used here and in {len(more)} more place(s): {lines}"
            )
        kept.append(first)
    return kept


def _check_record_topics(report, loaded, path, record, topics, written_ids) -> None:
    for where, topic_id in [(("topic",), record.topic)] + [(("tags", i), t) for i, t in enumerate(record.tags)]:
        if topic_id not in topics and topic_id not in written_ids:
            close = difflib.get_close_matches(topic_id, list(topics), n=1)
            report.add(
                loaded,
                path + where,
                f"unknown topic '{topic_id}'",
                f"did you mean '{close[0]}'?" if close else "use an id from data/topics.yaml",
            )


def _check_highlights(report: _Report, raw: RawProject, topic_entries, located_records) -> None:
    """A topic's highlights are records with a figure, filed under the topic or tagged with it."""
    records = {record.id: record for _, _, record, _, _ in located_records}
    for i, topic in topic_entries:
        for j, record_id in enumerate(topic.highlights):
            record = records.get(record_id)
            if record is None:
                close = difflib.get_close_matches(record_id, list(records), n=1)
                problem, hint = (
                    f"no record has id '{record_id}'",
                    (f"did you mean '{close[0]}'?" if close else "give the id of a record in data/districts/"),
                )
            elif not record.has_figure:
                problem, hint = f"record '{record_id}' has no figure", "highlight a record with a value"
            elif topic.id not in (record.topic, *record.tags):
                problem = f"record '{record_id}' is not on topic '{topic.id}'"
                hint = f"give the record the tag '{topic.id}', or highlight one of the topic's records"
            else:
                continue
            report.add(raw.topics, (i, "highlights", j), problem, hint)


def _check_metrics(report: _Report, located_records) -> set[str]:
    """Records of different districts sharing a metric are charted on one axis: same unit and measure.

    Within one district a metric may pair different units (a share of the year's
    investment done in H1 against the year's floor in yuan): that is a progress
    pair, shown side by side but never drawn on one axis.
    """
    first: dict[str, tuple[str, Record]] = {}
    refused = set()
    for loaded, path, record, _, district_id in located_records:
        if record.metric is None or not record.has_figure:
            continue
        if record.metric not in first:
            first[record.metric] = (district_id, record)
            continue
        other_district, other = first[record.metric]
        if other_district != district_id and (record.unit, record.measure) != (other.unit, other.measure):
            refused.add(record.metric)
            report.add(
                loaded,
                path + ("metric",),
                f"metric '{record.metric}' is {other.measure} in {other.unit} on '{other.id}', "
                f"but {record.measure} in {record.unit} here",
                "records of different districts that share a metric must share unit and measure",
            )
    return refused


def _raw_ids(loaded: LoadedFile) -> set[str]:
    """Ids written in a list file, valid entries or not: a broken entry is reported once, not by every user."""
    entries = loaded.data if isinstance(loaded.data, list) else []
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _file_stem(loaded: LoadedFile) -> str:
    return loaded.file.rsplit("/", 1)[-1].removesuffix(".yaml")


def _check_cities(report: _Report, raw: RawProject, located_districts: list[tuple[LoadedFile, District]]) -> list[City]:
    """Cities are optional; once one district names its city, every district names one from data/cities.yaml."""
    entries = _validate_list(report, raw.cities, City) if raw.cities else []
    if raw.cities:
        _check_unique_ids(report, [(raw.cities, (i,), c.id) for i, c in entries])
    if raw.cities and raw.cities.data is None:
        return []  # unreadable: its error is already reported, and names no city to check against
    known = _raw_ids(raw.cities) if raw.cities else set()
    some_named = any(d.city for _, d in located_districts)
    for loaded, district in located_districts:
        if district.city is None and some_named:
            report.add(
                loaded,
                ("city",),
                "this district names no city, but others do",
                "add 'city: <id>' with an id from data/cities.yaml: every district names its city, or none",
            )
        elif district.city is not None and district.city not in known:
            close = difflib.get_close_matches(district.city, sorted(known), n=1)
            report.add(
                loaded,
                ("city",),
                f"unknown city '{district.city}'",
                f"did you mean '{close[0]}'?" if close else "use an id from data/cities.yaml",
            )
    return [c for _, c in entries]


def _check_definitions(
    report: _Report, raw: RawProject, located_records, district_ids: set[str], refused: set[str], wording_checked: bool
) -> list[Metric]:
    """data/metrics.yaml defines metrics compared across districts; a comparison of records worded
    differently needs a definition that says whether they can fairly be compared.

    wording_checked=False leaves that rule out, for a past release of the data, made before it had
    definitions (see history.py): its figures are reproduced as they were published.
    """
    entries = _validate_list(report, raw.metrics, Metric) if raw.metrics else []
    if raw.metrics:
        _check_unique_ids(report, [(raw.metrics, (i,), m.id) for i, m in entries])
    defined = {m.id: m for _, m in entries}
    compared: dict[str, list] = collections.defaultdict(list)
    for loaded, path, record, _, district_id in located_records:
        if record.metric and record.has_figure and not has_district_prefix(record.metric, district_ids):
            compared[record.metric].append((loaded, path, record, district_id))
    # With other problems reported, a definition may seem unused only because its records are in error.
    for i, metric in entries:
        if metric.withdrawn and metric.id in compared:
            _, _, record, _ = compared[metric.id][0]
            report.add(
                raw.metrics,
                (i, "withdrawn_zh"),
                f"metric '{metric.id}' is withdrawn, but {len(compared[metric.id])} record(s) still have it, "
                f"'{record.id}' first",
                "give those records other metrics, or remove withdrawn_zh and withdrawn_en",
            )
    for i, metric in entries if not report.errors else ():
        if metric.id not in compared and not metric.withdrawn:
            close = difflib.get_close_matches(metric.id, list(compared), n=1)
            report.add(
                raw.metrics,
                (i, "id"),
                f"no record with a figure has metric '{metric.id}'",
                f"did you mean '{close[0]}'?"
                if close
                else "a definition is for a metric that records of different districts share: fix the id, "
                "or remove the entry",
            )
    if not wording_checked or (raw.metrics and raw.metrics.data is None):
        return [m for _, m in entries]  # unreadable: its error is already reported
    _check_wording(report, raw, compared, defined, refused)
    return [m for _, m in entries]


def _check_wording(report: _Report, raw: RawProject, compared: dict, defined: dict, refused: set[str]) -> None:
    """A metric compared across districts whose records are worded differently has a definition saying
    whether they can fairly be compared."""
    written = _raw_ids(raw.metrics) if raw.metrics else set()
    for key, located in compared.items():
        if len({district for *_, district in located}) < 2 or key in refused or (key in written and key not in defined):
            continue  # not compared across districts, or already refused, or its entry's own error is reported
        _, _, first, _ = located[0]
        differing = [entry for entry in located if entry[2].label_zh != first.label_zh]
        definition = defined.get(key)
        if not differing or (definition and definition.comparability_zh):
            continue
        hint = (
            "add comparability_zh and comparability_en to its entry in data/metrics.yaml"
            if definition
            else "define it in data/metrics.yaml, with comparability_zh and comparability_en"
        )
        for loaded, path, record, _ in differing:
            report.add(
                loaded,
                path + ("label_zh",),
                f"metric '{key}' compares records worded differently: '{first.label_zh}' on '{first.id}', "
                f"'{record.label_zh}' here",
                hint + " saying in one sentence whether the figures can fairly be compared; "
                "if they cannot, give the records different metrics",
            )


def _district_entries(report: _Report, checked: list[CheckedDistrict]) -> tuple[list, list, list]:
    """Each district that could be read, with its records; where it is written; and where each record is."""
    districts: list[District] = []
    located_districts: list[tuple[LoadedFile, District]] = []
    located_records = []
    for one in checked:
        loaded, district, records = one.loaded, one.district, one.records
        report.errors.extend(one.errors)
        if district is None:
            continue
        # File names are unique, so matching them also keeps district ids unique.
        stem = _file_stem(loaded)
        if district.id != stem:
            report.add(
                loaded,
                ("id",),
                f"district id '{district.id}' does not match the file name",
                f"rename the file to {district.id}.yaml or set id: {stem}",
            )
        districts.append(district.model_copy(update={"records": tuple(r for _, r in records)}))
        located_districts.append((loaded, district))
        # Its records are checked against the file's name, so that one mistyped id is one message, not one
        # more for each record whose id or source then seems to belong elsewhere.
        located_records.extend((loaded, ("records", i), r, one.figures.get(i), stem) for i, r in records)
    return districts, located_districts, located_records


def _check_source_entries(report: _Report, raw: RawProject, source_entries, district_ids: set[str], located_records):
    """Each source names a known district and has its archived text."""
    citing = collections.Counter(record.source for _, _, record, _, _ in located_records)
    for i, source in source_entries:
        if source.district not in district_ids:
            cited = (
                f"; the {citing[source.id]} records that cite it are checked once it is fixed"
                if citing[source.id]
                else ""
            )
            report.add(
                raw.sources,
                (i, "district"),
                f"unknown district '{source.district}'",
                "use the id of a file in data/districts/" + cited,
            )
        if source.archive not in raw.archives:
            report.add(
                raw.sources,
                (i, "archive"),
                f"no archived text data/sources/{source.archive}",
                "add the document's full text under data/sources/",
            )


def _check_lead_unit_names(report: _Report, located_districts, located_records) -> None:
    """Each lead unit a record names has an English name in its district's lead_units_en."""
    english = {loaded.file: district.lead_units_en for loaded, district in located_districts}
    for loaded, path, record, _, _ in located_records:
        for j, unit in enumerate(record.lead_units):
            if unit not in english.get(loaded.file, {unit: ""}):
                report.add(
                    loaded,
                    (*path, "lead_units", j),
                    f"lead unit '{unit}' has no English name",
                    f"add '{unit}: <its English name>' under the file's lead_units_en",
                )


def _check_former_ids(report: _Report, located_records) -> None:
    """A former id is no current record's id, and belongs to one record only."""
    current = {r.id for _, _, r, _, _ in located_records}
    former: dict[str, str] = {}
    for loaded, path, record, _, _ in located_records:
        for i, old_id in enumerate(record.former_ids):
            if old_id in current:
                report.add(
                    loaded,
                    path + ("former_ids", i),
                    f"'{old_id}' is the id of a record the data still has",
                    "a former id is one no record has any more; remove it here",
                )
            elif former.setdefault(old_id, record.id) != record.id:
                report.add(
                    loaded,
                    path + ("former_ids", i),
                    f"'{old_id}' is already a former id of '{former[old_id]}'",
                    "an old link can land on one card only: keep the former id on one record",
                )


def _check_releases(report: _Report, loaded: LoadedFile | None, change_dates: Collection[str] | None) -> list[str]:
    """The days data/releases.yaml lists, each once and, when the data's history is known (change_dates:
    the days on which the data changed), each a day on which the data changed."""
    if loaded is None:
        return []
    days: dict[str, int] = {}  # day → its entry's index
    for i, entry in _validate_list(report, loaded, ReleaseDate, first_field="date"):
        day = entry.date.isoformat()
        if day in days:
            first_line = loaded.position((days[day], "date"))[0]
            report.add(
                loaded, (i, "date"), f"{day} is listed twice (first on line {first_line})", "keep one of the two"
            )
            continue
        days[day] = i
        if change_dates is not None and day not in change_dates:
            report.add(loaded, (i, "date"), *_not_a_change_day(day, sorted(change_dates)))
    return list(days)


def _not_a_change_day(day: str, change_dates: list[str]) -> tuple[str, str]:
    """What is wrong with a release of a day on which the data did not change, and what to do."""
    rule = "a release is the data as it stood at the end of a day on which it changed"
    if day < change_dates[0]:
        return (
            f"{day} is before the data's first change, on {change_dates[0]}",
            f"{rule}: the first is {change_dates[0]}",
        )
    if day > change_dates[-1]:
        return (
            f"{day} is after the data's last change, on {change_dates[-1]}",
            f"{rule}: list {change_dates[-1]}, or add the day once a change of that day is merged",
        )
    before = max(d for d in change_dates if d < day)
    after = min(d for d in change_dates if d > day)
    return f"the data did not change on {day}", f"{rule}: list {before} or {after}, the days of the nearest changes"


def validate(raw: RawProject, wording_checked: bool = True, change_dates: Collection[str] | None = None) -> Dataset:
    """Return the validated dataset, or raise DataErrors listing every problem.

    wording_checked=False is for a past release of the data (see _check_definitions). change_dates: the days
    on which the data changed (history.History.change_dates), which every release must be; None where the
    history is not known."""
    report = _Report()
    # District files may have been checked as they were parsed (load_project's check_district).
    checked = [d if isinstance(d, CheckedDistrict) else check_district_file(d) for d in raw.districts]
    optional = [loaded for loaded in (raw.cities, raw.metrics, raw.releases) if loaded]
    for loaded in [raw.topics, raw.sources, *(c.loaded for c in checked), *optional]:
        report.errors.extend(loaded.errors)
    report.errors.extend(raw.file_errors)
    topic_entries = _validate_list(report, raw.topics, Topic)
    source_entries = _validate_list(report, raw.sources, Source)
    _check_unique_ids(report, [(raw.topics, (i,), t.id) for i, t in topic_entries])
    _check_unique_ids(report, [(raw.sources, (i,), s.id) for i, s in source_entries])
    topics = {t.id: t for _, t in topic_entries}
    sources = {s.id: s for _, s in source_entries}
    districts, located_districts, located_records = _district_entries(report, checked)
    # A district file that cannot be parsed still exists: name it by its file so
    # one syntax error does not cascade into "unknown district" elsewhere.
    district_ids = {d.id for d in districts} | {_file_stem(c.loaded) for c in checked}
    _check_source_entries(report, raw, source_entries, district_ids, located_records)
    archives_flat = {name: without_whitespace(text) for name, text in raw.archives.items()}
    _check_unique_ids(report, [(loaded, path, r.id) for loaded, path, r, _, _ in located_records])
    _check_former_ids(report, located_records)
    if wording_checked:  # a past release, made before English names were given, is reproduced as published
        _check_lead_unit_names(report, located_districts, located_records)
    # Cross-references wait until the files they point into can be read.
    if raw.topics.data is not None and raw.sources.data is not None:
        written_ids = _raw_ids(raw.topics) | _raw_ids(raw.sources)  # once: sources grow with districts
        for loaded, path, record, figure, district_id in located_records:
            where = (report, loaded, path, record, figure, district_id)
            _check_record(*where, topics, sources, archives_flat, written_ids, district_ids)
        _check_highlights(report, raw, topic_entries, located_records)
    refused = _check_metrics(report, located_records)
    cities = _check_cities(report, raw, located_districts)
    metrics = _check_definitions(report, raw, located_records, district_ids, refused, wording_checked)
    releases = _check_releases(report, raw.releases, change_dates)
    if report.errors:
        ids = {c.loaded.file: c.ids for c in checked}
        raise DataErrors(folded([named_by_id(e, ids) for e in report.errors]))
    return Dataset(
        topics=tuple(t for _, t in topic_entries),
        sources=tuple(s for _, s in source_entries),
        districts=tuple(sorted(districts, key=lambda d: (d.order, d.id))),
        source_texts={s.id: raw.archives[s.archive] for s in sources.values()},
        cities=tuple(cities),
        metrics=tuple(metrics),
        counters={
            record.id: figure.counter
            for _, _, record, figure, _ in located_records
            if figure is not None and figure.counter is not None
        },
        releases=tuple(releases),
    )
