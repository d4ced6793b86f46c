"""`serve`: rebuild on every edit and reload the browser.

A failed rebuild writes nothing, so site/ keeps the last good build on disk;
but the browser must not go on showing that stale site as if the edit had
worked. Until the next good build every URL answers with a page listing the
problems, and live reload brings the site back as soon as they are fixed.
"""
import html
import sys
import traceback

from livereload import Server
from livereload.handlers import StaticFileHandler

from .builder import build_site
from .errors import DataErrors
from .paths import ProjectPaths

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
    """What the last rebuild left: no problems, or the ones the browser shows instead of the site."""

    def __init__(self):
        self.problems: list[str] = []


def problem_page(problems: list[str]) -> str:
    """The page served at every URL while the build is broken; each problem is HTML-escaped."""
    items = "\n".join(f"<li><pre>{html.escape(p)}</pre></li>" for p in problems)
    return PROBLEM_PAGE.format(count_zh=f"共 {len(problems)} 个问题：", count_en=f"{len(problems)} problem(s):",
                               items=items)


def rebuild(paths: ProjectPaths, state: BuildState) -> bool:
    """Build once, recording problems instead of raising: the server must stay up while an editor types."""
    try:
        summary = build_site(paths)
    except DataErrors as exc:
        state.problems = [str(e) for e in exc.errors]
    except Exception:  # a broken template or content file must not stop the server either
        state.problems = [traceback.format_exc()]
    else:
        state.problems = []
        print(f"built {summary.pages} pages from {summary.records} records", file=sys.stderr)
        return True
    print(f"\n{len(state.problems)} problem(s); the browser shows them until the next good build"
          " (site/ keeps the last good one):", file=sys.stderr)
    print("\n".join(state.problems), file=sys.stderr)
    return False


def _site_handler(state: BuildState) -> type[StaticFileHandler]:
    """livereload's file handler, answering with the problem page while the last build failed."""

    class SiteOrProblems(StaticFileHandler):
        async def get(self, path: str, include_body: bool = True) -> None:
            if not state.problems:
                return await super().get(path, include_body)
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            # livereload injects its script before </head>, so the page reloads on the next edit.
            self.finish(problem_page(state.problems))

    return SiteOrProblems


def serve(paths: ProjectPaths, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve paths.site with livereload, watching every input folder."""
    state = BuildState()
    rebuild(paths, state)
    server = Server()
    server.SFH = _site_handler(state)
    for folder in (paths.data, paths.content, paths.templates, paths.assets):
        server.watch(str(folder), lambda: rebuild(paths, state), delay=0.2)
    print(f"serving http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    server.serve(root=str(paths.site), host=host, port=port, open_url_delay=None, restart_delay=0)
