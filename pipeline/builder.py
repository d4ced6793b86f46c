"""The build, stage by stage: gather and check everything first, then write once."""
from dataclasses import dataclass

import yaml

from .assets import collect_assets
from .charts import build_charts
from .downloads import download_files
from .load import load_project
from .paths import ProjectPaths
from .render import SiteRenderer
from .tables import derive_tables
from .validate import validate
from .write import write_site


@dataclass(frozen=True)
class BuildSummary:
    """What a successful build produced."""

    pages: int
    records: int
    files: int


def check_data(paths: ProjectPaths):
    """Load and validate only; raises DataErrors listing every problem."""
    return validate(load_project(paths))


def read_content(paths: ProjectPaths) -> tuple[dict[str, str], dict]:
    """The markdown pages and interface strings of content/ (our own text, not editor data)."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(paths.content.glob("*.md"))}
    ui = yaml.safe_load((paths.content / "ui.yaml").read_text(encoding="utf-8"))
    return pages, ui


def build_site(paths: ProjectPaths) -> BuildSummary:
    """Build the whole site into paths.site; on any error nothing is written."""
    dataset = check_data(paths)
    tables = derive_tables(dataset)
    names = {lang: {d.id: getattr(d, f"name_{lang}") for d in dataset.districts} for lang in ("zh", "en")}
    charts = build_charts(tables, names)
    assets = collect_assets(paths.assets)
    content, ui = read_content(paths)
    pages = SiteRenderer(paths.templates, dataset, tables, charts, assets, content, ui).pages()
    files = dict(pages)
    files.update(download_files(dataset, tables))
    files.update({asset.url.lstrip("/"): asset.content for asset in assets.values()})
    write_site(files, paths.site)
    return BuildSummary(pages=len(pages), records=len(tables.records), files=len(files))
