#!/usr/bin/env python3
"""Instructions a build executes, counted by valgrind: a measure of its work that does not swing with
the machine's load as time does (on the shared machine the same build's CPU time varies by a third).

    .venv/bin/python bench/instructions.py                 # N = 30 districts
    .venv/bin/python bench/instructions.py 300             # a chosen size (about ten minutes)
    .venv/bin/python bench/instructions.py --code ../old   # the pipeline, templates and assets of another checkout

For the synthetic project of bench/scale.py (N districts × 60 records, ten to a city, so that N = 30
has the pages of three cities of N = 3,000), counts the preparation (loading, validation, tables,
charts) and, apart, the rendering of every page, all in one process and without writing. Python's hash seed
is fixed, so two runs of the same code agree within about 1 %. Needs valgrind
(`apt-get install valgrind`); the two counts run side by side, about a minute for N = 30.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("prepare", "render")


def run_stages(project: Path, code: Path, stage: str) -> None:
    """The work counted (run under valgrind): prepare the site, and for `render` make every page too."""
    sys.path.insert(0, str(code))
    from pipeline import load
    from pipeline.builder import cycle_collector_paused, prepare_site
    from pipeline.paths import ProjectPaths

    load.PARALLEL_LOAD_FROM = sys.maxsize  # all in this process: valgrind counts each process apart
    with cycle_collector_paused():
        site = prepare_site(ProjectPaths(project))
        if stage == "render":
            for job in site.files.jobs.values():
                if hasattr(job, "render"):
                    job.render(site.files.site)
                else:  # a checkout from before pages were functions (--code)
                    site.files.renderer.render_page(job)


def instructions(project: Path, code: Path, stage: str) -> int:
    """Instructions executed by a fresh Python process doing `stage` (cachegrind's total)."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--stage",
        stage,
        "--project",
        str(project),
        "--code",
        str(code),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if result.returncode != 0:
        sys.exit(f"the {stage} stage failed:\n{result.stderr[-3000:]}")
    return int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr).group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("size", nargs="?", type=int, default=30, help="number of districts")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose pipeline/, templates/ and assets/ run")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # the child process's job
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    code = args.code.resolve()
    if args.stage:
        run_stages(args.project, code, args.stage)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    # Only here: the child process must import the pipeline of --code, not the one these modules import.
    sys.path.insert(0, str(ROOT / "bench"))
    from scale import synthetic_project
    from synthetic import copy_site_files

    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        shutil.copytree(synthetic_project(args.size) / "data", project / "data")
        copy_site_files(project, source=code)
        with concurrent.futures.ThreadPoolExecutor(len(STAGES)) as pool:
            prepare, everything = pool.map(lambda stage: instructions(project, code, stage), STAGES)
    print(
        f"N={args.size}, code {code}: preparation {prepare / 1e6:,.0f} M instructions, "
        f"pages {(everything - prepare) / 1e6:,.0f} M instructions"
    )


if __name__ == "__main__":
    main()
