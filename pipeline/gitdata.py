"""The data files of any commit, read from git without checking anything out.

Every file is read through one `git cat-file --batch`, and a file written the same in several
commits is parsed once: `diff` reads one commit, the change log and the releases read them all.
"""

import subprocess
from collections.abc import Iterable
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


class GitData:
    """The data files of any commit of the repository holding `root`, each file's text read and
    parsed once however many commits hold it."""

    def __init__(self, root):
        self.root = root
        self._texts: dict[str, str] = {}  # blob id → text
        self._parsed: dict[str, LoadedFile] = {}  # blob id → parsed YAML

    def _tree(self, commit: str) -> tuple[dict[str, str], dict[str, RefusedFile]]:
        """Path under data/ → blob id, at `commit`, and those of the paths the working tree's reader would
        refuse too (see safe_files): a symbolic link (mode 120000), a blob over MAX_FILE_BYTES. Paths are
        relative to the project root, which may sit below the repository's root."""
        listing = git(self.root, "ls-tree", "-r", "-l", "-z", commit, "--", "data").decode("utf-8", "replace")
        tree, refused = {}, {}
        for entry in filter(None, listing.split("\0")):
            info, path = entry.split("\t", 1)
            mode, kind, blob, size = info.split()
            if kind != "blob":
                continue
            if not size.isdigit():  # git could not read the blob: "BAD"
                raise GitError(f"the repository lacks the object {blob} (a partial or damaged clone)")
            tree[path] = blob
            if mode == GIT_SYMLINK_MODE:
                refused[path] = RefusedFile("a symbolic link, not a file", SYMLINK_HINT)
            elif int(size) > MAX_FILE_BYTES:
                refused[path] = RefusedFile(f"a file of {int(size) // 2**20} MB", "a data file is some 100 KB")
        return tree, refused

    def _read(self, blobs: Iterable[str]) -> None:
        wanted = sorted(set(blobs) - self._texts.keys())
        for blob, body in read_objects(self.root, wanted).items():
            self._texts[blob] = body.decode("utf-8", "replace")

    def raw_at(self, commit: str, name: str) -> RawProject:
        """The data files at `commit`, parsed with the working tree's loader; problems name each file
        `<name>:<path>`, as git names a file of a ref."""
        tree, refused = self._tree(commit)
        self._read(blob for path, blob in tree.items() if path not in refused)

        def loaded(path: str) -> LoadedFile:
            shown = f"{name}:{path}"
            if path not in tree:
                return LoadedFile(file=shown, errors=[DataError(shown, 1, 1, "", "the file is missing")])
            if path in refused:
                error = DataError(shown, 1, 1, "", refused[path].message, refused[path].hint)
                return LoadedFile(file=shown, errors=[error])
            blob = tree[path]
            if blob not in self._parsed:
                self._parsed[blob] = load_yaml(self._texts[blob], shown)
            return self._parsed[blob]

        def under(folder: str, suffix: str) -> list[str]:
            return sorted(p for p in tree if PurePosixPath(p).parent.as_posix() == folder and p.endswith(suffix))

        return RawProject(
            topics=loaded("data/topics.yaml"),
            sources=loaded("data/sources.yaml"),
            districts=[loaded(p) for p in under("data/districts", ".yaml")],
            archives={
                PurePosixPath(p).name: self._texts[tree[p]] for p in under("data/sources", ".txt") if p not in refused
            },
            cities=loaded("data/cities.yaml") if "data/cities.yaml" in tree else None,
            metrics=loaded("data/metrics.yaml") if "data/metrics.yaml" in tree else None,
        )
