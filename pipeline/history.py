"""The data's history, read from git: each commit that changed the data, what it changed record by
record, and the data as it stood on each date it changed (the releases under /data/releases/).

Without git, outside a checkout or in a shallow clone (which holds only the last commits), there is
no history, and the site says so rather than show a partial one.
"""

import functools
import re
from dataclasses import dataclass

from .datadiff import EntryChange, RecordChange, archive_changes, district_changes, entry_changes, list_changes
from .gitdata import GitData, GitError, git, read_objects
from .load import UNSAFE_CHARACTER, LoadedFile, RawProject

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
    """The data as it stood at the end of a date on which it changed: the last change of that date."""

    date: str
    commit: str


@dataclass(frozen=True)
class History:
    """The data's changes, newest first; or why there is no history (`unavailable`: NO_GIT, SHALLOW,
    NO_COMMITS or UNREADABLE)."""

    changes: tuple[DataChange, ...] = ()
    unavailable: str | None = None

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
    def releases(self) -> tuple[Release, ...]:
        """One release per date on which the data changed, newest first."""
        newest: dict[str, str] = {}
        for change in self.changes:
            newest.setdefault(change.date, change.commit)
        return tuple(Release(date, commit) for date, commit in newest.items())


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
        return _changes(paths, data or GitData(paths.root))
    except GitError:
        return History(unavailable=UNREADABLE)


def _changes(paths, data: GitData) -> History:
    # Fields apart by NUL, which no hash, parent list or date holds; the messages come from the commit
    # objects themselves, where a message may hold anything (a \x1f, a NUL, another encoding).
    log = git(paths.root, "log", "--first-parent", "-z", "--format=%H%x00%P%x00%cI", "--", *DATA_PATHS)
    text = log.decode("ascii").removesuffix("\0")  # git ends each entry with NUL, the last one too
    fields = text.split("\0") if text else []
    commits = [fields[i : i + 3] for i in range(0, len(fields), 3)]
    subjects = read_objects(paths.root, [commit for commit, _, _ in commits])
    empty = RawProject(
        topics=LoadedFile(file="", data=[]), sources=LoadedFile(file="", data=[]), districts=[], archives={}
    )
    changes = []
    for commit, parents, time in commits:
        after = data.raw_at(commit, commit[:10])
        parent = parents.split()[0] if parents.split() else None
        before = data.raw_at(parent, parent[:10]) if parent else empty
        district_lines, records = district_changes(before, after)
        other = [
            *district_lines,
            *list_changes("topic", before, after, "topics"),
            *list_changes("metric", before, after, "metrics"),
            *list_changes("source", before, after, "sources"),
            *archive_changes(before.archives, after.archives),
        ]
        if records or other:  # a commit that only rewrote comments changed no data
            raw = subjects[commit]
            lines = tuple(line.strip() for line in other)
            entries = tuple(entry_changes(before, after))
            changes.append(
                DataChange(commit, time, commit_subject(raw), tuple(records), lines, entries, commit_english(raw))
            )
    if not changes:
        return History(unavailable=NO_COMMITS)
    return History(tuple(changes))
