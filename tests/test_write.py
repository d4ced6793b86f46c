"""The atomic swap of site/: all new files, or the old site as it was."""
import pytest

from pipeline.write import write_site


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_replaces_the_whole_site(tmp_path):
    site = tmp_path / "site"
    write_site({"index.html": b"old", "gone.html": b"x"}, site)
    write_site({"index.html": b"new", "en/index.html": b"en"}, site)
    assert snapshot(site) == {"index.html": b"new", "en/index.html": b"en"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failure_while_writing_keeps_the_old_site(tmp_path):
    site = tmp_path / "site"
    write_site({"index.html": b"old"}, site)
    # "a" cannot be both a file and a folder: the second write fails half-way.
    with pytest.raises(OSError):
        write_site({"a": b"file", "a/b.html": b"inside"}, site)
    assert snapshot(site) == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
