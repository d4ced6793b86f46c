"""The build's work grows linearly with the number of districts: counted, not timed.

Projects of N, 2N and 4N identical districts (two to a city, or one group
without cities) are built while counting pages rendered, figures formatted,
charts drawn, table rows scanned by pandas filters and converted to dicts, and
bytes written. Each count must be a·N + b, so f(4N) − f(2N) = 2·(f(2N) − f(N)):
a step that scans every record once per district, or puts every district on a
page made per district, breaks that equality. bench/scale.py gives the
seconds; this test keeps them linear.
"""

import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from conftest import TOPICS

from pipeline import charts, formatting, write
from pipeline.builder import build_site, check_data
from pipeline.paths import ROOT, ProjectPaths

TEXT = (
    "{name}2025年重点工作\n1\t地区生产总值增长5.5%。\n2\t力争城镇新增就业1.8万人。\n3\t建设人工智能应用示范区。\n"
    "4\t上半年新增就业1.08万人。\n"
)

DISTRICT = """\
    id: {id}
    name_zh: {name}
    name_en: District {number}
    order: {order}
    lead_units_en:
      区发改局: District Development and Reform Bureau
    {city}records:
      - id: {id}-gdp-growth
        topic: gdp
        kind: target
        period: "2025"
        metric: gdp-growth
        measure: growth
        value: 5.5
        unit: percent
        bound: exact
        label_zh: 地区生产总值增长
        label_en: GDP growth
        summary_en: Grow GDP by 5.5%.
        quote: 地区生产总值增长5.5%。
        source: {id}-tasks
        task_no: 1
        lead_units: [区发改局]
      - id: {id}-new-jobs
        topic: employment
        kind: target
        period: "2025"
        metric: {id}-jobs
        value: 18000
        unit: people
        bound: exact
        label_zh: 城镇新增就业
        label_en: New urban jobs
        summary_en: Create 18,000 new urban jobs.
        quote: 力争城镇新增就业1.8万人。
        source: {id}-tasks
        task_no: 2
      - id: {id}-h1-new-jobs
        topic: employment
        kind: actual
        period: "2025-H1"
        metric: {id}-jobs
        value: 10800
        unit: people
        bound: exact
        label_zh: 上半年新增就业
        label_en: New jobs in the first half
        summary_en: 10,800 new jobs in the first half.
        quote: 上半年新增就业1.08万人。
        source: {id}-tasks
      - id: {id}-ai-zone
        topic: ai
        tags: [employment]
        kind: target
        period: "2025"
        label_zh: 人工智能应用示范区
        label_en: AI application zone
        summary_en: Build an AI application demonstration zone.
        quote: 建设人工智能应用示范区。
        source: {id}-tasks
        task_no: 3
    """

SOURCE = """\
    - id: {id}-tasks
      district: {id}
      kind: task-list
      title_zh: {name}2025年重点工作
      title_en: District {number} key tasks for 2025
      period_zh: 2025年目标
      period_en: Targets for 2025
      archive: {id}-tasks.txt
    """


def write_project(root: Path, districts: int, with_cities: bool) -> ProjectPaths:
    """`districts` districts alike but for their ids and names (all of one width), two to a city if with_cities."""
    root.mkdir()
    for folder in ("templates", "content", "assets"):
        # copied, not linked: the build reads no file through a link out of the project (safe_files)
        shutil.copytree(Path(__file__).resolve().parent.parent / folder, root / folder)
    data = root / "data"
    (data / "districts").mkdir(parents=True)
    (data / "sources").mkdir()
    (data / "topics.yaml").write_text(textwrap.dedent(TOPICS), encoding="utf-8")
    sources, cities = [], []
    for number in range(1, districts + 1):
        fields = {
            "id": f"d{number:03d}",
            "name": f"甲{number:03d}区",
            "number": f"{number:03d}",
            "order": number,
            "city": "",
        }
        if with_cities:
            city = f"c{(number + 1) // 2:03d}"
            fields["city"] = f"city: {city}\n    "
            if number % 2:
                cities.append(f"- id: {city}\n  name_zh: 乙{city}市\n  name_en: City {city}\n")
        (data / "districts" / f"{fields['id']}.yaml").write_text(
            textwrap.dedent(DISTRICT.format(**fields)), encoding="utf-8"
        )
        (data / "sources" / f"{fields['id']}-tasks.txt").write_text(TEXT.format(**fields), encoding="utf-8")
        sources.append(textwrap.dedent(SOURCE.format(**fields)))
    (data / "sources.yaml").write_text("".join(sources), encoding="utf-8")
    if with_cities:
        (data / "cities.yaml").write_text("".join(cities), encoding="utf-8")
    return ProjectPaths(root)


def counted_build(paths: ProjectPaths, monkeypatch) -> Counter:
    """Build once, counting the work done."""
    work = Counter()

    def counting(name, function, size=lambda *args, **kwargs: 1):
        def wrapper(*args, **kwargs):
            work[name] += size(*args, **kwargs)
            return function(*args, **kwargs)

        return wrapper

    def mask_rows(frame, key):
        is_mask = isinstance(key, pd.Series) and key.dtype == bool
        return len(frame) if is_mask else 0

    # In this process, where the counting is: with images missing from the cache, a small site would draw
    # them in forked workers beside its pages.
    monkeypatch.setattr(write, "DRAW_IN_PARALLEL_FROM", float("inf"))
    monkeypatch.setattr(jinja2.Template, "render", counting("pages", jinja2.Template.render))
    monkeypatch.setattr(formatting, "figure_text", counting("figures formatted", formatting.figure_text))
    monkeypatch.setattr(charts, "comparison_chart", counting("charts drawn", charts.comparison_chart))
    monkeypatch.setattr(charts, "items_chart", counting("charts drawn", charts.items_chart))
    monkeypatch.setattr(
        pd.DataFrame, "__getitem__", counting("rows scanned by filters", pd.DataFrame.__getitem__, mask_rows)
    )
    monkeypatch.setattr(
        pd.DataFrame, "to_dict", counting("rows converted", pd.DataFrame.to_dict, lambda frame, *a, **k: len(frame))
    )
    build_site(paths)
    monkeypatch.undo()
    # PNG images aside: an image's bytes follow its drawing (a card shows four districts at most), not the
    # number of districts.
    work["bytes written"] = sum(p.stat().st_size for p in paths.site.rglob("*") if p.is_file() and p.suffix != ".png")
    return work


@pytest.mark.parametrize("with_cities", [True, False], ids=["cities of two districts", "one group"])
def test_the_work_of_a_build_grows_linearly_with_districts(tmp_path, monkeypatch, with_cities):
    sizes = (4, 8, 16)
    work = [counted_build(write_project(tmp_path / f"n{n}", n, with_cities), monkeypatch) for n in sizes]
    assert work[0]["pages"] < work[1]["pages"] < work[2]["pages"]
    for name in work[0]:
        small, medium, large = (w[name] for w in work)
        growth = medium - small
        bend = (large - medium) - 2 * (medium - small)  # zero for a·N + b, N doubling each time
        # Written numbers change width (a total of 9 or 10, a bar at 6.250% or 56.250%): a few hundred bytes
        # of a growth of hundreds of kilobytes, where a page per district listing every district would double it.
        allowed = growth // 200 if name == "bytes written" else 0
        assert abs(bend) <= allowed, f"{name} is not linear in districts: {small}, {medium}, {large} for N = {sizes}"


def test_the_benchmarks_synthetic_project_passes_the_check(tmp_path):
    """bench/scale.py measures a project written by bench/synthetic.py, grouped into cities from four
    districts: the real data's rules (highlights among them) must accept it, or the benchmark measures an
    error."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synthetic import write_project
    finally:
        sys.path.remove(str(ROOT / "bench"))
    dataset = check_data(ProjectPaths(write_project(tmp_path / "project", districts=4, records=12)))
    assert len(dataset.districts) == 4 and {d.city for d in dataset.districts} != {None}
