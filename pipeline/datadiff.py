"""`diff <ref>`: what changed in the data between a git ref and the working tree, in plain words.

For reviewers of a pull request: records added, removed and changed field by
field, and the same for districts, topics and sources. The old files are read
with `git show <ref>:<path>` (nothing is checked out) and both sides go through
the same loader and validator. The comparison is made on the data as written,
so a side that does not validate is still compared as far as it can be read.
"""
import difflib
import subprocess
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .errors import DataError, DataErrors
from .load import LoadedFile, RawProject, load_project, load_yaml
from .validate import validate

WORKING_TREE = "the working tree"
SHOWN_PROBLEMS = 10  # enough to see what is wrong; `check` lists them all
BOUND_WORDS = {"exact": "", "about": "about ", "at_least": "at least ", "more_than": "more than ",
               "at_most": "at most ", "nearly": "nearly "}


class GitError(Exception):
    """git could not give the files of a ref (unknown ref, not a repository …)."""


@dataclass
class Side:
    """One side of the comparison: its name, its files as read, and its validation problems."""

    name: str
    raw: RawProject
    problems: list[DataError]


def _git(root, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return result.stdout


def read_ref(paths, ref: str) -> RawProject:
    """The data files as they are at `ref`, parsed with the same loader as the working tree's."""
    try:
        if ref.startswith("-"):
            raise GitError(ref)
        _git(paths.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError("no such commit here; give a branch, tag or commit (main, origin/main, HEAD~1)") from None
    # Paths are relative to the project root, which may sit below the repository's root.
    names = _git(paths.root, "ls-tree", "-r", "--name-only", ref, "--", "data").decode("utf-8").splitlines()

    def text(name: str) -> str:
        return _git(paths.root, "show", f"{ref}:./{name}").decode("utf-8")

    def loaded(name: str) -> LoadedFile:
        # Named ref:path, as git names it, so problems on the old side are not taken for the working tree's.
        shown = f"{ref}:{name}"
        if name not in names:
            return LoadedFile(file=shown, errors=[DataError(shown, 1, 1, "", "the file is missing")])
        return load_yaml(text(name), shown)

    def under(folder: str, suffix: str) -> list[PurePosixPath]:
        return sorted(p for p in map(PurePosixPath, names) if p.parent.as_posix() == folder and p.suffix == suffix)

    return RawProject(
        topics=loaded("data/topics.yaml"),
        sources=loaded("data/sources.yaml"),
        districts=[loaded(str(p)) for p in under("data/districts", ".yaml")],
        archives={p.name: text(str(p)) for p in under("data/sources", ".txt")},
    )


def _relative(loaded: LoadedFile) -> str:
    """data/districts/x.yaml, for a file of either side."""
    return loaded.file.rpartition(":")[2]


def _problems(raw: RawProject) -> list[DataError]:
    try:
        validate(raw)
    except DataErrors as exc:
        return exc.errors
    return []


# --- Plain words for values -------------------------------------------------------------

def _word(value: Any) -> str:
    """A value as an editor wrote it in YAML."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_word(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_word(v)}" for k, v in value.items()) + "}"
    return str(value)


def _figure(record: dict) -> str:
    """5.5 percent, at least 30 count, 1–2 count; 'no figure' for a commitment."""
    if record.get("value") is None:
        return "no figure"
    value, unit, bound = _word(record["value"]), _word(record.get("unit")), record.get("bound")
    if bound == "range":
        return f"{value}–{_word(record.get('value_high'))} {unit}"
    return f"{BOUND_WORDS.get(bound, '')}{value} {unit}"


def _record_line(mark: str, district: str, record: dict) -> str:
    """`+ haizhu haizhu-t01-gdp-growth (target, 2025): 地区生产总值增长 / GDP growth — 5.5 percent`"""
    what = f"{record.get('kind', '?')}, {record.get('period', '?')}"
    label = f"{_word(record.get('label_zh'))} / {_word(record.get('label_en'))}"
    return f"  {mark} {district} {record['id']} ({what}): {label} — {_figure(record)}"


def _is_entry_list(value: Any) -> bool:
    """A list of entries with ids, such as a topic's facets: compared entry by entry."""
    return isinstance(value, list) and bool(value) and all(isinstance(e, dict) and "id" in e for e in value)


def _field_changes(before: dict, after: dict) -> list[str]:
    """`value 5.5 → 6.0 percent` for each field that differs, in the order the new entry writes them."""
    changes = []
    for name in list(after) + [k for k in before if k not in after]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if _is_entry_list(old) or _is_entry_list(new):
            # `facets added: robots (…)`: the +/- mark is the outer entry's line's.
            changes += [line[2:] for line in _compare_entries(name, _by_id(old), _by_id(new), _names)]
            continue
        text = f"{name} {_word(old)} → {_word(new)}"
        if name in ("value", "value_high"):
            text += f" {_word(after.get('unit') or before.get('unit'))}"
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
    return f"{_word(entry.get('name_zh'))} / {_word(entry.get('name_en'))}"


def _titles(entry: dict) -> str:
    return f"{_word(entry.get('title_zh'))} / {_word(entry.get('title_en'))}"


def _unreadable(old: LoadedFile, new: LoadedFile, old_side: Side, new_side: Side) -> list[str]:
    """A note for each side on which a file cannot be read (its changes are then not shown)."""
    return [f"  ! {_relative(loaded)} cannot be read in {side.name}; its changes are not shown"
            for loaded, side in ((old, old_side), (new, new_side)) if loaded.data is None]


def _list_file(kind: str, old_side: Side, new_side: Side, which: str, describe) -> list[str]:
    """Changes to topics.yaml or sources.yaml (`which` names the file's RawProject field)."""
    old, new = getattr(old_side.raw, which), getattr(new_side.raw, which)
    notes = _unreadable(old, new, old_side, new_side)
    return notes or [f"  {line}" for line in _compare_entries(kind, _by_id(old.data), _by_id(new.data), describe)]


def _district_files(raw: RawProject) -> dict[str, LoadedFile]:
    return {PurePosixPath(_relative(f)).stem: f for f in raw.districts}


def _districts(old_side: Side, new_side: Side) -> tuple[list[str], list[str]]:
    """(lines about districts, lines about records: added, then removed, then changed), by district file."""
    old_files, new_files = _district_files(old_side.raw), _district_files(new_side.raw)
    district_lines, added, removed, changed = [], [], [], []
    for stem in list(new_files) + [s for s in old_files if s not in new_files]:
        old = old_files.get(stem, LoadedFile(file=f"data/districts/{stem}.yaml", data={}))
        new = new_files.get(stem, LoadedFile(file=f"data/districts/{stem}.yaml", data={}))
        notes = _unreadable(old, new, old_side, new_side)
        if notes:
            district_lines += notes
            continue
        before = old.data if isinstance(old.data, dict) else {}
        after = new.data if isinstance(new.data, dict) else {}
        old_records, new_records = _by_id(before.get("records")), _by_id(after.get("records"))
        if stem not in old_files:
            district_lines.append(f"  + district added: {stem} ({_names(after)}, {len(new_records)} records)")
        elif stem not in new_files:
            district_lines.append(f"  - district removed: {stem} ({_names(before)}, {len(old_records)} records)")
        else:
            fields_before = {k: v for k, v in before.items() if k != "records"}
            fields_after = {k: v for k, v in after.items() if k != "records"}
            district_lines += [f"  ~ district {stem}: {c}" for c in _field_changes(fields_before, fields_after)]
        added += [_record_line("+", stem, new_records[i]) for i in new_records if i not in old_records]
        removed += [_record_line("-", stem, old_records[i]) for i in old_records if i not in new_records]
        for i in (i for i in new_records if i in old_records):
            changed += [f"  ~ {stem} {i}: {c}" for c in _field_changes(old_records[i], new_records[i])]
    return district_lines, added + removed + changed


def _archives(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Archived texts added, removed or changed; a change is counted in lines, not shown."""
    lines = [f"  + archived text added: data/sources/{n} ({len(new[n].splitlines())} lines)"
             for n in new if n not in old]
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
    return [f"Note: the data in {side.name} does not validate ({len(side.problems)} problem(s)); "
            "what can be read is compared.", *shown, ""]


def compare(old_side: Side, new_side: Side) -> str:
    """The report: validity notes, then each kind of change under its heading."""
    district_lines, record_lines = _districts(old_side, new_side)
    sections = [
        ("Records", record_lines),
        ("Districts", district_lines),
        ("Topics", _list_file("topic", old_side, new_side, "topics", _names)),
        ("Sources", _list_file("source", old_side, new_side, "sources", _titles)
         + _archives(old_side.raw.archives, new_side.raw.archives)),
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
    return compare(Side(ref, old, _problems(old)), Side(WORKING_TREE, new, _problems(new)))
