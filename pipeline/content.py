"""The site's own text, settings and layout, checked like the data: content/ui.yaml (every string in
both languages), content/site.yaml (settings), the about pages (content/about.zh.md and about.en.md)
and the templates.

An editor may change any of them in a pull request; a mistake is reported with its file and
line, never as a traceback, by `check` and `build` alike.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import jinja2

from .errors import DataError, DataErrors
from .load import NOT_UTF8_HINT, load_file
from .models import SiteSettings
from .paths import ProjectPaths
from .repository import GITHUB
from .templating import UiStrings, environment

T = TypeVar("T")

LANGS = ("zh", "en")
PAGES = ("about",)  # content/<page>.<lang>.md, one in each language
# content/site.yaml: each setting and its default (the model also gives data/schema/site.schema.json)
SETTINGS = {name: field.default for name, field in SiteSettings.model_fields.items()}


def ui_problems(paths: ProjectPaths) -> list[DataError]:
    """content/ui.yaml: a mapping of string names, each to its text in Chinese and in English."""
    path = paths.content / "ui.yaml"
    shown = paths.display(path)
    if not path.is_file():
        return [DataError(shown, 1, 1, "", "the interface strings are missing", "restore content/ui.yaml")]
    loaded = load_file(path, shown)
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
    return problems


def _settings_file(paths: ProjectPaths):
    path = paths.content / "site.yaml"
    return load_file(path, paths.display(path)) if path.is_file() else None


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
        elif not isinstance(value, str):
            problems.append(
                DataError(
                    loaded.file,
                    *loaded.position((key,)),
                    key,
                    f"expected text, got {value!r}",
                    'write it in quotes, or "" for none' if key == "repository" else "write the branch's name",
                )
            )
        elif key == "repository" and value and not GITHUB.match(value):
            problems.append(
                DataError(
                    loaded.file,
                    *loaded.position((key,)),
                    key,
                    f"expected a GitHub repository's address, got {value!r}",
                    'write https://github.com/<owner>/<name>, or "" for no links',
                )
            )
        elif key == "branch" and not value.strip():
            problems.append(
                DataError(
                    loaded.file,
                    *loaded.position((key,)),
                    key,
                    "no branch named",
                    "write the branch the site is built from, such as main",
                )
            )
    return problems


def read_settings(paths: ProjectPaths) -> dict[str, str]:
    """The settings of content/site.yaml, with the default of each one it leaves out (once
    settings_problems has found none)."""
    loaded = _settings_file(paths)
    return SETTINGS | (loaded.data or {} if loaded else {})


def page_problems(paths: ProjectPaths) -> list[DataError]:
    """The markdown pages: present in both languages, UTF-8, not empty."""
    problems = []
    for page in PAGES:
        for lang in LANGS:
            path = paths.content / f"{page}.{lang}.md"
            shown = paths.display(path)
            try:
                text = path.read_bytes().decode("utf-8")
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
            except UnicodeDecodeError as exc:
                line = path.read_bytes()[: exc.start].count(b"\n") + 1
                problems.append(DataError(shown, line, 1, "", "the file is not UTF-8 text", NOT_UTF8_HINT))
                continue
            if not text.strip():
                problems.append(DataError(shown, 1, 1, "", "the page is empty", "write its text, or restore it"))
    return problems


def template_problems(paths: ProjectPaths, env: jinja2.Environment) -> list[DataError]:
    """Every template compiled: a syntax error or an unknown filter is reported at its line. Compiled
    through the environment's cache, so the pages then render from the same compiled templates, and
    `serve` compiles again only a template that changed."""
    problems = []
    for path in sorted(Path(paths.templates).glob("*.html")):
        shown = paths.display(path)
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
    return ui_problems(paths) + settings_problems(paths) + page_problems(paths) + template_problems(paths, env)


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
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(paths.content.glob("*.md"))}
    loaded = load_file(paths.content / "ui.yaml", paths.display(paths.content / "ui.yaml"))
    if loaded.errors:
        raise DataErrors(loaded.errors)
    return pages, UiStrings(loaded.data)
