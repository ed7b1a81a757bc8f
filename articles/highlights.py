"""The placeholders left in an article, highlighted for its editors' preview: each in a ``<mark class="placeholder">``.

The placeholders are found in the Markdown (articles/placeholders.py says what counts as one), wrapped in two
private-use characters that Markdown passes through as text, and those become the ``<mark>``s once rendered; a mark
that lands inside a tag (a heading's id) is dropped there. The result is sanitized again against the preview's
allow-list. A mark beside a straight quote can turn its curly quote the other way (``"[title]`` reads as an opening
quote once a mark stands between them), so the curly quotes are taken, in order, from the page readers get.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .markup import ARTICLE, MarkupPolicy, render_markdown, sanitize_html, with_placeholder_marks
from .placeholders import placeholder_spans

_START, _END = "\ue000", "\ue001"
_MARKS = re.compile(f"([{_START}{_END}])")
_OPENED, _CONTINUED = '<mark class="placeholder">', '<mark class="placeholder placeholder-continued">'
TAB_LENGTH = 4  # Python-Markdown's
# A tag as nh3 writes it: attribute values always in double quotes, a quote inside one escaped.
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_CURLY_QUOTE = re.compile("[“”‘’]")


def render_highlighting_placeholders(text: str, policy: MarkupPolicy = ARTICLE, *, id_prefix: str = "") -> str:
    """``render_markdown(text, policy)``, with each placeholder in a ``<mark class="placeholder">``."""
    preview = with_placeholder_marks(policy)
    html = render_markdown(_between_marks(text), preview, id_prefix=id_prefix)
    pieces, last, state = [], 0, _MarkState()
    for tag in _TAG.finditer(html):
        pieces += [state.marked(html[last : tag.start()]), _without_marks(tag[0])]
        last = tag.end()
    pieces.append(state.marked(html[last:]))
    return _with_quotes_of(sanitize_html("".join(pieces), preview), render_markdown(text, policy, id_prefix=id_prefix))


def _with_quotes_of(html: str, readers_html: str) -> str:
    """``html`` with the curly quotes of ``readers_html``, in order (the same quotes, the marks aside)."""
    quotes = _CURLY_QUOTE.findall(readers_html)
    if len(quotes) != len(_CURLY_QUOTE.findall(html)):
        return html
    theirs = iter(quotes)
    return _CURLY_QUOTE.sub(lambda _: next(theirs), html)


def highlight_placeholders_in_text(text: str) -> SafeString:
    """Plain text (a title, a heading), escaped, with each placeholder in a ``<mark class="placeholder">``."""
    pieces, last = [], 0
    for start, end in placeholder_spans(text):
        pieces += [escape(text[last:start]), format_html('<mark class="placeholder">{}</mark>', text[start:end])]
        last = end
    return mark_safe("".join([*pieces, escape(text[last:])]))  # noqa: S308 (each piece escaped)


def _between_marks(text: str) -> str:
    # An editor's own private-use characters mean nothing here; tabs are expanded first, as Markdown does, so that
    # the marks do not move its tab stops.
    text = _without_marks(text).expandtabs(TAB_LENGTH)
    pieces, last = [], 0
    for start, end in placeholder_spans(text):
        pieces += [text[last:start], _START, text[start:end], _END]
        last = end
    return "".join(pieces) + text[last:]


def _without_marks(text: str) -> str:
    return text.replace(_START, "").replace(_END, "")


class _MarkState:
    """Where the HTML's text stands, between the marks, as it is read run by run (the runs between tags).

    A mark never spans a tag: a placeholder cut by one (``[a **b** c]``) gets a mark in each run, the first one named
    for readers who do not see the colour, the next ones only continuing it. The HTML is left as Markdown made it.
    """

    def __init__(self):
        self.inside = self.started = False

    def marked(self, run: str) -> str:
        pieces = []
        for part in _MARKS.split(run):
            if part == _START:
                self.inside, self.started = True, False
            elif part == _END:
                self.inside = False
            elif part and self.inside:
                pieces += [_CONTINUED if self.started else _OPENED, part, "</mark>"]
                self.started = True
            else:
                pieces.append(part)
        return "".join(pieces)
