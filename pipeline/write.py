"""Stage 6: write the built site all at once, or not at all.

Pages go to a fresh folder beside site/, which replaces site/ only when every
file is written: a failed build leaves the previous site untouched.
"""
import os
import shutil
from collections.abc import Mapping
from pathlib import Path


def write_site(files: Mapping[str, bytes], site_dir: Path) -> None:
    """Write `files` (relative path → bytes) as the new site/, atomically.

    Files are written in the order items() gives them, each as soon as it comes, so that
    `files` may render its pages lazily (see builder.SiteFiles).
    """
    site_dir = Path(site_dir)
    staging = site_dir.with_name(f".{site_dir.name}.new-{os.getpid()}")
    retired = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        folders: set[Path] = set()
        for relative, content in files.items():
            target = staging / relative
            if target.parent not in folders:  # one mkdir per folder, not per file
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_bytes(content)
        if site_dir.exists():
            site_dir.rename(retired)
        staging.rename(site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not site_dir.exists():
            retired.rename(site_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
