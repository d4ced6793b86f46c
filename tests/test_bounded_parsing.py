"""Inputs built to exhaust the parser: refused with one line naming file:line, in little CPU time and
memory, by `check` and `build` alike, with site/ untouched.

Seen to fail before the loader composed its node tree by a loop: 50,000 nested brackets killed the
process (a segmentation fault in libyaml's composer, nothing printed), 2,000 raised RecursionError in
PyYAML's; the ten-level alias block is the one found running for minutes past 7 GB.
"""

import re
import subprocess
import sys

import pytest
from conftest import ScratchProject

from pipeline.builder import build_site
from pipeline.paths import ROOT

LIMIT_SECONDS = 5
LIMIT_MB = 300


def laughs(levels: int = 10) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


# (case, what replaces the district file's records, the line the message must name, its words)
CASES = [
    ("50,000 nested brackets", "records: " + "[" * 50_000 + "]" * 50_000 + "\n", 6, "nested more than 20 levels"),
    (
        "2,000 nested block lists",
        "records:\n" + "".join("  " * i + "-\n" for i in range(2_000)),
        26,
        "nested more than 20 levels",
    ),
    (
        "2,000 nested flow mappings",
        "records: " + "{a: " * 2_000 + "1" + "}" * 2_000 + "\n",
        6,
        "nested more than 20 levels",
    ),
    ("a billion laughs", "records: []\n" + laughs(), 7, "anchors and aliases"),
    ("one alias", "records: []\nx: &first 1\ny: *first\n", 7, "anchors and aliases"),
    ("a merge key", "records:\n  - <<: {id: alpha-x}\n    topic: gdp\n", 7, "a merge key (<<)"),
]


def district_text(records: str) -> str:
    return "id: alpha\nname_zh: 甲区\nname_en: Alpha District\norder: 1\ncity: null\n" + records


@pytest.mark.parametrize("records, line, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_exhausting_input_is_refused_in_one_line(tmp_path, records, line, words):
    project = ScratchProject(tmp_path / "project")
    build_site(project.paths)
    before = sorted(p.relative_to(project.paths.site) for p in project.paths.site.rglob("*"))
    (project.root / "data/districts/alpha.yaml").write_text(district_text(records), encoding="utf-8")
    for command in ("check", "build"):
        run, peak_mb, seconds = run_measured(project.root, command)
        assert run.returncode == 1, (command, run.returncode, run.stderr[-500:])
        assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
        assert re.search(rf"data/districts/alpha\.yaml:{line}:\d+: .*{re.escape(words)}", run.stderr), run.stderr
        assert seconds < LIMIT_SECONDS and peak_mb < LIMIT_MB, (command, seconds, peak_mb)
    assert sorted(p.relative_to(project.paths.site) for p in project.paths.site.rglob("*")) == before


# Runs build.py in this process and prints its peak memory, in MB, and the CPU seconds it took (user and
# system: not the wall clock, which other tests and tenants of the machine stretch), on the last line.
MEASURED = """
import resource, runpy, sys
build, project, command = sys.argv[1:]
sys.argv = [build, "--project", project, command]
try:
    runpy.run_path(build, run_name="__main__")
except SystemExit as end:
    code = end.code
else:
    code = 0
usage = resource.getrusage(resource.RUSAGE_SELF)
print(usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime)
sys.exit(code)
"""


def run_measured(root, command: str, env=None, timeout: int = 60) -> tuple[subprocess.CompletedProcess, int, float]:
    """build.py's command on the project at root, run through MEASURED: its result, peak MB and CPU seconds."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, str(ROOT / "build.py"), str(root), command],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    return (result, *measured(result.stdout))


def measured(stdout: str) -> tuple[int, float]:
    """Peak memory in MB and CPU seconds, as MEASURED prints them; (0, 0.0) if it printed nothing."""
    last = stdout.strip().splitlines()[-1:] or ["0 0"]
    peak_mb, seconds = last[0].split()
    return int(peak_mb), float(seconds)


def test_a_file_larger_than_any_data_file_is_refused_unread(tmp_path):
    project = ScratchProject(tmp_path / "project")
    district = project.root / "data/districts/alpha.yaml"
    district.write_text(district.read_text(encoding="utf-8") + "# " + "x" * (6 * 2**20) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project.root), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert re.search(r"data/districts/alpha\.yaml:1:1: the file is 6\.0 MB, more than the 5 MB", run.stderr)
