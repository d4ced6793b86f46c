"""`serve`: rebuild on every edit and reload the browser.

A failed rebuild writes nothing, so site/ keeps the last good build on disk;
but the browser must not go on showing that stale site as if the edit had
worked. Until the next good build every URL answers with a page listing the
problems, and live reload brings the site back as soon as they are fixed.

An edit shows in the browser within half a second: the watcher looks every
0.1 s (livereload's own looks every 0.8 s), the rebuild parses only the files
that changed and renders no page, and the browser reloads at once. The pages
it asks for are rendered from the new build held in memory; the whole build
is written to site/ a moment later, and always before the next rebuild. The
search index, served from memory too and left out of site/, (a second of Pagefind's work,
and 1,300 files) is made only when
the browser first asks for it after an edit: on every edit, it made the next
edit wait (median 0.87 s).
"""

import html
import mimetypes
import os
import re
import sys

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.web import HTTPError

from .builder import PreparedSite, add_search_index, cycle_collector_paused, prepare_site
from .errors import DataErrors, ToolError, unexpected_error_message
from .history import History, data_history
from .paths import ROOT, ProjectPaths
from .search_index import FOLDER as SEARCH_FOLDER
from .write import write_site

POLL_SECONDS = 0.1
WRITE_AFTER_SECONDS = 1.0  # time for the browser to reload from memory before site/ is rewritten
# A URL path no file of the site has: C0 controls (NUL among them), DEL and lone surrogates.
MALFORMED_PATH = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

# The page an editor sees while the build is broken. Its words are here, not in content/ui.yaml: that
# file may be what is broken.
PROBLEM_PAGE = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>数据有误，网站未更新 · The build failed</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1a1a1a; }}
h1 {{ color: #a40000; font-size: 1.4rem; }}
li {{ margin: .6rem 0; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: .9rem; }}
</style>
</head>
<body>
<main>
<h1>数据有误，网站未更新 · <span lang="en">The build failed</span></h1>
<p>{count_zh} <span lang="en">{count_en}</span></p>
<ol>
{items}
</ol>
<p>改正后保存文件，此页会自动刷新。site/ 仍是上一次成功构建的结果。<br>
<span lang="en">Fix them and save: this page reloads by itself. site/ still holds the last good build.</span></p>
</main>
</body>
</html>
"""


class BuildState:
    """What the last rebuild left: no problems, or the ones the browser shows instead of the site;
    and the last good build, held in memory until it is written to site/."""

    def __init__(self):
        self.problems: list[str] = []
        self.site: PreparedSite | None = None
        self.written = True
        self.rendered: dict[str, bytes] = {}  # pages of self.site rendered for the browser so far
        self.indexed = False  # whether self.site has its search index yet
        self.parse_cache: dict = {}  # see load.load_file
        self.history: History | None = None  # the data's, read from git once: edits are not commits

    def use(self, site: PreparedSite) -> None:
        """Serve a new good build from memory; it is written to site/ by write_pending."""
        self.problems, self.site, self.written, self.rendered, self.indexed = [], site, False, {}, False

    def read(self, url_path: str) -> tuple[str, bytes] | None:
        """(file name, bytes) of what a URL path names in the build held in memory, a page rendered now;
        None if that build has no such file, or if rendering it failed (self.problems then says why)."""
        if self.site is None:
            return None
        name = url_path + "index.html" if url_path == "" or url_path.endswith("/") else url_path
        if name.startswith(f"{SEARCH_FOLDER}/") and not self.indexed:
            try:
                add_search_index(self.site)
            except ToolError as exc:
                self.problems = [unexpected_error_message(exc, ROOT)]
                return None
            self.indexed = True
        if name not in self.site.files:
            return None
        if name not in self.rendered:
            try:
                self.rendered[name] = self.site.files[name]
            except Exception as exc:  # a broken template: shown like a data error, never a crash
                self.problems = [unexpected_error_message(exc, ROOT)]
                return None
        return name, self.rendered[name]

    def write_pending(self, paths: ProjectPaths) -> None:
        """Write the build held in memory to site/, all at once, unless it is there already."""
        if self.written or self.site is None:
            return
        self.written = True
        try:
            write_site(self.site.files.write_into, paths.site)
        except Exception as exc:
            self.problems = [unexpected_error_message(exc, paths.root)]
            print(f"\nwriting site/ failed; it keeps the last good build:\n{self.problems[0]}", file=sys.stderr)


def problem_page(problems: list[str]) -> str:
    """The page served at every URL while the build is broken; each problem is HTML-escaped."""
    items = "\n".join(f"<li><pre>{html.escape(p)}</pre></li>" for p in problems)
    return PROBLEM_PAGE.format(
        count_zh=f"共 {len(problems)} 个问题：", count_en=f"{len(problems)} problem(s):", items=items
    )


def rebuild(paths: ProjectPaths, state: BuildState) -> bool:
    """Build once, recording problems instead of raising: the server must stay up while an editor types."""
    state.write_pending(paths)  # the last good build reaches site/ before anything else happens
    try:
        with cycle_collector_paused():
            if state.history is None:
                state.history = data_history(paths)
            site = prepare_site(paths, state.parse_cache, with_search=False, history=state.history, with_releases=False)
    except DataErrors as exc:
        state.problems = [str(e) for e in exc.errors]
    except Exception as exc:  # a broken template or content file must not stop the server either
        state.problems = [unexpected_error_message(exc, paths.root)]
    else:
        state.use(site)
        print(f"built {site.pages} pages from {site.records} records", file=sys.stderr)
        return True
    print(
        f"\n{len(state.problems)} problem(s); the browser shows them until the next good build"
        " (site/ keeps the last good one):",
        file=sys.stderr,
    )
    print("\n".join(state.problems), file=sys.stderr)
    return False


def _site_handler(state: BuildState) -> type[StaticFileHandler]:
    """livereload's file handler, answering with the problem page while the last build failed."""

    class SiteOrProblems(StaticFileHandler):
        from_memory = False

        def compute_etag(self) -> str | None:
            # A file from memory has no path to hash; one from site/ keeps StaticFileHandler's ETag.
            return None if self.from_memory else super().compute_etag()

        async def get(self, path: str, include_body: bool = True) -> None:
            if MALFORMED_PATH.search(path):  # a NUL or a control no file name holds: os.stat would raise
                raise HTTPError(400)
            found = None if state.problems else state.read(path)
            if not state.problems:
                if found is None:  # not in the build held in memory: from site/ as it is
                    return await super().get(path, include_body)
                name, content = found
                self.from_memory = True
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                self.set_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
                self.set_header("Cache-Control", "no-store")
                self.finish(content if include_body else None)
                return
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            # livereload injects its script before </head>, so the page reloads on the next edit.
            self.finish(problem_page(state.problems))

    return SiteOrProblems


class QuickWatcher(Watcher):
    """livereload's polling watcher, looking every POLL_SECONDS instead of every 0.8 s, at every file at
    each look, and taking a file that goes as it looks (a branch switched, a folder replaced) for a
    change, not a traceback."""

    def start(self, callback) -> bool:
        PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True  # livereload then starts no polling of its own

    def is_file_changed(self, path, ignore=None) -> bool:
        try:
            return super().is_file_changed(path, ignore)
        except FileNotFoundError:  # listed by the folder walk, removed before its time was read
            self.filepath = path
            return True

    def is_folder_changed(self, path, ignore=None) -> bool:
        """Whether any file under path changed, every file's time noted: livereload's stops at the first
        changed file, so that a branch switched or a folder replaced cost one rebuild per file."""
        changed = False
        for root, dirs, files in os.walk(path, followlinks=True):
            dirs[:] = [d for d in dirs if d not in self.ignored_dirs]
            for name in files:
                changed = self.is_file_changed(os.path.join(root, name), ignore) or changed
        return changed


def serve(paths: ProjectPaths, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve paths.site with livereload, watching every input folder."""
    state = BuildState()
    rebuild(paths, state)
    state.write_pending(paths)

    def on_edit() -> None:
        if rebuild(paths, state):
            IOLoop.current().call_later(WRITE_AFTER_SECONDS, state.write_pending, paths)

    # livereload ignores a change that comes less than 3 s after the last reload; an editor who
    # saves twice in a row must see the second save too.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = Server(watcher=QuickWatcher())
    server.SFH = _site_handler(state)
    for folder in (paths.data, paths.content, paths.templates, paths.assets):
        server.watch(str(folder), on_edit)
    print(f"serving http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    server.serve(root=str(paths.site), host=host, port=port, open_url_delay=None, restart_delay=0)
