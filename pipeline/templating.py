"""The Jinja environment pages are rendered with: its filters, how templates read rows, and how
their output is escaped.

A large site's 57,865 pages each write some 250 values through here, so the few places where
Jinja's general machinery costs more than this site needs are narrowed, each giving the output
Jinja's own would. Two of them use names the libraries do not document (markupsafe's
_escape_inner, Jinja's _output_child_pre): both are pinned in requirements.txt, and
tests/test_templating.py fails if either stops working as it does.
"""

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.compiler import CodeGenerator

# markupsafe.escape is this C function, its result wrapped in a Markup; a page's output needs no wrapper.
from markupsafe import _escape_inner

from . import formatting
from .errors import MissingText
from .models import City, District, Facet, Source, Topic


def figure_filter(row: dict, lang: str) -> str:
    """The `figure` filter: a record row in, its figure as text."""
    return formatting.figure_text(row["value"], row["unit"], row["bound"], lang, row["value_high"], row["counter"])


def kind_filter(row: dict, lang: str) -> str:
    """The `kind` filter: a record row in, its kind and period as text."""
    return formatting.kind_label(row["kind"], row["period"], row["estimate"], lang)


class Fields(dict):
    """A row or view that templates read as r.value (SiteEnvironment looks such keys up at once)."""

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


ROW_TYPES = frozenset({Fields, UiText})  # read as r.value at once (SiteEnvironment.getattr)
DICT_ATTRIBUTES = frozenset(dir(dict))
# The models templates read as d['name_' + lang], with the fields each has.
MODEL_FIELDS = {model: frozenset(model.model_fields) for model in (City, District, Facet, Source, Topic)}


def escaped_text(value) -> str:
    """What `{{ value }}` writes into a page: markupsafe.escape(value) as a plain string.

    The same characters are escaped, and a value with __html__ (Markup) is written as it
    is. markupsafe.escape wraps each result in a Markup, made by a Python-level
    constructor; in a page's output, where the result is only joined to the rest, that
    wrapper was a sixth of the work of rendering every page.
    """
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class SiteCodeGenerator(CodeGenerator):
    """Jinja's compiler, writing the output of an autoescaped template through escaped_text."""

    def visit_Template(self, node, frame=None) -> None:
        self.writeline("escaped_text = environment.escaped_text")  # a global name, read fastest
        super().visit_Template(node, frame)

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escaped_text(")
        if finalize.src is not None:
            self.write(finalize.src)


class SiteEnvironment(Environment):
    """Jinja, reading r.value of a Fields row as r['value'] at once, d['name_' + lang] of a model as
    d.name_zh at once, and writing output through escaped_text.

    Jinja's own lookup tries an attribute first, which for a row fails before it falls
    back to the key, for every field of every record card on every page. A dict's own
    attributes (r.items) still win, as in Jinja. For d['name_zh'] Jinja tries the item
    first, and a model has none: an exception raised and caught for every district
    column and table row of every page.
    """

    code_generator_class = SiteCodeGenerator
    escaped_text = staticmethod(escaped_text)

    def getattr(self, obj, attribute):
        if type(obj) in ROW_TYPES and attribute in obj and attribute not in DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if argument in MODEL_FIELDS.get(type(obj), ()):
            return getattr(obj, argument)
        return super().getitem(obj, argument)


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
    env = SiteEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(figure=figure_filter, kind=kind_filter)
    return env
