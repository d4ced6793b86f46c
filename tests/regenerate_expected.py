#!/usr/bin/env python3
"""Rewrite tests/expected/scratch-site/ from a fresh build of the scratch project.

    .venv/bin/python tests/regenerate_expected.py

Run it after a deliberate change to the site's output (a template, the CSS, a
page's context), then read `git diff tests/expected/` before committing it:
that diff is exactly what the change does to every page.
"""

import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from scratch_site import EXPECTED, build_scratch_site, site_files, write_expected  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        files = site_files(build_scratch_site(Path(scratch) / "project"))
    write_expected(files)
    print(
        f"wrote {len(files)} files to {EXPECTED.relative_to(Path.cwd()) if EXPECTED.is_relative_to(Path.cwd()) else EXPECTED}"
    )


if __name__ == "__main__":
    main()
