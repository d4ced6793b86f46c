"""PNG images of the site's SVG drawings (each chart's file, each page's preview card), drawn with resvg in
one pinned font, and kept in a cache folder by their content.

The text of every image is set in Noto Sans SC (the pylopdf-fonts-zh-cn package, SIL Open Font
License), the only font resvg is given: no system font is looked up, so an image is the same on a
laptop, in CI and on Netlify. The generic `sans-serif` that ends every font list of our SVGs resolves
to it, and so does any family the machine lacks.

Drawing an image takes a tenth of a second or more; its bytes depend only on the SVG, the font and
resvg's version, so an image is drawn once and read from the cache (by default `.cache/images/` of the
repository, git-ignored; IMAGE_CACHE names another folder) by every later build and by `serve`.
"""

import functools
import hashlib
import importlib.metadata
import os
import tempfile
from pathlib import Path

import pylopdf_fonts_zh_cn
import resvg_py

from .paths import ROOT

FONT_FILE = pylopdf_fonts_zh_cn.sans_path()
FONT_FAMILY = "Noto Sans SC"  # the family name inside FONT_FILE
SCALE = 2  # a 640-pixel chart file becomes a 1,280-pixel PNG: sharp in a 600-pixel column on a 2x screen


def image_cache() -> Path:
    """The cache folder: IMAGE_CACHE, or .cache/images/ of the repository (shared by every project built
    from it, scratch copies included: a key is the content, never a path)."""
    return Path(os.environ.get("IMAGE_CACHE") or ROOT / ".cache" / "images")


@functools.cache
def _drawing_key() -> bytes:
    """What an image depends on beside its SVG: the font file's bytes and resvg's version."""
    digest = hashlib.sha256(FONT_FILE.read_bytes()).hexdigest()
    return f"{digest} resvg-py {importlib.metadata.version('resvg-py')} scale {SCALE}\n".encode()


def cache_key(svg: str) -> str:
    """The name of an SVG's PNG in the cache."""
    return hashlib.sha256(_drawing_key() + svg.encode("utf-8")).hexdigest()


def draw_png(svg: str) -> bytes:
    """The SVG drawn at SCALE times its size, its text in FONT_FILE alone."""
    return resvg_py.svg_to_bytes(
        svg_string=svg,
        zoom=SCALE,
        skip_system_fonts=True,
        font_files=[str(FONT_FILE)],
        font_family=FONT_FAMILY,
        sans_serif_family=FONT_FAMILY,
    )


def cached_path(svg: str, cache: Path | None = None) -> Path:
    """Where the SVG's PNG is, or would be, kept."""
    key = cache_key(svg)
    return (cache or image_cache()) / key[:2] / f"{key}.png"


def png_of(svg: str, cache: Path | None = None) -> bytes:
    """The SVG's PNG: from the cache, or drawn and then kept there.

    A file is written under a temporary name and renamed, so that builds running side by side (the
    workers of one build, `serve` beside a test) never read half an image."""
    path = cached_path(svg, cache)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    png = draw_png(svg)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part:
            part.write(png)
        os.replace(part.name, path)
    except OSError:
        pass  # a read-only or full cache folder costs the next build time, never this build its image
    return png


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
