"""Security headers of netlify.toml, applied to every page of the built site as Netlify applies them.

Netlify sends the headers of EVERY [[headers]] rule whose path matches, and a browser
enforces every Content-Security-Policy it receives. So: the base policy and the other
hardening headers sit on "/*"; framing is denied by explicit rules per page type,
never on "/*", so that embed pages (/embed/*, /en/embed/*) can be framed by any site.

Each check has been seen to fail on a deliberately broken netlify.toml: a "/*" rule
denying framing (embed pages denied), a page type without its rule (that page framable),
'unsafe-inline' in script-src, a syntax error and a rule without "for" (Netlify's parser).
The small tests at the end keep those broken inputs.
"""

import json
import re
import subprocess
import tomllib
from pathlib import Path

from site_pages import SitePage, site_pages
from tools import missing_tool

from pipeline.netlify import header_rules, headers_for
from pipeline.paths import ROOT

NETLIFY_TOML = ROOT / "netlify.toml"
NETLIFY_CONFIG = ROOT / "node_modules" / ".bin" / "netlify-config"
EMBED_SAMPLES = [SitePage("embed/sample/index.html"), SitePage("en/embed/sample/index.html")]
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
SIX_MONTHS = 15_768_000
# Scripts come from this site only; 'wasm-unsafe-eval' lets the search compile Pagefind's WebAssembly
# (it allows no JavaScript eval). Anything else ('unsafe-inline', 'unsafe-eval', a host) is refused.
STRICT_SCRIPT_SOURCES = {"'self'", "'wasm-unsafe-eval'"}


def policies(headers: dict[str, list[str]]) -> list[dict[str, list[str]]]:
    """Every CSP the browser enforces: each header value, and each comma-separated policy within it."""
    found = []
    for value in headers.get("Content-Security-Policy", []):
        for policy in value.split(","):
            directives = [d.split() for d in policy.split(";") if d.strip()]
            found.append({d[0].lower(): d[1:] for d in directives})
    return found


def framing_problems(pages: list[SitePage], rules) -> list[str]:
    """Embed pages may be framed by any site; every other page by none."""
    problems = []
    for page in pages:
        for url in page.urls:
            headers = headers_for(url, rules)
            ancestors = [p["frame-ancestors"] for p in policies(headers) if "frame-ancestors" in p]
            if page.is_embed:
                if "X-Frame-Options" in headers or ancestors != [["*"]]:
                    problems.append(f"{url}: an embed must be framable: {headers.get('X-Frame-Options')}, {ancestors}")
            elif set(headers.get("X-Frame-Options", [])) != {"DENY"} or ["'none'"] not in ancestors:
                problems.append(f"{url}: framing is not denied (no rule for page type {page.kind!r}?)")
    return problems


def csp_problems(headers: dict[str, list[str]]) -> list[str]:
    """The base policy: nothing by default, scripts from this site only, no plugins, no <base> tricks."""
    base = [p for p in policies(headers) if "default-src" in p]
    if len(base) != 1:
        return [f"expected one base policy with default-src, found {len(base)}"]
    policy = base[0]
    problems = []
    scripts = policy.get("script-src", policy["default-src"])
    if not set(scripts) <= STRICT_SCRIPT_SOURCES:
        problems.append(f"script-src is not strict: {scripts}")
    if policy["default-src"] not in (["'none'"], ["'self'"]):
        problems.append(f"default-src should be 'none' or 'self': {policy['default-src']}")
    if policy.get("object-src", policy["default-src"]) != ["'none'"]:
        problems.append("object-src should be 'none'")
    if policy.get("base-uri") not in (["'none'"], ["'self'"]):
        problems.append("base-uri should be 'none' or 'self'")
    return problems


def hardening_problems(headers: dict[str, list[str]]) -> list[str]:
    """The headers Mozilla's Observatory scores, each sent once."""
    problems = [
        f"{name} sent {len(values)} times"
        for name, values in headers.items()
        if len(values) > 1 and name != "Content-Security-Policy"
    ]
    if headers.get("X-Content-Type-Options") != ["nosniff"]:
        problems.append("X-Content-Type-Options is not nosniff")
    if not set(headers.get("Referrer-Policy", ["none"])) <= STRICT_REFERRER:
        problems.append(f"Referrer-Policy is not strict: {headers.get('Referrer-Policy')}")
    if not headers.get("Permissions-Policy", [""])[0].strip():
        problems.append("no Permissions-Policy")
    max_age = re.search(r"max-age=(\d+)", " ".join(headers.get("Strict-Transport-Security", [])))
    if not max_age or int(max_age.group(1)) < SIX_MONTHS:
        problems.append("Strict-Transport-Security max-age is under six months")
    return problems


def every_page(site: Path) -> list[SitePage]:
    """The built site's pages, plus an embed page in each language even before the build makes one."""
    return site_pages(site) + EMBED_SAMPLES


def test_no_page_can_be_framed_except_embeds(real_site):
    pages = every_page(real_site)
    assert any(page.kind == "embed/*" for page in site_pages(real_site)), "the site has embed pages"
    assert framing_problems(pages, header_rules(NETLIFY_TOML)) == []


def test_every_page_gets_a_strict_csp_and_the_hardening_headers(real_site):
    rules = header_rules(NETLIFY_TOML)
    found = {
        url: csp_problems(headers_for(url, rules)) + hardening_problems(headers_for(url, rules))
        for page in every_page(real_site)
        for url in page.urls
    }
    assert {url: problems for url, problems in found.items() if problems} == {}


def test_the_catch_all_rule_neither_frames_nor_caches():
    """A "/*" rule reaches the embeds and merges into the assets' headers, so it must not carry these."""
    catch_all = [rule for rule in header_rules(NETLIFY_TOML) if rule.pattern == "/*"]
    assert len(catch_all) == 1
    assert not {"X-Frame-Options", "Cache-Control"} & set(catch_all[0].values)
    assert "frame-ancestors" not in catch_all[0].values.get("Content-Security-Policy", "")


def test_assets_are_cached_forever_and_data_is_open_to_other_sites():
    rules = header_rules(NETLIFY_TOML)
    assert headers_for("/assets/vendor/plotly-basic.min.0123456789.js", rules)["Cache-Control"] == [
        "public, max-age=31536000, immutable"
    ]
    assert "Cache-Control" not in headers_for("/topics/gdp/", rules)
    assert headers_for("/data/targets.csv", rules)["Access-Control-Allow-Origin"] == ["*"]
    assert headers_for("/en/data/charts/gdp-growth.svg", rules)["Access-Control-Allow-Origin"] == ["*"]
    assert "Access-Control-Allow-Origin" not in headers_for("/topics/gdp/", rules)


# Netlify's own parser.


def netlify_config(toml: Path) -> subprocess.CompletedProcess:
    """Run `netlify-config --offline` (npm package @netlify/config, pinned in package.json) on a file."""
    if not NETLIFY_CONFIG.exists():
        missing_tool("@netlify/config is not installed: `make test` runs `npm ci` (.ci/ensure-test-tools)")
    return subprocess.run(
        [str(NETLIFY_CONFIG), "--offline", "--config", str(toml), "--cwd", str(toml.parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def netlify_problems(toml: Path) -> list[str]:
    """What Netlify's parser refuses, warns about, or reads differently from tomllib."""
    run = netlify_config(toml)
    if run.returncode != 0:
        return [f"netlify-config exited {run.returncode}: {run.stderr.strip()}"]
    problems = [line.strip() for line in run.stderr.splitlines() if "warning" in line.lower()]
    netlify_headers = json.loads(run.stdout)["config"].get("headers", [])
    ours = tomllib.loads(toml.read_text(encoding="utf-8")).get("headers", [])
    if netlify_headers != ours:
        problems.append(f"Netlify reads the headers differently: {netlify_headers} != {ours}")
    return problems


def test_netlify_parses_the_file_and_reads_the_same_headers():
    assert netlify_problems(NETLIFY_TOML) == []


# The gates fed broken input.


def broken_toml(tmp_path, old: str, new: str) -> Path:
    """A copy of netlify.toml with one piece replaced."""
    text = NETLIFY_TOML.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "netlify.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_catch_all_rule_that_denies_framing_is_caught(tmp_path, real_site):
    toml = broken_toml(
        tmp_path,
        '  for = "/*"\n  [headers.values]\n',
        '  for = "/*"\n  [headers.values]\n    X-Frame-Options = "DENY"\n',
    )
    problems = framing_problems(every_page(real_site), header_rules(toml))
    assert problems and all("an embed must be framable" in p for p in problems)
    assert {"/embed/sample/", "/en/embed/sample/"} <= {p.split(":")[0] for p in problems}


def test_a_page_type_without_its_rule_is_caught():
    new_kind = SitePage("maps/gdp/index.html")
    assert framing_problems([new_kind], header_rules(NETLIFY_TOML)) == [
        f"{url}: framing is not denied (no rule for page type 'maps/*'?)"
        for url in ("/maps/gdp/", "/maps/gdp/index.html")
    ]


def test_unsafe_inline_scripts_are_caught(tmp_path):
    for added in ("'unsafe-inline'", "'unsafe-eval'", "https://cdn.example.org"):
        toml = broken_toml(
            tmp_path, "script-src 'self' 'wasm-unsafe-eval';", f"script-src 'self' 'wasm-unsafe-eval' {added};"
        )
        sources = ["'self'", "'wasm-unsafe-eval'", added]
        assert csp_problems(headers_for("/", header_rules(toml))) == [f"script-src is not strict: {sources}"]


def test_netlify_refuses_a_broken_file(tmp_path):
    toml = tmp_path / "netlify.toml"
    toml.write_text('[[headers]]\n  for = "/*"\n  [headers.values\n', encoding="utf-8")
    assert "Could not parse configuration file" in netlify_problems(toml)[0]
    toml.write_text('[[headers]]\n  values = { X-Frame-Options = "DENY" }\n', encoding="utf-8")
    assert any('Missing "for" field' in p or "syntax errors" in p for p in netlify_problems(toml))
