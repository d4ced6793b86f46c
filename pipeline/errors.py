"""The one error type every stage reports to editors, and the one line an unexpected error becomes."""
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2


@dataclass(frozen=True, order=True)
class DataError:
    """A problem in an input file, located precisely enough to fix it."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


SHOWN_CHARACTERS = 100  # of a long line (a quote), the part around the column


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def source_excerpt(error: DataError, lines: list[str] | None) -> str:
    """The line an error points at, numbered, with a caret under its column (as Elm and Ruff show
    code); "" when its file could not be read as text (lines is None) or has no such line."""
    if lines is None or not 1 <= error.line <= len(lines) or not lines[error.line - 1].strip():
        return ""
    text = lines[error.line - 1].rstrip("\r").replace("\t", " ")
    column = min(max(error.column, 1), len(text) + 1) - 1
    start = max(0, column - SHOWN_CHARACTERS // 2)
    cut = "…" if start else ""
    shown = cut + text[start:start + SHOWN_CHARACTERS] + ("…" if len(text) > start + SHOWN_CHARACTERS else "")
    return f"{str(error.line).rjust(5)} | {shown}\n      | {' ' * _width(cut + text[start:column])}^"


def report(errors: list[DataError], root: Path) -> str:
    """Every error, each followed by its line and a caret where its file has one (each file read once)."""
    files: dict[str, list[str] | None] = {}
    parts = []
    for error in errors:
        if error.file not in files:
            try:
                files[error.file] = (Path(root) / error.file).read_text(encoding="utf-8-sig").split("\n")
            except (OSError, UnicodeDecodeError):
                files[error.file] = None
        excerpt = source_excerpt(error, files[error.file])
        parts.append(f"{error}\n{excerpt}" if excerpt else str(error))
    return "\n".join(parts)


class DataErrors(Exception):
    """Raised with every problem found, so an editor sees them all at once."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class ToolError(Exception):
    """A tool the build runs (Pagefind) is missing or failed: the machine's problem, not the files'."""


def unexpected_error_message(exc: BaseException, root: Path) -> str:
    """One line for an error no check foresaw, never a traceback: a template that fails as a page is
    rendered (an unknown variable) is named at its line; a tool that failed says what to do; anything else is a bug of the build, named
    where it happened so that it can be reported."""
    if isinstance(exc, ToolError):
        return f"{exc}; nothing was written"
    frames = traceback.extract_tb(exc.__traceback__)

    def shown(filename: str) -> str:
        try:
            return Path(filename).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            return Path(filename).name

    template = next((f for f in reversed(frames) if f.filename.endswith(".html")), None)
    if isinstance(exc, jinja2.TemplateError) and template:
        return (f"{shown(template.filename)}:{template.lineno}: template error: {exc} — check the names this "
                f"line uses; nothing was written")
    where = f" at {shown(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return (f"unexpected error{where}: {type(exc).__name__}: {exc} — a bug in the build, not a mistake in "
            f"your files; nothing was written. Please report it with this line.")
