"""The Jinja environment pages are rendered with, Jinja's own with autoescaping, and its filters: `figure`
and `kind` (formatting.py), `in_lang` (a bilingual field in the page's language: topic | in_lang('name', lang))."""

import functools
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import formatting
from .errors import MissingText
from .languages import in_lang
from .tables import ComparisonRow, RecordRow


def figure_filter(row: RecordRow | ComparisonRow, lang: str) -> str:
    """The `figure` filter: a record's row (or its row in a comparison) in, its figure as text."""
    return formatting.figure_text(row.value, row.unit, row.bound, lang, row.value_high, row.counter)


def kind_filter(row: RecordRow | ComparisonRow, t: Mapping[str, str]) -> str:
    """The `kind` filter: a record's row (or its row in a comparison) and the page's strings in, its kind
    and period as text."""
    return formatting.kind_label(row.kind, row.period, row.estimate, t)


class Fields(dict):
    """A view that templates read as v.title: Jinja tries the attribute first, which is the key."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class UiText(Fields):
    """content/ui.yaml's strings in one language, as templates read them (t.site_title); a string it
    lacks is named as such (MissingText), not as a bug of the build."""

    __slots__ = ()

    def __missing__(self, key):
        raise MissingText(key)


class UiStrings(dict):
    """content/ui.yaml's strings, each with its zh and en text; a string it lacks raises MissingText."""

    def __missing__(self, key):
        raise MissingText(key)


def environment(templates_dir: Path) -> Environment:
    """The Jinja environment of a templates folder, kept between builds: `serve` then compiles a
    template again only when it changes.

    Templates are checked for changes here, once a build. Jinja's own check (auto_reload) reads a
    template's modification time each time a page extends or imports it: 170,000 times for a
    site of 3,000 districts.
    """
    env = _kept_environment(templates_dir)
    if not all(template.is_up_to_date for template in env.cache.values()):
        env.cache.clear()
    return env


@functools.lru_cache(maxsize=8)
def _kept_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(figure=figure_filter, kind=kind_filter, in_lang=in_lang)
    return env
