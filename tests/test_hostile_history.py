"""Hostile input, round two, beyond the files: commit messages and objects of the git history, faults of
the machine (a full disk, a read-only project, site/ unwritable), malformed requests to `serve` and
`preview`, the data diff in the CI summary and the nearest-passage search.

Seen to fail before: a message holding \\x1f (the separator the history reader split on) or invalid UTF-8
under an encoding header ended the build in a traceback; \\x01, \\x0c and ESC reached the Atom feeds,
which then no XML parser read; a missing object ended in a ValueError; a full disk in "unexpected error";
`serve` answered GET /%00 with a 500 and a traceback in its log.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import ScratchProject
from test_serve import server  # noqa: F401 (the fixture)

from pipeline.builder import build_site
from pipeline.datadiff import data_diff, markdown_block, written
from pipeline.gitdata import GitData, GitError
from pipeline.netlify import SiteServer
from pipeline.paths import ROOT
from pipeline.validate import nearest_passage

ATOM = "{http://www.w3.org/2005/Atom}"
ALPHA = "data/districts/alpha.yaml"
ENV_SECRET = "ENV-SECRET-91c2"
IDENTITY = b"Editor <editor@example.org> 1736470800 +0800"
# A day earlier: the first publication, which the change log shows as one entry, its messages unshown.
FIRST_DAY = b"Editor <editor@example.org> 1736384400 +0800"

# (case, the commit message's bytes, an encoding header or None, what the feed's title must then hold)
MESSAGES = [
    ("a unit separator", b"Add\x1fjobs", None, "Add\ufffdjobs"),
    ("three unit separators", b"\x1f\x1f\x1f", None, "\ufffd\ufffd\ufffd"),
    ("a \\x01", b"Fix \x01 value", None, "Fix \ufffd value"),
    ("a form feed", b"Page\x0cbreak", None, "Page\ufffdbreak"),
    ("an ESC sequence", b"\x1b[31mred\x1b[0m", None, "\ufffd[31mred\ufffd[0m"),
    ("a NUL", b"before\x00after", None, "before\ufffdafter"),
    ("a DEL and a C1 control", "x\x7fy\x9bz".encode(), None, "x\ufffdy\ufffdz"),
    ("invalid UTF-8", b"caf\xc3 \xff", None, "caf\ufffd \ufffd"),
    ("invalid UTF-8 under an encoding header", b"bad \xff\xfe", "UTF-8", "bad \ufffd\ufffd"),
    ("an unknown encoding", b"caf\xe9", "x-no-such", "caf\ufffd"),
    ("an encoding not of text", b"caf\xe9", "rot13", "caf\ufffd"),
    ("a Latin-1 message", b"caf\xe9", "ISO-8859-1", "café"),
    ("a right-to-left override", "GDP \u202e5.5".encode(), None, "GDP \ufffd5.5"),
    ("a non-character", "a\ufffeb".encode(), None, "a\ufffdb"),
    ("markup", b"<script>alert(1)</script> & ]]>", None, "<script>alert(1)</script> & ]]>"),
    ("a subject over several lines", b"one\ntwo\n\nbody", None, "one two"),
    ("a subject of 5,000 characters", b"x" * 5000, None, "x" * 299 + "…"),
]


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, input=stdin).stdout


def commit_raw(root: Path, message: bytes, encoding: str | None = None, identity: bytes = IDENTITY) -> None:
    """Commit the index with a message of exactly these bytes, as git itself would not write some."""
    tree = git(root, "write-tree").decode().strip()
    head = subprocess.run(["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=root, capture_output=True).stdout
    lines = [b"tree " + tree.encode()]
    lines += [b"parent " + head.strip()] if head.strip() else []
    lines += [b"author " + identity, b"committer " + identity]
    lines += [b"encoding " + encoding.encode()] if encoding else []
    raw = b"\n".join(lines) + b"\n\n" + message + b"\n"
    commit = git(root, "hash-object", "-t", "commit", "-w", "--stdin", "--literally", stdin=raw).decode().strip()
    git(root, "update-ref", "HEAD", commit)


def label_commit(root: Path, number: int, message: bytes, encoding: str | None = None) -> None:
    """A change to Alpha's GDP label, committed with the message."""
    path = root / ALPHA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label_en: GDP growth", f"label_en: GDP growth {number}", 1), encoding="utf-8")
    git(root, "add", "-A")
    commit_raw(root, message, encoding)


@pytest.fixture(scope="module")
def history_site(tmp_path_factory) -> Path:
    """A scratch project whose every data commit has one of MESSAGES, and one commit whose archive is a
    symbolic link to a secret outside the project (undone by the next)."""
    project = ScratchProject(tmp_path_factory.mktemp("hostile-history") / "project")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication", identity=FIRST_DAY)
    secret = project.root.parent / "secret.txt"
    secret.write_text(ENV_SECRET, encoding="utf-8")
    link = git(project.root, "hash-object", "-w", "--stdin", stdin=str(secret).encode()).decode().strip()
    git(project.root, "update-index", "--cacheinfo", f"120000,{link},data/sources/beta-report.txt")
    commit_raw(project.root, b"The archive as a link", identity=FIRST_DAY)
    git(project.root, "add", "-A")
    commit_raw(project.root, b"The archive restored", identity=FIRST_DAY)
    for number, (_, message, encoding, _) in enumerate(MESSAGES):
        label_commit(project.root, number, message, encoding)
    build_site(project.paths, images=False)
    return project.paths.site


def feed_titles(site: Path, relative: str) -> list[str]:
    feed = ElementTree.parse(site / relative)  # raises on any character XML 1.0 refuses
    return [entry.find(f"{ATOM}title").text for entry in feed.getroot().iter(f"{ATOM}entry")]


@pytest.mark.parametrize("message, encoding, shown", [m[1:] for m in MESSAGES], ids=[m[0] for m in MESSAGES])
def test_a_hostile_commit_message_reaches_the_feeds_as_plain_text(history_site, message, encoding, shown):
    for relative in ("changes.xml", "en/changes.xml"):
        titles = feed_titles(history_site, relative)
        assert any(title.endswith(shown) for title in titles), (shown, titles)
    assert len(feed_titles(history_site, "en/changes.xml")) == len(MESSAGES) + 1  # and the first publication


def test_an_archive_committed_as_a_link_is_never_read_from_the_history(history_site):
    for path in history_site.rglob("*"):
        if path.is_file():
            assert ENV_SECRET.encode() not in path.read_bytes(), path


def history_repository(root: Path) -> ScratchProject:
    project = ScratchProject(root)
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication")
    label_commit(project.root, 1, b"A label")
    return project


def run_build(project: ScratchProject) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project.root), "build", "--no-images"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def loose_object(project: ScratchProject, spec: str) -> Path:
    blob = git(project.root, "rev-parse", spec).decode().strip()
    return project.root / ".git/objects" / blob[:2] / blob[2:]


@pytest.mark.parametrize("how", ["an old data object missing", "an old data object corrupt", "a commit missing"])
def test_a_partial_or_damaged_repository_builds_without_its_history(tmp_path, how):
    project = history_repository(tmp_path / "project")
    if how == "a commit missing":
        loose_object(project, "HEAD~1").unlink()
    else:
        damaged = loose_object(project, f"HEAD~1:{ALPHA}")
        damaged.chmod(0o644)
        damaged.unlink() if how.endswith("missing") else damaged.write_bytes(b"not an object")
    result = run_build(project)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    page = (project.paths.site / "en/changes/index.html").read_text(encoding="utf-8")
    assert "History not available" in page and "lacks or has damaged an object" in page


# Faults of the machine: each a clean line naming site/, the old site/ intact, no staging left behind.


@contextlib.contextmanager
def tmpfs(folder: Path, megabytes: int):
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_fails_cleanly(project: ScratchProject, before: dict[str, bytes], words: str) -> None:
    result = run_build(project)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, result.stderr[-2000:]
    assert "site: cannot write the site" in result.stderr and words in result.stderr, result.stderr[-2000:]
    assert site_files(project.paths.site) == before
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []


def revise(project: ScratchProject) -> None:
    project.edit(ALPHA, "label_en: GDP growth", "label_en: GDP growth, revised")


def test_a_full_disk_leaves_the_old_site(tmp_path):
    with tmpfs(tmp_path / "disk", 30) as disk:
        project = ScratchProject(disk / "project")
        build_site(project.paths, images=False)
        before = site_files(project.paths.site)
        revise(project)
        free = shutil.disk_usage(disk).free
        with open(disk / "filler", "wb") as filler:  # leave less room than one more site/ takes
            filler.write(b"\0" * max(0, free - sum(map(len, before.values())) // 3))
        assert_fails_cleanly(project, before, "No space left on device")


def test_a_read_only_project_is_a_clean_message(tmp_path):
    with tmpfs(tmp_path / "disk", 60) as disk:
        project = ScratchProject(disk / "project")
        build_site(project.paths, images=False)
        before = site_files(project.paths.site)
        revise(project)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert_fails_cleanly(project, before, "read-only")


def test_a_site_folder_that_cannot_be_replaced_is_a_clean_message(tmp_path):
    project = ScratchProject(tmp_path / "project")
    build_site(project.paths, images=False)
    before = site_files(project.paths.site)
    revise(project)
    site = str(project.paths.site)
    if subprocess.run(["mount", "--bind", site, site], capture_output=True).returncode != 0:
        pytest.skip("a bind mount needs root")
    try:  # site/ a read-only mount point: it can be neither written nor renamed
        subprocess.run(["mount", "-o", "remount,bind,ro", site], check=True)
        assert_fails_cleanly(project, before, "busy")
    finally:
        subprocess.run(["umount", "-l", site], check=False)


# serve and preview: a malformed request is a 4xx, never a 500 with a traceback.

MALFORMED = [
    "/%00",
    "/%00/index.html",
    "/en/%01",
    "/%1b%5b31m",
    "/%7f",
    "/%ff%fe",
    "/..%2f..%2fetc/passwd",
    "/%ed%a0%80",
]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_answers_malformed_requests_with_a_4xx(server):  # noqa: F811 (the fixture)
    base, log = server
    for path in MALFORMED:
        assert 400 <= status(base + path) < 500, path
    time.sleep(0.2)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_preview_answers_malformed_requests_with_a_4xx(tmp_path):
    project = ScratchProject(tmp_path / "project")
    build_site(project.paths, images=False)
    with SiteServer(project.paths.site, ROOT / "netlify.toml") as preview:
        for path in MALFORMED:
            assert 400 <= status(preview.url + path) < 500, path


# The data diff in the CI summary, and the nearest-passage search.


def test_a_value_cannot_end_the_diffs_code_block(project):
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication")
    project.edit(ALPHA, "label_en: GDP growth", 'label_en: "GDP\\n```\\n# injected\\n````"')
    diff = data_diff(project.paths, "HEAD")
    assert "GDP\\n```\\n# injected" in diff and not any(line.startswith("`") for line in diff.splitlines())
    block = markdown_block(diff)
    fence = block.split("\n", 1)[0]
    assert fence == "`````" and block.endswith("\n`````\n") and block.count(fence) == 2
    assert written("a\r\nb") == "a\\r\\nb"


def test_the_nearest_passage_search_is_bounded():
    started = time.monotonic()
    hint = nearest_passage("增" * 900 + "长", "增" * 1_500_000, "x.txt")
    assert time.monotonic() - started < 2 and hint == "copy it exactly from data/sources/x.txt (white space may differ)"
    assert "“地区生产总值增长5.5%”" in nearest_passage("地区生产总值增长5.6%", "甲区地区生产总值增长5.5%。", "x.txt")


@pytest.mark.parametrize("how", ["a blob of 6 MB", "a symbolic link"])
def test_a_data_file_the_working_tree_would_refuse_is_refused_in_the_history_too(project, how):
    git(project.root, "init", "-q", "-b", "main")
    gamma = project.root / "data/districts/gamma.yaml"
    if how == "a blob of 6 MB":
        gamma.write_text("# " + "x" * (6 * 2**20) + "\n", encoding="utf-8")
    else:
        gamma.symlink_to("/proc/self/environ")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication")
    raw = GitData(project.root).raw_at("HEAD", "HEAD")
    errors = [str(error) for district in raw.districts for error in district.errors]
    words = "a file of 6 MB" if how.endswith("6 MB") else "a symbolic link, not a file"
    assert errors == [f"HEAD:data/districts/gamma.yaml:1:1: {words}" + errors[0].partition(words)[2]]


@pytest.mark.parametrize("ref", ["HEAD\udcff", "HEAD\x00", "--output=/tmp/x", "HEAD:../../etc/passwd"])
def test_a_diff_against_a_ref_git_cannot_take_is_a_clean_message(project, ref):
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication")
    with pytest.raises(GitError):
        data_diff(project.paths, ref)


def test_an_old_commits_control_characters_never_reach_the_feeds(project):
    """The history diffs old commits that no check read: their values are cleaned at load all the same."""
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"First publication", identity=FIRST_DAY)
    project.edit(ALPHA, "label_en: GDP growth", 'label_en: "GDP \\x0b\\x1b growth \\u202e"')
    git(project.root, "add", "-A")
    commit_raw(project.root, b"A label with controls")
    project.edit(ALPHA, 'label_en: "GDP \\x0b\\x1b growth \\u202e"', "label_en: GDP growth")
    git(project.root, "add", "-A")
    commit_raw(project.root, b"The label cleaned")
    build_site(project.paths, images=False)
    for relative in ("changes.xml", "en/changes.xml"):
        ElementTree.parse(project.paths.site / relative)
    page = (project.paths.site / "en/changes/index.html").read_text(encoding="utf-8")
    assert "GDP \ufffd\ufffd growth \ufffd" in page and "\x1b" not in page and "\u202e" not in page
