"""The Jinja environment of the pages: Jinja's own autoescaping, rows read as dicts."""

import pytest
from markupsafe import Markup, escape

from pipeline import templating

HOSTILE = [
    "plain",
    "",
    "<script>alert('x')</script>",
    'a "quoted" & <b>bold</b>',
    "广州‘海珠’<区>",
    "&amp; already escaped",
    "\u2028 line separator",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_template_output_is_escaped_and_markup_kept(tmp_path, text):
    env = templating.environment(tmp_path)
    source = "{{ x }}|{{ safe }}|{% macro m(v) %}<i>{{ v }}</i>{% endmacro %}{{ m(x) }}"
    rendered = env.from_string(source).render(x=text, safe=Markup("<b>&amp;</b>"))
    assert rendered == f"{escape(text)}|<b>&amp;</b>|<i>{escape(text)}</i>"


def test_autoescape_switched_off_in_a_template_still_writes_raw_text(tmp_path):
    template = templating.environment(tmp_path).from_string("{% autoescape false %}{{ x }}{% endautoescape %}{{ x }}")
    assert template.render(x="<b>") == "<b>&lt;b&gt;"


def test_templates_read_a_row_as_jinja_reads_a_dict(tmp_path):
    """r.value of a row is its key; a dict's own attributes still win and a missing key is undefined."""
    template = templating.environment(tmp_path).from_string(
        "{{ r.value }} {{ r.missing is defined }} {{ r.items is callable }} {{ r['items'] }}"
    )
    assert template.render(r=templating.Fields(value=5, items=3)) == "5 False True 3"
