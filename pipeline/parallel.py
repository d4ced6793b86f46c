"""Work shared by one forked process per CPU when a site is large: parsing data files, making pages
and downloads.

Each piece of work is a function that returns a list of results. The functions are
inherited by the forked processes, never pickled: only their results travel back.
Pages do not depend on each other, nor downloads on pages, so the same files come
out whichever process makes them.

How the build scales, in short (bench/NOTES.md has the measurements behind each point). The
real site has three districts and 163 pages, made in one process in about a second. The same
code builds 3,000 districts (57,865 pages) in under a minute and a gigabyte:
- districts that name a city are compared city by city (pages under /cities/<city>/), so no
  chart or table grows with the whole site; tables are built in one pass over the records;
- from PARALLEL_FROM pages, parsing, pages and downloads are shared among the workers here,
  each page written by the process that renders it, large downloads made in parts;
- pages come scope by scope (pipeline/render.py), so each city's rows, cards and chart views
  are made once and dropped when the next city begins;
- repeated YAML values are one object (load._Composer.scalar) and records written alike share
  their set of fields (Record.model_post_init): a worker copies each page of the build
  process's memory whose objects it reads, so less memory means less copied.
"""

import collections
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import TypeVar

# A site of this many pages or more is made by one process per CPU; a smaller one (the real
# site, a rebuild in `serve`) would spend longer starting processes than making its files.
PARALLEL_FROM = 2000

# Pieces of work handed to each worker ahead of the caller taking their results.
PIECES_AHEAD = 3

T = TypeVar("T")

# Set just before the workers are forked, which inherit it.
_forked_work: list[Callable[[], list]] | None = None


def _run(index: int) -> list:
    return _forked_work[index]()


def cpu_count() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def results(work: list[Callable[[], list[T]]], parallel: bool) -> Iterator[T]:
    """The results of every piece of work, in the order given: from forked workers when `parallel` and
    the machine allows, else one piece after another in this process. Give the longest pieces first,
    so that none is left to run alone at the end.

    A piece is handed out only as an earlier one's results are taken, PIECES_AHEAD per worker at
    first: when the caller (writing files to a slow disk) falls behind, the workers wait rather
    than pile their results up in this process.
    """
    global _forked_work
    workers = cpu_count()
    if not parallel or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for piece in work:
            yield from piece()
        return
    _forked_work = work
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            first = min(len(work), PIECES_AHEAD * workers)
            handed = collections.deque(pool.apply_async(_run, (index,)) for index in range(first))
            next_index = first
            while handed:
                done = handed.popleft().get()
                if next_index < len(work):
                    handed.append(pool.apply_async(_run, (next_index,)))
                    next_index += 1
                yield from done
    finally:
        _forked_work = None
