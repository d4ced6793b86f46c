"""Preview cards: the 1200 × 630 images that a page names as its og:image, drawn as SVG here and made
PNG by png_images (at half size, 600 × 315, drawn twice as large).

A page card holds the page's title, the site's name and address and the page's headline figures as a
small table (a label per row, a column per district, "not stated" where a document is silent); a chart
card holds the chart's own SVG file, scaled to fit, on the same light paper.
"""

import re
from xml.sax.saxutils import escape

from .charts import GRID, INK, MUTED, PAPER
from .png_images import SCALE, fallback_lines_in_cjk_font, svg_fonts
from .text_metrics import text_width, wrap

CARD_WIDTH, CARD_HEIGHT = 1200, 630  # the size social sites ask for (1.91 : 1)
WIDTH, HEIGHT = CARD_WIDTH // SCALE, CARD_HEIGHT // SCALE  # the drawing's own size, in its pixels
MARGIN = 30
SITE_SIZE, TITLE_SIZE, TABLE_SIZE, NOTE_SIZE, ADDRESS_SIZE = 13, 26, 13, 10, 11
TITLE_LINES = 2
TABLE_ROWS = 5  # at most; a card is a glance, the page has the rest
ROW_HEIGHT = 21
ELLIPSIS = "…"


def _svg(body: list[str], lang: str) -> str:
    return fallback_lines_in_cjk_font(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{svg_fonts(lang)}" fill="{INK}">'
        f'<rect width="100%" height="100%" fill="{PAPER}"/>{"".join(body)}</svg>\n',
        lang,
    )


def _fitted(text: str, width: float, size: float, bold: bool = False) -> str:
    """The text, cut with an ellipsis where it would run past `width` pixels."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + ELLIPSIS, size, bold) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _line(
    x: float, y: float, text: str, size: float, fill: str | None = None, anchor: str = "start", weight: str = ""
) -> str:
    attributes = (
        (f' fill="{fill}"' if fill else "")
        + (f' text-anchor="{anchor}"' if anchor != "start" else "")
        + (f' font-weight="{weight}"' if weight else "")
    )
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}"{attributes}>{escape(text)}</text>'


def page_card(
    site_name: str,
    title: str,
    address: str,
    columns: list[str],
    rows: list[tuple[str, list[tuple[str, str]]]],
    lang: str,
) -> str:
    """A page's card, in the fonts of its language: the site's name, the page's title (two lines at most,
    bold), a table of its headline figures and its address. `rows` are a label and, under each of
    `columns`, a figure and a note (its kind, where the column does not say it; "" for none)."""
    inner = WIDTH - 2 * MARGIN
    body = [_line(MARGIN, MARGIN + SITE_SIZE, _fitted(site_name, inner, SITE_SIZE), SITE_SIZE, MUTED)]
    y = MARGIN + SITE_SIZE + 8
    lines = wrap(title, inner, TITLE_SIZE, bold=True)
    if len(lines) > TITLE_LINES:
        lines = [*lines[: TITLE_LINES - 1], _fitted("".join(lines[TITLE_LINES - 1 :]), inner, TITLE_SIZE, True)]
    for text in lines:
        y += TITLE_SIZE * 1.3
        body.append(_line(MARGIN, y - 6, _fitted(text, inner, TITLE_SIZE, True), TITLE_SIZE, weight="700"))
    y += 16
    if rows:
        label_width = inner * (0.34 if len(columns) > 1 else 0.6)
        cell = (inner - label_width) / max(len(columns), 1)
        heads = [wrap(name, cell - 8, NOTE_SIZE)[:2] for name in columns]
        for c, head in enumerate(heads):
            right = MARGIN + label_width + (c + 1) * cell - 4
            for n, text in enumerate(head):
                top = y - (len(head) - 1 - n) * (NOTE_SIZE + 2)
                body.append(_line(right, top, _fitted(text, cell - 8, NOTE_SIZE), NOTE_SIZE, MUTED, "end"))
        for label, cells in rows[:TABLE_ROWS]:
            body.append(f'<line x1="{MARGIN}" x2="{WIDTH - MARGIN}" y1="{y + 6:g}" y2="{y + 6:g}" stroke="{GRID}"/>')
            y += ROW_HEIGHT
            body.append(_line(MARGIN, y, _fitted(label, label_width - 8, TABLE_SIZE), TABLE_SIZE))
            for c, (figure, note) in enumerate(cells):
                right = MARGIN + label_width + (c + 1) * cell - 4
                body.append(_line(right, y, _fitted(figure, cell - 8, TABLE_SIZE), TABLE_SIZE, anchor="end"))
                if note:
                    body.append(
                        _line(right, y + NOTE_SIZE + 2, _fitted(note, cell - 8, NOTE_SIZE), NOTE_SIZE, MUTED, "end")
                    )
            if any(note for _, note in cells):
                y += NOTE_SIZE + 2
    body.append(
        _line(MARGIN, HEIGHT - MARGIN + ADDRESS_SIZE, _fitted(address, inner, ADDRESS_SIZE), ADDRESS_SIZE, MUTED)
    )
    return _svg(body, lang)


_OUTER_SIZE = re.compile(r'^<svg xmlns="http://www.w3.org/2000/svg" width="(\d+)" height="(\d+)"')


def chart_card(chart_file: bytes, lang: str) -> str:
    """A chart's card: its SVG file (chart_svg.standalone_svg: title, plot, legend, sources, date and
    address), scaled to fit the card and centred on it."""
    svg = chart_file.decode("utf-8")
    found = _OUTER_SIZE.match(svg)
    if found is None:
        raise ValueError("not a chart's SVG file")
    width, height = int(found[1]), int(found[2])
    scale = min(WIDTH / width, HEIGHT / height)
    shown_width, shown_height = width * scale, height * scale
    placed = (
        f'<svg xmlns="http://www.w3.org/2000/svg" x="{(WIDTH - shown_width) / 2:g}" '
        f'y="{(HEIGHT - shown_height) / 2:g}" width="{shown_width:g}" height="{shown_height:g}"'
    )
    return _svg([placed + svg[found.end() :]], lang)
