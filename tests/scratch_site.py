"""The scratch project's whole built site, compared file by file with tests/expected/scratch-site/.

The scratch project of conftest.py is extended here so that every page kind and
table of the site is exercised: a topic with facets, a record tagged with a
second topic, a result paired with its target (progress), a figure about a
number. tests/test_expected_site.py builds it and compares; after a deliberate
change to the output, `python tests/regenerate_expected.py` rewrites the
expected tree (then review `git diff tests/expected` and commit it).

Libraries' own files are not stored, only their names compared: plotly.js (1.1 MB, its name
content-hashed) and Pagefind's search library and WebAssembly (230 KB; pagefind-entry.json, which is
stored, names its version). The search index itself is stored and compared. A PNG image (a chart's, a
preview card) is stored as a line giving its size: its drawing is resvg's, checked by
tests/test_chart_images.py, and its SVG is in the pages and chart files stored here.
"""

import contextlib
import difflib
import os
import re
from pathlib import Path

from conftest import ScratchProject

from pipeline.builder import build_site
from pipeline.png_images import png_size

EXPECTED = Path(__file__).resolve().parent / "expected" / "scratch-site"
SITE_URL = "https://example.org"
LIBRARY_FILE = re.compile(
    r"assets/vendor/plotly-basic\.min\.[0-9a-f]{10}\.js"
    r"|pagefind/(pagefind\.js|pagefind-worker\.js|wasm\.[a-z]+\.pagefind)"
)
LIBRARY_PLACEHOLDER = b"A library's own file is not stored here: tests compare only its name\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DIFF_FILES = 8  # files shown as diffs in a failure message; the others are named
DIFF_LINES = 40  # diff lines shown per file
CONTEXT = 70  # characters shown either side of where two long lines part

AI_FACETS = """\
  facets:
    - id: zones
      name_zh: 示范区
      name_en: Demonstration zones
      keywords: [示范区]
    - id: labs
      name_zh: 实验室
      name_en: Laboratories
      keywords: [实验室]
"""

BETA_MORE_TEXT = "全年新增就业2万人左右。建设人工智能实验室。\n"

BETA_MORE_RECORDS = """\
  - id: beta-h1-new-jobs
    topic: employment
    kind: actual
    period: "2025-H1"
    metric: beta-new-jobs
    value: 10800
    unit: people
    bound: exact
    label_zh: 上半年新增就业
    label_en: New jobs in the first half
    summary_en: 10,800 new jobs in the first half.
    quote: 新增就业 1.08 万人
    source: beta-report
  - id: beta-new-jobs
    topic: employment
    kind: target
    period: "2025"
    metric: beta-new-jobs
    value: 20000
    unit: people
    bound: about
    label_zh: 全年新增就业
    label_en: New jobs in the year
    summary_en: About 20,000 new jobs in the year.
    quote: 全年新增就业2万人左右。
    source: beta-report
  - id: beta-ai-lab
    topic: employment
    tags: [ai]
    kind: target
    period: "2025"
    label_zh: 人工智能实验室
    label_en: AI laboratory
    summary_en: Build an AI laboratory.
    quote: 建设人工智能实验室。
    source: beta-report
    lead_units: [区科工信局, 区人社局]
lead_units_en:
  区科工信局: District Science, Technology and Industry Bureau
  区人社局: District Human Resources and Social Security Bureau
"""


def scratch_project(root: Path) -> ScratchProject:
    """conftest's scratch project with facets, tags and a progress pair added."""
    project = ScratchProject(root)
    project.edit("data/topics.yaml", "  description_en: AI.\n", "  description_en: AI.\n" + AI_FACETS)
    with open(project.root / "data/sources/beta-report.txt", "a", encoding="utf-8") as text:
        text.write(BETA_MORE_TEXT)
    with open(project.root / "data/districts/beta.yaml", "a", encoding="utf-8") as district:
        district.write(BETA_MORE_RECORDS)
    return project


@contextlib.contextmanager
def fixed_site_url():
    """Absolute links (sitemap, citations, embed code) use one address, whatever the environment says."""
    saved = {name: os.environ.pop(name, None) for name in ("SITE_URL", "URL")}
    os.environ["SITE_URL"] = SITE_URL
    try:
        yield
    finally:
        os.environ.pop("SITE_URL")
        os.environ.update({name: value for name, value in saved.items() if value is not None})


def build_scratch_site(root: Path) -> Path:
    """Build the extended scratch project under root; returns its site folder."""
    project = scratch_project(root)
    with fixed_site_url():
        build_site(project.paths)
    return project.paths.site


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by relative path; plotly.js by name only, a PNG image by its size."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        if LIBRARY_FILE.fullmatch(relative):
            files[relative] = LIBRARY_PLACEHOLDER
        elif relative.endswith(".png") and path.read_bytes().startswith(PNG_SIGNATURE):  # not the stored line
            width, height = png_size(path.read_bytes())
            files[relative] = f"A PNG image of {width} x {height} pixels: tests compare its name and size\n".encode()
        else:
            files[relative] = path.read_bytes()
    return files


def write_expected(files: dict[str, bytes], folder: Path = EXPECTED) -> None:
    """Replace the expected tree with `files`."""
    for old in sorted(folder.rglob("*"), reverse=True) if folder.exists() else []:
        old.unlink() if old.is_file() else old.rmdir()
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _clipped(removed: str, added: str) -> tuple[str, str]:
    """Two versions of a long line (a page's whole SVG is one line), cut down to where they part."""
    if len(removed) <= 2 * CONTEXT and len(added) <= 2 * CONTEXT:
        return removed, added
    same = next((i for i, (a, b) in enumerate(zip(removed, added)) if a != b), min(len(removed), len(added)))
    start = max(0, same - CONTEXT)

    def cut(line: str) -> str:
        return ("…" if start else "") + line[start : same + CONTEXT] + ("…" if len(line) > same + CONTEXT else "")

    return cut(removed), cut(added)


def _file_diff(name: str, expected: bytes, actual: bytes) -> list[str]:
    before = expected.decode("utf-8", "replace").splitlines()
    after = actual.decode("utf-8", "replace").splitlines()
    diff = list(difflib.unified_diff(before, after, f"expected/{name}", f"built/{name}", n=1, lineterm=""))
    for i in range(len(diff) - 1):  # a changed line comes out as '-old' directly followed by '+new'
        if diff[i][:1] == "-" and diff[i + 1][:1] == "+" and not diff[i].startswith("---"):
            removed, added = _clipped(diff[i][1:], diff[i + 1][1:])
            diff[i], diff[i + 1] = "-" + removed, "+" + added
    diff = [line[: 2 * CONTEXT] + "…" if line[:1] == " " and len(line) > 2 * CONTEXT else line for line in diff]
    return diff[:DIFF_LINES] + ([f"… {len(diff) - DIFF_LINES} more diff lines"] if len(diff) > DIFF_LINES else [])


def tree_differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """What differs between two trees, as the reader of a failed test needs it: names, then diffs."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    changed = sorted(n for n in expected.keys() & actual.keys() if expected[n] != actual[n])
    lines = [f"missing from the build: {name}" for name in missing]
    lines += [f"not expected: {name}" for name in extra]
    if changed:
        lines.append(f"{len(changed)} file(s) differ: " + ", ".join(changed))
    for name in changed[:DIFF_FILES]:
        lines.extend(_file_diff(name, expected[name], actual[name]))
    if len(changed) > DIFF_FILES:
        lines.append(f"… and {len(changed) - DIFF_FILES} more file(s), named above")
    return "\n".join(lines)
