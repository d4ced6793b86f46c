"""`serve`: rebuild on every edit and reload the browser; a failed rebuild keeps the last good site."""
import sys

from livereload import Server

from .builder import build_site
from .errors import DataErrors
from .paths import ProjectPaths


def rebuild(paths: ProjectPaths) -> bool:
    """Build once, printing errors instead of raising: the server must stay up while an editor types."""
    try:
        summary = build_site(paths)
    except DataErrors as exc:
        print(f"\n{len(exc.errors)} problem(s); still serving the last good site:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return False
    print(f"built {summary.pages} pages from {summary.records} records", file=sys.stderr)
    return True


def serve(paths: ProjectPaths, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve paths.site with livereload, watching every input folder."""
    rebuild(paths)
    server = Server()
    for folder in (paths.data, paths.content, paths.templates, paths.assets):
        server.watch(str(folder), lambda: rebuild(paths), delay=0.2)
    print(f"serving http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    server.serve(root=str(paths.site), host=host, port=port, open_url_delay=None, restart_delay=0)
