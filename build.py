#!/usr/bin/env python3
"""Command line for the site: build (default), serve, check, preview, schema, diff."""

import argparse
import sys
from pathlib import Path

from pipeline.builder import build_site
from pipeline.datadiff import GitError, data_diff
from pipeline.errors import DataErrors, github_annotations, github_message, report, unexpected_error_message
from pipeline.history import messages_without_chinese
from pipeline.lint import check_and_lint
from pipeline.paths import ROOT, ProjectPaths
from pipeline.schema import write_generated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Guangzhou district targets site.")
    parser.add_argument(
        "--project",
        type=Path,
        default=ROOT,
        help="project folder holding data/, content/, templates/ and assets/ (default: this repository)",
    )
    commands = parser.add_subparsers(dest="command")
    build_parser = commands.add_parser("build", help="validate the data and write site/ (the default)")
    build_parser.add_argument(
        "--no-images", action="store_true", help="leave out the PNG images of charts and pages (a quicker build)"
    )
    serve_parser = commands.add_parser("serve", help="build, serve on localhost and rebuild on every edit")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--host", default="127.0.0.1")
    check_parser = commands.add_parser(
        "check", help="validate the data, then warn about likely mistakes; write nothing"
    )
    check_parser.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="text: each problem with its line and a caret (the default); github: GitHub Actions annotations",
    )
    preview_parser = commands.add_parser("preview", help="serve the built site/ as Netlify would (headers, gzip)")
    preview_parser.add_argument("--port", type=int, default=8000)
    commands.add_parser(
        "schema",
        help="write data/schema/*.json and the field reference of CONTRIBUTING.md and "
        "data/README.md from pipeline/models.py",
    )
    diff_parser = commands.add_parser("diff", help="say what changed in the data since a git ref, in plain words")
    diff_parser.add_argument("ref", help="a git ref: a branch, tag or commit (main, origin/main, HEAD~1)")
    args = parser.parse_args(argv)
    paths = ProjectPaths(args.project)

    if args.command == "serve":
        from pipeline.serve import serve  # livereload is only needed here

        serve(paths, host=args.host, port=args.port)
        return 0
    if args.command == "preview":
        from pipeline.netlify import SiteServer

        server = SiteServer(paths.site, paths.root / "netlify.toml", port=args.port)
        print(f"serving site/ with netlify.toml's headers at {server.url}/ (Ctrl-C stops)")
        server.serve_forever()
        return 0
    if args.command == "schema":
        try:
            changed = write_generated(paths.root)
        except ValueError as exc:  # a document lost the markers of its generated section
            print(exc, file=sys.stderr)
            return 1
        print("\n".join(f"wrote {name}" for name in changed) or "schemas and field reference are up to date")
        return 0
    if args.command == "diff":
        try:
            print(data_diff(paths, args.ref), end="")
        except GitError as exc:
            print(f"cannot read the data at '{args.ref}': {exc}", file=sys.stderr)
            return 2
        return 0
    if args.command == "check" and args.format == "github":
        return check_for_github(paths)
    try:
        if args.command == "check":
            dataset, warnings = check_and_lint(paths)
            for warning in warnings:
                print(warning, file=sys.stderr)
            for message in commit_warnings(paths):
                print(message, file=sys.stderr)
            print(checked(dataset, warnings))
        else:
            summary = build_site(paths, images=not getattr(args, "no_images", False))
            print(f"built {summary.pages} pages ({summary.files} files) from {summary.records} records into site/")
    except DataErrors as exc:
        print(report(exc.errors, paths.root), file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    except Exception as exc:  # whatever a file holds, the editor gets one line, never a traceback
        print(unexpected_error_message(exc, paths.root), file=sys.stderr)
        return 1
    return 0


def checked(dataset, warnings) -> str:
    """The line a check that found no error ends with."""
    count = sum(len(d.records) for d in dataset.districts)
    noted = f"; {len(warnings)} warning(s)" if warnings else ""
    return f"ok: {count} records in {len(dataset.districts)} districts, {len(dataset.sources)} sources{noted}"


def check_for_github(paths: ProjectPaths) -> int:
    """`check --format github`: every error and warning as an annotation on stdout, which GitHub shows at
    its line of the pull request's files; the count on stderr. Exit 1 on errors, as the text format."""
    try:
        dataset, warnings = check_and_lint(paths)
    except DataErrors as exc:
        print(github_annotations(exc.errors))
        print(f"{len(exc.errors)} problem(s) found.", file=sys.stderr)
        return 1
    except Exception as exc:  # whatever a file holds, one annotation, never a traceback
        print(github_message(unexpected_error_message(exc, paths.root)))
        return 1
    if warnings:
        print(github_annotations(warnings, "warning"))
    for message in commit_warnings(paths):
        print(github_message(message, "warning"))
    print(checked(dataset, warnings))
    return 0


def commit_warnings(paths: ProjectPaths) -> list[str]:
    """A warning for each data commit of this branch whose message's first line has no Chinese: it is
    the change log's entry (CONTRIBUTING.md, "Commit messages")."""
    return [
        f"warning: commit {short} changes the data, but its first line has no Chinese: “{subject}” — the change "
        "log shows it to readers: write it in Chinese (git commit --amend, or git rebase -i for an earlier "
        "commit); an English line may follow after a blank line, as “English: …”"
        for short, subject in messages_without_chinese(paths.root)
    ]


if __name__ == "__main__":
    sys.exit(main())
