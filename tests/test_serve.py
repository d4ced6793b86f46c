"""`build.py serve`: a real livereload server that rebuilds on edits and survives bad ones."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from test_checked_inputs import CASES

from pipeline.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 30, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)  # the watcher looks every 0.1 s: a slower poll would add most of the wait
    raise AssertionError(f"{what} not met in time")


@pytest.fixture
def server(project, tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project.root), "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "甲区" in fetch(base + "/districts/alpha/"))
        yield base, tmp_path / "serve.log"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_serves_the_site_with_live_reload(server):
    base, _ = server
    html = fetch(base + "/")
    # The reload client is injected, and loaded from this same server, not another host.
    assert 'window.location.hostname+":"+port+ "/livereload.js?port="' in html
    assert "LiveReload" in fetch(base + "/livereload.js")


def test_the_search_index_follows_an_edit_when_the_browser_asks_for_it(server, project):
    """serve makes the search index on the first request for it after an edit, from the edited data."""
    base, _ = server
    entry = json.loads(fetch(base + "/pagefind/pagefind-entry.json"))
    assert set(entry["languages"]) == {"zh", "en"}
    pages = entry["languages"]["en"]["page_count"]
    project.edit(
        "data/districts/alpha.yaml",
        "  - id: alpha-ai-zone",
        """  - id: alpha-ai-lab
    topic: ai
    kind: target
    period: "2025"
    label_zh: 人工智能实验室
    label_en: AI laboratory
    summary_en: Build an AI zone.
    quote: 建设人工智能应用示范区。
    source: alpha-tasks
  - id: alpha-ai-zone""",
    )
    wait_for(
        lambda: json.loads(fetch(base + "/pagefind/pagefind-entry.json"))["languages"]["en"]["page_count"] == pages + 1
    )


def test_an_edit_rebuilds_and_a_broken_edit_keeps_the_last_good_site(server, project):
    base, log = server
    project.edit("data/districts/alpha.yaml", "label_zh: 城镇新增就业", "label_zh: 城镇新增就业岗位")
    wait_for(lambda: "城镇新增就业岗位" in fetch(base + "/districts/alpha/"))

    project.edit("data/districts/alpha.yaml", "    value: 18000\n", "    value: 1.8万\n")
    wait_for(lambda: "site/ keeps the last good one" in log.read_text(encoding="utf-8"))
    assert "data/districts/alpha.yaml:27:12: alpha-new-jobs.value: expected a number" in log.read_text(encoding="utf-8")
    page = project.paths.site / "districts/alpha/index.html"
    assert "城镇新增就业岗位" in page.read_text(encoding="utf-8")


def fetch_failing(url: str) -> tuple[int, str]:
    """Status and body of a page, also when the server answers with an error status."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_a_failed_rebuild_shows_the_problems_at_every_url_until_the_next_good_build(server, project):
    base, _ = server
    project.edit("data/districts/alpha.yaml", "    value: 18000\n", "    value: <b>1.8万</b>\n")
    project.edit("data/districts/alpha.yaml", "    topic: ai\n", "    topic: robots\n")
    # Both edits' problems, not a rebuild that ran between the two saves.
    wait_for(lambda: "unknown topic &#x27;robots&#x27;" in fetch_failing(base + "/districts/alpha/")[1])
    for url in ("/", "/en/topics/gdp/", "/no/such/page/"):
        status, body = fetch_failing(base + url)
        assert status == 500
        assert "数据有误，网站未更新" in body and "The build failed" in body
        assert (
            "data/districts/alpha.yaml:27:12: alpha-new-jobs.value: expected a number, got the text"
            " &#x27;&lt;b&gt;1.8万&lt;/b&gt;&#x27;" in body
        )
        assert "data/districts/alpha.yaml:37:12: alpha-ai-zone.topic: unknown topic &#x27;robots&#x27;" in body
        assert "<b>1.8万</b>" not in body
        assert "/livereload.js?port=" in body  # the page reloads itself on the next save
    assert (project.paths.site / "districts/alpha/index.html").is_file()  # the last good site stays on disk

    project.edit("data/districts/alpha.yaml", "    value: <b>1.8万</b>\n", "    value: 18000\n")
    project.edit("data/districts/alpha.yaml", "    topic: robots\n", "    topic: ai\n")
    wait_for(lambda: fetch_failing(base + "/districts/alpha/")[0] == 200)
    assert "甲区" in fetch(base + "/districts/alpha/")


def restore(project, pristine) -> None:
    """Put the project's inputs back as they were (an edit may have renamed or removed a file), saved
    anew as an editor saves them: with the time of now, which the watcher looks for."""
    for folder in ("data", "content", "templates"):
        shutil.rmtree(project.root / folder)
        shutil.copytree(pristine / folder, project.root / folder, copy_function=shutil.copyfile)


def test_serve_survives_every_broken_input_and_recovers_when_it_is_fixed(server, project, tmp_path):
    """Every case of tests/test_checked_inputs.py, one after another, on one running server: each shows
    as the problem page at one of the pages it concerns, and the site comes back once the file is fixed."""
    base, log = server
    pristine = tmp_path / "pristine"
    for folder in ("data", "content", "templates"):
        shutil.copytree(project.root / folder, pristine / folder)
    pages = ("/", "/districts/alpha/", "/topics/gdp/", "/search/", "/en/about/")
    for name, edit, _, _ in CASES:
        edit(project)
        wait_for(lambda: any(fetch_failing(base + url)[0] == 500 for url in pages), 30, f"{name}: problem shown")
        restore(project, pristine)
        wait_for(lambda: all(fetch_failing(base + url)[0] == 200 for url in pages), 30, f"{name}: site back")
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_a_file_removed_while_the_watcher_looks_is_a_change_not_a_traceback(tmp_path, monkeypatch):
    """The race the run above met once in CI: livereload's walk lists a file, which is removed before its
    time is read (a folder replaced, a branch switched); the watcher printed a traceback every time."""
    from pipeline.serve import QuickWatcher

    (tmp_path / "alpha.yaml").write_text("id: alpha\n", encoding="utf-8")
    watcher = QuickWatcher()
    watcher.watch(str(tmp_path))

    def removed(path):
        raise FileNotFoundError(path)

    monkeypatch.setattr(os.path, "getmtime", removed)
    assert watcher.is_file_changed(str(tmp_path / "alpha.yaml")) is True


def test_files_changed_at_once_are_one_rebuild_not_one_each(tmp_path):
    """A branch switched or a folder replaced changes many files between two looks of the watcher: one
    rebuild. livereload's own walk stopped at the first changed file, so each look found one more."""
    from pipeline.serve import QuickWatcher

    files = [tmp_path / name for name in ("alpha.yaml", "beta.yaml", "sub/topics.yaml")]
    for path in files:
        path.parent.mkdir(exist_ok=True)
        path.write_text("id: x\n", encoding="utf-8")
    watcher = QuickWatcher()
    rebuilds = []
    watcher.watch(str(tmp_path), lambda: rebuilds.append(1))
    watcher.examine()  # the first look notes each file's time
    later = time.time() + 10
    for path in files:
        os.utime(path, (later, later))
    for _ in range(3):
        watcher.examine()
    assert rebuilds == [1]
