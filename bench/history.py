#!/usr/bin/env python3
"""What the data's history costs a build: the real project as committed, against the same with 200 more
data commits on 200 consecutive days, each a cold build of a fresh clone.

    .venv/bin/python bench/history.py               # 200 commits, each build once
    .venv/bin/python bench/history.py --repeat 3    # three builds of each, alternating
    .venv/bin/python bench/history.py --commits 60  # another number of commits
    .venv/bin/python bench/history.py --code ../old # the build.py and pipeline of another checkout

Both projects are `git clone`s of this repository's HEAD into a temporary folder (what is not
committed is not measured), so that no cache or site/ of a previous build is there. The second gets
SYNTHETIC commits, one a day from the day after the data's last change, each appending a word to one
record's `summary_en` (a district file's records in turn, so every district file changes): the data
still validates, every commit is a data change with its own day in the change log, and
data/releases.yaml is left as it is. Each build is `build.py --project <clone> build` in a process of
its own, this checkout's code (or --code's) on the clone's files and history, with its site/ removed before it;
time is the build process's wall time, CPU its and its children's (Pagefind's) user and system time.
Prints a Markdown table and the ratios of the second to the first.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = 200
# A plain (unquoted, one-line) summary_en; the word appended keeps it plain YAML.
PLAIN_SUMMARY = re.compile(r"^(    summary_en: [A-Za-z][^\n#]*[^\n:# ])$", re.MULTILINE)


def git(root: Path, *args: str, day: str | None = None) -> str:
    when = f"{day}T10:00:00+08:00" if day else None
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def clone(folder: Path) -> Path:
    """A fresh clone of this repository's HEAD."""
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(folder)], check=True)
    return folder


def add_commits(project: Path, count: int) -> None:
    """`count` data commits, one a day from the day after the data's last change."""
    last = git(project, "log", "-1", "--format=%cs", "--", "data/districts", "data/sources").strip()
    first_day = date.fromisoformat(last) + timedelta(days=1)
    districts = sorted((project / "data" / "districts").glob("*.yaml"))
    for number in range(count):
        path = districts[number % len(districts)]
        text = path.read_text(encoding="utf-8")
        summaries = list(PLAIN_SUMMARY.finditer(text))
        found = summaries[(number // len(districts)) % len(summaries)]
        text = text[: found.end()] + f" (revision {number + 1})" + text[found.end() :]
        path.write_text(text, encoding="utf-8")
        day = (first_day + timedelta(days=number)).isoformat()
        git(project, "commit", "-qam", f"数据修订 {number + 1}：英文摘要", day=day)


def build(project: Path, code: Path) -> dict:
    """One cold build of the project by the build.py in `code`: wall seconds, CPU seconds, files written."""
    shutil.rmtree(project / "site", ignore_errors=True)
    images = Path(tempfile.mkdtemp(prefix="images-"))  # an empty image cache: every PNG drawn, as on a fresh clone
    environment = os.environ | {"IMAGE_CACHE": str(images)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, str(code / "build.py"), "--project", str(project), "build"]
    subprocess.run(command, check=True, env=environment)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    files = sum(1 for p in (project / "site").rglob("*") if p.is_file())
    shutil.rmtree(images)
    return {"wall": wall, "cpu": cpu, "files": files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=SYNTHETIC, help="synthetic data commits (default 200)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each project, alternating")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose build.py builds (default: this)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="history-bench-") as folder:
        today = clone(Path(folder) / "today")
        longer = clone(Path(folder) / "longer")
        add_commits(longer, args.commits)
        runs = {"today": [], "longer": []}
        for _ in range(args.repeat):
            runs["today"].append(build(today, args.code.resolve()))
            runs["longer"].append(build(longer, args.code.resolve()))
    data_commits = f"today's history + {args.commits} data commits on {args.commits} days"
    print("| project | build (wall s) | CPU s | files |")
    print("|---|---:|---:|---:|")
    for name, label in (("today", "today's history"), ("longer", data_commits)):
        walls = ", ".join(f"{r['wall']:.2f}" for r in runs[name])
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs[name])
        print(f"| {label} | {walls} | {cpus} | {runs[name][0]['files']:,} |")

    def ratio(figure: str, of) -> float:
        return of(r[figure] for r in runs["longer"]) / of(r[figure] for r in runs["today"])

    files = runs["longer"][0]["files"] / runs["today"][0]["files"]
    print()
    print(
        f"ratios (second / first): time {ratio('wall', statistics.median):.2f}× (medians), "
        f"{ratio('wall', min):.2f}× (fastest of each); CPU {ratio('cpu', statistics.median):.2f}× (medians); "
        f"files {files:.3f}×"
    )


if __name__ == "__main__":
    main()
