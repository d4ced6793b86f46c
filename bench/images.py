#!/usr/bin/env python3
"""What the PNG images (each chart's PNG, each page's preview card) cost the real site's build.

    .venv/bin/python bench/images.py [--runs 3]

Builds the real project into a fresh folder in three ways, one after another in each round so that
the machine's load touches all three alike: without images (`prepare_site(with_images=False)`), with
images whose PNGs are all in the cache (a warm cache: a rebuild, `serve`, a Netlify build that keeps its
cache), and with an empty cache (every image drawn: the first build after a change to the font, to
resvg, or to every chart). Prints each run's wall-clock and CPU seconds (this process and its forked
workers), then the median of each way. bench/NOTES.md records the figures.
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.builder import cycle_collector_paused, prepare_site  # noqa: E402
from pipeline.paths import ProjectPaths  # noqa: E402
from pipeline.write import write_site  # noqa: E402

WAYS = ("without images", "images, warm cache", "images, empty cache")


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the build's forked workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(paths: ProjectPaths, with_images: bool) -> tuple[float, float, int]:
    """One build into paths.site: wall-clock seconds, CPU seconds and files written."""
    shutil.rmtree(paths.site, ignore_errors=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    with cycle_collector_paused():
        prepared = prepare_site(paths, with_images=with_images)
        write_site(prepared.files.write_into, paths.site)
    return time.perf_counter() - started, cpu_seconds() - cpu, len(prepared.files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory() as scratch:
        paths = ProjectPaths(site=Path(scratch) / "site")
        warm = Path(scratch) / "warm-cache"
        os.environ["IMAGE_CACHE"] = str(warm)
        build(paths, with_images=True)  # fills the warm cache
        for run in range(1, runs + 1):
            for way in WAYS:
                empty = Path(scratch) / f"empty-cache-{run}"
                os.environ["IMAGE_CACHE"] = str(empty if way == WAYS[2] else warm)
                wall, cpu, files = build(paths, with_images=way != WAYS[0])
                times[way].append(wall)
                print(f"run {run}  {way:<20} {wall:6.2f} s wall  {cpu:6.2f} s CPU  {files} files", flush=True)
    print()
    for way in WAYS:
        print(f"median  {way:<20} {statistics.median(times[way]):6.2f} s")


if __name__ == "__main__":
    main()
