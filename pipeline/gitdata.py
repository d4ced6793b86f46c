"""The data files of any commit, read from git without checking anything out.

Every file is read through one `git cat-file --batch`, and a file written the same in several
commits is parsed once: `diff` and each release read one commit, the change log reads every version
of every file (history.py), each district file record by record.
"""

import re
import subprocess
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .errors import DataError
from .load import LoadedFile, RawProject, load_yaml
from .safe_files import GIT_SYMLINK_MODE, MAX_FILE_BYTES, SYMLINK_HINT, RefusedFile

GIT_TIMEOUT = 60  # seconds; reading a history of hundreds of commits takes one or two


class GitError(Exception):
    """git could not give what was asked (unknown ref, not a repository …)."""


def git(root, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of a git command run in `root`; GitError with git's message when it fails."""
    try:
        result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"git could not run: {exc}") from None
    except ValueError:  # an argument no command line can hold: a NUL, a lone surrogate
        raise GitError("not a name git can be given (it holds a NUL or a character no UTF-8 holds)") from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return result.stdout


def read_objects(root, ids: list[str]) -> dict[str, bytes]:
    """The content of each object named, through one `git cat-file --batch`; GitError naming the first
    the repository lacks (a partial clone, a damaged object store)."""
    if not ids:
        return {}
    output = git(root, "cat-file", "--batch", stdin="".join(i + "\n" for i in ids).encode())
    found, position = {}, 0
    for object_id in ids:
        header_end = output.find(b"\n", position)
        header = output[position:header_end].split()
        if len(header) != 3 or not header[2].isdigit():
            raise GitError(f"the repository lacks the object {object_id} (a partial or damaged clone)")
        size = int(header[2])
        found[object_id] = output[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1  # the body is followed by a newline
    return found


@dataclass
class Tree:
    """The data files of one commit: path (relative to the project root, which may sit below the
    repository's root) → blob id, and those of them the working tree's reader would refuse too (see
    safe_files): a symbolic link (mode 120000), a blob over MAX_FILE_BYTES."""

    blobs: dict[str, str] = field(default_factory=dict)
    refused: dict[str, RefusedFile] = field(default_factory=dict)

    @property
    def paths(self) -> set[str]:
        """Every file's path."""
        return set(self.blobs)

    def add(self, path: str, mode: str, blob: str, size: int) -> None:
        """The file at `path` is now this blob."""
        self.blobs[path] = blob
        self.refused.pop(path, None)
        if mode == GIT_SYMLINK_MODE:
            self.refused[path] = RefusedFile("a symbolic link, not a file", SYMLINK_HINT)
        elif size > MAX_FILE_BYTES:
            self.refused[path] = RefusedFile(f"a file of {size // 2**20} MB", "a data file is some 100 KB")

    def remove(self, path: str) -> None:
        """The file at `path` is no more."""
        self.blobs.pop(path, None)
        self.refused.pop(path, None)

    def copy(self) -> "Tree":
        """Another tree of the same files, to change apart."""
        return Tree(dict(self.blobs), dict(self.refused))


# A district file's records, each an item of `records:` two spaces in (as every district file writes
# them): a version of the file that changes one record is read by parsing that record alone.
RECORDS_KEY = re.compile(r"^records:[ \t]*(?:#[^\n]*)?\r?\n", re.MULTILINE)
RECORD_ITEM = re.compile(r"^  -(?: |\r?$)", re.MULTILINE)
TOP_LEVEL = re.compile(r"^[^\s#]", re.MULTILINE)  # the key after `records:`, or a stray line
BLANK_OR_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*")


def _record_parts(text: str) -> tuple[str, list[str]] | None:
    """(the file without its records, written `records: []`; the text of each record), or None for a file
    not written in that shape."""
    keys = RECORDS_KEY.finditer(text)
    key, another = next(keys, None), next(keys, None)
    if key is None or another is not None:
        return None
    after = TOP_LEVEL.search(text, key.end())
    end = after.start() if after else len(text)
    items = [found.start() for found in RECORD_ITEM.finditer(text, key.end(), end)]
    if not items or BLANK_OR_COMMENTS.fullmatch(text, key.end(), items[0]) is None:
        return None
    records = [text[a:b] for a, b in zip(items, items[1:] + [end])]
    return text[: key.start()] + "records: []\n" + text[end:], records


class GitData:
    """The data files of any commit of the repository holding `root`, each file's text read and
    parsed once however many commits hold it.

    by_record=True (the history, which reads every version of every file) parses each record of a district
    file once however many versions of the file hold it; a file so read keeps no positions for messages,
    which no past version's comparison shows."""

    def __init__(self, root, by_record: bool = False):
        self.root = root
        self.by_record = by_record
        self._texts: dict[str, str] = {}  # blob id → text
        self._parsed: dict[str, LoadedFile] = {}  # blob id → parsed YAML
        self._parts: dict[str, object] = {}  # a record's or a file head's text → its data, None if it has a problem

    def _tree(self, commit: str) -> Tree:
        """The data files at `commit` (see Tree), as `git ls-tree` lists them."""
        listing = git(self.root, "ls-tree", "-r", "-l", "-z", commit, "--", "data").decode("utf-8", "replace")
        tree = Tree()
        for entry in filter(None, listing.split("\0")):
            info, path = entry.split("\t", 1)
            mode, kind, blob, size = info.split()
            if kind != "blob":
                continue
            if not size.isdigit():  # git could not read the blob: "BAD"
                raise GitError(f"the repository lacks the object {blob} (a partial or damaged clone)")
            tree.add(path, mode, blob, int(size))
        return tree

    def sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        """The size of each blob, through one `git cat-file --batch-check`; GitError for one it lacks."""
        wanted = sorted(set(blobs))
        if not wanted:
            return {}
        output = git(self.root, "cat-file", "--batch-check", stdin="".join(b + "\n" for b in wanted).encode())
        found = {}
        for blob, line in zip(wanted, output.decode("ascii", "replace").splitlines()):
            fields = line.split()
            if len(fields) != 3 or fields[1] != "blob" or not fields[2].isdigit():
                raise GitError(f"the repository lacks the object {blob} (a partial or damaged clone)")
            found[blob] = int(fields[2])
        return found

    def read(self, blobs: Iterable[str]) -> None:
        """Read these blobs' texts, through one `git cat-file --batch`, those not read already."""
        wanted = sorted(set(blobs) - self._texts.keys())
        for blob, body in read_objects(self.root, wanted).items():
            self._texts[blob] = body.decode("utf-8", "replace")

    def _parse(self, blob: str, shown: str) -> LoadedFile:
        """The file's parse; with by_record, a district file's from its records' parses where it can (see
        _record_parts): any problem, in any part, and the whole file is parsed as the working tree's is."""
        text = self._texts[blob]
        in_districts = shown.rpartition(":")[2].startswith("data/districts/")
        parts = _record_parts(text) if self.by_record and in_districts else None
        if parts is not None:
            head = self._part(parts[0], head=True)
            records = [self._part(part) for part in parts[1]]
            if head is not None and all(r is not None for r in records):
                return LoadedFile(file=shown, data={**head, "records": records})
        return load_yaml(text, shown)

    def _part(self, text: str, head: bool = False) -> dict | None:
        """The data of a district file's head (its fields, `records: []`) or of one record's text; None if
        it has a problem, or is not one mapping."""
        if text not in self._parts:
            # A record is parsed under its key, so that it lies as deep as in the file (the loader bounds
            # the depth).
            parsed = load_yaml(text if head else "records:\n" + text, "")
            data = parsed.data if not parsed.errors and isinstance(parsed.data, dict) else None
            if not head and data is not None:
                data = data["records"][0] if isinstance(data["records"], list) and len(data["records"]) == 1 else None
            self._parts[text] = data if isinstance(data, dict) else None
        return self._parts[text]

    def readable(self, tree: Tree, path: str) -> bool:
        """Whether the YAML file at `path` of `tree` parses."""
        blob = tree.blobs[path]
        if blob not in self._parsed:
            self.read([blob])
            self._parsed[blob] = self._parse(blob, path)
        return self._parsed[blob].data is not None

    def project(self, tree: Tree, name: str, only: Collection[str] | None = None) -> RawProject:
        """The data files of `tree`, parsed with the working tree's loader; problems name each file
        `<name>:<path>`, as git names a file of a ref. With `only`, the files of those paths alone: the
        others are given as empty (a list file) or left out (a district file, an archived text)."""
        shown_paths = tree.paths if only is None else only
        self.read(tree.blobs[p] for p in shown_paths if p in tree.blobs and p not in tree.refused)

        def loaded(path: str) -> LoadedFile:
            shown = f"{name}:{path}"
            if path not in shown_paths:
                return LoadedFile(file=shown, data=[])
            if path not in tree.blobs:
                return LoadedFile(file=shown, errors=[DataError(shown, 1, 1, "", "the file is missing")])
            if path in tree.refused:
                error = DataError(shown, 1, 1, "", tree.refused[path].message, tree.refused[path].hint)
                return LoadedFile(file=shown, errors=[error])
            blob = tree.blobs[path]
            if blob not in self._parsed:
                self._parsed[blob] = self._parse(blob, shown)
            return self._parsed[blob]

        def under(folder: str, suffix: str) -> list[str]:
            return sorted(p for p in shown_paths if PurePosixPath(p).parent.as_posix() == folder and p.endswith(suffix))

        present = [p for p in under("data/districts", ".yaml") if p in tree.blobs]
        return RawProject(
            topics=loaded("data/topics.yaml"),
            sources=loaded("data/sources.yaml"),
            districts=[loaded(p) for p in present],
            archives={
                PurePosixPath(p).name: self._texts[tree.blobs[p]]
                for p in under("data/sources", ".txt")
                if p in tree.blobs and p not in tree.refused
            },
            cities=loaded("data/cities.yaml") if "data/cities.yaml" in tree.blobs else None,
            metrics=loaded("data/metrics.yaml") if "data/metrics.yaml" in tree.blobs else None,
        )

    def raw_at(self, commit: str, name: str) -> RawProject:
        """The data files at `commit`, parsed with the working tree's loader; problems name each file
        `<name>:<path>`, as git names a file of a ref."""
        return self.project(self._tree(commit), name)
