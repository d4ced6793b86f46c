"""Editors' files, read only as what they appear to be: a regular file of the project, of a stated size.

A pull request may commit a symbolic link (to /proc/self/environ, whose text is the deploy's secrets) or
place a folder or a FIFO where a text is expected; a deploy preview builds it. Every file an editor
controls is read through read_editor_file, which refuses anything but a regular file before opening it
(a FIFO would block the build for good), and refuses every symbolic link: the repository holds none, and
one inside it could still lead to .git/config, where CI keeps its token.
"""

import os
import stat
from pathlib import Path

# Larger than any editor's file will be (a district's is some 100 KB, the largest archived text 60 KB).
MAX_FILE_BYTES = 5 * 2**20
GIT_SYMLINK_MODE = "120000"  # how git records a symbolic link in a tree

KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


class RefusedFile(Exception):
    """A file the build will not read, and why, in an editor's words (message, hint)."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"{message} — {hint}")
        self.message = message
        self.hint = hint


SYMLINK_HINT = "the build reads no symbolic link: commit the file itself in its place"


def _kind(mode: int) -> str:
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def refusal(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> RefusedFile | None:
    """Why `path` is not read (a symbolic link, not a regular file, outside `root`, over `limit` bytes),
    or None for a file that may be. Looks with lstat: nothing is opened, so no FIFO can block."""
    info = os.lstat(path)  # FileNotFoundError for a missing file: the caller's own message
    if stat.S_ISLNK(info.st_mode):
        return RefusedFile("a symbolic link, not a file", SYMLINK_HINT)
    if not stat.S_ISREG(info.st_mode):
        return RefusedFile(f"{_kind(info.st_mode)}, not a file", "put the text in a plain file of this name")
    real, inside = os.path.realpath(path), os.path.realpath(root)
    if os.path.commonpath([real, inside]) != inside:  # a folder on the way is a link out of the project
        return RefusedFile("the file lies outside the project, through a linked folder", SYMLINK_HINT)
    if info.st_size > limit:
        return _too_large(info.st_size, limit)
    return None


def _too_large(size: int, limit: int) -> RefusedFile:
    shown = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.1f} KB"
    allowed = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
    return RefusedFile(
        f"the file is {shown}, more than the {allowed} it may be",
        "check that it is the right file; a district's file is some 100 KB, a page some 5 KB",
    )


def read_editor_file(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of an editor's file under `root`; RefusedFile for anything `refusal` refuses, checked
    again on the opened file (it may have been swapped between the look and the opening)."""
    refused = refusal(path, root, limit)
    if refused:
        raise refused
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as opened:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"{_kind(info.st_mode)}, not a file", "put the text in a plain file of this name")
        content = opened.read(limit + 1)
    if len(content) > limit:
        raise _too_large(len(content), limit)
    return content
