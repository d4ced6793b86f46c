"""PNG images of the site's SVG drawings (each chart's file, each page's preview card), drawn with resvg in
two pinned fonts, and kept in a cache folder by their content.

resvg is given two fonts, both under the SIL Open Font License, and no system font, so an image is the
same on a laptop, in CI and on Netlify: Noto Sans SC (the pylopdf-fonts-zh-cn package, Regular only)
for Chinese, and Noto Sans (fontpkg-noto-sans, a variable font from Regular to Bold and beyond) for
English, whose quotes and middle dots (’ “ ·) are a Latin font's narrow signs, not full-width ones, and
whose titles are bold. An English drawing names Noto Sans first and Noto Sans SC after it (FAMILIES), so
Chinese words and signs (≈ ≥) inside English text still have their glyphs; a Chinese one names Noto Sans
SC alone, and its titles stay Regular, the only weight packaged. The generic `sans-serif`
that ends every font list of our SVGs resolves to Noto Sans SC, and so does any family the machine lacks.

Drawing an image takes a tenth of a second or more; its bytes depend only on the SVG, the fonts and
resvg's version, so an image is drawn once and read from the cache (by default `.cache/images/` of the
repository, git-ignored; IMAGE_CACHE names another folder) by every later build and by `serve`.
"""

import functools
import hashlib
import importlib.metadata
import os
import re
import tempfile
from pathlib import Path

import fontpkg_noto_sans
import pylopdf_fonts_zh_cn
import resvg_py

from .charts import FONT
from .paths import ROOT

CJK_FONT_FILE = pylopdf_fonts_zh_cn.sans_path()
CJK_FAMILY = "Noto Sans SC"  # the family name inside CJK_FONT_FILE
LATIN_FONT_FILE = fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf"
LATIN_FAMILY = "Noto Sans"  # the family name inside LATIN_FONT_FILE; its weights are those of its wght axis
FONT_FILES = (LATIN_FONT_FILE, CJK_FONT_FILE)
# The families an SVG's text is set in, first to last, by language: a character the first lacks is drawn
# in the next (by a browser; resvg sets its whole line in the next: fallback_lines_in_cjk_font).
FAMILIES = {"zh": (CJK_FAMILY,), "en": (LATIN_FAMILY, CJK_FAMILY)}
SCALE = 2  # a 640-pixel chart file becomes a 1,280-pixel PNG: sharp in a 600-pixel column on a 2x screen


def image_cache() -> Path:
    """The cache folder: IMAGE_CACHE, or .cache/images/ of the repository (shared by every project built
    from it, scratch copies included: a key is the content, never a path)."""
    return Path(os.environ.get("IMAGE_CACHE") or ROOT / ".cache" / "images")


@functools.cache
def _drawing_key() -> bytes:
    """What an image depends on beside its SVG: every font file's bytes and resvg's version."""
    digest = hashlib.sha256(b"".join(hashlib.sha256(f.read_bytes()).digest() for f in FONT_FILES)).hexdigest()
    return f"{digest} resvg-py {importlib.metadata.version('resvg-py')} scale {SCALE}\n".encode()


def cache_key(svg: str) -> str:
    """The name of an SVG's PNG in the cache."""
    return hashlib.sha256(_drawing_key() + svg.encode("utf-8")).hexdigest()


def draw_png(svg: str) -> bytes:
    """The SVG drawn at SCALE times its size, its text in FONT_FILES alone."""
    return resvg_py.svg_to_bytes(
        svg_string=svg,
        zoom=SCALE,
        skip_system_fonts=True,
        font_files=[str(f) for f in FONT_FILES],
        font_family=CJK_FAMILY,
        sans_serif_family=CJK_FAMILY,
    )


def svg_fonts(lang: str) -> str:
    """The font list of an SVG drawn in the language: its FAMILIES first, so that a browser which has them
    draws the SVG as its PNG is drawn, then the rest of the charts' own list (charts.FONT), in single quotes (an
    attribute's value in double quotes)."""
    first = [f"'{family}'" for family in FAMILIES[lang]]
    return ", ".join(first + [font for font in FONT[lang].replace('"', "'").split(", ") if font not in first])


_TEXT_ELEMENT = re.compile(r"<text((?: [^>]*)?)>(.*?)</text>", re.S)


@functools.cache
def latin_font_characters() -> frozenset[int]:
    """The code points LATIN_FONT_FILE has a glyph for, from its character map (the Unicode one, format 12)."""
    font = LATIN_FONT_FILE.read_bytes()

    def number(at: int, size: int = 4) -> int:
        return int.from_bytes(font[at : at + size], "big")

    tables = {font[12 + 16 * i : 16 + 16 * i]: number(20 + 16 * i) for i in range(number(4, 2))}
    cmap = tables[b"cmap"]
    for record in range(number(cmap + 2, 2)):
        at = cmap + 4 + 8 * record
        subtable = cmap + number(at + 4)
        if (number(at, 2), number(at + 2, 2), number(subtable, 2)) == (3, 10, 12):
            covered: set[int] = set()
            for group in range(subtable + 16, subtable + 16 + 12 * number(subtable + 12), 12):
                first, last, glyph = number(group), number(group + 4), number(group + 8)
                covered.update(range(first if glyph else first + 1, last + 1))  # glyph 0 is "missing"
            return frozenset(covered)
    raise ValueError(f"{LATIN_FONT_FILE}: no Unicode character map of format 12")


def _beyond_latin_font(markup: str) -> bool:
    covered = latin_font_characters()
    return any(ord(ch) not in covered for ch in markup)


def fallback_lines_in_cjk_font(svg: str, lang: str) -> str:
    """The SVG with each English <text> that holds a character beyond the Latin font (≈ ≥, Chinese
    words) set in the CJK family as a whole.

    resvg sets a line whose first font lacks one of its characters wholly in the font it falls back to
    (its fallback is per line, not per character), so such a line is drawn in Noto Sans SC anyway: named
    so, a browser draws it the same. A Chinese SVG is already set in Noto Sans SC."""
    if lang == "zh":
        return svg
    family = f' font-family="{svg_fonts("zh")}"'

    def element(found: re.Match) -> str:
        attributes, content = found[1], found[2]
        if _beyond_latin_font(content) and "font-family=" not in attributes:
            attributes = family + attributes
        return f"<text{attributes}>{content}</text>"

    return _TEXT_ELEMENT.sub(element, svg)


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
