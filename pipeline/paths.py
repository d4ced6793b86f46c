"""Folders of the project, anchored at the repository root so commands work from anywhere."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ProjectPaths:
    """Where a project's inputs and output live; tests point it at a scratch copy."""

    def __init__(self, root: Path = ROOT, site: Path | None = None):
        self.root = Path(root)
        self.data = self.root / "data"
        self.districts = self.data / "districts"
        self.sources = self.data / "sources"
        self.content = self.root / "content"
        self.templates = self.root / "templates"
        self.assets = self.root / "assets"
        self.site = Path(site) if site else self.root / "site"

    def display(self, path: Path) -> str:
        """A path as an editor would type it: relative to the project root."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()
