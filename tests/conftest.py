"""A small scratch project in tmp_path, written with textwrap.dedent, for tests that need bad input."""

import shutil
import textwrap
from pathlib import Path

import pytest

from pipeline.builder import build_site
from pipeline.netlify import SiteServer
from pipeline.paths import ROOT, ProjectPaths

TOPICS = """\
    - id: gdp
      name_zh: 地区生产总值
      name_en: GDP
      description_zh: 地区生产总值增长。
      description_en: GDP growth.
      headline: true
    - id: employment
      name_zh: 就业
      name_en: Employment
      description_zh: 城镇新增就业。
      description_en: New urban jobs.
      headline: true
    - id: ai
      name_zh: 人工智能
      name_en: Artificial intelligence
      description_zh: 人工智能。
      description_en: AI.
    """

SOURCES = """\
    - id: alpha-tasks
      district: alpha
      kind: task-list
      title_zh: 甲区2025年重点工作
      title_en: Alpha district key tasks for 2025
      issuer_zh: 区政府
      issuer_en: The district government
      date: null
      period_zh: 2025年目标
      period_en: Targets for 2025
      archive: alpha-tasks.txt
    - id: beta-report
      district: beta
      kind: midyear-report
      title_zh: 乙区上半年工作报告
      title_en: Beta district mid-year report
      date: "2025-07-11"
      period_zh: 2025年上半年
      period_en: First half of 2025
      archive: beta-report.txt
    """

ALPHA_TEXT = (
    "甲区2025年重点工作\n1\t地区生产总值增长5.5%。\n2\t力争城镇新增就业1.8万人。\n3\t建设人工智能\n  应用示范区。\n"
)
BETA_TEXT = "乙区报告\n预计上半年地区生产总值增长 2%，新增就业 1.08 万人。\n"

ALPHA = """\
    id: alpha
    name_zh: 甲区
    name_en: Alpha District
    order: 1
    records:
      - id: alpha-gdp-growth
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
        source: alpha-tasks
        task_no: 1
        lead_units: [区发改局]
      - id: alpha-new-jobs
        topic: employment
        kind: target
        period: "2025"
        metric: new-urban-jobs
        value: 18000
        unit: people
        bound: exact
        label_zh: 城镇新增就业
        label_en: New urban jobs
        summary_en: Create 18,000 new urban jobs.
        quote: 力争城镇新增就业1.8万人。
        source: alpha-tasks
        task_no: 2
      - id: alpha-ai-zone
        topic: ai
        kind: target
        period: "2025"
        label_zh: 人工智能应用示范区
        label_en: AI application zone
        summary_en: Build an AI application demonstration zone.
        quote: 建设人工智能应用示范区。
        source: alpha-tasks
        task_no: 3
    lead_units_en:
      区发改局: District Development and Reform Bureau
    """

BETA = """\
    id: beta
    name_zh: 乙区
    name_en: Beta District
    order: 2
    records:
      - id: beta-h1-gdp-growth
        topic: gdp
        kind: actual
        period: "2025-H1"
        estimate: true
        metric: gdp-growth
        measure: growth
        value: 2
        unit: percent
        bound: exact
        label_zh: 上半年地区生产总值增长
        label_en: GDP growth in the first half
        summary_en: GDP grew by an estimated 2% in the first half.
        quote: 预计上半年地区生产总值增长 2%
        source: beta-report
    """

METRICS = """\
    - id: gdp-growth
      name_zh: 地区生产总值增长
      name_en: GDP growth
      definition_zh: 地区生产总值比上年增长的百分比。
      definition_en: Growth of GDP over the year before, in percent.
      comparability_zh: 一个是上半年结果，一个是全年目标：可以并列，但不是同一时段。
      comparability_en: "One is a first-half result and the other a target for the year: they can stand side by side, but not for the same period."
      headline: true
    """


class ScratchProject:
    """A copy of the site's templates, content and assets with test data of our choosing."""

    def __init__(self, root: Path):
        self.root = root
        for folder in ("templates", "content", "assets"):
            shutil.copytree(ROOT / folder, root / folder)
        self.write("data/topics.yaml", TOPICS)
        self.write("data/sources.yaml", SOURCES)
        self.write("data/metrics.yaml", METRICS)
        self.write("data/sources/alpha-tasks.txt", ALPHA_TEXT, dedent=False)
        self.write("data/sources/beta-report.txt", BETA_TEXT, dedent=False)
        self.write("data/districts/alpha.yaml", ALPHA)
        self.write("data/districts/beta.yaml", BETA)

    @classmethod
    def copy_of(cls, root: Path, to: Path) -> "ScratchProject":
        """A copy of the scratch project at root (its site/ too), at `to`."""
        shutil.copytree(root, to)
        project = cls.__new__(cls)
        project.root = to
        return project

    @property
    def paths(self) -> ProjectPaths:
        return ProjectPaths(self.root)

    def write(self, relative: str, text: str, dedent: bool = True) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    def add_records(self, relative: str, text: str) -> None:
        """Add records at the end of a district file's records (alpha's are followed by its lead_units_en)."""
        path = self.root / relative
        before, found, after = path.read_text(encoding="utf-8").partition("lead_units_en:")
        path.write_text(before + text + found + after, encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace one exact piece of a file; fails loudly if the piece is not there."""
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> ScratchProject:
    return ScratchProject(tmp_path / "project")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real project's site, built once per test session into a temporary folder."""
    site = tmp_path_factory.mktemp("real") / "site"
    build_site(ProjectPaths(ROOT, site=site))
    return site


@pytest.fixture(scope="session")
def real_server(real_site):
    """The real site served with netlify.toml's headers, as Netlify serves it."""
    with SiteServer(real_site, ROOT / "netlify.toml") as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (see tests/browser.py for how it is found)."""
    from browser import chromium_browser  # only the browser tests need Playwright

    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="session")
def browser_contexts(chromium):
    """Browser contexts by width and JavaScript on/off, shared by the session's browser tests."""
    from browser import ContextPool

    pool = ContextPool(chromium)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def page_visits(browser_contexts, real_server):
    """Pages of the real site visited once per session with charts drawn (see browser.Visits)."""
    from browser import Visits

    return Visits(browser_contexts, real_server.url)
