"""assets/style.css is sound CSS: read with tinycss2 (a CSS Syntax parser), it has no parse error, its braces
balance, and every rule has a selector and a block of declarations.

A browser reports none of these: it drops what it cannot read and goes on. A stray `}` once dropped
the rule after it (its selector became `} .rule`), with nothing to show for it but a page that looked
slightly wrong; the tests at the end show the check failing on that and on other broken stylesheets.
"""

import re

import pytest
import tinycss2

from pipeline.paths import ROOT

STYLESHEET = ROOT / "assets" / "style.css"
# At-rules whose block holds rules, and those whose block holds declarations.
RULE_BLOCKS = {"media", "supports", "layer", "container", "keyframes"}
DECLARATION_BLOCKS = {"font-face", "page"}
# Comments and strings, whose braces are not the stylesheet's.
NOT_SYNTAX = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)


def stylesheet_problems(css: str) -> list[str]:
    """What is wrong with a stylesheet's syntax, one line each, by line number; none when it is sound."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return _brace_problems(css) + _rule_problems(rules)


def _text(tokens) -> str:
    """Tokens as CSS, on one line."""
    return " ".join(tinycss2.serialize(tokens).split())


def _brace_problems(css: str) -> list[str]:
    problems, open_at = [], []
    syntax = NOT_SYNTAX.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), css)
    for line_no, line in enumerate(syntax.splitlines(), 1):
        for char in line:
            if char == "{":
                open_at.append(line_no)
            elif char == "}" and open_at:
                open_at.pop()
            elif char == "}":
                problems.append(f"line {line_no}: a }} that closes nothing")
    return problems + [f"line {line_no}: a {{ never closed" for line_no in open_at]


def _rule_problems(rules) -> list[str]:
    problems = []
    for rule in rules:
        where = f"line {rule.source_line}"
        if rule.type == "error":
            problems.append(f"{where}: {rule.message}")
        elif rule.type == "qualified-rule":
            problems += [f"{where}: {problem}" for problem in _selector_problems(rule.prelude)]
            problems += _declaration_problems(rule.content, _text(rule.prelude))
        elif rule.type == "at-rule":
            name = rule.lower_at_keyword
            if name in RULE_BLOCKS and rule.content is not None and _text(rule.prelude):
                problems += _rule_problems(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                )
            elif name in DECLARATION_BLOCKS and rule.content is not None:
                problems += _declaration_problems(rule.content, f"@{name}")
            else:
                problems.append(
                    f"{where}: @{rule.at_keyword} {_text(rule.prelude)!r} "
                    "is not a rule this check knows, or has no condition or no block"
                )
    return problems


def _selector_problems(prelude) -> list[str]:
    parts, part = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(part)
            part = []
        else:
            part.append(token)
    parts.append(part)
    text = _text(prelude)
    problems = []
    if any(not [t for t in part if t.type not in ("whitespace", "comment")] for part in parts):
        problems.append(f"an empty selector in {text!r}")
    for token in prelude:
        if token.type in ("error", "at-keyword", "{} block", "string", "url") or (
            token.type == "literal" and token.value in ";{}!"
        ):
            problems.append(f"a garbled selector {text!r} (its {token.serialize()!r} belongs to no selector)")
            break
    return problems


def _declaration_problems(content, selector: str) -> list[str]:
    problems = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        where = f"line {item.source_line}"
        if item.type == "error":
            problems.append(f"{where}: in {selector}: {item.message}")
        elif item.type != "declaration":
            # The site does not nest rules: a rule inside a block is a } missing before it.
            problems.append(f"{where}: a rule inside {selector}'s block: is a }} missing before it?")
        elif not item.name.startswith("--") and not _text(item.value):
            problems.append(f"{where}: {selector} {{ {item.name}: }} has no value")
    return problems


def test_the_stylesheet_parses_without_a_problem():
    assert stylesheet_problems(STYLESHEET.read_text(encoding="utf-8")) == []


def test_braces_in_comments_and_strings_are_not_counted():
    css = '/* { a comment } } */\n.a::before { content: "}"; }\n@media print { .b { color: red } }\n'
    assert stylesheet_problems(css) == []


BROKEN = {
    # The stray } that once dropped the rule after it: `.b` never applied.
    "stray brace": (
        ".a { color: red; }\n}\n.b { color: blue; }\n",
        ["line 2: a } that closes nothing", "garbled selector '} .b'"],
    ),
    "missing brace": (
        ".a { color: red;\n.b { color: blue; }\n",
        ["line 1: a { never closed", "line 2: a rule inside .a's block"],
    ),
    "empty selector": (".a, { color: red; }\n", ["line 1: an empty selector in '.a,'"]),
    "unclosed media": ("@media print {\n  .a { color: red; }\n", ["line 1: a { never closed"]),
    "garbled declaration": (".a { color red; }\n", ["line 1: in .a:"]),
    "misspelt at-rule": ("@meda print { .a { color: red; } }\n", ["@meda 'print' is not a rule this check knows"]),
}


@pytest.mark.parametrize("name", BROKEN)
def test_the_check_fails_on_a_broken_stylesheet(name):
    css, expected = BROKEN[name]
    found = "\n".join(stylesheet_problems(css))
    for problem in expected:
        assert problem in found, found
