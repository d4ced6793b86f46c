"""The search index: Pagefind indexes the entries the pages give (pipeline/pages/search.py) into the
files the search page fetches under /pagefind/.

Each entry is written as a small page of its own, in a scratch folder that Pagefind's command line
indexes in one run: a result is then a record's own card (/districts/haizhu/#haizhu-…), which an
index of the built pages, one result per page, cannot give. (The package's Python interface was 100 ms
per entry, two minutes for this site.) Pagefind's extended binary segments Chinese into words; it
ships inside its wheel, so nothing is downloaded at build time.
"""

import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pagefind.service import get_executable

from .errors import ToolError
from .pagefind_stable import stable_filters

FOLDER = "pagefind"
# What the search page uses: the search library, its worker and its index. Pagefind also writes its
# own search interfaces (pagefind-ui.js and others, 350 KB); the site draws its own results.
LIBRARY_FILES = frozenset({"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"})
INDEX_SUFFIXES = (".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
TIMEOUT_S = 600
# Where the scratch folder goes: in memory where Linux has a folder for it. Written to disk, the
# entries' 1,300 small files and Pagefind's took 2 s more than the indexing (bench/NOTES.md).
MEMORY_FOLDER = Path("/dev/shm")


class SearchIndexError(ToolError):
    """Pagefind is missing, or could not index the entries."""


@dataclass(frozen=True)
class SearchEntry:
    """One result a search can find: where it links, its language, the words it is found by, and what
    its result shows (meta: title, where it is, its figure)."""

    url: str
    language: str  # "zh" or "en": the codes Pagefind segments by (the pages' zh-Hans finds "zh")
    content: str
    meta: dict[str, str]
    # Pagefind filters (district, topic, kind, unit → values): the search page narrows by them, and a
    # district or topic named in a query becomes one (search.js).
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def entry_page(entry: SearchEntry) -> str:
    """The page Pagefind reads for one entry: its words in the body, its link and result lines as meta."""
    meta = {"link": entry.url, **entry.meta}
    tags = "".join(
        f'<meta data-pagefind-meta="{escape(key)}[content]" content="{escape(value)}">' for key, value in meta.items()
    ) + "".join(
        f'<meta data-pagefind-filter="{escape(key)}[content]" content="{escape(value)}">'
        for key, values in entry.filters.items()
        for value in values
    )
    return (
        f'<!doctype html><html lang="{entry.language}"><head><meta charset="utf-8">'
        f"<title>{escape(entry.meta['title'])}</title>{tags}</head>"
        f"<body data-pagefind-body><p>{escape(entry.content)}</p></body></html>"
    )


def search_index_files(entries: Iterable[SearchEntry]) -> dict[str, bytes]:
    """The index of the entries, path under the site → bytes."""
    binary = get_executable()
    if binary is None:
        raise SearchIndexError(
            "Pagefind is not installed: install the site's requirements "
            "(pip install -r requirements.txt), which include pagefind[extended]"
        )
    in_memory = MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK)
    with tempfile.TemporaryDirectory(dir=MEMORY_FOLDER if in_memory else None) as scratch:
        pages, bundle = Path(scratch, "entries"), Path(scratch, "bundle")
        pages.mkdir()
        for number, entry in enumerate(entries):
            (pages / f"{number}.html").write_text(entry_page(entry), encoding="utf-8")
        try:
            run = subprocess.run(
                [str(binary), "--site", str(pages), "--output-path", str(bundle), "--silent"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SearchIndexError(f"Pagefind could not run: {exc}") from None
        if run.returncode != 0:
            raise SearchIndexError(f"Pagefind failed: {(run.stderr or run.stdout).strip()}")
        written = sorted(p for p in bundle.rglob("*") if p.is_file() and _published(p))
        files = {f"{FOLDER}/{p.relative_to(bundle).as_posix()}": p.read_bytes() for p in written}
    # Pagefind lists its languages, and each filter its values, in any order: two builds differed.
    return stable_filters(files, FOLDER)


def _published(path: Path) -> bool:
    return path.name in LIBRARY_FILES or path.name.endswith(INDEX_SUFFIXES)
