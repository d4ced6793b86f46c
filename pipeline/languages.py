"""The site's two languages, and how a text given in both is read.

Chinese is the site's first language, at /; English is at /en/. A bilingual field of the data
(a topic's name_zh and name_en, a source's title_zh and title_en …) is read through in_lang, and
each of content/ui.yaml's strings has its zh and en text.
"""

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh": "zh_CN", "en": "en_US"}


def other_lang(lang: Lang) -> Lang:
    """The other language: the one a page's language switch leads to."""
    return "en" if lang == "zh" else "zh"


def in_lang(item: object, field: str, lang: Lang) -> str:
    """A bilingual field in one language: in_lang(topic, "name", "en") is topic.name_en."""
    return getattr(item, f"{field}_{lang}")
