"""The one error type every stage reports to editors, how a list of them is shown (each with its line and
a caret), and the one line an error found while rendering, or an unexpected one, becomes."""

import re
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .safe_files import RefusedFile, read_editor_file


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
        return f"{self.file}:{self.line}:{self.column}: {self.described()}"

    def described(self) -> str:
        """What is wrong and what to do, without where: the field, the message and the hint."""
        text = f"{self.field}: {self.message}" if self.field else self.message
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
    shown = cut + text[start : start + SHOWN_CHARACTERS] + ("…" if len(text) > start + SHOWN_CHARACTERS else "")
    return f"{str(error.line).rjust(5)} | {shown}\n      | {' ' * _width(cut + text[start:column])}^"


def report(errors: list[DataError], root: Path) -> str:
    """Every error, each followed by its line and a caret where its file has one (each file read once)."""
    files: dict[str, list[str] | None] = {}
    parts = []
    for error in errors:
        if error.file not in files:
            try:
                text = read_editor_file(Path(root) / error.file, Path(root)).decode("utf-8-sig")  # never a link out
                files[error.file] = text.split("\n")
            except (OSError, UnicodeDecodeError, RefusedFile):
                files[error.file] = None
        excerpt = source_excerpt(error, files[error.file])
        parts.append(f"{error}\n{excerpt}" if excerpt else str(error))
    return "\n".join(parts)


def _workflow_data(text: str) -> str:
    """Text escaped as GitHub's workflow commands read a message, so a newline cannot end it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _workflow_property(text: str) -> str:
    """A property value (a file name) escaped as GitHub reads it: , and : would end it too."""
    return _workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(errors: list[DataError], level: str = "error") -> str:
    """Every error as a GitHub Actions workflow command (level "error" or "warning"), one per line: the
    pull request then shows each at its line of the file."""
    return "\n".join(
        f"::{level} file={_workflow_property(e.file)},line={e.line},col={e.column}::{_workflow_data(e.described())}"
        for e in errors
    )


def github_message(text: str, level: str = "error") -> str:
    """A message that names no place in a file, as a GitHub Actions annotation (level "error" or "warning")."""
    return f"::{level}::{_workflow_data(text)}"


class DataErrors(Exception):
    """Raised with every problem found, so an editor sees them all at once."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


class ToolError(Exception):
    """A tool the build runs (Pagefind) is missing or failed: the machine's problem, not the files'."""


class MissingText(KeyError):
    """A page asked content/ui.yaml for a string it does not have."""


MISSING_IN_TEMPLATE = re.compile(r"UiText object' has no attribute '([^']+)'")


def _shown(filename: str, root: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(filename).name


def _missing_text(exc: BaseException) -> str | None:
    """The name of the string content/ui.yaml lacks, asked for by the code or by a template (t.name)."""
    if isinstance(exc, MissingText):
        return str(exc.args[0])
    found = MISSING_IN_TEMPLATE.search(str(exc)) if isinstance(exc, jinja2.UndefinedError) else None
    return found[1] if found else None


def render_error(exc: BaseException, root: Path) -> DataError | None:
    """What went wrong as a page was rendered, named in the file to fix: a template's unknown name
    or filter at its line, or a string content/ui.yaml lacks; None for anything else."""
    lacking = _missing_text(exc)
    if lacking:
        return DataError(
            "content/ui.yaml", 1, 1, lacking, "no such string, and a page uses it", "add it, with its zh: and en: text"
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return DataError(
            f"templates/{exc.name}",
            1,
            1,
            "",
            "the template is missing, and a page needs it",
            "restore it (git checkout -- templates/)",
        )
    frames = traceback.extract_tb(exc.__traceback__)
    template = next((f for f in reversed(frames) if f.filename.endswith(".html")), None)
    if isinstance(exc, jinja2.TemplateError) and template:
        return DataError(
            _shown(template.filename, root),
            template.lineno or 1,
            1,
            "",
            f"template error: {exc}",
            "check the names this line uses",
        )
    return None


def unexpected_error_message(exc: BaseException, root: Path) -> str:
    """One line for an error no check foresaw, never a traceback: a template that fails as a page is
    rendered (an unknown variable), or a missing string, is named in its file; a tool that failed says
    what to do; anything else is a bug of the build, named where it happened so that it can be reported."""
    if isinstance(exc, ToolError):
        return f"{exc}; nothing was written"
    found = render_error(exc, root)
    if found:
        return f"{found}; nothing was written"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {_shown(frames[-1].filename, root)}:{frames[-1].lineno}" if frames else ""
    return (
        f"unexpected error{where}: {type(exc).__name__}: {exc} — a bug in the build, not a mistake in "
        f"your files; nothing was written. Please report it with this line."
    )
