"""build.py as an editor runs it: exit codes, messages on stderr, nothing written on error."""

import subprocess
import sys

from pipeline.paths import ROOT


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, timeout=300)


def test_check_passes_and_writes_nothing(project):
    result = run("--project", str(project.root), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: 4 records in 2 districts, 2 sources"
    assert not project.paths.site.exists()


def test_check_on_broken_yaml_prints_every_problem_and_exits_non_zero(project):
    project.edit("data/districts/alpha.yaml", "    value: 5.5\n", "    value: 5.5%\n")
    project.edit("data/districts/alpha.yaml", "    unit: people\n", "    unit: people\n    unit: people\n")
    result = run("--project", str(project.root), "check")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "data/districts/alpha.yaml:12:12: alpha-gdp-growth.value: expected a number, got the text '5.5%'"
        " — write the bare number in base units, without quotes, % or unit words (5.5, 18000, 70000000000)",
        "   12 |     value: 5.5%",
        "      |            ^",
        "data/districts/alpha.yaml:29:5: alpha-new-jobs.unit: duplicate key (first written on line 28)"
        " — keep one of the two: YAML would silently drop the first",
        "   29 |     unit: people",
        "      |     ^",
        "2 problem(s) found; nothing was written.",
    ]
    assert not project.paths.site.exists()


def test_build_is_the_default_command(project):
    result = run("--project", str(project.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ")
    assert (project.paths.site / "index.html").is_file()


def test_build_without_images_leaves_out_only_the_png_files(project):
    site = project.paths.site
    assert run("--project", str(project.root), "build").returncode == 0
    whole = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    result = run("--project", str(project.root), "build", "--no-images")
    assert result.returncode == 0, result.stderr
    quick = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    assert quick == {p for p in whole if p.suffix != ".png"} and len(whole) - len(quick) > 20


def test_failed_build_keeps_the_previous_site(project):
    assert run("--project", str(project.root), "build").returncode == 0
    before = (project.paths.site / "index.html").read_bytes()
    project.edit("data/districts/beta.yaml", "source: beta-report", "source: beta-reports")
    result = run("--project", str(project.root), "build")
    assert result.returncode == 1
    assert "unknown source 'beta-reports'" in result.stderr
    assert (project.paths.site / "index.html").read_bytes() == before


def test_check_for_github_annotates_each_problem_at_its_line(project):
    """`check --format github`: one workflow command per problem, which GitHub shows in the pull request's
    files; % in the message escaped as GitHub reads it, so the text arrives as written."""
    project.edit("data/districts/alpha.yaml", "    value: 5.5\n", '    value: "5.5%"\n')
    result = run("--project", str(project.root), "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=data/districts/alpha.yaml,line=12,col=12::alpha-gdp-growth.value: expected a number,"
        " got the text '5.5%25' — write the bare number in base units, without quotes, %25 or unit words"
        " (5.5, 18000, 70000000000)"
    ]
    assert result.stderr == "1 problem(s) found.\n"
    assert not project.paths.site.exists()


def test_check_for_github_annotates_warnings_and_passes(project):
    project.edit("data/districts/beta.yaml", "    kind: actual\n", "    kind: target\n")
    result = run("--project", str(project.root), "check", "--format", "github")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "::warning file=data/districts/beta.yaml,line=8,col=11::beta-h1-gdp-growth.kind: a target for the first"
        ' half (period "2025-H1") — the documents report first-half results, not targets: write kind: actual,'
        ' or the period the target is for ("2025" or "2025-H2")',
        "ok: 4 records in 2 districts, 2 sources; 1 warning(s)",
    ]


def test_check_for_github_escapes_what_would_end_a_workflow_command():
    from pipeline.errors import DataError, github_annotations

    error = DataError("data/a,b:c.yaml", 3, 4, "x", "50%\nnext\r", "::stop-commands::")
    assert github_annotations([error], "warning") == (
        "::warning file=data/a%2Cb%3Ac.yaml,line=3,col=4::x: 50%25%0Anext%0D — ::stop-commands::"
    )
