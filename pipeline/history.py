"""The data's history, read from git: each commit that changed the data, what it changed record by
record, and the data as it stood at the end of each day data/releases.yaml lists (the releases under
/data/releases/).

The history is read in one `git log` of the files each commit changed; a file is parsed once per
version, and a district file's version that changes one record parses that record alone (gitdata), so
that reading it takes time in proportion to what changed, not to the commits times the data's size.

Without git, outside a checkout or in a shallow clone (which holds only the last commits), there is
no history, and the site says so rather than show a partial one.
"""

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .datadiff import EntryChange, RecordChange, archive_changes, district_changes, entry_changes, list_changes
from .gitdata import GitData, GitError, Tree, git, read_objects
from .load import UNSAFE_CHARACTER, LoadedFile, RawProject
from .safe_files import MAX_FILE_BYTES

# The files whose changes are the data's: README.md and the schemas document it, and do not count.
DATA_PATHS = (
    "data/districts",
    "data/sources",
    "data/topics.yaml",
    "data/sources.yaml",
    "data/metrics.yaml",
    "data/cities.yaml",
)


@dataclass(frozen=True)
class DataChange:
    """One commit that changed the data: when, why (its message), and what, record by record."""

    commit: str
    time: str  # the commit's date and time, ISO 8601 with its offset
    message: str  # the commit message's first line
    records: tuple[RecordChange, ...]
    other: tuple[str, ...]  # changes to districts, topics, metrics and sources, in plain words
    entries: tuple[EntryChange, ...] = ()  # the same changes, entry by entry, for the change log's readers
    message_en: str | None = None  # the message's `English: …` line, when the editor wrote one

    @property
    def date(self) -> str:
        return self.time[:10]

    @property
    def anchor(self) -> str:
        """The change's id on the change log: c-<the commit's first 10 hex digits>."""
        return "c-" + self.commit[:10]


@dataclass(frozen=True)
class Release:
    """The data as it stood at the end of a day on which it changed, listed in data/releases.yaml: the
    last change of that day."""

    date: str
    commit: str


@dataclass(frozen=True)
class History:
    """The data's changes, newest first; or why there is no history (`unavailable`: NO_GIT, SHALLOW,
    NO_COMMITS or UNREADABLE)."""

    changes: tuple[DataChange, ...] = ()
    unavailable: str | None = None
    release_dates: tuple[str, ...] = ()  # the days data/releases.yaml lists (with_releases)

    @functools.cached_property
    def last_change(self) -> dict[str, DataChange]:
        """Record id → the last change that added or changed it (or removed it)."""
        last: dict[str, DataChange] = {}
        for change in self.changes:  # newest first
            for record in change.records:
                last.setdefault(record.id, change)
        return last

    @property
    def last_changed(self) -> str | None:
        """The date the data last changed, or None without a history."""
        return self.changes[0].date if self.changes else None

    @property
    def change_dates(self) -> frozenset[str] | None:
        """The days on which the data changed; None without a history."""
        return frozenset(change.date for change in self.changes) if self.changes else None

    @property
    def releases(self) -> tuple[Release, ...]:
        """A release per day listed in data/releases.yaml on which the data changed, newest first."""
        newest: dict[str, str] = {}
        for change in self.changes:
            if change.date in self.release_dates:
                newest.setdefault(change.date, change.commit)
        return tuple(Release(date, commit) for date, commit in newest.items())

    def with_releases(self, dates: Iterable[str]) -> "History":
        """This history with the days of data/releases.yaml, as validated (Dataset.releases)."""
        return dataclasses.replace(self, release_dates=tuple(dates))


# Why there is no history; content/ui.yaml says each in words (history_<reason>).
NO_GIT = "no-git"  # not a git checkout: a copy or an archive of the project
SHALLOW = "shallow"  # a shallow clone, holding only the latest commits
NO_COMMITS = "no-commits"  # no commit has changed the data yet


UNREADABLE = "unreadable"  # a partial or damaged repository: an object the history needs is missing

# A subject is one line of a log; a longer one is cut here (git's own advice is 50 characters).
MAX_SUBJECT = 300


def commit_subject(raw: bytes) -> str:
    """The subject of a commit object (its message's first paragraph on one line, as git's %s), decoded
    by its `encoding` header, with every character XML 1.0 refuses, every direction override and every
    control replaced: the change log, its feeds and their readers take it as plain text."""
    headers, _, body = raw.partition(b"\n\n")
    encoding = next((h[9:].decode("ascii", "replace") for h in headers.split(b"\n") if h.startswith(b"encoding ")), "")
    try:
        text = body.decode(encoding.strip() or "utf-8", "replace")
    except (LookupError, UnicodeError):  # no such encoding, or not one of text
        text = body.decode("utf-8", "replace")
    paragraph = text.replace("\r", "").strip("\n").split("\n\n", 1)[0]
    # Only spaces and tabs trimmed: str.strip() would take \x1c-\x1f away unseen.
    subject = " ".join(line.strip(" \t") for line in paragraph.split("\n")).replace("\t", " ")
    subject = UNSAFE_CHARACTER.sub("\ufffd", subject)
    return subject if len(subject) <= MAX_SUBJECT else subject[: MAX_SUBJECT - 1] + "…"


# The line after a blank one that gives a data commit's first line in English (CONTRIBUTING.md).
ENGLISH_TRAILER = "English:"


def commit_english(raw: bytes) -> str | None:
    """The `English: …` line of a commit's message, without its label and made safe as commit_subject makes
    the subject; None when the message has none."""
    headers, _, body = raw.partition(b"\n\n")
    for line in body.split(b"\n")[1:]:
        if line.startswith(ENGLISH_TRAILER.encode()):
            text = commit_subject(headers + b"\n\n" + line[len(ENGLISH_TRAILER) :].strip())
            return text or None
    return None


# A data commit's first line is its editor's note on the change log: readers read it in Chinese (CONTRIBUTING.md).
CHINESE = re.compile(r"[\u3400-\u9fff]")
# What a branch of editors' work is compared with: main as fetched (CI), else the local main.
BASE_REFS = ("origin/main", "main")


def messages_without_chinese(root) -> list[tuple[str, str]]:
    """The commits of this branch since it left main that change the data and whose message's first line
    holds no Chinese, as (short hash, first line); none outside git, on main itself or without a main."""
    for ref in BASE_REFS:
        try:
            base = git(root, "merge-base", "HEAD", ref).decode("ascii").strip()
            log = git(root, "log", "--no-merges", "-z", "--format=%h%x1f%s", f"{base}..HEAD", "--", *DATA_PATHS)
        except GitError:
            continue
        entries = [e.split("\x1f", 1) for e in log.decode("utf-8", "replace").split("\0") if "\x1f" in e]
        return [(short.strip(), subject) for short, subject in entries if not CHINESE.search(subject)]
    return []


def data_history(paths, data: GitData | None = None) -> History:
    """The data's history from git; a History saying why there is none outside a full checkout, or in a
    repository git cannot read whole."""
    try:
        if git(paths.root, "rev-parse", "--is-shallow-repository").strip() == b"true":
            return History(unavailable=SHALLOW)
    except GitError:
        return History(unavailable=NO_GIT)
    try:
        return _changes(paths, data or GitData(paths.root, by_record=True))
    except GitError:
        return History(unavailable=UNREADABLE)


@dataclass(frozen=True)
class _Commit:
    """A commit of the data's log: its hash, first parent (None for a root commit), date and time, and
    what it did to each data file it touched: (mode, blob) written, or None for a file removed."""

    commit: str
    parent: str | None
    time: str
    files: dict[str, tuple[str, str] | None]


REMOVED_MODE = "000000"  # how a raw diff writes the side of a file that is not there
SUBMODULE_MODE = "160000"  # another repository's commit, not a file


def _data_log(root) -> list[_Commit]:
    """The commits of main's first-parent line that changed a data file, newest first, each with what it
    did to them, from one `git log`: each diffed with its first parent, as the change log compares."""
    # Each commit starts with \x01; fields, paths and raw entries end with NUL (-z), so that a path may hold
    # any character: after a raw entry, the next field is always its path.
    log = git(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--root",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        "--relative",  # paths from the project's root, which may sit below the repository's
        "-z",
        "--format=%x01%H%x00%P%x00%cI",
        "--",
        *DATA_PATHS,
    )
    fields = log.split(b"\0")
    commits: list[_Commit] = []
    position = 0
    while position < len(fields) - 2:
        head = fields[position].lstrip(b"\n")
        if head.startswith(b"\x01"):
            parents = fields[position + 1].decode("ascii").split()
            time = fields[position + 2].decode("ascii")
            commits.append(_Commit(head[1:].decode("ascii"), parents[0] if parents else None, time, {}))
            position += 3
        elif head.startswith(b":") and commits:
            _, new_mode, _, new_blob, _ = head[1:].decode("ascii").split(" ")
            path = fields[position + 1].decode("utf-8", "replace")
            commits[-1].files[path] = None if new_mode == REMOVED_MODE else (new_mode, new_blob)
            position += 2
        else:
            raise GitError("git log gave what it was not asked for")
    return commits


# The data before its first commit, when that commit has no parent: nothing, every list empty.
EMPTY = RawProject(topics=LoadedFile(file="", data=[]), sources=LoadedFile(file="", data=[]), districts=[], archives={})
LISTS = ("data/topics.yaml", "data/sources.yaml")  # a list file that is missing is a problem, not an empty list


def _shown_paths(data: GitData, before: Tree, after: Tree, changed: set[str]) -> set[str]:
    """The paths to compare between two trees: those that changed, and those that cannot be read on
    either side, of which the comparison says so each time."""
    shown = set(changed) | {p for p in LISTS if p not in before.blobs or p not in after.blobs}
    shown |= before.refused.keys() | after.refused.keys()
    # The others are the same on both sides.
    return shown | {p for p in after.paths - shown if p.endswith(".yaml") and not data.readable(after, p)}


def _changes(paths, data: GitData) -> History:
    # The messages come from the commit objects themselves, where a message may hold anything (a \x1f, a
    # NUL, another encoding).
    log = _data_log(paths.root)
    subjects = read_objects(paths.root, [c.commit for c in log])
    written = {blob for c in log for mode, blob in filter(None, c.files.values()) if mode != SUBMODULE_MODE}
    sizes = data.sizes(written)
    # Every text at once (a symbolic link's too, the path it holds, which is never used).
    data.read(blob for blob in written if sizes[blob] <= MAX_FILE_BYTES)
    # Oldest first, each commit's tree made from the one before it: a commit's first parent holds the data
    # as the previous commit of the log left it, since no commit between them changed it.
    before, changes = Tree(), []
    for entry in reversed(log):
        after = before.copy()
        for path, written_as in entry.files.items():
            if written_as is None or written_as[0] == SUBMODULE_MODE:
                after.remove(path)
            else:
                after.add(path, written_as[0], written_as[1], sizes[written_as[1]])
        shown = _shown_paths(data, before, after, set(entry.files))
        old = EMPTY if entry.parent is None else data.project(before, entry.parent[:10], shown)
        new = data.project(after, entry.commit[:10], shown)
        district_lines, records = district_changes(old, new)
        other = [
            *district_lines,
            *list_changes("topic", old, new, "topics"),
            *list_changes("metric", old, new, "metrics"),
            *list_changes("source", old, new, "sources"),
            *archive_changes(old.archives, new.archives),
        ]
        if records or other:  # a commit that only rewrote comments changed no data
            raw = subjects[entry.commit]
            lines = tuple(line.strip() for line in other)
            changes.append(
                DataChange(
                    entry.commit,
                    entry.time,
                    commit_subject(raw),
                    tuple(records),
                    lines,
                    tuple(entry_changes(old, new)),
                    commit_english(raw),
                )
            )
        before = after
    if not changes:
        return History(unavailable=NO_COMMITS)
    return History(tuple(reversed(changes)))
