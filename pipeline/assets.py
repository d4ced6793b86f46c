"""Static files under content-hashed names, so they can be cached forever."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .safe_files import read_editor_file

# plotly.js's basic bundle, self-hosted (no CDN); assets/vendor/README.md says where it comes from.
PLOTLY_JS = "vendor/plotly-basic.min.js"
# What a browser loads; the READMEs and licences of assets/ stay in the repository.
PUBLISHED_SUFFIXES = {".css", ".js", ".svg"}


@dataclass(frozen=True)
class Asset:
    """A file to publish under /assets/ with a name that changes when its content does."""

    name: str  # logical name used by templates, e.g. "style.css"
    url: str  # e.g. "/assets/style.3f2a9c1d.css"
    content: bytes


def hashed_name(name: str, content: bytes) -> str:
    """style.css → style.<first 10 hex digits of sha256>.css"""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


# Files other sites link to by name keep that name forever (the embed code's script).
STABLE_URLS = {"embed.js": "/embed.js"}


def collect_assets(assets_dir: Path) -> dict[str, Asset]:
    """Every published file of assets/ (plotly.js among them), keyed by logical name (its path under assets/)."""
    files = {
        p.relative_to(assets_dir).as_posix(): read_editor_file(p, assets_dir)
        for p in sorted(assets_dir.rglob("*"))
        if p.is_file() and p.suffix in PUBLISHED_SUFFIXES
    }
    return {
        name: Asset(name, STABLE_URLS.get(name) or "/assets/" + hashed_name(name, content), content)
        for name, content in files.items()
    }
