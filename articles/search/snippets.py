"""A search result's snippet: the headline full text cut around the matches, escaped, then highlighted."""

import html

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .postgres import HIGHLIGHT_START, HIGHLIGHT_STOP

EXCERPT_WORDS = 40


def one_line(text: str) -> str:
    """Text on one line, without the characters reserved for highlights."""
    return " ".join(text.replace(HIGHLIGHT_START, " ").replace(HIGHLIGHT_STOP, " ").split())


def plain_text(fragment: str) -> str:
    """Rendered (and sanitized) HTML as one line of plain text."""
    return one_line(html.unescape(strip_tags(fragment)))


def search_snippet(article) -> SafeString:
    """The search result's snippet as HTML: its matches in <mark>, everything else escaped.

    Without a headline (a search on SQLite), the start of the standfirst.
    """
    headline = getattr(article, "search_headline", None)
    if not headline:
        return escape(Truncator(plain_text(article.standfirst_html)).words(EXCERPT_WORDS))
    highlighted = escape(headline).replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    return mark_safe(highlighted)  # noqa: S308 (escaped above; the only tags are the highlights ts_headline paired)
