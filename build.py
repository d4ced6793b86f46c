#!/usr/bin/env python3
"""Command line for the site: build (default), serve, check."""
import argparse
import sys
from pathlib import Path

from pipeline.builder import build_site, check_data
from pipeline.errors import DataErrors
from pipeline.paths import ROOT, ProjectPaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Guangzhou district targets site.")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="project folder holding data/, content/, templates/ and assets/ (default: this repository)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("build", help="validate the data and write site/ (the default)")
    serve_parser = commands.add_parser("serve", help="build, serve on localhost and rebuild on every edit")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--host", default="127.0.0.1")
    commands.add_parser("check", help="validate the data only; write nothing")
    preview_parser = commands.add_parser("preview", help="serve the built site/ as Netlify would (headers, gzip)")
    preview_parser.add_argument("--port", type=int, default=8000)
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
    try:
        if args.command == "check":
            dataset = check_data(paths)
            count = sum(len(d.records) for d in dataset.districts)
            print(f"ok: {count} records in {len(dataset.districts)} districts, {len(dataset.sources)} sources")
        else:
            summary = build_site(paths)
            print(f"built {summary.pages} pages ({summary.files} files) from {summary.records} records into site/")
    except DataErrors as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
