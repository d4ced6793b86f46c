"""`diff <ref>`: what changed in the data between a git ref and the working tree, in plain words.

For reviewers of a pull request: records added, removed and changed field by
field, and the same for districts, topics and sources. The old files are read
with `git show <ref>:<path>` (nothing is checked out) and both sides go through
the same loader and validator. The comparison is made on the data as written,
so a side that does not validate is still compared as far as it can be read.
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .errors import DataError, DataErrors
from .formatting import BOUND_WORDS_EN
from .gitdata import GitData, GitError, git
from .load import LoadedFile, RawProject, load_project
from .validate import validate

WORKING_TREE = "the working tree"
SHOWN_PROBLEMS = 10  # enough to see what is wrong; `check` lists them all


@dataclass
class Side:
    """One side of the comparison: its name, its files as read, and its validation problems."""

    name: str
    raw: RawProject
    problems: list[DataError]


def read_ref(paths, ref: str) -> RawProject:
    """The data files as they are at `ref`, parsed with the same loader as the working tree's."""
    try:
        if ref.startswith("-"):
            raise GitError(ref)
        commit = git(paths.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        raise GitError("no such commit here; give a branch, tag or commit (main, origin/main, HEAD~1)") from None
    # Named ref:path, as git names it, so problems on the old side are not taken for the working tree's.
    return GitData(paths.root).raw_at(commit, ref)


def _relative(loaded: LoadedFile) -> str:
    """data/districts/x.yaml, for a file of either side."""
    return loaded.file.rpartition(":")[2]


def _problems(raw: RawProject, wording_checked: bool = True) -> list[DataError]:
    try:
        validate(raw, wording_checked)
    except DataErrors as exc:
        return exc.errors
    return []


# --- Plain words for values -------------------------------------------------------------


def written(value: Any) -> str:
    """A value as an editor wrote it in YAML."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {written(v)}" for k, v in value.items()) + "}"
    # One line per change, whatever a value holds: a line break is shown as YAML escapes it.
    return str(value).replace("\r", "\\r").replace("\n", "\\n")


def markdown_block(text: str) -> str:
    """The text as a markdown code block that nothing in it can end: fenced by more backticks than its
    longest run of them (for the diff in the CI summary: `python -c 'import sys; from pipeline.datadiff
    import markdown_block; print(markdown_block(sys.stdin.read()), end="")' < data-diff.txt`)."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text.rstrip(chr(10))}\n{fence}\n"


def _figure(record: dict) -> str:
    """5.5 percent, at least 30 count, 1–2 count; 'no figure' for a commitment."""
    if record.get("value") is None:
        return "no figure"
    value, unit, bound = written(record["value"]), written(record.get("unit")), record.get("bound")
    if bound == "range":
        return f"{value}–{written(record.get('value_high'))} {unit}"
    return f"{BOUND_WORDS_EN.get(bound, '')}{value} {unit}"


def _record_line(mark: str, district: str, record: dict) -> str:
    """`+ haizhu haizhu-t01-gdp-growth (target, 2025): 地区生产总值增长 / GDP growth — 5.5 percent`"""
    what = f"{record.get('kind', '?')}, {record.get('period', '?')}"
    label = f"{written(record.get('label_zh'))} / {written(record.get('label_en'))}"
    return f"  {mark} {district} {record['id']} ({what}): {label} — {_figure(record)}"


def _is_entry_list(value: Any) -> bool:
    """A list of entries with ids, such as a topic's facets: compared entry by entry."""
    return isinstance(value, list) and bool(value) and all(isinstance(e, dict) and "id" in e for e in value)


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of the fields that differ between two versions of an entry, in the order the new one
    writes them, then those it no longer has."""
    return [name for name in list(after) + [k for k in before if k not in after] if before.get(name) != after.get(name)]


def _field_changes(before: dict, after: dict) -> list[str]:
    """`value 5.5 → 6.0 percent` for each field that differs, in the order the new entry writes them."""
    changes = []
    for name in changed_fields(before, after):
        old, new = before.get(name), after.get(name)
        if _is_entry_list(old) or _is_entry_list(new):
            # `facets added: robots (…)`: the +/- mark is the outer entry's line's.
            changes += [line[2:] for line in _compare_entries(name, _by_id(old), _by_id(new), _names)]
            continue
        text = f"{name} {written(old)} → {written(new)}"
        if name in ("value", "value_high"):
            text += f" {written(after.get('unit') or before.get('unit'))}"
        changes.append(text)
    return changes


# --- Comparing entries ------------------------------------------------------------------


def _by_id(entries: Any) -> dict[str, dict]:
    """Entries that have an id, by id; anything else is a validation problem, reported there."""
    if not isinstance(entries, list):
        return {}
    return {e["id"]: e for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _compare_entries(kind: str, old: dict[str, dict], new: dict[str, dict], describe) -> list[str]:
    """Entries added, removed, and changed field by field; `describe` names an added or removed one."""
    lines = [f"+ {kind} added: {i} ({describe(new[i])})" for i in new if i not in old]
    lines += [f"- {kind} removed: {i} ({describe(old[i])})" for i in old if i not in new]
    for i in (i for i in new if i in old):
        lines += [f"~ {kind} {i}: {change}" for change in _field_changes(old[i], new[i])]
    return lines


def _names(entry: dict) -> str:
    return f"{written(entry.get('name_zh'))} / {written(entry.get('name_en'))}"


def _titles(entry: dict) -> str:
    return f"{written(entry.get('title_zh'))} / {written(entry.get('title_en'))}"


def _unreadable(old: LoadedFile, new: LoadedFile, old_name: str, new_name: str) -> list[str]:
    """A note for each side on which a file cannot be read (its changes are then not shown)."""
    return [
        f"  ! {_relative(loaded)} cannot be read in {name}; its changes are not shown"
        for loaded, name in ((old, old_name), (new, new_name))
        if loaded.data is None
    ]


def list_changes(
    kind: str, old: RawProject, new: RawProject, which: str, old_name: str = "", new_name: str = ""
) -> list[str]:
    """Changes to topics.yaml, sources.yaml or metrics.yaml (`which` names the file's RawProject field;
    a file that one side lacks counts as empty there)."""
    missing = LoadedFile(file=f"data/{which}.yaml", data=[])
    old_file, new_file = getattr(old, which) or missing, getattr(new, which) or missing
    notes = _unreadable(old_file, new_file, old_name, new_name)
    describe = _titles if which == "sources" else _names
    return notes or [
        f"  {line}" for line in _compare_entries(kind, _by_id(old_file.data), _by_id(new_file.data), describe)
    ]


def _district_files(raw: RawProject) -> dict[str, LoadedFile]:
    return {PurePosixPath(_relative(f)).stem: f for f in raw.districts}


@dataclass(frozen=True)
class RecordChange:
    """A record added (+), removed (-) or changed (~) in a district file, as written on each side."""

    mark: str
    district: str
    record: dict  # as written after the change; before it, for a removed record
    before: dict | None = None  # as written before a change

    @property
    def id(self) -> str:
        return self.record["id"]

    def line(self) -> str:
        """The change as a line of the `diff` report."""
        if self.mark != "~":
            return _record_line(self.mark, self.district, self.record)
        return "\n".join(
            f"  ~ {self.district} {self.id}: {change}" for change in _field_changes(self.before, self.record)
        )


def district_changes(
    old: RawProject, new: RawProject, old_name: str = "", new_name: str = ""
) -> tuple[list[str], list[RecordChange]]:
    """(lines about districts, record changes: added, then removed, then changed), by district file.
    old_name and new_name name the sides in a note on a file that one side cannot read."""
    old_files, new_files = _district_files(old), _district_files(new)
    district_lines, added, removed, changed = [], [], [], []
    for stem in list(new_files) + [s for s in old_files if s not in new_files]:
        old_file = old_files.get(stem, LoadedFile(file=f"data/districts/{stem}.yaml", data={}))
        new_file = new_files.get(stem, LoadedFile(file=f"data/districts/{stem}.yaml", data={}))
        notes = _unreadable(old_file, new_file, old_name, new_name)
        if notes:
            district_lines += notes
            continue
        before = old_file.data if isinstance(old_file.data, dict) else {}
        after = new_file.data if isinstance(new_file.data, dict) else {}
        old_records, new_records = _by_id(before.get("records")), _by_id(after.get("records"))
        if stem not in old_files:
            district_lines.append(f"  + district added: {stem} ({_names(after)}, {len(new_records)} records)")
        elif stem not in new_files:
            district_lines.append(f"  - district removed: {stem} ({_names(before)}, {len(old_records)} records)")
        else:
            fields_before = {k: v for k, v in before.items() if k != "records"}
            fields_after = {k: v for k, v in after.items() if k != "records"}
            district_lines += [f"  ~ district {stem}: {c}" for c in _field_changes(fields_before, fields_after)]
        added += [RecordChange("+", stem, new_records[i]) for i in new_records if i not in old_records]
        removed += [RecordChange("-", stem, old_records[i]) for i in old_records if i not in new_records]
        changed += [
            RecordChange("~", stem, new_records[i], old_records[i])
            for i in new_records
            if i in old_records and old_records[i] != new_records[i]
        ]
    return district_lines, added + removed + changed


@dataclass(frozen=True)
class EntryChange:
    """A change beside the records, for the change log's readers: a district's own fields, a topic, metric,
    source or city, or an archived text, added (+), removed (-) or changed (~)."""

    kind: str  # district, topic, metric, source, city or archive
    mark: str
    id: str  # the entry's id; an archive's file name
    entry: dict  # as written after the change (before it, for a removed entry); {} for an archive
    fields: tuple[str, ...] = ()  # the fields a change changed, in the order the new entry writes them


# The files of entries beside the records: kind → RawProject field (data/<field>.yaml).
ENTRY_FILES = {"topic": "topics", "metric": "metrics", "source": "sources", "city": "cities"}


def entry_changes(old: RawProject, new: RawProject) -> list[EntryChange]:
    """What changed beside the records, entry by entry: districts' own fields, topics, metrics, sources,
    cities and archived texts. A file one side cannot read is left out (the `diff` lines say so)."""
    changes = []
    old_files, new_files = _district_files(old), _district_files(new)
    for stem in list(new_files) + [s for s in old_files if s not in new_files]:
        before = old_files[stem].data if stem in old_files else {}
        after = new_files[stem].data if stem in new_files else {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        if stem not in old_files:
            changes.append(EntryChange("district", "+", stem, after))
        elif stem not in new_files:
            changes.append(EntryChange("district", "-", stem, before))
        else:
            fields = changed_fields(
                {k: v for k, v in before.items() if k != "records"}, {k: v for k, v in after.items() if k != "records"}
            )
            if fields:
                changes.append(EntryChange("district", "~", stem, after, tuple(fields)))
    for kind, which in ENTRY_FILES.items():
        old_file, new_file = getattr(old, which, None), getattr(new, which, None)
        if (old_file is not None and old_file.data is None) or (new_file is not None and new_file.data is None):
            continue
        before = _by_id(old_file.data if old_file else [])
        after = _by_id(new_file.data if new_file else [])
        changes += [EntryChange(kind, "+", i, after[i]) for i in after if i not in before]
        changes += [EntryChange(kind, "-", i, before[i]) for i in before if i not in after]
        changes += [
            EntryChange(kind, "~", i, after[i], tuple(changed_fields(before[i], after[i])))
            for i in after
            if i in before and before[i] != after[i]
        ]
    changes += [EntryChange("archive", "+", n, {}) for n in new.archives if n not in old.archives]
    changes += [EntryChange("archive", "-", n, {}) for n in old.archives if n not in new.archives]
    changes += [
        EntryChange("archive", "~", n, {})
        for n in new.archives
        if n in old.archives and old.archives[n] != new.archives[n]
    ]
    return changes


def archive_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Archived texts added, removed or changed; a change is counted in lines, not shown."""
    lines = [
        f"  + archived text added: data/sources/{n} ({len(new[n].splitlines())} lines)" for n in new if n not in old
    ]
    lines += [f"  - archived text removed: data/sources/{n}" for n in old if n not in new]
    for name in (n for n in new if n in old and old[n] != new[n]):
        # Skip the two file header lines; hunk headers start with @@.
        diff = list(difflib.unified_diff(old[name].splitlines(), new[name].splitlines(), n=0, lineterm=""))[2:]
        added, removed = sum(d.startswith("+") for d in diff), sum(d.startswith("-") for d in diff)
        lines.append(f"  ~ archived text data/sources/{name}: {added} line(s) added, {removed} removed")
    return lines


def _validity(side: Side) -> list[str]:
    if not side.problems:
        return []
    shown = [f"    {p}" for p in side.problems[:SHOWN_PROBLEMS]]
    if len(side.problems) > SHOWN_PROBLEMS:
        shown.append(f"    … and {len(side.problems) - SHOWN_PROBLEMS} more")
    return [
        f"Note: the data in {side.name} does not validate ({len(side.problems)} problem(s)); "
        "what can be read is compared.",
        *shown,
        "",
    ]


def compare(old_side: Side, new_side: Side) -> str:
    """The report: validity notes, then each kind of change under its heading."""
    old, new, names = old_side.raw, new_side.raw, (old_side.name, new_side.name)
    district_lines, records = district_changes(old, new, *names)
    sections = [
        ("Records", [change.line() for change in records]),
        ("Districts", district_lines),
        ("Topics", list_changes("topic", old, new, "topics", *names)),
        ("Metrics", list_changes("metric", old, new, "metrics", *names)),
        ("Sources", list_changes("source", old, new, "sources", *names) + archive_changes(old.archives, new.archives)),
    ]
    lines = _validity(old_side) + _validity(new_side)
    changed = [(title, body) for title, body in sections if body]
    if not changed:
        return "\n".join(lines + [f"No data changes between {old_side.name} and {new_side.name}."]) + "\n"
    lines.append(f"Data changes from {old_side.name} to {new_side.name}:")
    for title, body in changed:
        lines += ["", title, *body]
    return "\n".join(lines) + "\n"


def data_diff(paths, ref: str) -> str:
    """What changed in the data between `ref` and the working tree; raises GitError if the ref cannot be read."""
    old = read_ref(paths, ref)
    new = load_project(paths)
    # The old side may predate the rule on differently worded comparisons (see validate._check_definitions).
    return compare(Side(ref, old, _problems(old, wording_checked=False)), Side(WORKING_TREE, new, _problems(new)))
