"""Files made by one forked process per CPU when a site is large.

Pages do not depend on each other, nor downloads on pages, so the same files come
out whichever process makes them and in whatever order they finish. Makers are
inherited by the forked processes, never pickled: only each maker's files travel
back, to be written by the one process that writes the site.
"""
import multiprocessing
import os
from collections.abc import Callable, Iterator

# A site of this many pages or more is made by one process per CPU; a smaller one (the real
# site, a rebuild in `serve`) would spend longer starting processes than making its files.
PARALLEL_FROM = 2000

# What each worker makes: a function that returns (relative path, bytes) pairs.
Maker = Callable[[], list[tuple[str, bytes]]]

# Set just before the workers are forked, which inherit it.
_forked_makers: list[Maker] | None = None


def _run(index: int) -> list[tuple[str, bytes]]:
    return _forked_makers[index]()


def cpu_count() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def made_files(makers: list[Maker], parallel: bool) -> Iterator[tuple[str, bytes]]:
    """The files of every maker as each maker finishes: in forked workers when `parallel` and the
    machine allows, else one maker after another in this process. Give the longest makers first,
    so that none is left to run alone at the end."""
    global _forked_makers
    workers = cpu_count()
    if not parallel or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for make in makers:
            yield from make()
        return
    _forked_makers = makers
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for files in pool.imap_unordered(_run, range(len(makers))):
                yield from files
    finally:
        _forked_makers = None
