"""The atomic swap of site/: all new files, or the old site as it was."""
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
