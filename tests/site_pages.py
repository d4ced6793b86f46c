"""The pages of a built site, grouped by the shape of their path.

Page types are discovered from the files, not listed by hand, so a new kind of
page (an /embed/<chart>/ page, say) is tested as soon as the build makes one.
"""

from dataclasses import dataclass
from pathlib import Path

OTHER_LANG = {"zh": "en", "en": "zh"}
CHART_MARKER = 'class="chart-plot'


@dataclass(frozen=True)
class SitePage:
    """One HTML file of a built site."""

    file: str  # relative to site/, e.g. "en/topics/gdp/index.html"

    @property
    def lang(self) -> str:
        return "en" if self.file.startswith("en/") else "zh"

    @property
    def _parts(self) -> list[str]:
        parts = self.file.split("/")
        if self.lang == "en":
            parts = parts[1:]
        return parts[:-1] if parts[-1] == "index.html" else parts

    @property
    def kind(self) -> str:
        """The path shape: "home", "404", "about", "topics/*", "districts/*/*", "embed/*" …

        The first folder names the section; every deeper folder is an id, shown as "*".
        """
        parts = self._parts
        if not parts:
            return "home"
        if parts == ["404.html"]:
            return "404"
        return "/".join([parts[0]] + ["*"] * (len(parts) - 1))

    @property
    def is_embed(self) -> bool:
        return self._parts[:1] == ["embed"]

    @property
    def url(self) -> str:
        """The URL a reader uses: folders end in "/", other files keep their name."""
        if self.file == "index.html":
            return "/"
        if self.file.endswith("/index.html"):
            return "/" + self.file[: -len("index.html")]
        return "/" + self.file

    @property
    def urls(self) -> list[str]:
        """Every path the page is served at: "/topics/gdp/" and "/topics/gdp/index.html"."""
        return sorted({self.url, "/" + self.file})

    @property
    def counterpart(self) -> str:
        """The same page's file in the other language (which may not exist, as for 404.html)."""
        return self.file[len("en/") :] if self.lang == "en" else "en/" + self.file


def site_pages(site: Path) -> list[SitePage]:
    """Every HTML file of a built site, in path order; of the pinned embeds ("embed/*/*"), those of one
    chart only, in every release and language. There are charts × releases × 2 of them, each made by the
    same template and code as the latest embed; test_pinned_embeds.py reads every one of them."""
    pages = [SitePage(p.relative_to(site).as_posix()) for p in sorted(Path(site).rglob("*.html"))]
    pinned = [page for page in pages if page.kind == "embed/*/*"]
    walked = {page._parts[1] for page in pinned[:1]}
    return [page for page in pages if page.kind != "embed/*/*" or page._parts[1] in walked]


def chart_count(site: Path, page: SitePage) -> int:
    return (Path(site) / page.file).read_text(encoding="utf-8").count(CHART_MARKER)


def representatives(site: Path) -> dict[tuple[str, str], SitePage]:
    """One page of each (language, kind): the one with the most charts, so charts get tested too."""
    chosen: dict[tuple[str, str], SitePage] = {}
    for page in site_pages(site):
        key = (page.lang, page.kind)
        if key not in chosen or chart_count(site, page) > chart_count(site, chosen[key]):
            chosen[key] = page
    return dict(sorted(chosen.items()))
