"""Stage 6: make and write the built site all at once, or not at all.

SiteFiles holds every file of a prepared site, pages made only as they are read or written: a small
site's in this process, one after another; a large site's (PARALLEL_FROM pages or more) by one forked
process per CPU (parallel.py), each page written by the process that renders it.

Pages go to a fresh folder beside site/, which replaces site/ only when every
file is written: a failed build leaves the previous site untouched. On Linux the
two folders are exchanged in one step (renameat2 with RENAME_EXCHANGE), so a
reader of site/ (`serve`, a browser) never finds it missing nor half old, half new;
elsewhere site/ is moved aside and the new one moved in, a moment apart.
"""

import ctypes
import errno
import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from .errors import ToolError
from .pages.core import SiteCore, images_limited
from .pages.images import render_png
from .parallel import PARALLEL_FROM, results
from .png_images import cached_path
from .render import PageJob

# Removing a large site's previous site/ (70,000 files) takes half a minute on a slow disk.
# From this many files the new site is in place before the old one is removed, by a process of
# its own that outlives the build; a smaller site is removed at once.
BACKGROUND_REMOVAL_FROM = 2000
PAGES_PER_TASK = 400  # at most, pages rendered in one go by a worker of a large site (a city has about 200)
# Downloads made whole, made and written in one go by a worker of a large site.
DOWNLOADS_PER_TASK = PAGES_PER_TASK
# PNG images drawn in one go by a worker. A small site whose images are not all in the cache shares their
# drawing (a tenth of a second or more each) and its pages among one process per CPU, as a large site does.
IMAGES_PER_TASK = 8
DRAW_IN_PARALLEL_FROM = 4


class FileWriter:
    """Writes files under one folder, each as it comes, making each folder once. A file that comes again
    straight after itself is a further part of it, appended: a large download is never held whole."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folders: set[Path] = set()
        self.previous: str | None = None
        self.written = 0  # files, not parts

    def write(self, relative: str, content: bytes) -> None:
        target = self.folder / relative
        if target.parent not in self.folders:  # one mkdir per folder, not per file
            target.parent.mkdir(parents=True, exist_ok=True)  # safe beside another process making it
            self.folders.add(target.parent)
        with target.open("ab" if relative == self.previous else "wb") as out:
            out.write(content)
        self.written += relative != self.previous
        self.previous = relative


def mapping_writer(files: Mapping[str, bytes]) -> Callable[[Path], int]:
    """A writer for write_site of files held as relative path → bytes, written in the order items() gives
    them, each as soon as it comes (see FileWriter), so that `files` may make its contents lazily."""

    def write_into(folder: Path) -> int:
        writer = FileWriter(folder)
        for relative, content in files.items():
            writer.write(relative, content)
        return writer.written

    return write_into


class SiteFiles(Mapping):
    """Every file of the site, relative path → bytes, with pages rendered and downloads made only as they
    are read.

    write_site has its write_into write every file, each as it is made: a large
    site's gigabytes of pages and downloads are never held in memory at once.
    """

    def __init__(
        self,
        site: SiteCore,
        jobs: list[PageJob],
        made: dict[str, list[Callable[[], bytes]]],
        other: dict[str, bytes],
    ):
        self.site = site
        self.jobs = {job.file: job for job in jobs}
        self.made = made  # downloads, each made by its parts' functions
        self.other = other  # files already made

    def __getitem__(self, relative: str) -> bytes:
        if relative in self.jobs:
            return self.jobs[relative].render(self.site)
        if relative in self.made:
            return b"".join(make() for make in self.made[relative])
        return self.other[relative]

    def __contains__(self, relative: object) -> bool:
        return relative in self.jobs or relative in self.made or relative in self.other  # without making it

    def __iter__(self) -> Iterator[str]:
        yield from self.jobs
        yield from self.made
        yield from self.other

    def __len__(self) -> int:
        return len(self.jobs) + len(self.made) + len(self.other)

    def write_into(self, folder: Path) -> int:
        """Make every file and write it under `folder`; returns how many files were written.

        Pages are written by the process that renders them (one per CPU on a large site): a large
        site's 1.7 GB of pages never travels between processes. The parts of a large download come
        back to this process, in order, to be appended one after another.
        """
        writer = FileWriter(folder)
        written_elsewhere = 0
        drawing = self.undrawn_images() >= DRAW_IN_PARALLEL_FROM
        work = self._work(folder, images_apart=drawing)
        for relative, content in results(work, parallel=drawing or len(self.jobs) >= PARALLEL_FROM):
            if content is None:
                written_elsewhere += 1
            else:
                writer.write(relative, content)
        for relative, content in self.other.items():
            writer.write(relative, content)
        return written_elsewhere + writer.written

    def undrawn_images(self) -> int:
        """How many of a small site's PNG images are not in the cache (their SVGs are drawn here, cheaply,
        from its one scope's chart views, which its pages then reuse); 0 for a large site, made in
        parallel anyway, and for a site of several cities, whose few images (pages/images.py) are not
        worth converting each city's rows twice."""
        if len(self.jobs) >= PARALLEL_FROM or images_limited(self.site):
            return 0
        images = [job for job in self.jobs.values() if job.make is render_png]
        return sum(not cached_path(job.args[0](self.site, *job.args[1:])).is_file() for job in images)

    def _work(self, folder: Path, images_apart: bool) -> list[Callable[[], list[tuple[str, bytes | None]]]]:
        """Downloads first: the largest take seconds, and run beside the pages. A download made in
        parts comes back here to be appended in order; one made whole is written where it is made,
        with others (a site of 3,000 districts has 12,600 chart CSVs, each too small to travel alone).
        PNG images to draw (images_apart) last, a few per piece, so that every worker draws some once its
        pages are made; else with their scope's pages."""
        work = [
            functools.partial(_made_part, name, make)
            for name, parts in self.made.items()
            if len(parts) > 1
            for make in parts
        ]
        whole = [(name, parts[0]) for name, parts in self.made.items() if len(parts) == 1]
        work += [
            functools.partial(_written_downloads, folder, whole[i : i + DOWNLOADS_PER_TASK])
            for i in range(0, len(whole), DOWNLOADS_PER_TASK)
        ]
        pages = [job for job in self.jobs.values() if not images_apart or job.make is not render_png]
        images = [job for job in self.jobs.values() if images_apart and job.make is render_png]
        work += [functools.partial(_written_pages, folder, self.site, run) for run in page_runs(pages)]
        work += [
            functools.partial(_written_pages, folder, self.site, images[i : i + IMAGES_PER_TASK])
            for i in range(0, len(images), IMAGES_PER_TASK)
        ]
        return work


def page_runs(jobs: Iterable[PageJob]) -> list[list[PageJob]]:
    """The pages in runs of at most PAGES_PER_TASK, each rendered in one go (see parallel.py).

    A run also ends where the scope changes, so that each scope's record rows and chart views are
    made by one worker, not by every worker that renders one of its pages.
    """
    runs: list[list[PageJob]] = []
    for job in jobs:
        if not runs or len(runs[-1]) == PAGES_PER_TASK or _scope_group(job) != _scope_group(runs[-1][0]):
            runs.append([])
        runs[-1].append(job)
    return runs


def _scope_group(job: PageJob) -> str | None | bool:
    """The group of the scope a job's page belongs to; False for a site-wide page."""
    return job.scope.group if job.scope else False


def _made_part(name: str, make: Callable[[], bytes]) -> list[tuple[str, bytes]]:
    return [(name, make())]


def _written_pages(folder: Path, site: SiteCore, run: list[PageJob]) -> list[tuple[str, None]]:
    """A run of pages rendered and written where they are rendered; only their names come back."""
    return _written(folder, ((job.file, job.render(site)) for job in run))


def _written_downloads(folder: Path, named: list[tuple[str, Callable[[], bytes]]]) -> list[tuple[str, None]]:
    """Downloads made whole, each by its function, and written where they are made."""
    return _written(folder, ((relative, make()) for relative, make in named))


def _written(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[tuple[str, None]]:
    writer = FileWriter(folder)
    names = []
    for relative, content in files:
        writer.write(relative, content)
        names.append((relative, None))
    return names


# renameat2's arguments (linux/fcntl.h, linux/fs.h): paths relative to the working directory, swapped.
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot (no renameat2, or a file
    system without RENAME_EXCHANGE), so that the caller falls back to two renames."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _leftovers(site_dir: Path) -> list[Path]:
    """Folders that earlier builds left beside site/: an old site whose removal was cut short, and the
    staging folder of a build killed midway (one whose process is gone; a build still running keeps
    its own)."""
    found = list(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    for staging in site_dir.parent.glob(f".{site_dir.name}.new-*"):
        pid = staging.name.rpartition("-")[2]
        if not pid.isdigit() or (int(pid) != os.getpid() and not _pid_alive(int(pid))):
            found.append(staging)
    return found


# What to do when the disk says no, by errno; anything else is named as the system words it.
WRITE_HINTS = {
    errno.ENOSPC: "free space on the disk, then build again",
    errno.EDQUOT: "free space on the disk, then build again",
    errno.EACCES: "make the folder writable, or build from a copy you may write to",
    errno.EPERM: "make the folder writable, or build from a copy you may write to",
    errno.EROFS: "the disk is read-only: build from a copy on a writable disk",
}


class NotWritten(ToolError, OSError):
    """The new site could not be written (a full disk, a folder without write permission); site/ is as it
    was and the staging folder is removed. Still an OSError, as the failure it words."""

    def __init__(self, site_dir: Path, exc: OSError):
        hint = WRITE_HINTS.get(exc.errno, "check the disk and the folder's permissions")
        where = f" ({exc.filename})" if exc.filename else ""
        super().__init__(
            f"{site_dir}: cannot write the site: {exc.strerror or exc}{where} — {hint}; site/ keeps the last build"
        )


def write_site(write_into: Callable[[Path], int], site_dir: Path) -> None:
    """Have `write_into` write the new site into a fresh folder (it returns how many files it wrote),
    then put that folder in place of site/, atomically: on any failure site/ stays as it was.

    The writer is mapping_writer(files), or SiteFiles.write_into, whose pages are written
    by the processes that render them.
    """
    site_dir = Path(site_dir)
    staging = site_dir.with_name(f".{site_dir.name}.new-{os.getpid()}")
    retired = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    for leftover in _leftovers(site_dir):
        remove_in_background(leftover)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        written = write_into(staging)
        if site_dir.exists() and exchange(staging, site_dir):
            staging.rename(retired)  # the old site, now at the staging path
        else:
            if site_dir.exists():
                site_dir.rename(retired)
            staging.rename(site_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not site_dir.exists():
            retired.rename(site_dir)
        # The machine's problem, not the files': said as such, not a traceback. (A missing template is an
        # OSError too, without an errno: the files' problem, named in its file by render_error.)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise NotWritten(site_dir, exc) from None
        raise
    if written >= BACKGROUND_REMOVAL_FROM and retired.exists():
        remove_in_background(retired)
    else:
        shutil.rmtree(retired, ignore_errors=True)


def remove_in_background(folder: Path) -> None:
    """Remove a folder from a process of its own, which goes on after this one ends."""
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
