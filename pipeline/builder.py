"""The build, stage by stage: gather and check everything first, then write once."""

import contextlib
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass

from .assets import collect_assets
from .charts import build_charts
from .content import checked_with_content, read_content, read_settings
from .downloads import download_files, release_files
from .errors import DataError, DataErrors, render_error
from .gitdata import GitData
from .history import History, data_history
from .languages import LANGS, in_lang
from .load import load_project, record_lines
from .models import Dataset
from .pages.core import SiteCore, site_core
from .pages.embeds import pinned_embed_files
from .pages.search import search_entries, searchable
from .paths import ProjectPaths
from .render import page_jobs, site_listing_files
from .repository import Repository, repository_from
from .search_index import search_index_files
from .tables import Tables, derive_tables
from .validate import check_district_file, validate
from .write import SiteFiles, write_site


@dataclass(frozen=True)
class BuildSummary:
    """What a successful build produced."""

    pages: int
    records: int
    files: int


def check_data(paths: ProjectPaths, parse_cache: dict | None = None, history: History | None = None):
    """Load and validate the data, the site's own text and its templates; raises DataErrors listing every
    problem of them all (parse_cache: see load.load_file; history: the data's, against which the days of
    data/releases.yaml are checked)."""
    change_dates = history.change_dates if history else None
    return checked_with_content(
        paths,
        lambda: validate(
            load_project(paths, parse_cache, check_district=check_district_file), change_dates=change_dates
        ),
    )


def site_url() -> str:
    """The site's own address for absolute links (sitemap, embed code, citations).

    SITE_URL wins; on Netlify, its URL variable names the production address.
    """
    return os.environ.get("SITE_URL") or os.environ.get("URL") or "http://127.0.0.1:8000"


def site_repository(paths: ProjectPaths) -> Repository | None:
    """The GitHub repository record cards link to for reports and edits: Netlify's REPOSITORY_URL, or
    content/site.yaml's `repository`; None for neither (the links are then left out)."""
    settings = read_settings(paths)
    return repository_from(os.environ.get("REPOSITORY_URL") or settings["repository"], settings["branch"])


@dataclass(frozen=True)
class PreparedSite:
    """A checked build held in memory: its files, pages rendered only when read."""

    files: SiteFiles
    pages: int
    records: int


def site_charts(dataset, tables, ui: dict[str, dict[str, str]]):
    """Every chart of a dataset, titled in each language (charts.build_charts)."""
    names = {lang: {d.id: in_lang(d, "name", lang) for d in dataset.districts} for lang in LANGS}
    words = {lang: {key: text[lang] for key, text in ui.items()} for lang in LANGS}
    return build_charts(tables, names, dataset.topics, words, metrics=dataset.metrics)


ReleaseFiles = Callable[[str, Dataset, Tables, dict], dict[str, list[Callable[[], bytes]]]]


def past_releases(
    paths: ProjectPaths, history: History, ui, release_pages: ReleaseFiles | None = None
) -> tuple[dict[str, list[Callable[[], bytes]]], dict]:
    """The downloads of every release of the data (history.releases: the days data/releases.yaml lists),
    under /data/releases/<date>/, and for each release date whether it could be made: the data of each
    is read from git and checked as today's is, except for the rule on differently worded comparisons,
    which came later. A release whose data today's build refuses is left out, not made up.
    release_pages(date, dataset, tables, charts) adds the pages made of a release (pinned_embeds), from
    the same charts as its downloads."""
    files: dict[str, list[Callable[[], bytes]]] = {}
    made: dict[str, bool] = {}
    data = GitData(paths.root)
    for release in history.releases:
        try:
            dataset = validate(data.raw_at(release.commit, release.date), wording_checked=False)
        except DataErrors:
            made[release.date] = False
            continue
        tables = derive_tables(dataset)
        charts = site_charts(dataset, tables, ui)
        files.update(release_files(release.date, dataset, tables, charts))
        if release_pages is not None:
            files.update(release_pages(release.date, dataset, tables, charts))
        made[release.date] = True
    return files, made


def pinned_embeds(core: Callable[..., SiteCore]) -> ReleaseFiles:
    """What makes a release's pinned embeds (pages.embeds.pinned_embed_files): a core of the release's
    data, charts and date (core(dataset, tables, charts, release=date)), with today's templates, assets
    and strings."""

    def files(date: str, dataset: Dataset, tables: Tables, charts: dict) -> dict[str, list[Callable[[], bytes]]]:
        return pinned_embed_files(core(dataset, tables, charts, release=date))

    return files


def prepare_site(
    paths: ProjectPaths,
    parse_cache: dict | None = None,
    with_search: bool = True,
    history: History | None = None,
    with_releases: bool = True,
    with_images: bool = True,
) -> PreparedSite:
    """Every stage but the writing: the pages to make and every other file; raises DataErrors listing
    every problem in the data.

    with_search=False leaves the search index out, for add_search_index to make later (`serve` shows
    an edit's pages first, then indexes them). history: the data's, if already read (`serve` reads it
    once); with_releases=False leaves the past releases' downloads out (`serve` has no use for them);
    with_images=False the PNG images (bench/images.py measures what they cost)."""
    history = history if history is not None else data_history(paths)
    dataset = check_data(paths, parse_cache, history)
    history = history.with_releases(dataset.releases)
    tables = derive_tables(dataset)
    content, ui = read_content(paths)
    charts = site_charts(dataset, tables, ui)
    assets = collect_assets(paths.assets)

    def core(dataset: Dataset, tables: Tables, charts: dict, **settings) -> SiteCore:
        """A core of this build's templates, assets, strings and history, for today's data or a release's."""
        return site_core(
            paths.templates,
            dataset,
            tables,
            charts,
            assets,
            content,
            ui,
            site_url=site_url(),
            history=history,
            **settings,
        )

    releases, released = past_releases(paths, history, ui, pinned_embeds(core)) if with_releases else ({}, {})
    repository = site_repository(paths)
    lines = record_lines(paths, [d.id for d in dataset.districts]) if repository else None
    site = core(
        dataset,
        tables,
        charts,
        released=released,
        repository=repository,
        record_lines=lines,
        editors_email=read_settings(paths)["editors_email"],
        # A release's pages are its pinned embeds, the only files of a release named index.html.
        pinned_embeds=frozenset("/" + f.removesuffix("index.html") for f in releases if f.endswith("/index.html")),
    )
    jobs = page_jobs(site, with_images)
    other = site_listing_files(site, jobs)
    if with_search and searchable(site):
        other.update(search_index_files(search_entries(site)))
    other.update({asset.url.lstrip("/"): asset.content for asset in assets.values()})
    downloads = download_files(dataset, tables, charts, version=history.last_changed) | releases
    files = SiteFiles(site, jobs, downloads, other)
    return PreparedSite(files, pages=sum(job.file.endswith(".html") for job in jobs), records=len(tables.records))


def rendering_problems(
    paths: ProjectPaths, parse_cache: dict | None = None, history: History | None = None
) -> list[DataError]:
    """What only rendering finds (a template's unknown name, a string content/ui.yaml lacks), named in
    its file: the whole site prepared, and its first page of each kind rendered in each language
    (history: the data's, if already read)."""
    try:
        prepared = prepare_site(paths, parse_cache, with_search=False, history=history)
        tried, problems = set(), set()
        for job in prepared.files.jobs.values():
            kind = (job.make, job.file.startswith("en/"))
            if kind in tried:
                continue
            tried.add(kind)
            try:
                job.render(prepared.files.site)
            except Exception as exc:
                if (found := render_error(exc, paths.root)) is None:
                    raise
                problems.add(found)
        return sorted(problems)
    except Exception as exc:
        if (found := render_error(exc, paths.root)) is None:
            raise
        return [found]


def add_search_index(prepared: PreparedSite) -> None:
    """The search index of a site prepared without it (none for a site too large to search)."""
    if searchable(prepared.files.site):
        prepared.files.other.update(search_index_files(search_entries(prepared.files.site)))


@contextlib.contextmanager
def cycle_collector_paused():
    """Python's cycle collector off while a build runs.

    A build makes millions of objects that live until it ends and hold no cycles
    worth collecting; each full collection walks every one of them, which made
    loading two times slower on 300 districts and grows with the data.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_site(paths: ProjectPaths, images: bool = True) -> BuildSummary:
    """Build the whole site into paths.site; on any error nothing is written. images=False leaves the PNG
    images out (`build --no-images`: a quicker build, for work that does not look at them)."""
    with cycle_collector_paused():
        site = prepare_site(paths, with_images=images)
        write_site(site.files.write_into, paths.site)
    return BuildSummary(pages=site.pages, records=site.records, files=len(site.files))
