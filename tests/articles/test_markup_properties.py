"""Property-based tests of the renderer: whatever the text, it never raises, never lets anything outside the
allow-lists through, and sanitizing its output again changes nothing.

`make test` runs a few hundred generated documents; `HYPOTHESIS_PROFILE=slow` (used by `make reliability`) runs
10,000 per property.
"""

from hypothesis import given
from hypothesis import strategies as st

from articles.markup import ARTICLE, render_markdown, sanitize_html
from comments.markup import COMMENT, render_comment
from tests.utils.html import parse_fragment
from tests.utils.markup import assert_harmless

# Pieces that make Markdown and HTML interesting to a parser, shuffled with arbitrary text.
FRAGMENTS = [
    "# ", "## ", "* ", "1. ", "> ", "```", "    ", "\n", "\n\n", "|", "---", "[", "]", "(", ")", "![", "[^1]",
    "[^1]: ", "`", "*", "_", "**", "~~", "||", "<", ">", "/", "\"", "'", "=", "&", "&#x6a;", "&lt;",
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=", "javascript:", "JaVaScRiPt:",
    "java\tscript:", "data:text/html,", "vbscript:", "onclick=", "style=", "<svg onload=", "<iframe ",
    "<!--", "-->", "<![CDATA[", "{: onclick=x}", "http://example.com", "https://open.spotify.com/x", "mailto:a@b",
    "[x](javascript:alert(1))", "[x][ref]\n\n[ref]: javascript:alert(1)", "<input type=text>", "<label>",
]  # fmt: skip

documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join)


def comment_allowed(tag: str, name: str) -> bool:
    return (
        name in COMMENT.attributes.get(tag, ())
        or name in {"lang", "title"}
        or (name == "class" and tag in COMMENT.classes)
        or (tag == "a" and name == "rel")
        or (tag == "input" and name == "type")
    )


@given(documents)
def test_article_markdown_always_renders_into_harmless_html(text):
    html = render_markdown(text, id_prefix="s1-")

    assert_harmless(html)
    assert sanitize_html(html, ARTICLE) == html


@given(documents)
def test_comment_markdown_stays_inside_the_comment_allow_list(text):
    html = render_comment(text)
    page = parse_fragment(html)

    assert page.tags <= COMMENT.tags
    assert all(comment_allowed(tag, name) for tag, name in page.attributes), page.attributes
    assert all(attrs.get("type") == "checkbox" for tag, attrs in page.elements if tag == "input")
    assert sanitize_html(html, COMMENT) == html


@given(st.text(max_size=300))
def test_sanitizing_any_html_twice_is_the_same_as_once(html):
    once = sanitize_html(html, ARTICLE)

    assert sanitize_html(once, ARTICLE) == once
    assert_harmless(once)
