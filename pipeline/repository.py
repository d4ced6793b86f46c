"""Where the site's files are kept on GitHub, for each record card's "report an error" and "edit" links,
and the e-mail that reports an error without GitHub.

The address comes from the build environment (Netlify sets REPOSITORY_URL) or, failing that, from
content/site.yaml. Without either, or for a host other than GitHub, the links are left out: a link
that leads nowhere is worse than none. The editors' address (content/site.yaml's editors_email) is
for readers without a GitHub account, or for whom GitHub is slow to reach.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

ISSUE_FORM = "data-error.yml"  # .github/ISSUE_TEMPLATE/data-error.yml; its field ids are the parameters below
# GitHub's own rules: an owner of letters, digits and inner hyphens; a name of letters, digits, '_', '-' and
# '.' but never '.' or '..' (an address of ../.. must not make links that climb out of github.com).
OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?"
NAME = r"(?:[A-Za-z0-9_-]|\.[A-Za-z0-9_-])[A-Za-z0-9_.-]{0,98}?"
GITHUB_PATTERN = rf"^(?:https://github\.com/|git@github\.com:)({OWNER})/({NAME})(?:\.git)?/?$"
GITHUB = re.compile(GITHUB_PATTERN)
# A branch as git allows it, more strictly: parts of letters, digits, '_', '+' and '-' joined by single
# '/' or '.' (so no '..', no leading '/', no control character), at most 100 characters.
BRANCH_PATTERN = r"^[A-Za-z0-9_+-]+(?:[./][A-Za-z0-9_+-]+)*$"
MAX_BRANCH = 100
# An address a mail program accepts in a mailto: link: no spaces, quotes or brackets to escape.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"


@dataclass(frozen=True)
class Repository:
    """A GitHub repository and the branch the site is built from."""

    owner: str
    name: str
    branch: str

    @property
    def web_url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    def report_url(self, record_id: str, page: str, title: str) -> str:
        """A new issue in the data-error form, with its title (in the page's language), the record's
        id and page filled in."""
        query = urlencode({"template": ISSUE_FORM, "title": title, "record": record_id, "page": page})
        return f"{self.web_url}/issues/new?{query}"

    def commit_url(self, commit: str) -> str:
        """A commit's page: the version of the data a change of the change log made."""
        return f"{self.web_url}/commit/{commit}"

    def edit_url(self, path: str) -> str:
        """GitHub's editor for a file of the repository (it opens at the top: the card names the line)."""
        return f"{self.web_url}/edit/{quote(self.branch)}/{quote(path)}"


def mail_url(address: str, subject: str, body: str) -> str:
    """A mailto: link with its subject and body filled in (spaces as %20, lines as CRLF: RFC 6068)."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def repository_from(address: str | None, branch: str) -> Repository | None:
    """The repository at a GitHub address (https://github.com/owner/name or git@github.com:owner/name),
    or None for no address, another host, or a branch git would not name so (content.py refuses it)."""
    found = GITHUB.match((address or "").strip())
    if not found or len(branch) > MAX_BRANCH or not re.match(BRANCH_PATTERN, branch):
        return None
    return Repository(found[1], found[2], branch)
