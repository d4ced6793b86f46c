"""The atomic swap of site/: all new files, or the old site as it was."""

import subprocess
import sys
import threading
import time

import pytest

from pipeline import write
from pipeline.write import mapping_writer, write_site


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_replaces_the_whole_site(tmp_path):
    site = tmp_path / "site"
    write_site(mapping_writer({"index.html": b"old", "gone.html": b"x"}), site)
    write_site(mapping_writer({"index.html": b"new", "en/index.html": b"en"}), site)
    assert snapshot(site) == {"index.html": b"new", "en/index.html": b"en"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failure_while_writing_keeps_the_old_site(tmp_path):
    site = tmp_path / "site"
    write_site(mapping_writer({"index.html": b"old"}), site)
    # "a" cannot be both a file and a folder: the second write fails half-way.
    with pytest.raises(OSError):
        write_site(mapping_writer({"a": b"file", "a/b.html": b"inside"}), site)
    assert snapshot(site) == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_large_old_site_is_removed_by_a_process_of_its_own(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write_site(mapping_writer({"index.html": b"old", "a/index.html": b"a"}), site)
    left_over = tmp_path / ".site.old-1"  # as a removal cut short by the machine stopping leaves it
    (left_over / "deep").mkdir(parents=True)
    (left_over / "deep" / "index.html").write_bytes(b"stale")
    monkeypatch.setattr(write, "BACKGROUND_REMOVAL_FROM", 2)
    write_site(mapping_writer({"index.html": b"new", "b/index.html": b"b"}), site)
    assert snapshot(site) == {"index.html": b"new", "b/index.html": b"b"}  # in place before the old is gone
    deadline = time.monotonic() + 30
    while sorted(p.name for p in tmp_path.iterdir()) != ["site"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_reader_of_site_never_finds_it_missing_while_builds_swap_it(tmp_path):
    """Seen to fail, three runs out of three, with two renames (site/ moved aside, then the new one
    moved in): the reader found it missing between them."""
    site = tmp_path / "site"
    write_site(mapping_writer({"index.html": b"0"}), site)
    missing, reads, done = [], [0], threading.Event()

    def read_all_the_time():
        while not done.is_set():
            try:
                (site / "index.html").read_bytes()
            except FileNotFoundError:
                missing.append(reads[0])
            reads[0] += 1

    reader = threading.Thread(target=read_all_the_time)
    reader.start()
    try:
        for build in range(1, 300):
            write_site(mapping_writer({"index.html": str(build).encode(), "a/b.html": b"x"}), site)
    finally:
        done.set()
        reader.join()
    assert reads[0] > 100 and missing == []
    assert (site / "index.html").read_bytes() == b"299"


def test_without_an_atomic_exchange_the_site_is_still_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    site = tmp_path / "site"
    write_site(mapping_writer({"index.html": b"old"}), site)
    write_site(mapping_writer({"index.html": b"new"}), site)
    assert snapshot(site) == {"index.html": b"new"} and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_staging_folder_of_a_killed_build_is_removed_by_the_next(tmp_path):
    site = tmp_path / "site"
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for pid in (killed.pid, running.pid):
            (tmp_path / f".site.new-{pid}" / "half").mkdir(parents=True)
        write_site(mapping_writer({"index.html": b"new"}), site)
        deadline = time.monotonic() + 30
        while (tmp_path / f".site.new-{killed.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        # The killed build's folder is gone; a build still running keeps its own.
        assert sorted(p.name for p in tmp_path.iterdir()) == [f".site.new-{running.pid}", "site"]
    finally:
        running.kill()
        running.wait()
