"""The site's own text, settings and layout, checked like the data: content/ui.yaml (every string in
both languages), content/site.yaml (settings), the about pages (content/about.zh.md and about.en.md)
and the templates.

An editor may change any of them in a pull request; a mistake is reported with its file and
line, never as a traceback, by `check` and `build` alike.
"""

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import jinja2
from pydantic import ValidationError

from .errors import DataError, DataErrors
from .languages import LANGS
from .load import NOT_UTF8_HINT, UNSAFE_CHARACTER, load_file
from .models import SiteSettings
from .paths import ProjectPaths
from .repository import BRANCH_PATTERN, GITHUB, MAX_BRANCH
from .safe_files import RefusedFile, read_editor_file, refusal
from .templating import UiStrings, environment

T = TypeVar("T")

PAGES = ("about",)  # content/<page>.<lang>.md, one in each language
# content/site.yaml: each setting and its default (the model also gives data/schema/site.schema.json)
SETTINGS = {name: field.default for name, field in SiteSettings.model_fields.items()}
# The fields each string of content/ui.yaml is filled with (by the pages, by search.js or filters.js);
# every other string takes none. A string may leave out a field, never name another: str.format would
# otherwise reach Python's objects ({name.__class__}) or pad a page to a gigabyte ({name:>300000000}).
PLACEHOLDERS = {
    "district_description": {"name"},
    "lead_units_title": {"name"},
    "lead_units_description": {"name"},
    "items_chart_title": {"topic"},
    "sources_counted": {"count", "url"},
    "change_month": {"year", "month"},
    "change_page": {"month", "page"},
    "first_publication_district": {"district", "records"},
    "change_records_one": {"count"},
    "change_records_many": {"count"},
    "change_items_one": {"count"},
    "change_items_many": {"count"},
    "change_summary_added": {"what"},
    "change_summary_removed": {"what"},
    "change_summary_changed": {"what", "fields"},
    "change_summary_changed_whole": {"what"},
    "change_summary_fields": {"fields"},
    "change_entry_named": {"kind", "name"},
    "search_count": {"query", "count"},
    "search_count_one": {"query"},
    "search_none": {"query"},
    "search_none_try": {"query"},
    "search_without_filters": {"query"},
    "search_remove_filter": {"name"},
    "search_as_words": {"query"},
    "search_other_language": {"query"},
    "search_task_no": {"number"},
    "report_title": {"record"},
    "report_mail_body": {"record", "page"},
    "edit_line": {"line"},
    "filter_status": {"shown", "total"},
    "kind_label": {"kind", "period"},
    "short_kind_label": {"kind", "period"},
    "standing_count": {"n"},
    "embed_code_pinned": {"date"},
    "release_version": {"date"},
}
# An about page is an editor's few paragraphs (each now some 4.5 KB). Python-Markdown's inline parsing
# scans from each '[' or '<' to its paragraph's end, so a paragraph's cost is their count times its
# length: 30,000 '[' took minutes; the budget below keeps any page under a second.
MAX_PAGE_BYTES = 32 * 2**10
MARKUP_BUDGET = 500_000
# Lists and quotes inside each other, counted by the columns of a line's indentation and markers (the
# pages nest two, some 6 columns); 300 levels overflowed the parser.
MAX_NESTING_COLUMNS = 48
NESTING = re.compile(r"(?:[ \t]|>|(?:[-*+]|[0-9]{1,9}[.)])(?=[ \t]|$))+")
# What would make a reader's browser ask another host: an image, frame, script, style or object. The site
# promises none (its pages' CSP says so too). Links to other hosts stay.
OTHER_HOST = r"""\s*<?\s*(?:[a-z][a-z0-9+.-]*:)?//"""
FETCHING = (
    re.compile(r"!\[[^\]]*\]\(" + OTHER_HOST, re.IGNORECASE),
    re.compile(
        r"<(?:img|iframe|frame|script|link|object|embed|audio|video|source|track|image|input)\b[^>]*?"
        r"""\b(?:src|href|data|srcset|poster|xlink:href)\s*=\s*["']?""" + OTHER_HOST,
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(r"<style\b|@import|url\(" + OTHER_HOST, re.IGNORECASE),
)


def ui_problems(paths: ProjectPaths) -> list[DataError]:
    """content/ui.yaml: a mapping of string names, each to its text in Chinese and in English."""
    path = paths.content / "ui.yaml"
    shown = paths.display(path)
    if not path.is_file():
        return [DataError(shown, 1, 1, "", "the interface strings are missing", "restore content/ui.yaml")]
    loaded = load_file(path, shown, root=paths.root)
    if loaded.errors:
        return loaded.errors
    if not isinstance(loaded.data, dict):
        return [
            DataError(
                shown,
                1,
                1,
                "",
                "expected a list of names, each with its zh and en text",
                "write `name:` and under it `zh: …` and `en: …`",
            )
        ]
    problems = []
    for key, texts in loaded.data.items():
        line, column = loaded.position((key,), of_key=True)
        if not isinstance(texts, dict):
            problems.append(
                DataError(
                    shown,
                    line,
                    column,
                    key,
                    "expected its text in zh and en",
                    "write `zh: …` and `en: …` on the two lines under it",
                )
            )
            continue
        for lang in LANGS:
            if lang not in texts:
                problems.append(DataError(shown, line, column, key, f"no {lang} text", f"add `{lang}: …` under it"))
            elif not isinstance(texts[lang], str):  # "" is allowed: a note one language does not need
                at = loaded.position((key, lang))
                problems.append(
                    DataError(
                        shown,
                        *at,
                        f"{key}.{lang}",
                        f"expected text, got {texts[lang]!r}",
                        "write the words, in quotes if they hold a colon or look like a number",
                    )
                )
        for other in sorted(set(texts) - set(LANGS)):
            at = loaded.position((key, other), of_key=True)
            problems.append(
                DataError(shown, *at, f"{key}.{other}", "unknown language", "each string has exactly zh and en")
            )
        for lang in LANGS:
            problem = placeholder_problem(key, texts.get(lang))
            if problem:
                problems.append(DataError(shown, *loaded.position((key, lang)), f"{key}.{lang}", *problem))
    return problems


def placeholder_problem(key: str, text) -> tuple[str, str] | None:
    """(what, what to do) when a string names a field it is not filled with, or asks more of one than its
    value ({name.attr}, {name[0]}, {name:>9}, {name!r}, {0}); None when it is fine."""
    if not isinstance(text, str):
        return None
    allowed = PLACEHOLDERS.get(key, set())
    takes = f"it takes {', '.join('{' + f + '}' for f in sorted(allowed))}" if allowed else "it takes none"
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)]
    except ValueError:
        return "a { or } without its pair", f"write the placeholder whole, such as {{name}}; {takes}"
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"the placeholder {shown} is not one this string is filled with", f"{takes}, written as is"
    return None


def _settings_file(paths: ProjectPaths):
    path = paths.content / "site.yaml"
    return load_file(path, paths.display(path), root=paths.root) if path.exists() or path.is_symlink() else None


def _valid_setting(key: str, value: str) -> bool:
    """Whether SiteSettings (the model the schema is made from) takes the value."""
    try:
        SiteSettings.model_validate({key: value})
    except ValidationError:
        return False
    return True


def _setting_problem(key: str, value) -> tuple[str, str] | None:
    """(what, what to do) when a known setting's value is not of its form; None when it is."""
    if not isinstance(value, str):
        return (
            f"expected text, got {value!r}",
            "write the branch's name" if key == "branch" else 'write it in quotes, or "" for none',
        )
    if key == "editors_email" and not _valid_setting(key, value):
        return (
            f"expected an e-mail address, got {value!r}",
            'write the editors\' address, such as editors@example.org, or "" for no e-mail link',
        )
    if key == "repository" and value and not GITHUB.match(value):
        return (
            f"expected a GitHub repository's address, got {value!r}",
            'write https://github.com/<owner>/<name>, or "" for no links',
        )
    if key == "branch" and (len(value) > MAX_BRANCH or not re.match(BRANCH_PATTERN, value)):
        return (
            "no branch named" if not value.strip() else f"not a branch's name: {value!r}",
            "write the branch the site is built from, such as main (letters, digits, - _ + . and /)",
        )
    return None


def settings_problems(paths: ProjectPaths) -> list[DataError]:
    """content/site.yaml, when there is one: known settings only, each of the expected form."""
    loaded = _settings_file(paths)
    if loaded is None:
        return []
    if loaded.errors:
        return loaded.errors
    if loaded.data is None:
        return []
    if not isinstance(loaded.data, dict):
        return [
            DataError(
                loaded.file,
                1,
                1,
                "",
                "expected settings, one per line (`branch: main`)",
                f"write any of: {', '.join(SETTINGS)}",
            )
        ]
    problems = []
    for key, value in loaded.data.items():
        if key not in SETTINGS:
            problems.append(
                DataError(
                    loaded.file,
                    *loaded.position((key,), of_key=True),
                    str(key),
                    "unknown setting",
                    f"the settings are: {', '.join(SETTINGS)}",
                )
            )
        else:
            problem = _setting_problem(key, value)
            if problem:
                problems.append(DataError(loaded.file, *loaded.position((key,)), key, *problem))
    return problems


def read_settings(paths: ProjectPaths) -> dict[str, str]:
    """The settings of content/site.yaml, with the default of each one it leaves out (once
    settings_problems has found none)."""
    loaded = _settings_file(paths)
    return SETTINGS | (loaded.data or {} if loaded else {})


def _read_page(path: Path, paths: ProjectPaths) -> str:
    """A markdown page's text; RefusedFile beyond MAX_PAGE_BYTES or for what safe_files refuses."""
    return read_editor_file(path, paths.root, MAX_PAGE_BYTES).decode("utf-8")


def page_problems(paths: ProjectPaths) -> list[DataError]:
    """The markdown pages: present in both languages, UTF-8, not empty, and safe to parse and show."""
    problems = []
    for page in PAGES:
        for lang in LANGS:
            path = paths.content / f"{page}.{lang}.md"
            shown = paths.display(path)
            try:
                text = _read_page(path, paths)
            except FileNotFoundError:
                problems.append(
                    DataError(
                        shown,
                        1,
                        1,
                        "",
                        "the page is missing",
                        f"the site has its {page} page in each language: write this one too",
                    )
                )
                continue
            except RefusedFile as exc:
                problems.append(DataError(shown, 1, 1, "", exc.message, exc.hint))
                continue
            except UnicodeDecodeError as exc:
                line = path.read_bytes()[: exc.start].count(b"\n") + 1
                problems.append(DataError(shown, line, 1, "", "the file is not UTF-8 text", NOT_UTF8_HINT))
                continue
            if not text.strip():
                problems.append(DataError(shown, 1, 1, "", "the page is empty", "write its text, or restore it"))
            problems += markdown_problems(text, shown)
    return problems


def _line_of(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def markdown_problems(text: str, shown: str) -> list[DataError]:
    """What in a markdown page would hang or overflow its parser, or make a reader's browser ask another
    host; each at its line, before the page is parsed."""
    problems = []
    for pattern in FETCHING:
        for found in pattern.finditer(text):
            problems.append(
                DataError(
                    shown,
                    *_line_of(text, found.start()),
                    "",
                    "an image, frame, script or style from another host",
                    "the site loads nothing from another host: add the file under assets/, or link to it instead",
                )
            )
    unsafe = UNSAFE_CHARACTER.search(text)
    if unsafe:
        problems.append(
            DataError(
                shown,
                *_line_of(text, unsafe.start()),
                "",
                f"a control or direction character (U+{ord(unsafe[0]):04X})",
                "delete it",
            )
        )
    offset = 0
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        markers = paragraph.count("[") + paragraph.count("<")
        if markers * len(paragraph) > MARKUP_BUDGET:
            problems.append(
                DataError(
                    shown,
                    *_line_of(text, offset),
                    "",
                    f"a paragraph of {len(paragraph)} characters with {markers} [ and <, too many to parse in time",
                    "split it into shorter paragraphs, or write fewer brackets",
                )
            )
        offset += len(paragraph)
    for number, line in enumerate(text.split("\n"), start=1):
        prefix = NESTING.match(line)
        if prefix and len(prefix[0].expandtabs(4)) > MAX_NESTING_COLUMNS:
            problems.append(
                DataError(
                    shown,
                    number,
                    1,
                    "",
                    f"lists or quotes nested, or a line indented, more than {MAX_NESTING_COLUMNS} columns deep",
                    "nest lists and quotes a few levels at most",
                )
            )
            break
    return problems


def file_problems(paths: ProjectPaths) -> list[DataError]:
    """Any symbolic link or special file among the templates, assets and content (see safe_files)."""
    problems = []
    for folder in (paths.templates, paths.assets, paths.content):
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else []:
            if path.is_dir() and not path.is_symlink():
                continue
            refused = refusal(path, paths.root)
            if refused:
                problems.append(DataError(paths.display(path), 1, 1, "", refused.message, refused.hint))
    return problems


def template_problems(paths: ProjectPaths, env: jinja2.Environment) -> list[DataError]:
    """Every template compiled: a syntax error or an unknown filter is reported at its line. Compiled
    through the environment's cache, so the pages then render from the same compiled templates, and
    `serve` compiles again only a template that changed."""
    problems = []
    for path in sorted(Path(paths.templates).glob("*.html")):
        shown = paths.display(path)
        if refusal(path, paths.root):  # file_problems names it; never read
            continue
        try:
            env.get_template(path.name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                DataError(
                    shown,
                    exc.lineno or 1,
                    1,
                    "",
                    f"template error: {exc.message}",
                    "check the {% %} and {{ }} tags on this line",
                )
            )
        except UnicodeDecodeError:
            problems.append(DataError(shown, 1, 1, "", "the file is not UTF-8 text", "save it as UTF-8"))
    return problems


def content_problems(paths: ProjectPaths, env: jinja2.Environment) -> list[DataError]:
    """Everything wrong in content/ and templates/, all at once."""
    problems = file_problems(paths) + ui_problems(paths) + settings_problems(paths) + page_problems(paths)
    return problems + template_problems(paths, env)


def checked_with_content(paths: ProjectPaths, validate_data: Callable[[], T]) -> T:
    """What validate_data returns, once it and content/ and templates/ have no problem; otherwise
    DataErrors listing the problems of them all."""
    problems = content_problems(paths, environment(paths.templates))
    try:
        result = validate_data()
    except DataErrors as exc:
        raise DataErrors(exc.errors + problems) from None
    if problems:
        raise DataErrors(problems)
    return result


def read_content(paths: ProjectPaths) -> tuple[dict[str, str], dict]:
    """The markdown pages and interface strings of content/, once content_problems has found none."""
    names = sorted(f"{page}.{lang}.md" for page in PAGES for lang in LANGS)  # the pages checked, no other
    pages = {name: _read_page(paths.content / name, paths) for name in names}
    loaded = load_file(paths.content / "ui.yaml", paths.display(paths.content / "ui.yaml"), root=paths.root)
    if loaded.errors:
        raise DataErrors(loaded.errors)
    return pages, UiStrings(loaded.data)
