"""Serve site/ as Netlify would: the header rules of netlify.toml, gzip, /404.html.

Tests, the benchmark and `build.py preview` use this to see the site with its
real production headers rather than a bare file server's.
"""

import gzip
import re
import threading
import tomllib
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".csv", ".svg", ".txt", ".xml")


@dataclass(frozen=True)
class HeaderRule:
    """One [[headers]] table: a path pattern and the headers it sets."""

    pattern: str
    values: dict[str, str]

    def matches(self, path: str) -> bool:
        return _pattern_regex(self.pattern).fullmatch(path) is not None


def _pattern_regex(pattern: str) -> re.Pattern:
    # Netlify patterns: "*" (the splat) matches anything, slashes included; ":name" one segment.
    parts = []
    for token in re.split(r"(\*|:[A-Za-z_]+)", pattern):
        if token == "*":
            parts.append(".*")
        elif token.startswith(":"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


def header_rules(netlify_toml: Path) -> list[HeaderRule]:
    """The [[headers]] rules of a netlify.toml, in file order."""
    config = tomllib.loads(Path(netlify_toml).read_text(encoding="utf-8"))
    return [
        HeaderRule(rule["for"], {k: str(v) for k, v in rule.get("values", {}).items()})
        for rule in config.get("headers", [])
    ]


def headers_for(path: str, rules: list[HeaderRule]) -> dict[str, list[str]]:
    """Every header value that applies to a request path: Netlify applies all matching rules."""
    found: dict[str, list[str]] = {}
    for rule in rules:
        if rule.matches(path):
            for name, value in rule.values.items():
                # Multi-line TOML values are sent as one line.
                found.setdefault(name, []).append(" ".join(value.split()))
    return found


class _Handler(SimpleHTTPRequestHandler):
    rules: list[HeaderRule] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        local = Path(self.translate_path(path))
        if local.is_dir():
            if not path.endswith("/"):
                return super().send_head()  # the stock redirect to the slash-terminated URL
            local = local / "index.html"
        status = 200
        if not local.is_file():
            local, status = Path(self.directory) / "404.html", 404
        body = local.read_bytes()
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and local.suffix in COMPRESSIBLE
        if gzipped:
            body = gzip.compress(body, mtime=0)
        headers = headers_for(path, self.rules)
        self.send_response(status)
        # A rule may name the type (the Atom feeds'), as Netlify lets it.
        self.send_header("Content-Type", ", ".join(headers.pop("Content-Type", [self.guess_type(str(local))])))
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        for name, values in headers.items():
            self.send_header(name, ", ".join(values))
        self.end_headers()
        return BytesIO(body)


class SiteServer:
    """A static server for a built site with Netlify's headers; use as a context manager."""

    def __init__(self, site_dir: Path, netlify_toml: Path, port: int = 0, host: str = "127.0.0.1"):
        handler = type("NetlifyHandler", (_Handler,), {"rules": header_rules(netlify_toml)})
        self.httpd = ThreadingHTTPServer((host, port), partial(handler, directory=str(site_dir)))
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SiteServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in the foreground until interrupted."""
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()
