"""How wide a line of chart text will be, estimated at build time, so that nothing is cut off.

Charts are laid out before any browser sees them: the left margin must hold the
longest tick label, a district name must wrap before it runs into its
neighbour's, an embed's first height must be its real height. The estimate errs
wide: its widths are those of DejaVu Sans, the widest common sans-serif (what a
Linux phone or desktop without Helvetica, Roboto or Segoe UI falls back to), wider
than Noto Sans, the Latin font of the PNG images; bold text (a chart's title) is
measured wider still, as wide as Noto Sans Bold. A Chinese character is a full em
in every CJK font, and so are quotes and signs (“ ’ · ≈) in Noto Sans SC, the CJK
font of the PNG images: counted so, they are never too narrow in either font.
"""

import unicodedata

# Advance widths in em, per kind of character, from DejaVu Sans (rounded up).
NARROW = set("iljtfrI.,:;'!|()[] ")
WIDE = set("mwMW%@")
EM_NARROW, EM_LOWER, EM_UPPER, EM_DIGIT, EM_WIDE, EM_OTHER = 0.34, 0.62, 0.76, 0.64, 0.98, 0.84
# Bold letters, from Noto Sans Bold (rounded up): wider than the above where they are (f r t |, n u, N O).
EM_NARROW_BOLD, EM_LOWER_BOLD, EM_UPPER_BOLD = 0.56, 0.66, 0.82


# A break point chosen by an interface string (content/ui.yaml writes it "\u200b"): where a Chinese
# label may break between its words. A string with one breaks there, never inside a word.
BREAK = "\u200b"


def _full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")  # Chinese characters and full-width punctuation


def _ambiguous_symbol(ch: str) -> bool:
    # Quotes, middle dots and signs (“ ’ · ≈ ≥) are a full em in a CJK font (the PNGs' Noto Sans SC),
    # narrower in a Latin one: counted full, the estimate errs wide.
    return unicodedata.east_asian_width(ch) == "A" and not ch.isalnum()


def char_width(ch: str, bold: bool = False) -> float:
    """The advance width of one character, in em, in a Regular face or a bold one."""
    if ch == BREAK:
        return 0.0
    if _full_width(ch) or _ambiguous_symbol(ch):
        return 1.0
    if ch in NARROW:
        return EM_NARROW_BOLD if bold else EM_NARROW
    if ch in WIDE:
        return EM_WIDE
    if ch.isdigit():
        return EM_DIGIT
    if ch.islower():
        return EM_LOWER_BOLD if bold else EM_LOWER
    if ch.isupper():
        return EM_UPPER_BOLD if bold else EM_UPPER
    return EM_OTHER


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """The width of a line of text in pixels, at a font size in pixels, Regular or bold."""
    return sum(char_width(ch, bold) for ch in text) * font_size


def _pieces(text: str) -> list[str]:
    """The text cut where a line may break: after a space, and between Chinese characters or, where
    the text chooses its breaks (BREAK), there and after Chinese punctuation only."""
    chosen = BREAK in text
    pieces, current = [], ""
    for ch in text:
        if ch == BREAK:
            pieces.append(current)
            current = ""
            continue
        wide = _full_width(ch) and (not chosen or unicodedata.category(ch).startswith("P"))
        if wide and current and not chosen:
            pieces.append(current)
            current = ""
        current += ch
        if ch == " " or wide:
            pieces.append(current)
            current = ""
    return pieces + ([current] if current else [])


def wrap(text: str, width: float, font_size: float, bold: bool = False) -> list[str]:
    """The text broken into lines no wider than `width` pixels where it can break (a word longer
    than the width keeps a line of its own); trailing spaces are dropped."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if line and text_width((line + piece).rstrip(), font_size, bold) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
