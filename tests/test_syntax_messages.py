"""YAML syntax errors as an editor reads them: in plain words, at the line to fix, shown with a caret
(as Elm and Ruff show code). Seen to fail before: an unclosed quote on line 596 was reported at
605:14 as "expected <block end>, but found '<scalar>'"."""

import pytest

from pipeline.errors import DataError, report, source_excerpt
from pipeline.load import load_yaml

RECORDS = """\
id: alpha
records:
  - id: alpha-one
    label_zh: 第一
    label_en: One
    quote: 第一条。
  - id: alpha-two
    label_zh: 第二
    label_en: "Two"
"""


def only_error(text: str) -> DataError:
    errors = load_yaml(text, "data/districts/alpha.yaml").errors
    assert len(errors) == 1, errors
    return errors[0]


def test_an_unclosed_quote_is_named_where_it_opens():
    error = only_error(RECORDS.replace("label_zh: 第一", 'label_zh: "第一'))
    assert (error.line, error.column) == (4, 15)
    assert error.message == "this quote is not closed on its line"
    assert "on line 9" in error.hint  # where YAML found the next quote mark


def test_a_quoted_value_over_several_lines_is_not_blamed_for_a_later_mistake():
    text = (
        RECORDS.replace("quote: 第一条。", 'quote: "第一条，\n      接着写。"')
        + "  - id: alpha-three\n   label_zh: 三\n"
    )
    error = only_error(text)
    assert error.line > 8 and "quote is not closed" not in error.message


@pytest.mark.parametrize(
    "edit, line, words",
    [
        (("    label_en: One", "\tlabel_en: One"), 5, "a tab or other character"),
        (("    label_en: One", "      label_en: One"), 5, "indented further"),
        (("    quote: 第一条。", "   quote: 第一条。"), 6, "does not line up"),
    ],
)
def test_common_mistakes_are_said_in_plain_words(edit, line, words):
    error = only_error(RECORDS.replace(*edit))
    assert error.line == line and words in error.message, error
    assert "<block" not in error.message and error.hint


def test_the_offending_line_is_shown_with_a_caret_under_the_column():
    lines = ["records:", "  - value: 5.5%"]
    assert source_excerpt(DataError("f.yaml", 2, 12, "", "x"), lines) == (
        "    2 |   - value: 5.5%\n      |            ^"
    )


def test_the_caret_counts_chinese_characters_as_two_columns():
    lines = ['    label_zh: "新登记经营主体 户', "x"]
    excerpt = source_excerpt(DataError("f.yaml", 1, 23, "", "x"), lines)
    caret = excerpt.split("\n")[1]
    assert caret.index("^") - len("      | ") == len('    label_zh: "') + 2 * len("新登记经营主体")  # under the space


def test_a_long_line_is_cut_around_the_column_and_an_unreadable_file_shows_no_line(tmp_path):
    lines = ["quote: " + "字" * 300]
    shown = source_excerpt(DataError("f.yaml", 1, 200, "", "x"), lines).split("\n")[0]
    assert shown.count("…") == 2 and len(shown) < 120
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe\x00x")
    errors = [DataError("bad.yaml", 1, 1, "", "not UTF-8"), DataError("missing.yaml", 3, 1, "", "gone")]
    assert report(errors, tmp_path) == "bad.yaml:1:1: not UTF-8\nmissing.yaml:3:1: gone"
